package io.titan.deploy.bench;

import io.titan.deploy.pm2.Pm2Binary;
import io.titan.deploy.pm2.ProcessLiveness;
import io.titan.deploy.testing.Sandbox;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

/**
 * Scenario 12 (issue 21): the PM2 daemon dies in the middle of a release. A target runs v1 of the
 * nine-service graph of scenario 10; each run deploys v2 (every service changes) with
 * {@code titan-deploy deploy} as a process and kills the daemon at a random moment 0.5-6 s after
 * {@code deployment:started}: {@code pm2 kill} (which stops the apps, then the daemon) and SIGKILL
 * of the daemon (which leaves its apps running without it), alternately. The v2 soak is long enough
 * that every kill lands inside the deployment or its rollback.
 *
 * <p>Each run ends in one of three ways: the previous release (v1) answers on every port, at the
 * exit and 2 s later; exit 3 naming exactly the services that do not answer; or wrong (a service
 * down that the exit code does not name). The target is every run ending with v1 answering. After a
 * run that did not, v1 is deployed again before the next one.
 */
final class DaemonKillBench {

    /** Issue 21: at least 20 runs. */
    static final int RUNS = Integer.parseInt(System.getenv().getOrDefault("BENCH_KILL_RUNS", "20"));
    static final long SEED = 21;
    static final double MIN_KILL_MS = 500;
    static final double MAX_KILL_MS = 6000;
    /** v2's soak: the last services still soak 6 s after deployment:started (critical path ~3 s). */
    static final String V2_SOAK = "4s";
    /** How long after the exit the services must still answer. */
    static final Duration STILL_ANSWERING = Duration.ofSeconds(2);

    /** How the daemon is killed. */
    enum Kill {
        PM2_KILL("pm2 kill"),
        SIGKILL("SIGKILL");

        final String label;

        Kill(String label) {
            this.label = label;
        }
    }

    /**
     * One run.
     *
     * @param killAtMs     when the kill came, ms after deployment:started (NaN when the deploy ended first)
     * @param down         services not answering as v1 at the exit
     * @param downLater    services not answering as v1 2 s after the exit
     * @param named        services the deployment named as not restored (a service:rolled-back whose action failed)
     * @param recoveredMs  kill until the last restored v1 service listened again, or NaN
     * @param attempts     how many times the rollback restored (a second one after losing its daemon too)
     * @param failure      the first service:failed reason, or null
     */
    record Run(int run, String kill, double killAtMs, int exitCode, String outcome, List<String> down,
               List<String> downLater, List<String> named, double recoveredMs, int attempts, double wallMs,
               String failure) {
    }

    private final Results results;
    private final BenchTopology topo = BenchTopology.generated(ReleaseBench.SERVICES, ReleaseBench.DEPTH,
            ReleaseBench.SEED);

    DaemonKillBench(Results results) {
        this.results = results;
    }

    void run() throws Exception {
        Random random = new Random(SEED);
        List<Run> runs = new ArrayList<>();
        Path home;
        try (Sandbox sandbox = new Sandbox()) {
            home = sandbox.pm2Home();
            Map<String, Integer> ports = topo.freePorts();
            Path v1Ready = Files.createDirectories(sandbox.dir().resolve("ready-v1"));
            Path v2Ready = Files.createDirectories(sandbox.dir().resolve("ready-v2"));
            Path v1 = sandbox.dir().resolve("v1.yaml");
            Path v2 = sandbox.dir().resolve("v2.yaml");
            Files.writeString(v1, topo.yaml(home, ports, v1Ready, DeployBench.SOAK,
                    name -> Map.of("SERVICE_VERSION", "1"), Map.of()));
            Files.writeString(v2, topo.yaml(home, ports, v2Ready, V2_SOAK,
                    name -> Map.of("SERVICE_VERSION", "2"), Map.of()));
            sandbox.pm2().ping();
            CliRun.deploy(v1, "v1").requireExit(0);
            for (int i = 0; i < RUNS; i++) {
                Kill kill = i % 2 == 0 ? Kill.PM2_KILL : Kill.SIGKILL;
                double killAfter = MIN_KILL_MS + random.nextDouble() * (MAX_KILL_MS - MIN_KILL_MS);
                Run run = once(sandbox, i, kill, killAfter, v2, v1Ready, ports);
                runs.add(run);
                System.out.printf("  .. run %2d, %-8s at %4.0f ms: exit %d, %s%s%s%n", i, kill.label, run.killAtMs(),
                        run.exitCode(), run.outcome(), run.down().isEmpty() ? "" : ", down " + run.down(),
                        run.failure() == null ? "" : " (" + shorten(run.failure()) + ")");
                if (!run.down().isEmpty() || !run.downLater().isEmpty()) {
                    CliRun.deploy(v1, "reset-" + i).requireExit(0);
                }
            }
        }
        // SIGKILL leaves apps without a daemon; the engine reaps them when it starts the next one,
        // but a run that ended wrong may leave some: nothing of this bench may outlive it.
        reapLeftovers(home);
        report(runs);
    }

    private Run once(Sandbox sandbox, int i, Kill kill, double killAfterMs, Path v2, Path v1Ready,
                     Map<String, Integer> ports) throws Exception {
        Instant[] killedAt = new Instant[1];
        Process[] pm2Kill = new Process[1];
        CliRun run = CliRun.deploy(v2, "kill-" + i, (process, events) -> {
            Instant started = awaitStarted(process, events);
            if (started == null) {
                return;
            }
            Instant at = started.plusNanos((long) (killAfterMs * 1e6));
            while (Instant.now().isBefore(at) && process.isAlive()) {
                Thread.sleep(Math.max(1, Math.min(20, Duration.between(Instant.now(), at).toMillis())));
            }
            if (!process.isAlive()) {
                return;
            }
            killedAt[0] = Instant.now();
            if (kill == Kill.PM2_KILL) {
                pm2Kill[0] = pm2(sandbox, "kill");
            } else {
                long pid = daemonPid(sandbox.pm2Home());
                ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
            }
        });
        if (pm2Kill[0] != null && !pm2Kill[0].waitFor(60, TimeUnit.SECONDS)) {
            pm2Kill[0].destroyForcibly();
        }
        List<String> down = StandIns.notAnswering(ports, "1");
        Thread.sleep(STILL_ANSWERING.toMillis());
        List<String> downLater = StandIns.notAnswering(ports, "1");
        Map<String, String> lastAction = new LinkedHashMap<>();
        run.all("service:rolled-back").forEach(e -> lastAction.put(e.service(), e.action()));
        List<String> named = lastAction.entrySet().stream().filter(e -> e.getValue().startsWith("failed"))
                .map(Map.Entry::getKey).sorted().toList();
        String outcome;
        if (run.exitCode() == 1 && down.isEmpty() && downLater.isEmpty()) {
            outcome = "previous release answering";
        } else if (run.exitCode() == 3 && new TreeSet<>(named).equals(new TreeSet<>(down))) {
            outcome = "exit 3 naming exactly the services down";
        } else if (killedAt[0] == null) {
            outcome = "not killed: the deployment ended first";
        } else {
            outcome = "WRONG";
        }
        double killAtMs = killedAt[0] == null ? Double.NaN : Results.round(run.first("deployment:started")
                .map(e -> Duration.between(e.at(), killedAt[0]).toNanos() / 1e6).orElse(Double.NaN), 0);
        return new Run(i, kill.label, killAtMs, run.exitCode(), outcome, down, downLater, named,
                recovered(killedAt[0], v1Ready, ports), run.all("rollback:started").size(), run.wallMs(),
                run.first("service:failed").map(CliRun.Event::reason).orElse(null));
    }

    /** When the events file shows {@code deployment:started}, or null when the process exited first. */
    private static Instant awaitStarted(Process process, Path events) throws IOException, InterruptedException {
        while (process.isAlive()) {
            if (Files.isRegularFile(events)) {
                for (String line : Files.readAllLines(events, StandardCharsets.UTF_8)) {
                    if (line.contains("\"type\":\"deployment:started\"")) {
                        return Instant.parse(Results.JSON.readTree(line).path("at").asText());
                    }
                }
            }
            Thread.sleep(5);
        }
        return null;
    }

    /** Kill until every v1 service listened again after it, in ms; NaN when one never did. */
    private static double recovered(Instant killedAt, Path v1Ready, Map<String, Integer> ports) throws IOException {
        if (killedAt == null) {
            return Double.NaN;
        }
        double kill = CliRun.epochMs(killedAt);
        double last = kill;
        for (String name : ports.keySet()) {
            Double listened = StandIns.times(v1Ready.resolve(name)).stream().filter(t -> t > kill).findFirst()
                    .orElse(null);
            if (listened == null) {
                return Double.NaN;
            }
            last = Math.max(last, listened);
        }
        return Results.round(last - kill, 0);
    }

    private void report(List<Run> runs) {
        String scenario = "12 daemon killed mid-deploy " + topo.label();
        long answering = runs.stream().filter(r -> r.outcome().equals("previous release answering")).count();
        long exact = runs.stream().filter(r -> r.outcome().startsWith("exit 3")).count();
        long notKilled = runs.stream().filter(r -> r.outcome().startsWith("not killed")).count();
        long wrong = runs.size() - answering - exact - notKilled;
        results.target(scenario, "runs ending with v1 answering on every port, of " + runs.size(), answering, "",
                "= " + runs.size(), answering == runs.size());
        results.info(scenario, "runs ending exit 3 naming exactly the services down", exact, "");
        results.info(scenario, "runs ending WRONG (a service down, not named by exit 3)", wrong, "");
        results.info(scenario, "runs whose rollback started over on a new daemon",
                runs.stream().filter(r -> r.attempts() > 1).count(), "");
        if (notKilled > 0) {
            results.info(scenario, "runs whose deployment ended before the kill", notKilled, "");
        }
        for (Kill kill : Kill.values()) {
            List<Double> recovery = runs.stream().filter(r -> r.kill().equals(kill.label))
                    .map(Run::recoveredMs).filter(ms -> !ms.isNaN()).toList();
            if (!recovery.isEmpty()) {
                results.info(scenario, kill.label + ": kill -> v1 answers again, median (max "
                        + Results.format(recovery.stream().mapToDouble(d -> d).max().orElse(Double.NaN)) + ")",
                        Results.median(recovery), "ms");
            }
        }
        Map<String, Object> detail = new LinkedHashMap<>();
        detail.put("services", topo.services());
        detail.put("v2Soak", V2_SOAK);
        detail.put("killWindowMs", List.of(MIN_KILL_MS, MAX_KILL_MS));
        detail.put("seed", SEED);
        detail.put("runs", runs);
        results.detail("daemonKilled", detail);
    }

    private static String shorten(String text) {
        return text.length() <= 110 ? text : text.substring(0, 107) + "...";
    }

    private static long daemonPid(Path pm2Home) throws IOException {
        return Long.parseLong(Files.readString(pm2Home.resolve("pm2.pid")).trim());
    }

    /** The pm2 CLI on the sandbox's PM2_HOME, as a user would run it, not waited for. */
    private static Process pm2(Sandbox sandbox, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(Pm2Binary.resolve(null).toString()));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).directory(sandbox.dir().toFile())
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD);
        pb.environment().keySet().retainAll(List.of("PATH", "HOME", "LANG"));
        pb.environment().put("PM2_HOME", sandbox.pm2Home().toString());
        return pb.start();
    }

    /** Stops every process still carrying {@code PM2_HOME=home} (apps a killed daemon left behind). */
    private static void reapLeftovers(Path home) throws InterruptedException {
        String wanted = "PM2_HOME=" + home;
        List<ProcessHandle> left = ProcessHandle.allProcesses().filter(p -> {
            try {
                String environ = new String(Files.readAllBytes(Path.of("/proc", Long.toString(p.pid()), "environ")),
                        StandardCharsets.UTF_8);
                return List.of(environ.split("\0")).contains(wanted);
            } catch (IOException | RuntimeException e) {
                return false;
            }
        }).toList();
        if (!left.isEmpty()) {
            System.out.println("  .. " + left.size() + " process(es) outlived the bench's daemon; killing them");
        }
        left.forEach(ProcessHandle::destroyForcibly);
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (left.stream().anyMatch(p -> ProcessLiveness.isAlive(p.pid())) && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
    }
}
