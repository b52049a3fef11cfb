package io.titan.deploy.pm2;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * The daemon calls behind a replacement worker by worker ({@link ClusterReload}): one more worker
 * of an app beside those that run, one worker stopped. Neither is retried on a new connection: a
 * daemon that went away mid-replacement took the workers with it, and the replacement has failed.
 */
final class Workers {

    private final Pm2Daemon daemon;
    private final Path pm2Home;
    private final Map<String, String> baseEnv;
    private final Duration timeout;
    private final Path node;
    private final String user;

    Workers(Pm2Daemon daemon, Path pm2Home, Map<String, String> baseEnv, Duration timeout, Path node, String user) {
        this.daemon = daemon;
        this.pm2Home = pm2Home;
        this.baseEnv = baseEnv;
        this.timeout = timeout;
        this.node = node;
        this.user = user;
    }

    /** PM2 reports a missing cwd as {@code online} with no pid: both are checked before it is asked. */
    static void requireRunnable(Pm2App app) {
        if (!Files.isRegularFile(app.script())) {
            throw new Pm2Exception(app.name() + ": script " + app.script() + " does not exist");
        }
        if (!Files.isDirectory(app.cwd())) {
            throw new Pm2Exception(app.name() + ": cwd " + app.cwd() + " is not a directory");
        }
    }

    /**
     * Starts one more cluster worker of {@code app}, as instance {@code instance}, beside the
     * processes of that name that run: the first half of what {@code pm2 reload} does for each
     * worker, with the new definition. Two processes of one name are nothing unusual to the daemon
     * (its own reload runs the old and the new worker side by side); the pm2 CLI would restart an app
     * of that name instead, so this goes to the daemon directly.
     *
     * @return the worker, with the pid and {@code unique_id} PM2 gave it
     * @throws Pm2Exception when the app is not in cluster mode, its script or cwd is missing, or the daemon refuses it
     */
    Pm2Process start(Pm2App app, int instance) {
        if (!app.clusterMode()) {
            throw new Pm2Exception(app.name() + " runs in fork mode: it has no workers to start one by one");
        }
        requireRunnable(app);
        JsonNode processes = daemon.running().call("prepare", timeout,
                AppConfig.worker(app, instance, pm2Home, baseEnv, node, user)).path(0);
        if (!processes.isArray() || processes.size() != 1) {
            throw new Pm2Exception("PM2 was asked for one worker of " + app.name() + " and started "
                    + (processes.isArray() ? processes.size() : 0));
        }
        return Jlist.process(processes.get(0));
    }

    /**
     * Stops one process and forgets it, as {@code pm2 delete ID} does: SIGINT, SIGKILL after its
     * kill timeout; returns once it is gone. Nothing happens when the daemon has no such process.
     */
    void stop(int pmId) {
        Optional<DaemonRpc> rpc = daemon.ifRunning();
        if (rpc.isEmpty()) {
            return;
        }
        boolean known = Jlist.apps(rpc.get().call("getMonitorData", Pm2Daemon.QUICK_CALL, Map.of()).path(0)).stream()
                .anyMatch(node -> node.path("pm2_env").path("pm_id").asInt(node.path("pm_id").asInt(-1)) == pmId);
        if (known) {
            rpc.get().call("deleteProcessId", timeout, pmId);
        }
    }
}
