package io.titan.jenkins;

import com.lesfurets.jenkins.unit.BasePipelineTest;
import com.lesfurets.jenkins.unit.MethodCall;
import com.lesfurets.jenkins.unit.cps.PipelineTestHelperCPS;
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
import java.util.stream.Collectors;
import org.codehaus.groovy.runtime.InvokerHelper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * Registers, once, the Jenkins steps the library's vars and {@code Jenkinsfile.example} use, on
 * JenkinsPipelineUnit 1.1: {@code error} throws as in Jenkins; {@code stage}, {@code catchError} and
 * {@code unstable} record each stage's result (what the Jenkins UI colours a node by); file steps
 * work on a real temporary workspace; {@code sh} is whatever the test sets ({@link #sh}). With
 * {@code cps = true} every var runs through groovy-cps, the transformation Jenkins applies, and its
 * state is serialized at every step. {@link Declarative} adds the declarative syntax.
 */
abstract class PipelineTestBase extends BasePipelineTest {

    /** The project checkout: the library's root (vars/, src/, resources/). */
    static final Path PROJECT = Path.of(Optional.ofNullable(System.getenv("TITAN_PROJECT_DIR"))
            .orElse(System.getProperty("user.dir"))).toAbsolutePath();

    /** What a test's {@code sh} does with the step's arguments (script, returnStatus, returnStdout, label). */
    @FunctionalInterface
    interface ShHandler {
        Object run(Map<String, Object> args, Map<String, Object> env) throws Exception;
    }

    private static final List<String> RESULTS = List.of("SUCCESS", "UNSTABLE", "FAILURE");

    protected Path workspace;
    protected final Map<String, Object> env = new LinkedHashMap<>();
    protected final Map<String, Object> currentBuild = new LinkedHashMap<>();
    /** Every echo, error and sh output line, in order. */
    protected final List<String> log = Collections.synchronizedList(new ArrayList<>());
    /** Each stage's result by name, in the order the stages started. */
    protected final Map<String, String> stageResults = new LinkedHashMap<>();
    /** Every {@code sh} script, in order. */
    protected final List<String> shScripts = new ArrayList<>();
    protected final Deque<String> stageStack = new ArrayDeque<>();
    /** The error that failed a declarative stage, if one did. */
    protected RuntimeException lastError;
    protected ShHandler sh = (args, environment) -> {
        throw new AssertionError("unexpected sh: " + args.get("script"));
    };

    private final boolean cps;

    PipelineTestBase(boolean cps) {
        this.cps = cps;
        if (cps) {
            setHelper(new PipelineTestHelperCPS());
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
        super.setUp();
        env.put("WORKSPACE", workspace.toString());
        currentBuild.put("result", "SUCCESS");
        getBinding().setVariable("env", env);
        getBinding().setVariable("currentBuild", currentBuild);
        getBinding().setVariable("params", new LinkedHashMap<String, Object>());
        getBinding().setVariable("scm", new LinkedHashMap<String, Object>());
        registerSteps();
    }

    @AfterEach
    void deleteWorkspace() throws IOException {
        if (workspace != null) {
            try (var files = Files.walk(workspace)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    void register(String name, List<Class<?>> args, Steps.Body body) {
        getHelper().registerAllowedMethod(name, new ArrayList<>(args), Steps.of(this, body));
    }

    @SuppressWarnings("unchecked")
    private void registerSteps() {
        register("error", List.of(String.class), a -> {
            log.add("ERROR: " + a[0]);
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
            } catch (RuntimeException e) {
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
        register("withEnv", List.of(List.class, Closure.class), a -> {
            Map<String, Object> saved = new LinkedHashMap<>(env);
            for (Object entry : (List<Object>) a[0]) {
                String[] kv = String.valueOf(entry).split("=", 2);
                env.put(kv[0], kv.length > 1 ? kv[1] : "");
            }
            try {
                return call((Closure<?>) a[1]);
            } finally {
                env.clear();
                env.putAll(saved);
            }
        });
        register("archiveArtifacts", List.of(Map.class), a -> null);
        register("junit", List.of(Map.class), a -> null);
        register("publishHTML", List.of(Map.class), a -> null);
        register("checkout", List.of(Map.class), a -> null);
        register("string", List.of(Map.class), a -> new LinkedHashMap<>((Map<String, Object>) a[0]));
        register("withCredentials", List.of(List.class, Closure.class), a -> {
            Map<String, Object> saved = new LinkedHashMap<>(env);
            for (Object binding : (List<Object>) a[0]) {
                Map<String, Object> b = (Map<String, Object>) binding;
                env.put(String.valueOf(b.get("variable")), credential(String.valueOf(b.get("credentialsId"))));
            }
            try {
                return call((Closure<?>) a[1]);
            } finally {
                env.clear();
                env.putAll(saved);
            }
        });
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

    Object call(Closure<?> body) {
        return getHelper().callClosure(body);
    }

    Object scriptedStage(String name, Closure<?> body) {
        stageResults.putIfAbsent(name, "SUCCESS");
        stageStack.push(name);
        try {
            return call(body);
        } catch (RuntimeException e) {
            markStage("FAILURE");
            throw e;
        } finally {
            stageStack.pop();
        }
    }

    private Object runSh(Map<String, Object> args) throws Exception {
        shScripts.add(String.valueOf(args.get("script")));
        Object result = sh.run(args, new LinkedHashMap<>(env));
        boolean returns = Boolean.TRUE.equals(args.get("returnStatus")) || Boolean.TRUE.equals(args.get("returnStdout"));
        if (!returns && result instanceof Integer rc && rc != 0) {
            throw new PipelineAbort("script returned exit code " + rc);
        }
        return returns ? result : null;
    }

    Path file(Object name) {
        Path p = Path.of(String.valueOf(name));
        return p.isAbsolute() ? p : workspace.resolve(p);
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

    void markStage(String result) {
        String stage = stageStack.peek();
        if (stage != null) {
            stageResults.put(stage, result);
        }
    }

    String buildResult() {
        return String.valueOf(currentBuild.get("result"));
    }

    /** Loads {@code vars/<step>.groovy} and calls it with {@code args}. */
    Object callStep(String step, Map<String, Object> args) {
        Script script = loadScript("vars/" + step + ".groovy");
        return InvokerHelper.invokeMethod(script, "call", new Object[] {args});
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
