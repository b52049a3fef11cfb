package io.titan.jenkins;

import com.lesfurets.jenkins.unit.BasePipelineTest;
import com.lesfurets.jenkins.unit.MethodCall;
import com.lesfurets.jenkins.unit.global.lib.LibraryConfiguration;
import com.lesfurets.jenkins.unit.global.lib.LocalSource;
import groovy.lang.Closure;
import groovy.lang.Script;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.codehaus.groovy.runtime.InvokerHelper;
import org.jenkinsci.plugins.pipeline.modeldefinition.Utils;
import org.jenkinsci.plugins.workflow.steps.FlowInterruptedException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * Registers, once, the Jenkins steps the library's vars and {@code Jenkinsfile.example} use, on
 * JenkinsPipelineUnit 1.1: {@code error} throws as in Jenkins; {@code stage}, {@code catchError} and
 * {@code unstable} record each stage run's result (what the Jenkins UI colours a node by), one entry
 * per run even when names repeat; file steps work on a real temporary workspace, relative to the
 * directory {@code dir} sets; {@code sh} is whatever the test sets ({@link #sh}) and may throw
 * Jenkins' {@link FlowInterruptedException}, which aborts stages as in Jenkins. With {@code cps = true}
 * every var runs through groovy-cps, the transformation Jenkins applies, and its state is serialized
 * at every step. {@link Declarative} adds the declarative syntax.
 */
abstract class PipelineTestBase extends BasePipelineTest {

    /** The project checkout: the library's root (vars/, src/, resources/). */
    static final Path PROJECT = Path.of(Optional.ofNullable(System.getenv("TITAN_PROJECT_DIR"))
            .orElse(System.getProperty("user.dir"))).toAbsolutePath();

    /** What a test's {@code sh} does with the step's arguments (script, returnStatus, returnStdout, label). */
    @FunctionalInterface
    interface ShHandler {
        /**
         * @param cwd the directory the step runs in: the workspace, or where {@code dir} moved to
         */
        Object run(Map<String, Object> args, Map<String, Object> env, Path cwd) throws Exception;
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
    protected final Map<String, Object> env = new LinkedHashMap<>();
    protected final Map<String, Object> currentBuild = new LinkedHashMap<>();
    /** Every echo, error and sh output line, in order. */
    protected final List<String> log = Collections.synchronizedList(new ArrayList<>());
    /** Every stage run, in the order they started. */
    protected final List<StageRun> stageRuns = Collections.synchronizedList(new ArrayList<>());
    /** Every {@code sh} script, in order. */
    protected final List<String> shScripts = new ArrayList<>();
    /** Every {@code node} step's label, in order, and every {@code stash} and {@code unstash}. */
    protected final List<String> nodes = new ArrayList<>();
    protected final Map<String, Map<String, String>> stashes = new LinkedHashMap<>();
    /** How many times waitUntil's body was false with nothing left to run: a bound on a wait that never ends. */
    private int waitUntilPolls;
    protected final Deque<StageRun> stageStack = new ArrayDeque<>();
    /** The working directory of file steps and {@code sh}: the workspace, changed by {@code dir}. */
    protected final Deque<Path> dirStack = new ArrayDeque<>();
    /** The error that failed (or the interruption that aborted) a declarative stage, if one did. */
    protected Throwable lastError;
    protected ShHandler sh = (args, environment, cwd) -> {
        throw new AssertionError("unexpected sh: " + args.get("script"));
    };

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
        setBaseScriptRoot(PROJECT.toString());
        // src/ holds the library's classes (io.titan.jenkins.*); vars are loaded by path from the root.
        setScriptRoots(new String[] {PROJECT.resolve("src").toString(), PROJECT.toString()});
        setScriptExtension("groovy");
        Set<String> hidden = hiddenClasses();
        if (!hidden.isEmpty()) {
            useClassLoader(new HidingClassLoader(getClass().getClassLoader(), hidden));
        }
        super.setUp();
        env.put("WORKSPACE", workspace.toString());
        currentBuild.put("result", "SUCCESS");
        getBinding().setVariable("env", env);
        getBinding().setVariable("currentBuild", currentBuild);
        getBinding().setVariable("params", new LinkedHashMap<String, Object>());
        getBinding().setVariable("scm", new LinkedHashMap<String, Object>());
        Utils.onMarkSkipped(name -> markStageNamed(name, "NOT_BUILT"));
        registerSteps();
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
        delete(workspace);
        delete(libraries);
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

    void register(String name, List<Class<?>> args, Steps.Body body) {
        getHelper().registerAllowedMethod(name, new ArrayList<>(args), Steps.of(this, a -> {
            if (getHelper() instanceof StepBoundaryCps runner) {
                runner.stepCalled();
            }
            return body.run(a);
        }));
    }

    @SuppressWarnings("unchecked")
    private void registerSteps() {
        // As in Jenkins, error only throws: whoever catches it (catchError, the stage, the end of the build)
        // prints the one "ERROR: ..." line.
        register("error", List.of(String.class), a -> {
            throw new PipelineAbort(String.valueOf(a[0]));
        });
        register("echo", List.of(String.class), a -> log.add(String.valueOf(a[0])));
        register("unstable", List.of(String.class), a -> {
            log.add("WARNING: " + a[0]);
            worsenBuild("UNSTABLE");
            markStage("UNSTABLE");
            return null;
        });
        register("catchError", List.of(Map.class, Closure.class), a -> {
            Map<String, Object> options = (Map<String, Object>) a[0];
            try {
                return call((Closure<?>) a[1]);
            } catch (Exception thrown) {
                Throwable e = unwrap(thrown);
                if (e instanceof FlowInterruptedException interruption) {
                    // Jenkins' catchError catches an abort too, unless told not to.
                    if (Boolean.FALSE.equals(options.get("catchInterruptions"))) {
                        throw Steps.<RuntimeException>sneaky(e);
                    }
                    log.add("Aborted: " + e.getMessage());
                    worsenBuild(interruption.getResult());
                    markStage(interruption.getResult());
                    return null;
                }
                log.add("ERROR: " + e.getMessage());
                worsenBuild(String.valueOf(options.getOrDefault("buildResult", "FAILURE")));
                markStage(String.valueOf(options.getOrDefault("stageResult", "FAILURE")));
                return null;
            }
        });
        register("stage", List.of(String.class, Closure.class), a -> scriptedStage((String) a[0], (Closure<?>) a[1]));
        register("sh", List.of(Map.class), a -> runSh(new LinkedHashMap<>((Map<String, Object>) a[0])));
        register("sh", List.of(String.class), a -> runSh(new LinkedHashMap<>(Map.of("script", a[0]))));
        register("fileExists", List.of(String.class), a -> Files.exists(file(a[0])));
        register("readFile", List.of(String.class), a -> Files.readString(file(a[0])));
        register("readFile", List.of(Map.class), a -> Files.readString(file(((Map<String, Object>) a[0]).get("file"))));
        register("writeFile", List.of(Map.class), a -> {
            Map<String, Object> m = (Map<String, Object>) a[0];
            Path f = file(m.get("file"));
            Files.createDirectories(f.getParent());
            Files.writeString(f, String.valueOf(m.get("text")));
            return null;
        });
        register("dir", List.of(String.class, Closure.class), a -> {
            Path to = file(a[0]);
            log.add("Running in " + to);
            dirStack.push(to);
            try {
                return call((Closure<?>) a[1]);
            } finally {
                dirStack.pop();
            }
        });
        register("pwd", List.of(), a -> cwd().toString());
        register("withEnv", List.of(List.class, Closure.class), a -> {
            Map<String, String> overrides = new LinkedHashMap<>();
            for (Object entry : (List<Object>) a[0]) {
                String[] kv = String.valueOf(entry).split("=", 2);
                overrides.put(kv[0], kv.length > 1 ? kv[1] : "");
            }
            return withEnv(overrides, (Closure<?>) a[1]);
        });
        register("node", List.of(String.class, Closure.class), a -> node((String) a[0], (Closure<?>) a[1]));
        register("node", List.of(Closure.class), a -> node(null, (Closure<?>) a[0]));
        register("parallel", List.of(Map.class), a -> parallel((Map<String, Object>) a[0]));
        register("waitUntil", List.of(Closure.class), a -> waitUntil((Closure<?>) a[0]));
        register("waitUntil", List.of(Map.class, Closure.class), a -> waitUntil((Closure<?>) a[1]));
        register("stash", List.of(Map.class), a -> {
            Map<String, Object> m = (Map<String, Object>) a[0];
            String includes = String.valueOf(m.get("includes"));
            Map<String, String> files = new LinkedHashMap<>();
            for (String include : includes.split(",")) {
                Path f = file(include.trim());
                if (!Files.isRegularFile(f)) {
                    throw new PipelineAbort("No files included in stash '" + m.get("name") + "'");
                }
                files.put(include.trim(), Files.readString(f));
            }
            stashes.put(String.valueOf(m.get("name")), files);
            return null;
        });
        register("unstash", List.of(String.class), a -> {
            Map<String, String> files = stashes.get(String.valueOf(a[0]));
            if (files == null) {
                throw new PipelineAbort("No such saved stash '" + a[0] + "'");
            }
            for (Map.Entry<String, String> f : files.entrySet()) {
                write(f.getKey(), f.getValue());
            }
            return null;
        });
        register("archiveArtifacts", List.of(Map.class), a -> null);
        register("junit", List.of(Map.class), a -> null);
        register("publishHTML", List.of(Map.class), a -> null);
        register("checkout", List.of(Map.class), a -> null);
        register("string", List.of(Map.class), a -> new LinkedHashMap<>((Map<String, Object>) a[0]));
        register("withCredentials", List.of(List.class, Closure.class), a -> {
            Map<String, String> overrides = new LinkedHashMap<>();
            for (Object binding : (List<Object>) a[0]) {
                Map<String, Object> b = (Map<String, Object>) binding;
                overrides.put(String.valueOf(b.get("variable")), credential(String.valueOf(b.get("credentialsId"))));
            }
            return withEnv(overrides, (Closure<?>) a[1]);
        });
    }

    /**
     * {@code node(label)}: here every agent is this machine and its workspace, so the body just runs,
     * with the env of a node of that label ({@code NODE_NAME} {@code <label>-1}, {@code NODE_LABELS}
     * its name and label), as Jenkins gives it. The label is recorded in {@link #nodes}.
     */
    private Object node(String label, Closure<?> body) {
        nodes.add(String.valueOf(label));
        String name = (label == null ? "agent" : label) + "-1";
        Map<String, String> agent = new LinkedHashMap<>();
        agent.put("NODE_NAME", name);
        agent.put("NODE_LABELS", label == null ? name : name + " " + label);
        return withEnv(agent, body);
    }

    /** A running {@code parallel}: the branches not started yet, and the first failure of one that ended. */
    private static final class Parallel {
        final Deque<Map.Entry<String, Object>> pending = new ArrayDeque<>();
        Throwable failure;
    }

    /** The running {@code parallel} steps, innermost first. */
    private final Deque<Parallel> parallels = new ArrayDeque<>();

    /**
     * {@code parallel}: the branches in the Map's order, on the one test thread. A branch that waits
     * ({@code waitUntil} false) lets the branches not started yet run meanwhile, so a branch may wait
     * for one after it, as Jenkins' branches, which start together, may. As in Jenkins, a branch that
     * fails lets the others run and the step then throws the first failure; an abort (Jenkins'
     * interruption) reaches every branch, so those not started never start, and the step throws it.
     */
    private Object parallel(Map<String, Object> branches) {
        Parallel run = new Parallel();
        branches.entrySet().stream().filter(b -> !b.getKey().equals("failFast")).forEach(run.pending::add);
        parallels.push(run);
        try {
            while (!run.pending.isEmpty()) {
                runBranch(run, run.pending.poll());
            }
        } finally {
            parallels.remove(run);
        }
        if (run.failure != null) {
            throw Steps.<RuntimeException>sneaky(run.failure);
        }
        return null;
    }

    private void runBranch(Parallel run, Map.Entry<String, Object> branch) {
        try {
            call((Closure<?>) branch.getValue());
        } catch (Exception thrown) {
            Throwable e = unwrap(thrown);
            if (e instanceof FlowInterruptedException) {
                run.pending.clear();
                throw Steps.<RuntimeException>sneaky(e);
            }
            run.failure = run.failure == null ? e : run.failure;
        }
    }

    /**
     * {@code waitUntil}: runs the body until it returns true; while it is false, a branch of a running
     * {@code parallel} that has not started runs (see {@link #parallel}). A wait nothing can end fails.
     */
    private Object waitUntil(Closure<?> body) {
        while (true) {
            if (org.codehaus.groovy.runtime.typehandling.DefaultTypeTransformation.castToBoolean(call(body))) {
                return null;
            }
            Parallel run = parallels.stream().filter(p -> !p.pending.isEmpty()).findFirst().orElse(null);
            if (run != null) {
                runBranch(run, run.pending.poll());
            } else if (++waitUntilPolls > 10_000) {
                throw new AssertionError("waitUntil polled 10000 times with no branch left to run: it waits for ever");
            }
        }
    }

    /**
     * Runs {@code body} with {@code overrides} in env, then puts back only those variables: like
     * Jenkins, an {@code env.X = ...} made inside the block stays for the rest of the build.
     */
    private Object withEnv(Map<String, String> overrides, Closure<?> body) {
        Map<String, Object> saved = new LinkedHashMap<>();
        for (String key : overrides.keySet()) {
            saved.put(key, env.get(key));
        }
        env.putAll(overrides);
        try {
            return call(body);
        } finally {
            saved.forEach((key, value) -> {
                if (value == null) {
                    env.remove(key);
                } else {
                    env.put(key, value);
                }
            });
        }
    }

    /** The secret a credentials id stands for in this test; tests with secrets override it. */
    protected String credential(String id) {
        throw new AssertionError("no credential " + id);
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
        nodes.clear();
        env.remove("TITAN_DEPLOY_CALLS");
        env.put("BUILD_NUMBER", Integer.toString(number));
        lastError = null;
    }

    Object call(Closure<?> body) {
        return getHelper().callClosure(body);
    }

    /**
     * A stage run: an error in it marks it FAILURE, an interruption ABORTED (then either goes on up,
     * as in Jenkins).
     */
    Object scriptedStage(String name, Closure<?> body) {
        StageRun run = new StageRun(name);
        stageRuns.add(run);
        stageStack.push(run);
        try {
            return call(body);
        } catch (Exception thrown) {
            Throwable e = unwrap(thrown);
            markStage(e instanceof FlowInterruptedException i ? i.getResult() : "FAILURE");
            throw Steps.<RuntimeException>sneaky(e);
        } finally {
            run.endedAt = System.nanoTime();
            run.ended = java.time.Instant.now();
            stageStack.pop();
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

    private Object runSh(Map<String, Object> args) throws Exception {
        shScripts.add(String.valueOf(args.get("script")));
        // Jenkins' sh creates its directory when dir() named one that does not exist yet.
        Files.createDirectories(cwd());
        Object result = sh.run(args, new LinkedHashMap<>(env), cwd());
        boolean returns = Boolean.TRUE.equals(args.get("returnStatus")) || Boolean.TRUE.equals(args.get("returnStdout"));
        if (!returns && result instanceof Integer rc && rc != 0) {
            throw new PipelineAbort("script returned exit code " + rc);
        }
        return returns ? result : null;
    }

    /** Where file steps and {@code sh} run now. */
    Path cwd() {
        Path top = dirStack.peek();
        return top == null ? workspace : top;
    }

    Path file(Object name) {
        Path p = Path.of(String.valueOf(name));
        // Not normalized: "file/." must not exist (it is how a step tells a directory from a file, as in Jenkins).
        return p.isAbsolute() ? p : cwd().resolve(p);
    }

    void write(String name, String text) throws IOException {
        Path f = file(name);
        Files.createDirectories(f.getParent());
        Files.writeString(f, text, StandardCharsets.UTF_8);
    }

    /** Sets the build result unless it is already worse, as Jenkins does. */
    void worsenBuild(String result) {
        String current = String.valueOf(currentBuild.get("result"));
        if (RESULTS.indexOf(result) > RESULTS.indexOf(current)) {
            currentBuild.put("result", result);
        }
    }

    /** Sets the running stage's result unless it is already worse. */
    void markStage(String result) {
        StageRun stage = stageStack.peek();
        if (stage != null && RESULTS.indexOf(result) > RESULTS.indexOf(stage.result)) {
            stage.result = result;
        }
    }

    /** What the declarative plugin's Utils.markStageSkippedForConditional does: the running stage of that name. */
    private void markStageNamed(String name, String result) {
        for (StageRun stage : stageStack) {
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

    /** The result of the only run of stage {@code name}. */
    String stage(String name) {
        List<StageRun> runs;
        synchronized (stageRuns) {
            runs = stageRuns.stream().filter(s -> s.name.equals(name)).toList();
        }
        if (runs.size() != 1) {
            throw new AssertionError("stage " + name + " ran " + runs.size() + " times: " + stages());
        }
        return runs.get(0).result;
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

    /** The calls to {@code method}, as the call stack prints them. */
    List<String> calls(String method) {
        return getHelper().getCallStack().stream().filter(c -> c.getMethodName().equals(method))
                .map(MethodCall::argsToString).collect(Collectors.toList());
    }

    String callStack() {
        return getHelper().getCallStack().stream().map(MethodCall::toString).collect(Collectors.joining("\n"));
    }

    String logText() {
        synchronized (log) {
            return String.join("\n", log);
        }
    }
}
