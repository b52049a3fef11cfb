package io.titan.jenkins;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
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
 * goes to the build log, or is returned with {@code returnStdout}; {@code returnStatus} returns the
 * exit code.
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
        if (!returnStdout) {
            pb.redirectErrorStream(true);
        }
        if (args.get("label") != null) {
            log.add("[sh] " + args.get("label"));
        }
        Process process = pb.start();
        process.getOutputStream().close();
        Step step = new Step(process, cookie);
        StringBuilder stdout = new StringBuilder();
        Thread errors = null;
        if (returnStdout) {
            errors = new Thread(() -> pump(step, true, null), "sh-stderr");
            errors.start();
        }
        pump(step, false, returnStdout ? stdout : null);
        if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new PipelineAbort("sh timed out after " + TIMEOUT_SECONDS + " s");
        }
        if (errors != null) {
            errors.join();
        }
        Interruption interruption = step.interruption;
        if (interruption != null) {
            interruption.killed.await();
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

    private void pump(Step step, boolean stderr, StringBuilder into) {
        Process process = step.process;
        try (BufferedReader in = new BufferedReader(new InputStreamReader(
                stderr ? process.getErrorStream() : process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                step.saw(line);
                if (into != null) {
                    into.append(line).append('\n');
                } else {
                    log.add(line);
                }
            }
        } catch (IOException e) {
            log.add("sh: " + e.getMessage());
        }
    }
}
