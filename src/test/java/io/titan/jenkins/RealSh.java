package io.titan.jenkins;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * The {@code sh} step for real, as workflow-durable-task-step's {@code DurableTaskStep} and
 * durable-task's {@code BourneShellScript} run it on an agent:
 * <ul>
 *   <li>the script goes into a file {@code script.sh}; one that starts with {@code #!} is run as it is
 *       (the kernel reads the interpreter; from a copy the wrapper makes, {@code script.sh.copy}), any
 *       other with {@code sh -xe script.sh}, which traces each command as {@code + command} into the
 *       log and stops at the first failing one;</li>
 *   <li>in the step's directory, in a process group of its own, with the agent's environment plus
 *       the pipeline's and a {@code JENKINS_NODE_COOKIE} of its own; output to files, which the
 *       controller reads;</li>
 *   <li>the controller looks at the process in polling mode, the default ({@code USE_WATCHING} is
 *       off): 250 ms after the launch, then again after 250 ms when there was new output, else after
 *       1.2 times the last wait, up to 15 s. Each look copies new output into the log and ends the
 *       step when the process has exited: a step ends at the first look after its process exits;</li>
 *   <li>stopped (the build's abort, a {@code timeout}), it prints "Sending interrupt signal to
 *       process" and signals the step's processes (its process group and every process carrying its
 *       cookie) with SIGTERM, then SIGKILL to whatever is left 5 s later ({@code ProcessTree}'s soft
 *       kill wait); the step throws the interruption once they are gone. Forced to end (a
 *       {@code timeout}'s grace ran out), it ends at once and leaves its processes as they are.</li>
 * </ul>
 * A test can press the stop button when a line of output matches ({@link #interruptWhen}).
 */
final class RealSh implements PipelineTestBase.ShHandler {

    /** {@code ProcessTree} waits this long after SIGTERM before SIGKILL. */
    static final long SOFT_KILL_WAIT_MS = 5_000;
    /** {@code DurableTaskStep.MIN_RECURRENCE_PERIOD}, {@code MAX_RECURRENCE_PERIOD}, {@code RECURRENCE_PERIOD_BACKOFF}. */
    static final long MIN_RECURRENCE_MS = 250;
    static final long MAX_RECURRENCE_MS = 15_000;
    static final double RECURRENCE_BACKOFF = 1.2;
    private static final long TIMEOUT_SECONDS = 180;
    private static final String COOKIE = "JENKINS_NODE_COOKIE";

    private final PipelineTestBase test;
    private volatile Interruption armed;

    RealSh(PipelineTestBase test) {
        this.test = test;
    }

    /** A press of the stop button the test asked for: when a line of a running {@code sh}'s output matches. */
    static final class Interruption {
        private final Predicate<String> when;
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

    /** Aborts the build, once, when a line of output of a running {@code sh} (stdout or stderr) matches {@code when}. */
    Interruption interruptWhen(Predicate<String> when) {
        Interruption interruption = new Interruption(when);
        armed = interruption;
        return interruption;
    }

    @Override
    public Object run(Map<String, Object> args, Map<String, Object> env, Path cwd, Running step) throws Exception {
        boolean returnStdout = Boolean.TRUE.equals(args.get("returnStdout"));
        String script = String.valueOf(args.get("script"));
        String cookie = UUID.randomUUID().toString();
        Path control = Files.createTempDirectory("durable-");
        Path scriptFile = control.resolve("script.sh");
        Files.writeString(scriptFile, script, StandardCharsets.UTF_8);
        List<String> command = new ArrayList<>(List.of("setsid"));
        if (script.startsWith("#!")) {
            Files.setPosixFilePermissions(scriptFile, PosixFilePermissions.fromString("rwxr-xr-x"));
            // The wrapper runs a copy it makes itself (JENKINS-70784): executing the file this JVM wrote can fail
            // with "Text file busy" while another thread's fork still holds it open.
            command.addAll(List.of("sh", "-c", "cp \"$0\" \"$0.copy\" && exec \"$0.copy\"", scriptFile.toString()));
        } else {
            command.addAll(List.of("sh", "-xe", scriptFile.toString()));
        }
        ProcessBuilder pb = new ProcessBuilder(command).directory(cwd.toFile());
        env.forEach((k, v) -> pb.environment().put(k, String.valueOf(v)));
        pb.environment().put(COOKIE, cookie);
        Path logFile = control.resolve("jenkins-log.txt");
        Path outputFile = control.resolve("output.txt");
        if (returnStdout) {
            pb.redirectOutput(outputFile.toFile());
            pb.redirectError(logFile.toFile());
        } else {
            // One file for both, as "> jenkins-log.txt 2>&1" has it (two opens of it would overwrite each other).
            pb.redirectOutput(logFile.toFile());
            pb.redirectErrorStream(true);
        }
        pb.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        if (args.get("label") != null) {
            test.log.add("[sh] " + args.get("label"));
        }
        try {
            Process process = pb.start();
            Kill kill = new Kill(process, cookie);
            step.onStop(cause -> kill.start());
            Tail toLog = new Tail(logFile);
            long period = MIN_RECURRENCE_MS;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(TIMEOUT_SECONDS);
            while (true) {
                if (step.stopped() == null) {
                    step.pause(period);
                } else {
                    Thread.sleep(MIN_RECURRENCE_MS);
                }
                if (step.forced() != null) {
                    // A timeout's last resort: the step ends now; its processes go on.
                    return new CoreSteps.ShOutput(-1, "");
                }
                boolean output = toLog.poll(false, this::line);
                if (!process.isAlive() && (step.stopped() == null || kill.done())) {
                    toLog.poll(true, this::line);
                    break;
                }
                period = output || step.stopped() != null ? MIN_RECURRENCE_MS
                        : Math.min(MAX_RECURRENCE_MS, (long) (period * RECURRENCE_BACKOFF));
                if (System.nanoTime() > deadline) {
                    process.destroyForcibly();
                    throw new PipelineAbort("sh ran longer than " + TIMEOUT_SECONDS + " s (the harness's bound)");
                }
            }
            String stdout = returnStdout ? Files.readString(outputFile, StandardCharsets.UTF_8) : "";
            return new CoreSteps.ShOutput(process.exitValue(), stdout);
        } finally {
            PipelineTestBase.delete(control);
        }
    }

    /** One line of the step's log: to the build log, and the stop button when it matches the armed interruption. */
    private void line(String line) {
        test.log.add(line);
        Interruption candidate = armed;
        if (candidate != null && candidate.when.test(line)) {
            synchronized (this) {
                if (armed != candidate) {
                    return;
                }
                armed = null;
            }
            candidate.line = line;
            candidate.sigtermAt = System.nanoTime();
            // The stop button is pressed from the web UI, not from the step: another thread, which takes the
            // CPS VM's baton. The step waits for it, so the press reaches this step even on its last line.
            Thread press = new Thread(() -> test.abortBuild("the test"), "stop button");
            press.setDaemon(true);
            press.start();
            try {
                press.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Reads the lines a file grows by, as the controller copies a durable task's log. */
    private static final class Tail {
        private final Path file;
        private long position;
        private final java.io.ByteArrayOutputStream partial = new java.io.ByteArrayOutputStream();

        Tail(Path file) {
            this.file = file;
        }

        /** Hands on the complete lines written since the last poll (with {@code last}, the unfinished one too); true when there were bytes. */
        boolean poll(boolean last, java.util.function.Consumer<String> lines) throws IOException {
            boolean any = false;
            if (Files.exists(file)) {
                try (var channel = java.nio.channels.FileChannel.open(file)) {
                    long size = channel.size();
                    if (size > position) {
                        any = true;
                        java.nio.ByteBuffer buffer = java.nio.ByteBuffer.allocate((int) (size - position));
                        while (buffer.hasRemaining() && channel.read(buffer, position + buffer.position()) > 0) {
                            // read until the buffer is full
                        }
                        position += buffer.position();
                        for (int i = 0; i < buffer.position(); i++) {
                            byte b = buffer.get(i);
                            if (b == '\n') {
                                lines.accept(partial.toString(StandardCharsets.UTF_8));
                                partial.reset();
                            } else {
                                partial.write(b);
                            }
                        }
                    }
                }
            }
            if (last && partial.size() > 0) {
                lines.accept(partial.toString(StandardCharsets.UTF_8));
                partial.reset();
            }
            return any;
        }
    }

    /** The stop of one step's processes: SIGTERM, then SIGKILL to what is left after the soft-kill wait. */
    private final class Kill {
        private final Process process;
        private final String cookie;
        private volatile boolean started;
        private volatile boolean done;

        Kill(Process process, String cookie) {
            this.process = process;
            this.cookie = cookie;
        }

        synchronized void start() {
            if (started) {
                return;
            }
            started = true;
            Thread killer = new Thread(this::run, "sh-stop");
            killer.setDaemon(true);
            killer.start();
        }

        boolean done() {
            return done;
        }

        private void run() {
            try {
                test.log.add("Sending interrupt signal to process");
                signal("TERM");
                long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(SOFT_KILL_WAIT_MS);
                while (System.nanoTime() < until && !withCookie(cookie).isEmpty()) {
                    Thread.sleep(50);
                }
                signal("KILL");
                process.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                done = true;
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
                test.log.add("sh: kill: " + e.getMessage());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** The pids of live (not zombie) processes whose environment has {@code JENKINS_NODE_COOKIE=cookie}. */
    private static List<String> withCookie(String cookie) {
        byte[] needle = (COOKIE + "=" + cookie).getBytes(StandardCharsets.UTF_8);
        List<String> pids = new ArrayList<>();
        try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
            procs.filter(p -> p.getFileName().toString().chars().allMatch(Character::isDigit)).forEach(p -> {
                try {
                    String stat = Files.readString(p.resolve("stat"));
                    if (stat.charAt(stat.lastIndexOf(')') + 2) != 'Z'
                            && contains(Files.readAllBytes(p.resolve("environ")), needle)) {
                        pids.add(p.getFileName().toString());
                    }
                } catch (IOException | SecurityException | StringIndexOutOfBoundsException gone) {
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
