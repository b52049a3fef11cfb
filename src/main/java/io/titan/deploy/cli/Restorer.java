package io.titan.deploy.cli;

import io.titan.deploy.config.EnvValue;
import io.titan.deploy.config.Topology;
import io.titan.deploy.pm2.Pm2App;
import io.titan.deploy.pm2.Pm2Binary;
import io.titan.deploy.release.ReleaseRecord;
import io.titan.deploy.release.ReleaseStore;
import io.titan.deploy.release.StoredApp;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Hands the restore of an interrupted deployment to a process Jenkins cannot kill: {@code
 * titan-deploy recover} started as a one-shot app of the target's PM2 daemon.
 *
 * <p>A cancelled build gets SIGTERM and, about 5 s later, SIGKILL, for every process that carries
 * the build's {@code JENKINS_NODE_COOKIE}. A restore inside the CLI can be cut off between
 * removing a service and starting its previous version, which leaves the service down. The
 * daemon's apps carry only the environment they are given, live outside the build's process tree,
 * and survive the build. The restorer waits for the deployment's lock (free the moment the CLI
 * dies), restores the unfinished release, then deletes its own app.
 *
 * <p>Its environment is the minimal one plus the variables the releases' secrets are resolved
 * from, and nothing secret goes into its arguments.
 */
final class Restorer {

    /** The restorer's PM2 app name. */
    static final String APP = "titan-deploy-restore";
    /** Long enough for any deployment to let go of the lock; the CLI gives it up when it exits. */
    static final String WAIT_LOCK = "10m";
    private static final String MAIN = TitanDeployCli.class.getName();
    private static final List<String> PASSED_ON = List.of(Pm2Binary.ENV_PM2, Pm2Binary.ENV_PROJECT_DIR);

    private Restorer() {
    }

    /**
     * Starts the restorer for {@code target}, with the topology as {@code options} name it.
     *
     * @throws io.titan.deploy.TitanException when PM2 does not start it
     */
    static void launch(Target target, TopologyOptions options, Topology topology, Map<String, String> environment) {
        List<String> args = new ArrayList<>(List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
                "-cp", System.getProperty("java.class.path"), MAIN, "recover"));
        args.addAll(options.absolute().asArgumentList());
        args.addAll(List.of("--wait-lock", WAIT_LOCK, "--restorer"));
        Pm2App app = Pm2App.builder(APP, javaBinary())
                .cwd(Path.of(System.getProperty("user.dir")))
                .args(args)
                .env(environment(target, topology, environment))
                .autorestart(false)
                .maxRestarts(0)
                .build();
        target.pm2().start(app);
    }

    private static Path javaBinary() {
        return ProcessHandle.current().info().command().map(Path::of)
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java"));
    }

    /** How to find pm2 again, and every variable a secret of this topology or of a recorded release names. */
    private static Map<String, String> environment(Target target, Topology topology, Map<String, String> environment) {
        List<String> names = new ArrayList<>(PASSED_ON);
        topology.services().values().forEach(spec -> spec.env().values().forEach(v -> names.addAll(v.variables())));
        for (ReleaseRecord record : new ReleaseStore(target.stateDir()).list()) {
            for (ReleaseRecord.PreviousApp previous : record.previous().values()) {
                if (previous.app() != null) {
                    names.addAll(variables(previous.app()));
                }
            }
        }
        Map<String, String> env = new TreeMap<>();
        for (String name : names) {
            String value = environment.get(name);
            if (value != null) {
                env.put(name, value);
            }
        }
        return env;
    }

    private static List<String> variables(StoredApp app) {
        List<String> names = new ArrayList<>();
        app.secretEnv().values().stream().filter(t -> t != null).forEach(t -> names.addAll(EnvValue.of(t).variables()));
        return names;
    }
}
