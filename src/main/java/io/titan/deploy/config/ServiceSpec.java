package io.titan.deploy.config;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * One service of a topology, validated and with paths resolved.
 *
 * @param name           PM2 app name, {@code [a-z0-9][a-z0-9._-]*}
 * @param script         absolute path of the entry script (exists)
 * @param cwd            absolute working directory
 * @param args           script arguments
 * @param port           the port it listens on, or null
 * @param dependsOn      direct dependencies, sorted
 * @param restartWith    dependencies whose change restarts this service too
 * @param memory         PM2 {@code max_memory_restart}
 * @param instances      PM2 instances (more than 1 means cluster mode, see {@link #clusterMode()})
 * @param env            environment, secrets unresolved
 * @param health         how readiness is proven, or null (then only PM2's status counts)
 * @param startupTimeout how long the service may take to become healthy
 * @param healthTimeout  the timeout of one health request
 * @param soak           how long PM2 must show no restart after the service became healthy
 * @param code           where its code lives, absolute: its working directory first, then the
 *                       extra paths the topology names ({@code code: [../shared-lib]})
 * @param ignore         glob patterns of paths, relative to each code path, that are not code
 *                       ({@code ignore: ["docs/**", "*.md"]})
 * @param host           the name of the host it runs on ({@link HostSpec#LOCAL} without {@code hosts:})
 * @param logLines       how many of its last output lines a failure shows (0 to 1000)
 * @param replacement    how a running start of it is replaced: cluster mode, ready message, kill
 *                       timeout, the bound on downtime
 */
public record ServiceSpec(
        String name,
        Path script,
        Path cwd,
        List<String> args,
        Integer port,
        List<String> dependsOn,
        Set<String> restartWith,
        ByteSize memory,
        int instances,
        Map<String, EnvValue> env,
        HealthSpec health,
        Duration startupTimeout,
        Duration healthTimeout,
        Duration soak,
        List<Path> code,
        List<String> ignore,
        String host,
        int logLines,
        Replacement replacement) {

    /** How many output lines a failure shows when the topology does not say ({@code logLines}). */
    public static final int DEFAULT_LOG_LINES = 40;

    public ServiceSpec {
        args = List.copyOf(args);
        dependsOn = List.copyOf(dependsOn);
        restartWith = Set.copyOf(restartWith);
        env = Map.copyOf(env);
        code = List.copyOf(code);
        ignore = List.copyOf(ignore);
    }

    /** Whether PM2 runs it in cluster mode: {@code cluster: true}, or two instances or more. */
    public boolean clusterMode() {
        return replacement.cluster() || instances > 1;
    }

    public Optional<HealthSpec> healthCheck() {
        return Optional.ofNullable(health);
    }

    /** The URL of an HTTP health check, {@code http://127.0.0.1:3000/health}, if it has one. */
    public Optional<URI> healthUrl() {
        if (health instanceof HealthSpec.Http http) {
            return Optional.of(URI.create("http://" + http.host() + ":" + port + http.path()));
        }
        return Optional.empty();
    }
}
