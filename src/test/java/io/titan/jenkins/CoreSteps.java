package io.titan.jenkins;

import groovy.lang.Closure;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.codehaus.groovy.runtime.typehandling.DefaultTypeTransformation;
import org.jenkinsci.plugins.workflow.cps.steps.ParallelStep;
import org.jenkinsci.plugins.workflow.steps.FlowInterruptedException;
import org.jenkinsci.plugins.workflow.steps.TimeoutStepExecution;

/**
 * The Jenkins steps the library and its Jenkinsfiles call, each as the class named in its comment
 * defines it (Jenkins core 2.5xx, workflow-basic-steps, workflow-durable-task-step, workflow-cps,
 * credentials-binding, htmlpublisher); the harness test ({@link HarnessScenarios}) pins each behaviour
 * the library relies on. Steps that only record what they were given ({@code junit},
 * {@code checkout}) say so.
 */
final class CoreSteps {

    /** What a step's process wrote and how it exited. */
    record ShOutput(int exit, String stdout) {
    }

    private final PipelineTestBase t;

    private CoreSteps(PipelineTestBase t) {
        this.t = t;
    }

    static void register(PipelineTestBase test) {
        new CoreSteps(test).registerAll();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object o) {
        return (Map<String, Object>) o;
    }

    private void registerAll() {
        // ErrorStep: throws AbortException; whoever catches it (catchError, the stage, the build's end) prints
        // the one "ERROR: ..." line.
        t.register("error", List.of(String.class), a -> {
            throw new PipelineAbort(String.valueOf(a[0]));
        });
        t.register("echo", List.of(String.class), a -> t.log.add(String.valueOf(a[0])));
        // UnstableStep: a warning line, the build UNSTABLE, and the enclosing stage too (its WarningAction).
        t.register("unstable", List.of(String.class), a -> unstable(String.valueOf(a[0])));
        t.register("unstable", List.of(Map.class), a -> unstable(String.valueOf(map(a[0]).get("message"))));
        t.register("catchError", List.of(Map.class, Closure.class), a -> catchError(map(a[0]), (Closure<?>) a[1]));
        t.register("catchError", List.of(Closure.class), a -> catchError(Map.of(), (Closure<?>) a[0]));
        t.register("stage", List.of(String.class, Closure.class), a -> t.scriptedStage(String.valueOf(a[0]), (Closure<?>) a[1]));
        t.register("sh", List.of(Map.class), a -> sh(new LinkedHashMap<>(map(a[0]))));
        t.register("sh", List.of(String.class), a -> sh(new LinkedHashMap<>(Map.of("script", a[0]))));
        t.register("fileExists", List.of(String.class), a -> fileExists(String.valueOf(a[0])));
        t.register("readFile", List.of(String.class), a -> readFile(Map.of("file", a[0])));
        t.register("readFile", List.of(Map.class), a -> readFile(map(a[0])));
        t.register("writeFile", List.of(Map.class), a -> writeFile(map(a[0])));
        t.register("dir", List.of(String.class, Closure.class), a -> dir(String.valueOf(a[0]), (Closure<?>) a[1]));
        // PwdStep: the step's directory, or (tmp: true) WorkspaceList.tempDir of it.
        t.register("pwd", List.of(), a -> t.cwd().toString());
        t.register("pwd", List.of(Map.class), a -> Boolean.TRUE.equals(map(a[0]).get("tmp"))
                ? t.cwd() + "@tmp" : t.cwd().toString());
        t.register("withEnv", List.of(List.class, Closure.class), a -> withEnv(envList(new java.util.ArrayList<Object>((List<?>) a[0])),
                (Closure<?>) a[1]));
        t.register("node", List.of(String.class, Closure.class), a -> node(String.valueOf(a[0]), (Closure<?>) a[1]));
        t.register("node", List.of(Closure.class), a -> node(null, (Closure<?>) a[0]));
        t.register("parallel", List.of(Map.class), a -> parallel(map(a[0])));
        t.register("waitUntil", List.of(Closure.class), a -> waitUntil(Map.of(), (Closure<?>) a[0]));
        t.register("waitUntil", List.of(Map.class, Closure.class), a -> waitUntil(map(a[0]), (Closure<?>) a[1]));
        t.register("sleep", List.of(Integer.class), a -> sleep(Map.of("time", a[0])));
        t.register("sleep", List.of(Map.class), a -> sleep(map(a[0])));
        t.register("timeout", List.of(Map.class, Closure.class), a -> timeout(map(a[0]), (Closure<?>) a[1]));
        t.register("stash", List.of(Map.class), a -> stash(map(a[0])));
        t.register("unstash", List.of(String.class), a -> unstash(String.valueOf(a[0])));
        t.register("unstash", List.of(Map.class), a -> unstash(String.valueOf(map(a[0]).get("name"))));
        t.register("archiveArtifacts", List.of(Map.class), a -> archiveArtifacts(map(a[0])));
        // JUnitResultArchiver: recorded only (the call stack holds its arguments).
        t.register("junit", List.of(Map.class), a -> null);
        t.register("publishHTML", List.of(Map.class), a -> publishHtml(map(map(a[0]).get("target"))));
        // checkout: recorded only; tests that need files register their own.
        t.register("checkout", List.of(Map.class), a -> null);
        t.register("string", List.of(Map.class), a -> new LinkedHashMap<>(map(a[0])));
        t.register("withCredentials", List.of(List.class, Closure.class), a -> {
            Map<String, String> bound = new LinkedHashMap<>();
            for (Object binding : (List<?>) a[0]) {
                Map<String, Object> b = map(binding);
                bound.put(String.valueOf(b.get("variable")), t.credential(String.valueOf(b.get("credentialsId"))));
            }
            return withEnv(bound, (Closure<?>) a[1]);
        });
    }

    private Object unstable(String message) {
        t.log.add("WARNING: " + message);
        t.worsenBuild("UNSTABLE");
        t.markStage("UNSTABLE");
        return null;
    }

    /**
     * {@code CatchErrorStep}: an interruption that is a real one ({@code isActualInterruption}) goes on
     * up when {@code catchInterruptions: false}; anything else caught. A caught interruption gives
     * build and stage its own result; a caught error prints "ERROR: ..." and gives {@code buildResult}
     * (default FAILURE) and {@code stageResult} (default SUCCESS).
     */
    private Object catchError(Map<String, Object> options, Closure<?> body) {
        try {
            return t.call(body);
        } catch (Exception thrown) {
            Throwable e = PipelineTestBase.unwrap(thrown);
            if (e instanceof FlowInterruptedException interruption) {
                if (Boolean.FALSE.equals(options.get("catchInterruptions")) && interruption.isActualInterruption()) {
                    throw Steps.<RuntimeException>sneaky(e);
                }
                t.log.add(interruption.getMessage());
                t.worsenBuild(interruption.getResult());
                t.markStage(interruption.getResult());
                return null;
            }
            if (options.get("message") != null) {
                t.log.add("ERROR: " + options.get("message"));
            }
            t.log.add("ERROR: " + e.getMessage());
            t.worsenBuild(String.valueOf(options.getOrDefault("buildResult", "FAILURE")));
            t.markStage(String.valueOf(options.getOrDefault("stageResult", "SUCCESS")));
            return null;
        }
    }

    /**
     * {@code DurableTaskStep} with {@code BourneShellScript}: the handler runs the script in the step's
     * directory (which it creates), while other branches run; {@code returnStatus} returns the exit
     * code, {@code returnStdout} the output; otherwise a non-zero exit is an AbortException ("script
     * returned exit code N"). An interruption stops the process and the step throws it.
     */
    private Object sh(Map<String, Object> args) throws Exception {
        t.shScripts.add(String.valueOf(args.get("script")));
        Path cwd = t.cwd();
        Files.createDirectories(cwd);
        Map<String, Object> environment = t.env.effective();
        long started = System.nanoTime();
        Object result;
        try {
            result = t.blocking("sh", true, step -> t.sh.run(args, environment, cwd, step));
        } finally {
            t.shRuns.add(new PipelineTestBase.ShRun(String.valueOf(args.get("label")), started, System.nanoTime()));
        }
        ShOutput out = result instanceof ShOutput o ? o : new ShOutput((Integer) result, "");
        if (Boolean.TRUE.equals(args.get("returnStatus"))) {
            return out.exit();
        }
        if (out.exit() != 0) {
            throw new PipelineAbort("script returned exit code " + out.exit());
        }
        return Boolean.TRUE.equals(args.get("returnStdout")) ? out.stdout() : null;
    }

    /** {@code FileExistsStep}: {@code FilePath.child(file).exists()}; an empty name checks the step's directory. */
    private boolean fileExists(String file) {
        if (file == null || file.isEmpty()) {
            t.log.add("The fileExists step was called with a null or empty string, so the current directory will "
                    + "be checked instead.");
            return Files.exists(t.cwd());
        }
        return Files.exists(t.file(file));
    }

    /**
     * {@code ReadFileStep}: the bytes are decoded on the controller, in {@code encoding} or else the
     * controller JVM's default charset; {@code Base64} returns them Base64-encoded.
     */
    private String readFile(Map<String, Object> args) throws Exception {
        Path f = t.file(args.get("file"));
        if (!Files.isRegularFile(f)) {
            throw new java.nio.file.NoSuchFileException(f.toString());
        }
        byte[] bytes = Files.readAllBytes(f);
        String encoding = trimmed(args.get("encoding"));
        if ("Base64".equals(encoding)) {
            return Base64.getEncoder().encodeToString(bytes);
        }
        Charset charset = encoding == null ? t.controllerCharset : Charset.forName(encoding);
        return new String(bytes, charset);
    }

    /** {@code WriteFileStep}: {@code FilePath.write} on the agent, in {@code encoding} or the agent JVM's default. */
    private Object writeFile(Map<String, Object> args) throws Exception {
        Path f = t.file(args.get("file"));
        Files.createDirectories(f.getParent());
        String encoding = trimmed(args.get("encoding"));
        String text = String.valueOf(args.get("text"));
        Files.write(f, "Base64".equals(encoding) ? Base64.getDecoder().decode(text)
                : text.getBytes(encoding == null ? StandardCharsets.UTF_8 : Charset.forName(encoding)));
        return null;
    }

    private static String trimmed(Object value) {
        String text = value == null ? null : value.toString().trim();
        return text == null || text.isEmpty() ? null : text;
    }

    /** {@code PushdStep}: the body runs in {@code FilePath.child(path)}; no workspace lock is taken. */
    private Object dir(String path, Closure<?> body) {
        Path to = t.file(path);
        t.log.add("Running in " + to);
        return t.inFlow(t.flow().inDir(to), body);
    }

    private static Map<String, String> envList(List<Object> entries) {
        Map<String, String> overrides = new LinkedHashMap<>();
        for (Object entry : entries) {
            String[] kv = String.valueOf(entry).split("=", 2);
            overrides.put(kv[0], kv.length > 1 ? kv[1] : "");
        }
        return overrides;
    }

    /** {@code EnvStep} (and credentials-binding's {@code BindingStep}): variables for the body only. */
    private Object withEnv(Map<String, String> overrides, Closure<?> body) {
        return t.inFlow(t.flow().withEnv(overrides), body);
    }

    /**
     * {@code ExecutorStep}: waits for an executor of an agent with the label (while other branches
     * run), then a workspace from the agent's {@code WorkspaceList} ({@code <job>}, else {@code <job>@2}
     * ...), with the node's NODE_NAME, NODE_LABELS and WORKSPACE; both are given back when the body
     * ends. A block of the same build on the same agent needs an executor of its own.
     */
    private Object node(String label, Closure<?> body) throws Exception {
        t.nodes.add(String.valueOf(label));
        Agents.Agent agent = label == null ? t.buildAgent : t.agents.forLabel(label);
        long waitMs = t.executorWait.toMillis();
        t.blocking("node", true, step -> {
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(waitMs);
            boolean said = false;
            while (!agent.takeExecutor(50)) {
                if (!said) {
                    t.log.add("Waiting for next available executor on ‘" + (label == null ? agent.name : label) + "’");
                    said = true;
                }
                if (step.stopped() != null) {
                    return null;
                }
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("node(" + label + ") waited " + waitMs + " ms for an executor of "
                            + agent.name + " (" + agent.executorCount + " executor(s), all held): in Jenkins it would "
                            + "wait for ever");
                }
            }
            if (step.stopped() != null) {
                agent.giveExecutor();
            }
            return null;
        });
        Path ws = agent.allocate(Agents.jobWorkspace(agent, String.valueOf(t.env.get("JOB_NAME"))));
        t.log.add("Running on " + agent.name + " in " + ws);
        try {
            return t.inFlow(t.flow().onNode(agent, ws), body);
        } finally {
            agent.release(ws);
            agent.giveExecutor();
        }
    }

    /** One branch of a running {@code parallel}. */
    private static final class Branch {
        final String name;
        final Closure<?> body;
        final Flow flow;
        /** The branch before it first runs: an interruption of the parallel cancels it then too. */
        final Running start;

        Branch(String name, Closure<?> body, Flow flow) {
            this.name = name;
            this.body = body;
            this.flow = flow;
            this.start = new Running(flow, "start of branch " + name);
        }
    }

    /**
     * {@code ParallelStep}: every branch starts at once, each on a thread of its own that runs Groovy
     * only with the CPS VM's baton, in the Map's order first; the step waits for all of them. Each
     * failure prints "Failed in branch NAME". With {@code failFast}, the first failure interrupts the
     * branches still running ({@code FailFastCause}) and is thrown. Without, once all ended the "worst"
     * failure is thrown ({@code ParallelStep.ResultHandler}'s {@code ThrowableComparator}: any ordinary
     * exception before an AbortException before a {@code FlowInterruptedException}, interruptions by
     * their result, ABORTED worst; ties in the order they failed), the others suppressed on it.
     */
    private Object parallel(Map<String, Object> branches) throws Exception {
        boolean failFast = Boolean.TRUE.equals(branches.get("failFast"));
        Flow parent = t.flow();
        List<Branch> list = new ArrayList<>();
        branches.forEach((name, body) -> {
            if (!name.equals("failFast")) {
                list.add(new Branch(name, (Closure<?>) body, parent.child()));
            }
        });
        List<Throwable> failures = Collections.synchronizedList(new ArrayList<>());
        CountDownLatch done = new CountDownLatch(list.size());
        AtomicBoolean failedFast = new AtomicBoolean();
        for (Branch branch : list) {
            t.running.add(branch.start);
            Thread thread = new Thread(() -> runBranch(branch, list, failures, done, failFast, failedFast),
                    "branch " + branch.name);
            thread.setDaemon(true);
            t.vm.startQueued(thread);
        }
        t.blocking("parallel", false, step -> {
            done.await();
            return null;
        });
        if (failures.isEmpty()) {
            return null;
        }
        List<Throwable> ordered = new ArrayList<>(failures);
        if (!failFast) {
            ordered.sort(Comparator.comparingInt(CoreSteps::rank));
        }
        Throwable first = ordered.get(0);
        ordered.stream().skip(1).filter(e -> e != first).forEach(first::addSuppressed);
        throw Steps.<RuntimeException>sneaky(first);
    }

    private void runBranch(Branch branch, List<Branch> all, List<Throwable> failures, CountDownLatch done,
                           boolean failFast, AtomicBoolean failedFast) {
        t.vm.enter();
        try {
            t.enterFlow(branch.flow);
            t.running.remove(branch.start);
            if (!branch.start.finish()) {
                throw branch.start.stopped();
            }
            t.call(branch.body);
        } catch (Throwable thrown) {
            Throwable e = PipelineTestBase.unwrap(thrown);
            t.log.add("Failed in branch " + branch.name);
            failures.add(e);
            if (failFast && failedFast.compareAndSet(false, true)) {
                for (Branch other : all) {
                    if (other != branch) {
                        t.interrupt(other.flow, new FlowInterruptedException("ABORTED", true,
                                new ParallelStep.FailFastCause(branch.name)));
                    }
                }
            }
        } finally {
            done.countDown();
            t.vm.leave();
        }
    }

    /** {@code ThrowableComparator}: lower ranks are worse and thrown first. */
    private static int rank(Throwable e) {
        if (e instanceof FlowInterruptedException i) {
            // ABORTED (index 4) is the worst result: 10 - 4 = 6 sorts before FAILURE's 8.
            return 10 - PipelineTestBase.RESULTS.indexOf(i.getResult());
        }
        return e instanceof PipelineAbort ? 1 : 0;
    }

    /**
     * {@code WaitForConditionStep}: runs the body, each try a block of its own; while it returns false,
     * waits (250 ms, or {@code initialRecurrencePeriod} within 250-15000 ms, growing ×1.2 up to 15 s),
     * saying "Will try again after ..." unless {@code quiet}.
     */
    private Object waitUntil(Map<String, Object> options, Closure<?> body) throws Exception {
        Object initial = options.get("initialRecurrencePeriod");
        long period = Math.max(250, Math.min(15_000, initial == null ? 250 : ((Number) initial).longValue()));
        boolean quiet = Boolean.TRUE.equals(options.get("quiet"));
        while (true) {
            t.waitUntilTries.incrementAndGet();
            Object value = t.call(body);
            if (!(value instanceof Boolean)) {
                throw new ClassCastException("waitUntil's body returned " + value + ", not a Boolean");
            }
            if ((Boolean) value) {
                return null;
            }
            if (!quiet) {
                t.log.add("Will try again after " + timeSpan(period));
            }
            long wait = period;
            t.blocking("waitUntil", true, step -> step.pause(wait));
            period = Math.min(15_000, (long) (period * 1.2));
        }
    }

    /** {@code Util.getTimeSpanString} for less than a minute: {@code 0.25 sec}, {@code 15 sec}. */
    private static String timeSpan(long millis) {
        return millis >= 10_000 ? (millis / 1000) + " sec" : String.format(java.util.Locale.ROOT, "%.2g sec",
                millis / 1000.0).replaceAll("\\.?0+ sec", " sec");
    }

    /** {@code SleepStep}: waits {@code time} in {@code unit} (default seconds), interruptibly. */
    private Object sleep(Map<String, Object> args) throws Exception {
        long time = ((Number) args.get("time")).longValue();
        TimeUnit unit = TimeUnit.valueOf(String.valueOf(args.getOrDefault("unit", "SECONDS")));
        t.log.add("Sleeping for " + time + " " + unit.name().toLowerCase(java.util.Locale.ROOT));
        t.blocking("sleep", true, step -> step.pause(unit.toMillis(time)));
        return null;
    }

    /**
     * {@code TimeoutStepExecution}: at expiry the steps running in the body are interrupted
     * ({@code ExceededTimeout}, ABORTED); if the body still runs after the grace period (60 s), every
     * step running in it then ends at once ("terminating with extreme prejudice"), whatever its process
     * does. The step itself ends only when its body does; an interruption of its own that leaves it
     * is no longer an actual one (JENKINS-51454), so {@code catchError} outside catches it.
     */
    private Object timeout(Map<String, Object> args, Closure<?> body) {
        long time = ((Number) args.get("time")).longValue();
        TimeUnit unit = TimeUnit.valueOf(String.valueOf(args.getOrDefault("unit", "MINUTES")));
        Flow scope = t.flow().child();
        AtomicBoolean over = new AtomicBoolean();
        t.log.add("Timeout set to expire in " + time + " " + unit.name().toLowerCase(java.util.Locale.ROOT));
        Thread timer = new Thread(() -> {
            try {
                Thread.sleep(unit.toMillis(time));
                if (over.get()) {
                    return;
                }
                t.log.add("Cancelling nested steps due to timeout");
                t.interrupt(scope, new FlowInterruptedException("ABORTED", true,
                        new TimeoutStepExecution.ExceededTimeout()));
                Thread.sleep(t.timeoutGrace.toMillis());
                if (over.get()) {
                    return;
                }
                t.log.add("Body did not finish within grace period; terminating with extreme prejudice");
                t.force(scope, new FlowInterruptedException("ABORTED", true, new TimeoutStepExecution.ExceededTimeout()));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "timeout");
        timer.setDaemon(true);
        timer.start();
        try {
            return t.inFlow(scope, body);
        } catch (Exception thrown) {
            Throwable e = PipelineTestBase.unwrap(thrown);
            if (e instanceof FlowInterruptedException i && i.getCauses().stream()
                    .anyMatch(c -> c instanceof TimeoutStepExecution.ExceededTimeout)) {
                i.setActualInterruption(false);
            }
            throw Steps.<RuntimeException>sneaky(e);
        } finally {
            over.set(true);
            timer.interrupt();
        }
    }

    /**
     * {@code StashStep} ({@code StashManager.stash}): the files under the step's directory that the Ant
     * patterns {@code includes} (default all) take and {@code excludes} do not, Ant's default excludes
     * too unless {@code useDefaultExcludes: false}; none is an error unless {@code allowEmpty}.
     */
    private Object stash(Map<String, Object> args) throws Exception {
        String name = String.valueOf(args.get("name"));
        Object includes = args.get("includes");
        List<String> files = AntPatterns.scan(t.cwd(), includes == null || includes.toString().isEmpty() ? "**"
                : includes.toString(), (String) args.get("excludes"), !Boolean.FALSE.equals(args.get("useDefaultExcludes")));
        if (files.isEmpty() && !Boolean.TRUE.equals(args.get("allowEmpty"))) {
            throw new PipelineAbort("No files included in stash ‘" + name + "’");
        }
        Map<String, byte[]> content = new LinkedHashMap<>();
        for (String f : files) {
            content.put(f, Files.readAllBytes(t.cwd().resolve(f)));
        }
        t.stashes.put(name, content);
        t.log.add("Stashed " + files.size() + " file(s)");
        return null;
    }

    /** {@code UnstashStep}: the stash's files under the step's directory, by the paths they were stashed with. */
    private Object unstash(String name) throws Exception {
        Map<String, byte[]> files = t.stashes.get(name);
        if (files == null) {
            throw new PipelineAbort("No such saved stash ‘" + name + "’");
        }
        for (Map.Entry<String, byte[]> f : files.entrySet()) {
            Path target = t.cwd().resolve(f.getKey());
            Files.createDirectories(target.getParent());
            Files.write(target, f.getValue());
        }
        return null;
    }

    /** {@code ArtifactArchiver}: the Ant patterns {@code artifacts} under the step's directory; none fails unless allowed. */
    private Object archiveArtifacts(Map<String, Object> args) {
        String pattern = String.valueOf(args.get("artifacts"));
        List<String> files = AntPatterns.scan(t.cwd(), pattern, (String) args.get("excludes"), true);
        if (files.isEmpty() && !Boolean.TRUE.equals(args.get("allowEmptyArchive"))) {
            throw new PipelineAbort("No artifacts found that match the file pattern \"" + pattern
                    + "\". Configuration error?");
        }
        return null;
    }

    /**
     * htmlpublisher's {@code HtmlPublisher}: copies from {@code reportDir} the files its {@code includes}
     * (Ant patterns, default {@code **}{@code /*} since 1.14) take, Ant's default excludes left out; a missing
     * folder fails unless {@code allowMissing}.
     */
    private Object publishHtml(Map<String, Object> target) {
        Path dir = t.file(target.get("reportDir"));
        String name = String.valueOf(target.get("reportName"));
        if (!Files.isDirectory(dir)) {
            if (Boolean.TRUE.equals(target.get("allowMissing"))) {
                return null;
            }
            throw new PipelineAbort("Specified HTML directory '" + dir + "' does not exist.");
        }
        Object includes = target.get("includes");
        t.published.put(name, AntPatterns.scan(dir, includes == null || includes.toString().isEmpty() ? "**/*"
                : includes.toString(), null, true));
        return null;
    }

    /** {@code DefaultTypeTransformation}: Groovy truth, as {@code when} and conditions read values. */
    static boolean truth(Object value) {
        return DefaultTypeTransformation.castToBoolean(value);
    }
}
