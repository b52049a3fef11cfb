package io.titan.deploy.bench;

import io.titan.deploy.pm2.Ecosystem;
import io.titan.deploy.pm2.Pm2App;
import io.titan.deploy.pm2.Pm2Manager;
import io.titan.deploy.testing.Sandbox;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * Scenario 7: one PM2 operation through the engine's socket client ({@link Pm2Manager}, the
 * connection already open, as during a deployment) against the same operation through the pm2
 * CLI, as a user or the old engine ran it. Both on one daemon that runs seven stand-ins, so that
 * the process list is as long as a Titan target's.
 *
 * <ul>
 *   <li>ping: {@link Pm2Manager#ping()} against {@code pm2 ping};
 *   <li>process list: {@link Pm2Manager#getProcessList()} (getMonitorData, parsed) against
 *       {@code pm2 jlist};
 *   <li>start of one app: {@link Pm2Manager#start(Pm2App)} (a getMonitorData to replace any app of
 *       that name, then prepare) against {@code pm2 start} of a one-app ecosystem file, each until
 *       the call returns (the app is then booting), each app deleted again untimed.
 * </ul>
 */
final class CallBench {

    static final int SOCKET_CALLS = 50;
    static final int SOCKET_STARTS = 10;
    static final int CLI_CALLS = 5;
    static final int RUNNING_APPS = 7;
    /** Issue 11's targets, medians. */
    static final double QUICK_CALL_MS = 5;
    static final double START_MS = 80;

    private final Results results;

    CallBench(Results results) {
        this.results = results;
    }

    void run() throws Exception {
        String scenario = "7 PM2 calls";
        Map<String, Object> detail = new LinkedHashMap<>();
        try (Sandbox sandbox = new Sandbox()) {
            Pm2Manager pm2 = sandbox.pm2();
            pm2.ping();
            List<Pm2App> running = new ArrayList<>();
            for (int i = 0; i < RUNNING_APPS; i++) {
                running.add(app("running-" + i));
            }
            pm2.startAll(running);

            List<Double> socketPing = timed(SOCKET_CALLS, () -> {
                if (!pm2.ping()) {
                    throw new IllegalStateException("ping over the socket failed");
                }
                return null;
            });
            List<Double> cliPing = new ArrayList<>();
            for (int i = 0; i < CLI_CALLS; i++) {
                cliPing.add(StandIns.pm2Cli(sandbox, "ping"));
            }
            List<Double> socketList = timed(SOCKET_CALLS, () -> {
                if (pm2.getProcessList().size() != RUNNING_APPS) {
                    throw new IllegalStateException("getMonitorData did not list the " + RUNNING_APPS + " apps");
                }
                return null;
            });
            List<Double> cliList = new ArrayList<>();
            for (int i = 0; i < CLI_CALLS; i++) {
                cliList.add(StandIns.pm2Cli(sandbox, "jlist"));
            }
            List<Double> socketStart = new ArrayList<>();
            for (int i = 0; i < SOCKET_STARTS + 1; i++) {
                Pm2App app = app("socket-start-" + i);
                long t = System.nanoTime();
                pm2.start(app);
                double ms = (System.nanoTime() - t) / 1e6;
                if (i > 0) {
                    // The first start loads classes and warms the JIT: not what a deployment pays per service.
                    socketStart.add(Results.round(ms, 2));
                }
                pm2.delete(app.name());
            }
            List<Double> cliStart = new ArrayList<>();
            for (int i = 0; i < CLI_CALLS; i++) {
                Pm2App app = app("cli-start-" + i);
                Path eco = sandbox.dir().resolve("cli-start-" + i + ".json");
                Files.writeString(eco, Ecosystem.toJson(List.of(app)));
                cliStart.add(StandIns.pm2Cli(sandbox, "start", eco.toString()));
                pm2.delete(app.name());
            }

            row(scenario, "ping", socketPing, cliPing, "pm2 ping", QUICK_CALL_MS);
            row(scenario, "getMonitorData (" + RUNNING_APPS + " apps)", socketList, cliList, "pm2 jlist", QUICK_CALL_MS);
            row(scenario, "start one app (getMonitorData + prepare)", socketStart, cliStart, "pm2 start", START_MS);
            detail.put("socketPingMs", socketPing);
            detail.put("cliPingMs", cliPing);
            detail.put("socketGetMonitorDataMs", socketList);
            detail.put("cliJlistMs", cliList);
            detail.put("socketStartMs", socketStart);
            detail.put("cliStartMs", cliStart);
        }
        results.detail("calls", detail);
    }

    private void row(String scenario, String op, List<Double> socket, List<Double> cli, String cliName, double target) {
        double socketMs = Results.round(Results.median(socket), 2);
        double cliMs = Results.round(Results.median(cli), 1);
        results.target(scenario, op + ", socket, median of " + socket.size(), socketMs, "ms",
                "<= " + Results.format(target), socketMs <= target);
        results.info(scenario, "  " + cliName + " (CLI process), median of " + cli.size(), cliMs, "ms");
        results.info(scenario, "  CLI / socket", Results.round(cliMs / socketMs, 0), "x");
    }

    /** A stand-in that listens at once on a port of its own. */
    private static Pm2App app(String name) {
        return Pm2App.builder(name, Sandbox.STAND_IN)
                .env(Map.of("PORT", String.valueOf(Sandbox.freePort()), "SERVICE_NAME", name))
                .maxMemoryRestart("200M")
                .build();
    }

    /** Ten untimed calls (class loading, JIT), then {@code n} timed ones 20 ms apart, in ms. */
    private static List<Double> timed(int n, Callable<Void> call) throws Exception {
        for (int i = 0; i < 10; i++) {
            call.call();
        }
        List<Double> samples = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            // Spread over a second or so, so that one burst of load from elsewhere does not make the median.
            Thread.sleep(20);
            long t = System.nanoTime();
            call.call();
            samples.add(Results.round((System.nanoTime() - t) / 1e6, 3));
        }
        return samples;
    }
}
