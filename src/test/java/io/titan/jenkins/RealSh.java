package io.titan.jenkins;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.jenkinsci.plugins.workflow.steps.FlowInterruptedException;

/**
 * The {@code sh} step for real: {@code bash -e -c script} in the step's directory (Jenkins runs
 * {@code sh -xe}), in a process group of its own, with the agent's environment plus the pipeline's
 * {@code env} and a {@code JENKINS_NODE_COOKIE} of its own, as Jenkins gives each {@code sh}; output
 * is written to a file and followed into the build log (or returned with {@code returnStdout}), and
 * the step ends when the script does; {@code returnStatus} returns the exit code.
 *
 * <p>A test can abort the build while an {@code sh} runs ({@link #interruptWhen}), as Jenkins does on
 * the stop button or an expired {@code timeout}: SIGTERM to the step's processes (its process group
 * and every process that carries its cookie, which is how Jenkins finds them), SIGKILL to whatever of
 * them is left 5 s later (Jenkins' default soft-kill wait), and then the step throws
 * {@link FlowInterruptedException}.
 */
final class RealSh implements PipelineTestBase.ShHandler {

    private static final long TIMEOUT_SECONDS = 120;
    /** Jenkins' {@code ProcessTree} waits this long after SIGTERM before SIGKILL. */
    static final long SOFT_KILL_WAIT_MS = 5_000;
    private static final String COOKIE = "JENKINS_NODE_COOKIE";

    private final List<String> log;
    private volatile Interruption armed;

    RealSh(List<String> log) {
        this.log = log;
    }

    /** An abort the test asked for: fired when a line of a running {@code sh}'s output matches. */
    static final class Interruption {
        private final Predicate<String> when;
        private final CountDownLatch killed = new CountDownLatch(1);
        private volatile long sigtermAt;
        private volatile String line;

        private Interruption(Predicate<String> when) {
            this.when = when;
        }

        /** Whether it fired. */
        boolean fired() {
            return line != null;
        }

        /** The output line that fired it. */
        String line() {
            return line;
        }

        /** When SIGTERM went out, in {@link System#nanoTime()}. */
        long sigtermAt() {
            return sigtermAt;
        }
    }

    /**
     * Aborts the next {@code sh} whose output (stdout or stderr) has a line matching {@code when},
     * once; another {@code sh} started after that runs normally unless armed again.
     */
    Interruption interruptWhen(Predicate<String> when) {
        Interruption interruption = new Interruption(when);
        armed = interruption;
        return interruption;
    }

    @Override
    public Object run(Map<String, Object> args, Map<String, Object> env, Path cwd) throws Exception {
        boolean returnStdout = Boolean.TRUE.equals(args.get("returnStdout"));
        String cookie = UUID.randomUUID().toString();
        // setsid: the step's processes form their own process group, as under Jenkins' agent.
        ProcessBuilder pb = new ProcessBuilder("setsid", "bash", "-e", "-c", String.valueOf(args.get("script")))
                .directory(cwd.toFile());
        env.forEach((k, v) -> pb.environment().put(k, String.valueOf(v)));
        pb.environment().put(COOKIE, cookie);
        // Output goes to files, as Jenkins' durable tasks write it: a background process that keeps
        // the output open does not hold the step up.
        Path out = Files.createTempFile("titan-sh-", ".out");
        Path err = returnStdout ? Files.createTempFile("titan-sh-", ".err") : out;
        pb.redirectOutput(out.toFile());
        if (returnStdout) {
            pb.redirectError(err.toFile());
        } else {
            pb.redirectErrorStream(true);
        }
        pb.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        if (args.get("label") != null) {
            log.add("[sh] " + args.get("label"));
        }
        StringBuilder stdout = new StringBuilder();
        try {
            Process process = pb.start();
            Step step = new Step(process, cookie);
            Tail toLog = new Tail(err, line -> {
                step.saw(line);
                log.add(line);
            });
            Tail toStdout = returnStdout ? new Tail(out, line -> {
                step.saw(line);
                stdout.append(line).append('\n');
            }) : null;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(TIMEOUT_SECONDS);
            while (!process.waitFor(20, TimeUnit.MILLISECONDS)) {
                toLog.poll(false);
                if (toStdout != null) {
                    toStdout.poll(false);
                }
                if (System.nanoTime() > deadline) {
                    process.destroyForcibly();
                    throw new PipelineAbort("sh timed out after " + TIMEOUT_SECONDS + " s");
                }
            }
            toLog.poll(true);
            if (toStdout != null) {
                toStdout.poll(true);
            }
            // Also an abort on the step's last line of output, read after its processes ended: it came
            // while the step was running.
            Interruption interruption = step.interruption;
            if (interruption != null) {
                // The step ends once the kill is through; what its processes wrote until then is in the log.
                interruption.killed.await();
                toLog.poll(true);
                throw new FlowInterruptedException("ABORTED", "aborted by the test while: " + interruption.line);
            }
            int rc = process.exitValue();
            if (returnStdout) {
                if (rc != 0 && !Boolean.TRUE.equals(args.get("returnStatus"))) {
                    throw new PipelineAbort("script returned exit code " + rc);
                }
                return stdout.toString();
            }
            return rc;
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }

    /** Reads the lines a file grows by, as Jenkins follows a durable task's log. */
    private static final class Tail {
        private final Path file;
        private final java.util.function.Consumer<String> lines;
        private long position;
        private final java.io.ByteArrayOutputStream partial = new java.io.ByteArrayOutputStream();

        Tail(Path file, java.util.function.Consumer<String> lines) {
            this.file = file;
            this.lines = lines;
        }

        /** Hands on the complete lines written since the last poll; with {@code last}, the unfinished one too. */
        void poll(boolean last) throws IOException {
            try (var channel = java.nio.channels.FileChannel.open(file)) {
                long size = channel.size();
                if (size > position) {
                    java.nio.ByteBuffer buffer = java.nio.ByteBuffer.allocate((int) (size - position));
                    while (buffer.hasRemaining() && channel.read(buffer, position + buffer.position()) > 0) {
                        // read until the buffer is full
                    }
                    position += buffer.position();
                    byte[] bytes = java.util.Arrays.copyOf(buffer.array(), buffer.position());
                    for (byte b : bytes) {
                        if (b == '\n') {
                            lines.accept(partial.toString(StandardCharsets.UTF_8));
                            partial.reset();
                        } else {
                            partial.write(b);
                        }
                    }
                }
            }
            if (last && partial.size() > 0) {
                lines.accept(partial.toString(StandardCharsets.UTF_8));
                partial.reset();
            }
        }
    }

    /** One running {@code sh}. */
    private final class Step {
        final Process process;
        final String cookie;
        volatile Interruption interruption;

        Step(Process process, String cookie) {
            this.process = process;
            this.cookie = cookie;
        }

        /** Fires the armed interruption if {@code line} matches it. */
        synchronized void saw(String line) {
            Interruption candidate = armed;
            if (interruption != null || candidate == null || !candidate.when.test(line)) {
                return;
            }
            armed = null;
            interruption = candidate;
            candidate.line = line;
            Thread killer = new Thread(() -> abort(candidate), "sh-abort");
            killer.setDaemon(true);
            killer.start();
        }

        private void abort(Interruption interruption) {
            try {
                log.add("Sending interrupt signal to process");
                interruption.sigtermAt = System.nanoTime();
                signal("TERM");
                Thread.sleep(SOFT_KILL_WAIT_MS);
                signal("KILL");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                interruption.killed.countDown();
            }
        }

        /** Signals the step's process group and every process carrying its cookie. */
        private void signal(String signal) {
            Set<String> targets = new LinkedHashSet<>();
            targets.add("-" + process.pid());
            targets.addAll(withCookie(cookie));
            List<String> command = new ArrayList<>(List.of("kill", "-" + signal, "--"));
            command.addAll(targets);
            try {
                new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                        .start().waitFor(10, TimeUnit.SECONDS);
            } catch (IOException e) {
                log.add("sh: kill: " + e.getMessage());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** The pids of live processes whose environment has {@code JENKINS_NODE_COOKIE=cookie}. */
    private static List<String> withCookie(String cookie) {
        byte[] needle = (COOKIE + "=" + cookie).getBytes(StandardCharsets.UTF_8);
        List<String> pids = new ArrayList<>();
        try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
            procs.filter(p -> p.getFileName().toString().chars().allMatch(Character::isDigit)).forEach(p -> {
                try {
                    if (contains(Files.readAllBytes(p.resolve("environ")), needle)) {
                        pids.add(p.getFileName().toString());
                    }
                } catch (IOException | SecurityException gone) {
                    // Exited meanwhile, or not ours to read.
                }
            });
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return pids;
    }

    private static boolean contains(byte[] environ, byte[] entry) {
        outer:
        for (int i = 0; i + entry.length <= environ.length; i++) {
            if (i > 0 && environ[i - 1] != 0) {
                continue;
            }
            for (int j = 0; j < entry.length; j++) {
                if (environ[i + j] != entry[j]) {
                    continue outer;
                }
            }
            if (i + entry.length == environ.length || environ[i + entry.length] == 0) {
                return true;
            }
        }
        return false;
    }
}
