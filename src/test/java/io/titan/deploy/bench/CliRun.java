package io.titan.deploy.bench;

import com.fasterxml.jackson.databind.JsonNode;
import io.titan.deploy.testing.Sandbox;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * {@code bin/titan-deploy} as a whole process, the way a user or a Jenkins step runs it (JVM start
 * included), with its {@code --events} NDJSON read back afterwards. The clock starts just before
 * the process is spawned and stops when it has exited.
 *
 * @param spawnedAt wall clock just before the spawn, to place the events (same machine clock)
 * @param wallMs    spawn to exit
 */
record CliRun(String label, Instant spawnedAt, double wallMs, int exitCode, List<Event> events, Path output) {

    /** How long a deployment process may take before the bench gives up on it. */
    static final Duration TIMEOUT = Duration.ofMinutes(3);

    /** One line of the events file: what the bench reads of it. */
    record Event(String type, Instant at, String service, String action, String reason) {
    }

    /**
     * Runs {@code titan-deploy deploy --config config --no-validate} plus {@code extraArgs}, writing
     * its output and events beside the config.
     */
    static CliRun deploy(Path config, String label, String... extraArgs) throws IOException, InterruptedException {
        return deploy(config, label, (process, events) -> { }, extraArgs);
    }

    /** What a scenario does to a deployment while it runs (a fault), given the process and its events file. */
    @FunctionalInterface
    interface During {
        void run(Process process, Path events) throws IOException, InterruptedException;
    }

    /** {@link #deploy(Path, String, String...)}, running {@code during} once the process has been spawned. */
    static CliRun deploy(Path config, String label, During during, String... extraArgs)
            throws IOException, InterruptedException {
        Path dir = config.getParent();
        Path events = dir.resolve(label + ".events.ndjson");
        Path output = dir.resolve(label + ".out");
        List<String> command = new ArrayList<>(List.of(Sandbox.PROJECT.resolve("bin/titan-deploy").toString(),
                "deploy", "--config", config.toString(), "--no-validate", "--events", events.toString()));
        command.addAll(List.of(extraArgs));
        ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(output.toFile());
        pb.environment().put("TITAN_PROJECT_DIR", Sandbox.PROJECT.toString());
        Instant spawnedAt = Instant.now();
        long start = System.nanoTime();
        Process p = pb.start();
        try {
            during.run(p, events);
        } catch (IOException | InterruptedException | RuntimeException e) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            throw e;
        }
        if (!p.waitFor(TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            throw new IllegalStateException("titan-deploy " + label + " did not finish within " + TIMEOUT
                    + ": " + Files.readString(output));
        }
        double wallMs = (System.nanoTime() - start) / 1e6;
        return new CliRun(label, spawnedAt, Results.round(wallMs, 1), p.exitValue(), readEvents(events), output);
    }

    private static List<Event> readEvents(Path file) throws IOException {
        List<Event> events = new ArrayList<>();
        if (!Files.isRegularFile(file)) {
            return events;
        }
        for (String line : Files.readAllLines(file)) {
            if (line.isBlank()) {
                continue;
            }
            JsonNode node = Results.JSON.readTree(line);
            events.add(new Event(node.path("type").asText(), Instant.parse(node.path("at").asText()),
                    node.path("service").asText(null), node.path("action").asText(null),
                    node.path("reason").asText(null)));
        }
        return events;
    }

    /** Throws with the process output when the deployment did not exit as {@code expected}. */
    CliRun requireExit(int expected) throws IOException {
        if (exitCode != expected) {
            throw new IllegalStateException("titan-deploy " + label + " exited " + exitCode + ", expected " + expected
                    + ":\n" + Files.readString(output));
        }
        return this;
    }

    List<Event> all(String type) {
        return events.stream().filter(e -> e.type().equals(type)).toList();
    }

    Optional<Event> first(String type) {
        return events.stream().filter(e -> e.type().equals(type)).findFirst();
    }

    Optional<Event> last(String type) {
        List<Event> all = all(type);
        return all.isEmpty() ? Optional.empty() : Optional.of(all.get(all.size() - 1));
    }

    /** Milliseconds from the spawn to {@code at}. */
    double sinceSpawnMs(Instant at) {
        return Duration.between(spawnedAt, at).toNanos() / 1e6;
    }

    /** When the bench saw the process exit, on the wall clock. */
    Instant exitedAt() {
        return spawnedAt.plusNanos((long) (wallMs * 1e6));
    }

    static double epochMs(Instant at) {
        return at.getEpochSecond() * 1000.0 + at.getNano() / 1e6;
    }
}
