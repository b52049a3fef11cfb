package io.titan.deploy.release;

import io.titan.deploy.change.Fingerprint;
import io.titan.deploy.pm2.Pm2App;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * A PM2 app definition as a release record keeps it on disk. Secret environment values are never
 * stored: {@code secretEnv} holds the {@code ${VAR}} template each one came from, resolved again
 * from the environment when the app is restored.
 *
 * @param env       plain environment values
 * @param secretEnv   secret keys and their templates ({@code ${BINANCE_API_KEY}}); a null template
 *                    means the value is secret but where it came from is unknown
 * @param fingerprint the parts of the definition's and code's fingerprint when it was deployed, or
 *                    null when unknown (an app this engine did not start)
 * @param releaseId   the release that started it, kept with it in PM2 again when it is restored; null
 *                    when unknown (an app this engine did not start, or a record written before)
 * @param cluster     PM2 cluster mode asked for even with one instance (false in records written
 *                    before it was kept: their cluster apps had two instances or more)
 * @param waitReady   PM2's wait_ready: the app says {@code process.send('ready')} once it serves
 */
public record StoredApp(
        String name,
        String script,
        String cwd,
        List<String> args,
        Map<String, String> env,
        Map<String, String> secretEnv,
        int instances,
        String maxMemoryRestart,
        boolean autorestart,
        int maxRestarts,
        long killTimeoutMs,
        long minUptimeMs,
        long restartDelayMs,
        Map<String, String> fingerprint,
        String releaseId,
        boolean cluster,
        boolean waitReady) {

    public StoredApp {
        args = List.copyOf(args);
        env = new TreeMap<>(env);
        secretEnv = new TreeMap<>(secretEnv);
        fingerprint = fingerprint == null ? null : new TreeMap<>(fingerprint);
    }

    /**
     * Stores {@code app} with the fingerprint it carries, keeping the values of
     * {@code secretTemplates}' keys out of it.
     *
     * @param secretTemplates secret keys and their templates (values may be null)
     */
    public static StoredApp of(Pm2App app, Map<String, String> secretTemplates) {
        Map<String, String> fingerprint = Fingerprint.decode(app.fingerprint()).map(Fingerprint::parts).orElse(null);
        Map<String, String> plain = new TreeMap<>();
        Map<String, String> secret = new TreeMap<>();
        app.env().forEach((key, value) -> {
            if (secretTemplates.containsKey(key)) {
                secret.put(key, secretTemplates.get(key));
            } else {
                plain.put(key, value);
            }
        });
        return new StoredApp(app.name(), app.script().toString(), app.cwd().toString(), app.args(), plain, secret,
                app.instances(), app.maxMemoryRestart(), app.autorestart(), app.maxRestarts(),
                app.killTimeout().toMillis(), app.minUptime().toMillis(), app.restartDelay().toMillis(), fingerprint,
                app.releaseId(), app.clusterMode(), app.waitReady());
    }

    /**
     * Whether PM2's {@code running} definition is this one: same script, cwd, args, instances, exec
     * mode, memory limit and environment keys, with equal plain values (secret values are not stored
     * to compare).
     */
    public boolean sameDefinition(Pm2App running) {
        if (!running.script().toString().equals(script) || !running.cwd().toString().equals(cwd)
                || !running.args().equals(args) || running.instances() != instances
                || running.clusterMode() != (cluster || instances > 1)
                || !Objects.equals(running.maxMemoryRestart(), maxMemoryRestart)) {
            return false;
        }
        Set<String> keys = new TreeSet<>(env.keySet());
        keys.addAll(secretEnv.keySet());
        if (!keys.equals(running.env().keySet())) {
            return false;
        }
        return env.entrySet().stream().allMatch(e -> e.getValue().equals(running.env().get(e.getKey())));
    }

    /**
     * The PM2 definition again, secrets resolved from {@code environment}.
     *
     * @throws IllegalStateException naming the key and variable when a secret cannot be resolved
     */
    public Pm2App toPm2App(Map<String, String> environment) {
        Map<String, String> resolved = new TreeMap<>(env);
        secretEnv.forEach((key, template) -> {
            if (template == null) {
                throw new IllegalStateException(name + ": secret env " + key + " has no known source to restore it from");
            }
            resolved.put(key, Templates.resolve(template, environment, name + " env " + key));
        });
        return Pm2App.builder(name, Path.of(script))
                .cwd(Path.of(cwd))
                .args(args)
                .env(resolved)
                .instances(instances)
                .maxMemoryRestart(maxMemoryRestart)
                .autorestart(autorestart)
                .maxRestarts(maxRestarts)
                .killTimeout(Duration.ofMillis(killTimeoutMs))
                .minUptime(Duration.ofMillis(minUptimeMs))
                .restartDelay(Duration.ofMillis(restartDelayMs))
                .fingerprint(fingerprint == null ? null : new Fingerprint(fingerprint).encode())
                .releaseId(releaseId)
                .cluster(cluster)
                .waitReady(waitReady)
                .build();
    }
}
