package io.titan.jenkins;

import com.lesfurets.jenkins.unit.BasePipelineTest;
import com.lesfurets.jenkins.unit.MethodCall;
import com.lesfurets.jenkins.unit.global.lib.LibraryConfiguration;
import com.lesfurets.jenkins.unit.global.lib.LocalSource;
import groovy.lang.Closure;
import groovy.lang.Script;
import java.io.IOException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import jenkins.model.CauseOfInterruption;
import org.codehaus.groovy.runtime.InvokerHelper;
import org.jenkinsci.plugins.pipeline.modeldefinition.Utils;
import org.jenkinsci.plugins.workflow.steps.FlowInterruptedException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * A Jenkins for the library's tests, on JenkinsPipelineUnit 1.1: every step the library, its
 * Jenkinsfiles and the tests call is registered once ({@link CoreSteps}), each following the class of
 * Jenkins core or of the plugin that defines it. What Jenkins runs at once runs at once here:
 * {@code parallel} branches are threads, of which one at a time runs Groovy ({@link CpsVm}, Jenkins'
 * CPS VM thread), and a step that waits lets the others run. Each step runs in the context its blocks
 * give it ({@link Flow}: node and workspace, {@code dir}, {@code withEnv}, stages); file steps work on
 * real folders, one per agent and workspace ({@link Agents}); {@code sh} is whatever the test sets
 * ({@link #sh}). An interruption (the stop button, {@code timeout}, {@code failFast}) stops the steps
 * that run when it comes ({@link Running}). With {@code cps = true} every var runs through groovy-cps,
 * the transformation Jenkins applies, and what it holds across a step is serialized.
 * {@link Declarative} adds the declarative syntax.
 */
abstract class PipelineTestBase extends BasePipelineTest {

    /** The project checkout: the library's root (vars/, src/, resources/). */
    static final Path PROJECT = Path.of(Optional.ofNullable(System.getenv("TITAN_PROJECT_DIR"))
            .orElse(System.getProperty("user.dir"))).toAbsolutePath();

    /** What a test's {@code sh} does with the step's arguments (script, returnStatus, returnStdout, label). */
    @FunctionalInterface
    interface ShHandler {
        /**
         * @param cwd  the directory the step runs in: the node's workspace, or where {@code dir} moved to
         * @param step the running step: how an interruption reaches it
         */
        Object run(Map<String, Object> args, Map<String, Object> env, Path cwd, Running step) throws Exception;
    }

    /**
     * One run of a stage: its name, result, and when it started and ended ({@link System#nanoTime()}, as
     * Jenkins times a stage from its start to its end). Names may repeat (two calls of a step in one build).
     */
    static final class StageRun {
        final String name;
        volatile String result = "SUCCESS";
        final long startedAt = System.nanoTime();
        volatile long endedAt;
        /** The wall-clock start and end, to hold against the times in a report. */
        final java.time.Instant started = java.time.Instant.now();
        volatile java.time.Instant ended;

        StageRun(String name) {
            this.name = name;
        }

        /** How long the stage ran, in milliseconds. */
        long durationMs() {
            return (endedAt - startedAt) / 1_000_000;
        }

        @Override
        public String toString() {
            return name + "=" + result;
        }
    }

    /** Jenkins' results, best first ({@code hudson.model.Result}'s order). */
    static final List<String> RESULTS = List.of("SUCCESS", "UNSTABLE", "FAILURE", "NOT_BUILT", "ABORTED");

    protected Path workspace;
    /** The build's {@code env}: what a step reads is this, under what its blocks added ({@link PipelineEnv}). */
    protected final PipelineEnv env = new PipelineEnv(this::flow);
    protected final Map<String, Object> currentBuild = Collections.synchronizedMap(new LinkedHashMap<>());
    /** Every echo, error and sh output line, in order. */
    protected final List<String> log = Collections.synchronizedList(new ArrayList<>());
    /** Every stage run, in the order they started. */
    protected final List<StageRun> stageRuns = Collections.synchronizedList(new ArrayList<>());
    /** Every {@code sh} script, in order. */
    protected final List<String> shScripts = Collections.synchronizedList(new ArrayList<>());
    /** One {@code sh} step: its label, when it started and when it returned ({@link System#nanoTime()}). */
    record ShRun(String label, long startedAt, long endedAt) {
    }

    /** Every {@code sh} step's run, in the order they ended. */
    protected final List<ShRun> shRuns = Collections.synchronizedList(new ArrayList<>());
    /** Every {@code node} step's label, in order. */
    protected final List<String> nodes = Collections.synchronizedList(new ArrayList<>());
    /** Every stash: its files by path relative to where it was taken. */
    protected final Map<String, Map<String, byte[]>> stashes = new ConcurrentHashMap<>();
    /** What each {@code publishHTML} copied: report name to the files, relative to its reportDir. */
    protected final Map<String, List<String>> published = new ConcurrentHashMap<>();
    /** The error that failed (or the interruption that aborted) a declarative stage, if one did. */
    protected volatile Throwable lastError;
    protected ShHandler sh = (args, environment, cwd, step) -> {
        throw new AssertionError("unexpected sh: " + args.get("script"));
    };
    /**
     * The controller JVM's default charset, in which {@code readFile} without {@code encoding} decodes
     * ({@code ReadFileStep}): a Java 17 controller started under the POSIX locale has ASCII.
     */
    protected Charset controllerCharset = StandardCharsets.US_ASCII;
    /** How long {@code timeout} lets its body finish after it interrupted it ({@code TimeoutStepExecution.GRACE_PERIOD}). */
    protected Duration timeoutGrace = Duration.ofSeconds(60);
    /** A {@code node} that waits this long for an executor fails: in Jenkins it would wait for ever. */
    protected Duration executorWait = Duration.ofSeconds(120);

    final CpsVm vm = new CpsVm();
    Agents agents;
    /** The agent the build holds from its start (a declarative {@code agent}, or the node a step test runs on). */
    Agents.Agent buildAgent;
    /** The steps that run now. */
    final Set<Running> running = ConcurrentHashMap.newKeySet();
    private Flow root;
    private final ThreadLocal<Flow> flows = new ThreadLocal<>();
    /** How many times a {@code waitUntil} body ran, each a block of its own in Jenkins. */
    final java.util.concurrent.atomic.AtomicInteger waitUntilTries = new java.util.concurrent.atomic.AtomicInteger();

    private final boolean cps;

    PipelineTestBase(boolean cps) {
        this.cps = cps;
        if (cps) {
            setHelper(new StepBoundaryCps());
        }
    }

    boolean cps() {
        return cps;
    }

    @BeforeEach
    @Override
    public void setUp() throws Exception {
        workspace = Files.createTempDirectory("titan-jpu-ws-");
        agents = new Agents(Files.createTempDirectory("titan-jpu-agents-"));
        holdNode("agent-1", 1);
        setBaseScriptRoot(PROJECT.toString());
        // src/ holds the library's classes (io.titan.jenkins.*); vars are loaded by path from the root.
        setScriptRoots(new String[] {PROJECT.resolve("src").toString(), PROJECT.toString()});
        setScriptExtension("groovy");
        Set<String> hidden = hiddenClasses();
        if (!hidden.isEmpty()) {
            useClassLoader(new HidingClassLoader(getClass().getClassLoader(), hidden));
        }
        super.setUp();
        currentBuild.put("result", "SUCCESS");
        getBinding().setVariable("env", env);
        getBinding().setVariable("currentBuild", currentBuild);
        getBinding().setVariable("params", new LinkedHashMap<String, Object>());
        getBinding().setVariable("scm", new LinkedHashMap<String, Object>());
        Utils.onMarkSkipped(name -> markStageNamed(name, "NOT_BUILT"));
        CoreSteps.register(this);
    }

    /**
     * The build runs on agent {@code name} (with {@code labels}, {@code executors} of them), in the
     * test's workspace, holding one of its executors: as the node block a declarative {@code agent} or
     * a scripted {@code node} opens around the whole build.
     */
    void holdNode(String name, int executors, String... labels) {
        buildAgent = agents.add(name, executors, workspace, labels);
        try {
            if (!buildAgent.takeExecutor(0)) {
                throw new IllegalStateException(name + " has no executor");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        buildAgent.hold(workspace);
        root = Flow.root(buildAgent, workspace);
        flows.remove();
    }

    /**
     * Classes the library must not find, as on a Jenkins without the plugin that has them; tests of
     * such a Jenkins override this.
     */
    protected Set<String> hiddenClasses() {
        return Set.of();
    }

    private void useClassLoader(ClassLoader loader) throws ReflectiveOperationException {
        var field = BasePipelineTest.class.getDeclaredField("baseClassLoader");
        field.setAccessible(true);
        field.set(this, loader);
    }

    /** A class loader that does not know some classes. */
    private static final class HidingClassLoader extends ClassLoader {
        private final Set<String> hidden;

        HidingClassLoader(ClassLoader parent, Set<String> hidden) {
            super(parent);
            this.hidden = hidden;
        }

        @Override
        protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
            if (hidden.contains(name)) {
                throw new ClassNotFoundException(name);
            }
            return super.loadClass(name, resolve);
        }
    }

    @AfterEach
    void deleteWorkspace() throws IOException {
        vm.leave();
        delete(workspace);
        delete(libraries);
        if (agents != null) {
            delete(agents.root());
        }
    }

    static void delete(Path dir) throws IOException {
        if (dir != null && Files.exists(dir, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            try (var files = Files.walk(dir)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    private Path libraries;

    /**
     * Makes this checkout the shared library {@code titan-deploy} (default version main) that a
     * pipeline loads with {@code @Library('titan-deploy') _}, as a Jenkins with it registered does.
     */
    void registerLibrary() throws IOException {
        libraries = Files.createTempDirectory("titan-jpu-libs-");
        Files.createSymbolicLink(libraries.resolve("titan-deploy@main"), PROJECT);
        getHelper().registerSharedLibrary(LibraryConfiguration.library("titan-deploy").defaultVersion("main")
                .allowOverride(false).implicit(false).targetPath(libraries.toString())
                .retriever(LocalSource.localSource(libraries.toString())).build());
    }

    /**
     * Registers a step. Its body runs on the thread that runs Groovy, holding the baton (which the
     * thread takes here if it had not: a test's own thread at the start of a build).
     */
    void register(String name, List<Class<?>> args, Steps.Body body) {
        getHelper().registerAllowedMethod(name, new ArrayList<>(args), Steps.of(this, a -> {
            vm.enter();
            if (getHelper() instanceof StepBoundaryCps runner) {
                runner.stepCalled();
            }
            return body.run(a);
        }));
    }

    /** Removes a step, as on a Jenkins without its plugin. */
    void unregister(String name, List<Class<?>> args) {
        try {
            var field = com.lesfurets.jenkins.unit.PipelineTestHelper.class.getDeclaredField("allowedMethodCallbacks");
            field.setAccessible(true);
            @SuppressWarnings("unchecked")
            Map<Object, Object> callbacks = (Map<Object, Object>) field.get(getHelper());
            callbacks.remove(com.lesfurets.jenkins.unit.MethodSignature.method(name, args.toArray(new Class<?>[0])));
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }

    // ---- contexts ----

    /** The context of the step that runs on this thread. */
    Flow flow() {
        Flow f = flows.get();
        return f == null ? root : f;
    }

    /** Runs {@code body} in context {@code f}, as a block step runs its body. */
    <T> T within(Flow f, Callable<T> body) throws Exception {
        Flow saved = flows.get();
        flows.set(f);
        try {
            return body.call();
        } finally {
            if (saved == null) {
                flows.remove();
            } else {
                flows.set(saved);
            }
        }
    }

    /** Runs a closure in context {@code f}. */
    Object inFlow(Flow f, Closure<?> body) {
        try {
            return within(f, () -> call(body));
        } catch (Exception e) {
            throw Steps.<RuntimeException>sneaky(e);
        }
    }

    /** Sets this thread's context for the rest of its life (a new branch's thread). */
    void enterFlow(Flow f) {
        flows.set(f);
    }

    /**
     * A step that waits: {@code wait} runs without the baton (other branches run meanwhile) as a
     * {@link Running} step that an interruption can stop; a step stopped meanwhile throws the
     * interruption once its wait is over (with {@code throwWhenStopped}), and a forced one at once.
     */
    <T> T blocking(String what, boolean throwWhenStopped, WaitBody<T> wait) throws Exception {
        Running step = new Running(flow(), what);
        running.add(step);
        try {
            T value = vm.waiting(() -> {
                try {
                    return wait.run(step);
                } finally {
                    step.finish();
                }
            });
            if (step.forced() != null) {
                throw step.forced();
            }
            if (throwWhenStopped && step.stopped() != null) {
                throw step.stopped();
            }
            return value;
        } finally {
            running.remove(step);
        }
    }

    /** What a waiting step does while it waits. */
    @FunctionalInterface
    interface WaitBody<T> {
        T run(Running step) throws Exception;
    }

    /**
     * Interrupts every step running inside {@code scope} with {@code cause}, as
     * {@code CpsBodyExecution.cancel} does: on the CPS VM thread, so at a moment when no Groovy runs.
     */
    void interrupt(Flow scope, FlowInterruptedException cause) {
        boolean held = vm.holds();
        vm.enter();
        try {
            for (Running step : List.copyOf(running)) {
                if (step.flow.within(scope)) {
                    step.stop(cause);
                }
            }
        } finally {
            if (!held) {
                vm.leave();
            }
        }
    }

    /** Ends every step running inside {@code scope} at once with {@code cause} ({@code timeout}'s last resort). */
    void force(Flow scope, FlowInterruptedException cause) {
        boolean held = vm.holds();
        vm.enter();
        try {
            for (Running step : List.copyOf(running)) {
                if (step.flow.within(scope)) {
                    step.force(cause);
                }
            }
        } finally {
            if (!held) {
                vm.leave();
            }
        }
    }

    /**
     * The stop button: every running step of the build is interrupted ({@code ABORTED}, a
     * {@code UserInterruption}), as {@code CpsFlowExecution.interrupt} does. Callable from any thread.
     */
    FlowInterruptedException abortBuild(String user) {
        FlowInterruptedException cause = new FlowInterruptedException("ABORTED", true,
                new CauseOfInterruption.UserInterruption(user));
        log.add("Aborted by " + user);
        interrupt(root, cause);
        return cause;
    }

    /**
     * A new build of the job: its own number, result, log, stages, {@code sh} scripts, nodes and
     * build-wide env variables (the step's call names), as Jenkins starts each build afresh.
     */
    void newBuild(int number) {
        getHelper().clearCallStack();
        currentBuild.clear();
        currentBuild.put("result", "SUCCESS");
        stageRuns.clear();
        log.clear();
        shScripts.clear();
        shRuns.clear();
        nodes.clear();
        published.clear();
        env.remove("TITAN_DEPLOY_CALLS");
        env.put("BUILD_NUMBER", Integer.toString(number));
        lastError = null;
    }

    Object call(Closure<?> body) {
        return getHelper().callClosure(body);
    }

    /**
     * A stage run ({@code StageStep}): its body in the stage; an error in it marks it FAILURE, an
     * interruption with the interruption's result (then either goes on up, as in Jenkins).
     */
    Object scriptedStage(String name, Closure<?> body) {
        StageRun run = new StageRun(name);
        stageRuns.add(run);
        try {
            return inFlow(flow().inStage(run), body);
        } catch (Exception thrown) {
            Throwable e = unwrap(thrown);
            markStage(run, e instanceof FlowInterruptedException i ? i.getResult() : "FAILURE");
            throw Steps.<RuntimeException>sneaky(e);
        } finally {
            run.endedAt = System.nanoTime();
            run.ended = java.time.Instant.now();
        }
    }

    /**
     * What a step or body really threw: Groovy wraps a checked exception (Jenkins' interruption is one)
     * in InvokerInvocationException when Java calls a closure or a script method reflectively, which
     * Jenkins never does.
     */
    static Throwable unwrap(Throwable e) {
        Throwable t = e;
        while (t instanceof org.codehaus.groovy.runtime.InvokerInvocationException && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }

    /** Where file steps and {@code sh} run now. */
    Path cwd() {
        return flow().cwd();
    }

    /** A file step's path, as {@code FilePath.child} resolves it against {@link #cwd()}. */
    Path file(Object name) {
        return FilePaths.child(cwd(), String.valueOf(name));
    }

    void write(String name, String text) throws IOException {
        Path f = file(name);
        Files.createDirectories(f.getParent());
        Files.writeString(f, text, StandardCharsets.UTF_8);
    }

    /** Sets the build result unless it is already worse, as Jenkins does. */
    void worsenBuild(String result) {
        synchronized (currentBuild) {
            String current = String.valueOf(currentBuild.get("result"));
            if (RESULTS.indexOf(result) > RESULTS.indexOf(current)) {
                currentBuild.put("result", result);
            }
        }
    }

    /** Sets the result of the stage the current step is in, unless it is already worse. */
    void markStage(String result) {
        StageRun stage = flow().stage();
        if (stage != null) {
            markStage(stage, result);
        }
    }

    static void markStage(StageRun stage, String result) {
        synchronized (stage) {
            if (RESULTS.indexOf(result) > RESULTS.indexOf(stage.result)) {
                stage.result = result;
            }
        }
    }

    /** What the declarative plugin's Utils.markStageSkippedForConditional does: the enclosing stage of that name. */
    private void markStageNamed(String name, String result) {
        for (StageRun stage : flow().stages()) {
            if (stage.name.equals(name)) {
                stage.result = result;
                return;
            }
        }
        throw new IllegalStateException("no running stage named " + name);
    }

    String buildResult() {
        return String.valueOf(currentBuild.get("result"));
    }

    /** Each stage run as {@code name=RESULT}, in the order they started. */
    List<String> stages() {
        synchronized (stageRuns) {
            return stageRuns.stream().map(StageRun::toString).collect(Collectors.toList());
        }
    }

    /** The only run of stage {@code name}. */
    StageRun stageRun(String name) {
        List<StageRun> runs;
        synchronized (stageRuns) {
            runs = stageRuns.stream().filter(s -> s.name.equals(name)).toList();
        }
        if (runs.size() != 1) {
            throw new AssertionError("stage " + name + " ran " + runs.size() + " times: " + stages());
        }
        return runs.get(0);
    }

    /** The result of the only run of stage {@code name}. */
    String stage(String name) {
        return stageRun(name).result;
    }

    /**
     * Loads {@code vars/<step>.groovy} and calls it with {@code args} (a Map, or one positional value);
     * what it throws comes out unwrapped.
     */
    Object callStep(String step, Object args) {
        Script script = loadScript("vars/" + step + ".groovy");
        try {
            return InvokerHelper.invokeMethod(script, "call", new Object[] {args});
        } catch (RuntimeException e) {
            throw Steps.<RuntimeException>sneaky(unwrap(e));
        } finally {
            vm.leave();
        }
    }

    /**
     * Calls a step as the whole of a build: what leaves it gives the build its result and its last log
     * line, as in Jenkins (an interruption its own result, ABORTED; an error FAILURE and an ERROR line).
     * Returns what left it, or null.
     */
    Throwable runAsBuild(String step, Object args) {
        try {
            callStep(step, args);
            return null;
        } catch (Exception e) {
            if (e instanceof FlowInterruptedException i) {
                log.add("Aborted: " + e.getMessage());
                worsenBuild(i.getResult());
            } else {
                log.add("ERROR: " + e.getMessage());
                worsenBuild("FAILURE");
            }
            return e;
        }
    }

    @Override
    public Object runScript(String script) {
        try {
            return super.runScript(script);
        } finally {
            vm.leave();
        }
    }

    /** The calls to {@code method}, as the call stack prints them. */
    List<String> calls(String method) {
        synchronized (getHelper().getCallStack()) {
            return List.copyOf(getHelper().getCallStack()).stream().filter(c -> c.getMethodName().equals(method))
                    .map(MethodCall::argsToString).collect(Collectors.toList());
        }
    }

    String callStack() {
        return List.copyOf(getHelper().getCallStack()).stream().map(MethodCall::toString)
                .collect(Collectors.joining("\n"));
    }

    String logText() {
        synchronized (log) {
            return String.join("\n", log);
        }
    }

    /** The secret a credentials id stands for in this test; tests with secrets override it. */
    protected String credential(String id) {
        throw new AssertionError("no credential " + id);
    }

    /**
     * The build's {@code env} ({@code EnvActionImpl}): a variable set with {@code env.X = ...} holds for
     * the whole build; reading one sees first what the step's blocks set ({@code withEnv},
     * {@code withCredentials}, {@code node}: its {@code EnvironmentExpander}), as
     * {@code EnvActionImpl.getProperty} does.
     */
    static final class PipelineEnv extends LinkedHashMap<String, Object> {
        private static final long serialVersionUID = 1L;
        private final transient java.util.function.Supplier<Flow> flow;

        PipelineEnv(java.util.function.Supplier<Flow> flow) {
            this.flow = flow;
        }

        @Override
        public synchronized Object get(Object key) {
            Flow f = flow.get();
            if (f != null && f.env().containsKey(key)) {
                return f.env().get(key);
            }
            return super.get(key);
        }

        @Override
        public synchronized boolean containsKey(Object key) {
            Flow f = flow.get();
            return (f != null && f.env().containsKey(key)) || super.containsKey(key);
        }

        @Override
        public synchronized Object put(String key, Object value) {
            return super.put(key, value);
        }

        /** What a step's process gets: the build's variables under its blocks'. */
        synchronized Map<String, Object> effective() {
            Map<String, Object> all = new LinkedHashMap<>(this);
            Flow f = flow.get();
            if (f != null) {
                all.putAll(f.env());
            }
            return all;
        }
    }
}
