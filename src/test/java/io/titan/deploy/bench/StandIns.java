package io.titan.deploy.bench;

import io.titan.deploy.testing.Sandbox;
import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/** What the bench needs to know of the stand-in services and of Node itself. */
final class StandIns {

    private StandIns() {
    }

    /**
     * {@code node -e ''} from spawn to exit, {@code n} times: the bare process boot every service
     * pays before its own code runs, measured in the same run as what it explains.
     */
    static List<Double> nodeBootSamples(int n) throws IOException, InterruptedException {
        List<Double> samples = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            ProcessBuilder pb = new ProcessBuilder("node", "-e", "")
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(ProcessBuilder.Redirect.DISCARD);
            long start = System.nanoTime();
            Process p = pb.start();
            if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
                p.destroyForcibly();
                throw new IllegalStateException("node -e '' failed");
            }
            samples.add(Results.round((System.nanoTime() - start) / 1e6, 1));
        }
        return samples;
    }

    /** The epoch-ms times a stand-in appended to its READY_FILE or EXIT_FILE, in order; empty when none. */
    static List<Double> times(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            return List.of();
        }
        return Files.readAllLines(file).stream().filter(l -> !l.isBlank()).map(l -> Double.parseDouble(l.trim())).toList();
    }

    /** The last time in {@code file}, or null. */
    static Double last(Path file) throws IOException {
        List<Double> times = times(file);
        return times.isEmpty() ? null : times.get(times.size() - 1);
    }

    /** Polls every port's /health every 10 ms until all answer 200. */
    static void awaitAllHealthy(Collection<Integer> ports, Duration within) throws InterruptedException {
        long deadline = System.nanoTime() + within.toNanos();
        List<Integer> waiting = new ArrayList<>(ports);
        while (!waiting.isEmpty()) {
            waiting.removeIf(port -> health(port).isPresent());
            if (waiting.isEmpty()) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("ports " + waiting + " did not answer /health within " + within);
            }
            Thread.sleep(10);
        }
    }

    /** The services whose /health does not answer 200 with {@code "version":"<version>"}. */
    static List<String> notAnswering(Map<String, Integer> ports, String version) {
        String wanted = "\"version\":\"" + version + "\"";
        return ports.entrySet().stream().filter(e -> !health(e.getValue()).map(b -> b.contains(wanted)).orElse(false))
                .map(Map.Entry::getKey).toList();
    }

    /** The body of a 200 from /health, or empty. */
    static Optional<String> health(int port) {
        try {
            HttpURLConnection c = (HttpURLConnection) URI.create("http://127.0.0.1:" + port + "/health").toURL()
                    .openConnection();
            c.setConnectTimeout(200);
            c.setReadTimeout(500);
            try {
                if (c.getResponseCode() != 200) {
                    return Optional.empty();
                }
                return Optional.of(new String(c.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
            } finally {
                c.disconnect();
            }
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /**
     * Runs the sandbox's pm2 CLI as a user would, with the minimal environment and the sandbox's
     * PM2_HOME, and returns spawn-to-exit in ms.
     */
    static double pm2Cli(Sandbox sandbox, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(io.titan.deploy.pm2.Pm2Binary.resolve(null).toString());
        command.addAll(List.of(args));
        Path out = sandbox.dir().resolve("pm2-cli.out");
        ProcessBuilder pb = new ProcessBuilder(command).directory(sandbox.dir().toFile())
                .redirectErrorStream(true).redirectOutput(out.toFile());
        Map<String, String> env = pb.environment();
        env.keySet().retainAll(List.of("PATH", "HOME", "LANG"));
        env.put("PM2_HOME", sandbox.pm2Home().toString());
        long start = System.nanoTime();
        Process p = pb.start();
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            p.destroyForcibly();
            throw new IllegalStateException("pm2 " + String.join(" ", args) + " failed: " + Files.readString(out));
        }
        return Results.round((System.nanoTime() - start) / 1e6, 1);
    }
}
