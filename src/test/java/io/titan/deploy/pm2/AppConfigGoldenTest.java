package io.titan.deploy.pm2;

import io.titan.deploy.config.LogRotation;
import io.titan.deploy.testing.Integration;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The guard of every PM2 upgrade: the app object {@link AppConfig} sends to the daemon's
 * {@code prepare} must make the daemon hold what {@code pm2 start ecosystem.json --only NAME}
 * makes it hold, field by field, {@code pm2_env.env} included.
 *
 * <p>Each definition is started twice on ONE daemon (started the engine's way, as in production):
 * once by the pm2 CLI from the ecosystem file the engine used to write, as {@code g-cli-<case>},
 * once by {@link Pm2Manager#startAll(List)}, as {@code g-eng-<case>}. One daemon rather than two
 * PM2_HOMEs with equal names, because then everything the daemon contributes (its own environment,
 * which cluster workers inherit, its PM2_HOME, its version) is the same for both sides, and a
 * difference can only come from the app object; the price is that the name, and the log and pid
 * paths built from it, are compared with the name replaced by {@value #NAME}.
 *
 * <p>When this test fails after a PM2 upgrade, the message lists per field what the CLI produced
 * and what the engine produced: fix {@link AppConfig}, or, when the difference is meant, list it in
 * {@link #DELIBERATE} with the reason. Values of secret-looking env keys are never printed.
 */
@Integration
class AppConfigGoldenTest {

    /** Stands for the app's name in compared values. */
    private static final String NAME = "{name}";
    private static final String CLI_PREFIX = "g-cli-";
    private static final String ENGINE_PREFIX = "g-eng-";
    private static final String SECRET_VALUE = "s3cr3t-golden-value";
    private static final Duration ONLINE_TIMEOUT = Duration.ofSeconds(30);
    private static final Pattern SECRET_KEY = Pattern.compile(
            "(?i).*(secret|token|passw|pwd|private|credential|api_?key|access_?key).*");

    /**
     * Fields of {@code pm2_env} that are not compared, each with why. A pattern names a path in
     * {@code pm2_env} ({@code env.X} is a key of {@code pm2_env.env}; the daemon also copies every
     * env key to the top level, so an env key is listed twice); {@code *} stands for any part of
     * one name.
     */
    private static final Map<String, String> EXCLUDED = exclusions(
            // Volatile: assigned by the daemon per process, so two starts never agree.
            "pm_id", "the daemon's process counter; each start gets the next one",
            "unique_id", "a random UUID the daemon gives each process (God.prepare)",
            "env.unique_id", "the same UUID, which God.prepare puts into env",
            "created_at", "a timestamp of the start",
            "pm_uptime", "a timestamp of the start",
            "restart_time", "counts restarts so far; checked to be 0 on both sides instead",
            "axm_*", "metrics, actions and options the app's pmx agent reports after start, if and when it connects",
            "versioning", "git metadata vizion reads asynchronously after the app is online",
            "vizion_running", "true while that asynchronous git read runs",
            "node_version", "sent by the app's process container over IPC after start, so it may arrive after the look",
            // pm2-CLI bookkeeping: variables the pm2 CLI sets in its own process.env, which
            // `pm2 start` copies into every app because the app env starts as the CLI's environment.
            "PM2_USAGE", "bin/pm2 (lib/binaries/CLI.js) sets PM2_USAGE=CLI for itself",
            "env.PM2_USAGE", "bin/pm2 (lib/binaries/CLI.js) sets PM2_USAGE=CLI for itself",
            "PM2_JSON_PROCESSING", "API._startJson sets it for itself while it reads an ecosystem file",
            "env.PM2_JSON_PROCESSING", "API._startJson sets it for itself while it reads an ecosystem file");

    private static final String ENV_NAME_KEY = "pm2 start adds Modularizer.getAdditionalConf(name) to the env:"
            + " a variable named like the app holding its `pm2 set <app>:<key>` settings as JSON ({} when"
            + " there are none) and each such setting as a variable of its own. That is a second source of"
            + " app environment outside the topology, unseen by the engine's secret masking and release records;"
            + " the engine's apps get their own env only.";

    /**
     * Differences that are meant: field to why. The test asserts that these fields still differ, so
     * that an entry goes away when it stops being true.
     */
    private static final Map<String, String> DELIBERATE = Map.of(
            "env." + NAME, ENV_NAME_KEY,
            NAME, ENV_NAME_KEY);

    @TempDir
    static Path dir;
    private static Path home;
    private static Path shellScript;
    private static Path pythonScript;
    private static Path noExtension;
    private static Path binary;
    private static Path otherCwd;
    private static Pm2Manager pm2;
    private static DaemonRpc rpc;
    private static Pm2Cli cli;

    /** One definition, started once per side under the side's name. */
    record Case(String id, Function<String, Pm2App> definition) {
        @Override
        public String toString() {
            return id;
        }
    }

    static Stream<Case> cases() {
        return Stream.of(
                new Case("node", name -> standIn(name).build()),
                new Case("cluster", name -> standIn(name).instances(2).build()),
                new Case("shell", name -> Pm2App.builder(name, shellScript).build()),
                new Case("python", name -> Pm2App.builder(name, pythonScript).build()),
                new Case("no-extension", name -> Pm2App.builder(name, noExtension).env("PORT", "0").build()),
                new Case("binary", name -> Pm2App.builder(name, binary).args(List.of("600")).build()),
                new Case("args", name -> standIn(name).args(List.of("--mode", "two words", "quote\"d", "ünï")).build()),
                new Case("env", name -> standIn(name)
                        .env("LOG_LEVEL", "debug")
                        .env("API_SECRET", SECRET_VALUE)
                        .env("WITH_SPACES", "a b  c")
                        .env("LOOKS_LIKE_A_REFERENCE", "$HOME and ${PATH}")
                        .env("UNICODE", "ünïcödé")
                        .env("NODE_ENV", "production")
                        .env("EMPTY", "")
                        .build()),
                new Case("limits", name -> standIn(name)
                        .maxMemoryRestart("300M")
                        .minUptime(Duration.ofSeconds(2))
                        .restartDelay(Duration.ofMillis(250))
                        .killTimeout(Duration.ofSeconds(3))
                        .maxRestarts(3)
                        .build()),
                new Case("cwd", name -> standIn(name).cwd(otherCwd).autorestart(false).build()));
    }

    @BeforeAll
    static void startDaemon() throws IOException {
        home = dir.resolve("pm2");
        otherCwd = Files.createDirectories(dir.resolve("elsewhere"));
        shellScript = dir.resolve("worker.sh");
        // The background child must die with the app (treekill).
        Files.writeString(shellScript, "#!/bin/bash\nsleep 600 &\nwait\n", StandardCharsets.UTF_8);
        Files.setPosixFilePermissions(shellScript, PosixFilePermissions.fromString("rwx------"));
        pythonScript = dir.resolve("worker.py");
        Files.writeString(pythonScript, "import time\nwhile True:\n    time.sleep(60)\n", StandardCharsets.UTF_8);
        // A Node script PM2 cannot recognise by its name: run with the node that runs pm2.
        noExtension = Files.copy(Pm2TestSupport.STAND_IN, Files.createDirectories(dir.resolve("bin")).resolve("stand-in"));
        binary = Executables.find("sleep", System.getenv()).orElseThrow();
        pm2 = new Pm2Manager(Pm2TestSupport.PM2, home, LogRotation.disabled());
        pm2.initialize();
        rpc = DaemonRpc.connect(Pm2Sockets.rpc(home));
        cli = new Pm2Cli(Pm2TestSupport.PM2, home, System.getenv());
    }

    @AfterAll
    static void killDaemon() {
        if (rpc == null) {
            return;
        }
        Set<Long> pids = new HashSet<>();
        for (JsonNode process : monitorData()) {
            long pid = process.path("pid").asLong();
            pids.add(pid);
            ProcessHandle.of(pid).ifPresent(handle -> handle.descendants().forEach(child -> pids.add(child.pid())));
        }
        long daemon = Pm2Manager.daemonPid(home);
        rpc.close();
        pm2.kill();
        assertThat(ProcessLiveness.isAlive(daemon)).as("PM2 daemon %s", daemon).isFalse();
        assertThat(pids).as("app processes and their children").noneMatch(ProcessLiveness::isAlive);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void cliAndEngineStartTheSameApp(Case golden) {
        Pm2App viaCli = golden.definition().apply(CLI_PREFIX + golden.id());
        Pm2App viaEngine = golden.definition().apply(ENGINE_PREFIX + golden.id());

        startWithCli(viaCli);
        pm2.startAll(List.of(viaEngine));

        List<JsonNode> cliSide = online(viaCli);
        List<JsonNode> engineSide = online(viaEngine);
        assertThat(engineSide).hasSameSizeAs(cliSide);
        // Not a vacuous pass: what PM2 keeps of an app is there to compare.
        assertThat(fields(cliSide.get(0).path("pm2_env"))).containsKeys("pm_exec_path", "exec_interpreter",
                "exec_mode", "kill_timeout", "pm_out_log_path", "env.PATH", "env.PM2_HOME");
        List<String> differences = new ArrayList<>();
        for (int i = 0; i < cliSide.size(); i++) {
            differences.addAll(differences(cliSide.get(i), engineSide.get(i), "instance " + i + " "));
        }
        assertThat(differences)
                .as("%s (pm2 start ecosystem.json --only) vs %s (Pm2Manager.startAll), per pm2_env field:%n%s",
                        viaCli.name(), viaEngine.name(), String.join("\n", differences))
                .isEmpty();
    }

    @Test
    void comparisonReportsEachDifferingFieldWithSecretsMasked() {
        Pm2App viaCli = standIn(CLI_PREFIX + "differs").env("API_SECRET", SECRET_VALUE).build();
        String otherSecret = "0th3r-s3cr3t";
        Pm2App viaEngine = standIn(ENGINE_PREFIX + "differs").env("API_SECRET", otherSecret)
                .env("DATABASE_URL", "postgres://titan:" + otherSecret + "@db/titan")
                .killTimeout(Duration.ofMillis(2500)).build();

        startWithCli(viaCli);
        pm2.startAll(List.of(viaEngine));
        List<String> differences = differences(online(viaCli).get(0), online(viaEngine).get(0), "");

        assertThat(differences).contains(
                "kill_timeout: cli=1600 engine=2500",
                "env.API_SECRET: cli=**** engine=****",
                "API_SECRET: cli=**** engine=****",
                "env.DATABASE_URL: cli=<absent> engine=\"postgres://titan:****@db/titan\"",
                "env." + Ecosystem.ENV_KEYS_MARKER + ": cli=\"API_SECRET,PORT\" engine=\"API_SECRET,DATABASE_URL,PORT\"");
        assertThat(String.join("\n", differences)).doesNotContain(SECRET_VALUE).doesNotContain(otherSecret);
    }

    /**
     * What a fork-mode app started by the engine sees as its environment. DESIGN.md says "exactly
     * the env sent"; PM2 7.0.4's ForkMode spawns the app with every non-object field of its
     * {@code pm2_env}, and the daemon copies the env into the top level of pm2_env first: so the app
     * gets the env sent, plus the unique_id the daemon adds, plus PM2's own settings of the app
     * (name, pm_id, pm_exec_path, kill_timeout, status...) as variables, plus Node's IPC channel
     * variables. None of the extras is a secret. (The copy also runs the other way: an env key
     * named like a pm2_env field, {@code name} or {@code kill_timeout}, overrides that field.)
     */
    @Test
    void forkAppGetsTheEnvSentPlusPm2sOwnFieldsOfTheApp() throws IOException {
        Pm2App app = standIn(ENGINE_PREFIX + "environ").env("API_SECRET", SECRET_VALUE).env("LOG_LEVEL", "debug").build();
        Map<String, String> sent = AppConfig.of(app, home, Pm2Cli.minimalEnv(System.getenv()), Path.of("node"), "")
                .path("env").properties().stream()
                .collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().asText()));

        pm2.startAll(List.of(app));
        JsonNode process = online(app).get(0);
        Map<String, String> environ = environ(process.path("pid").asLong());

        assertThat(environ).containsAllEntriesOf(sent);
        Map<String, String> extra = new TreeMap<>(environ);
        extra.keySet().removeAll(sent.keySet());
        // Node's child_process adds these two for the IPC channel PM2 opens to the app.
        assertThat(extra.remove("NODE_CHANNEL_FD")).isNotNull();
        extra.remove("NODE_CHANNEL_SERIALIZATION_MODE");
        JsonNode pm2Env = process.path("pm2_env");
        assertThat(extra).containsKeys("unique_id", "name", "pm_id", "pm_exec_path", "pm_cwd", "exec_mode",
                "kill_timeout", "status", "pm_out_log_path");
        extra.forEach((key, value) -> assertThat(pm2Env.has(key) && pm2Env.get(key).isValueNode())
                .as("%s in the app's environment is a field of pm2_env", key).isTrue());
    }

    @Test
    void deletingAShellScriptAppKillsTheChildItSpawned() {
        Pm2App app = Pm2App.builder(ENGINE_PREFIX + "tree", shellScript).build();
        pm2.startAll(List.of(app));
        long shell = online(app).get(0).path("pid").asLong();
        List<Long> children = new ArrayList<>();
        await().atMost(Duration.ofSeconds(10)).until(() -> {
            children.clear();
            ProcessHandle.of(shell).ifPresent(handle -> handle.children().forEach(child -> children.add(child.pid())));
            return !children.isEmpty();
        });

        pm2.delete(app.name());

        // A background job of a non-interactive bash ignores SIGINT, so treekill's SIGINT ends only
        // the shell; the child dies of the SIGKILL PM2 sends the remaining tree after kill_timeout.
        await().atMost(app.killTimeout().plusSeconds(5))
                .untilAsserted(() -> assertThat(children).as("children of the app's shell").noneMatch(ProcessLiveness::isAlive));
        assertThat(ProcessLiveness.isAlive(shell)).isFalse();
    }

    // ---------------------------------------------------------------------------------------------
    // Starting and reading back

    private static Pm2App.Builder standIn(String name) {
        // Port 0: the stand-in needs a port to listen on, and both sides of every case run at once.
        return Pm2App.builder(name, Pm2TestSupport.STAND_IN).env("PORT", "0");
    }

    private static void startWithCli(Pm2App app) {
        Path file = Ecosystem.writeSecure(dir, List.of(app));
        try {
            List<String> secrets = app.env().entrySet().stream().filter(e -> secretLooking(e.getKey()))
                    .map(Map.Entry::getValue).toList();
            cli.run(List.of("start", file.toString(), "--only", app.name()), Duration.ofSeconds(60), Map.of(), secrets);
        } finally {
            try {
                Files.deleteIfExists(file);
            } catch (IOException e) {
                throw new IllegalStateException("cannot delete " + file, e);
            }
        }
    }

    /**
     * The app's processes once every instance is online with a live pid, ordered by instance
     * number; fails when that does not happen, or when the app has restarted meanwhile.
     */
    private static List<JsonNode> online(Pm2App app) {
        List<List<JsonNode>> last = new ArrayList<>();
        await().atMost(ONLINE_TIMEOUT).pollInterval(Duration.ofMillis(50)).until(() -> {
            List<JsonNode> processes = processes(app.name());
            last.clear();
            last.add(processes);
            return processes.size() == app.instances() && processes.stream().allMatch(AppConfigGoldenTest::running);
        });
        List<JsonNode> processes = last.get(0);
        for (JsonNode process : processes) {
            assertThat(process.path("pm2_env").path("restart_time").asInt())
                    .as("%s restarted: it does not run steadily", app.name()).isZero();
        }
        return processes;
    }

    private static boolean running(JsonNode process) {
        long pid = process.path("pid").asLong();
        return process.path("pm2_env").path("status").asText().equals("online") && pid > 0
                && ProcessLiveness.isAlive(pid);
    }

    private static List<JsonNode> processes(String name) {
        List<JsonNode> processes = new ArrayList<>();
        for (JsonNode process : monitorData()) {
            if (process.path("pm2_env").path("name").asText().equals(name)) {
                processes.add(process);
            }
        }
        processes.sort(Comparator.comparingInt((JsonNode p) -> p.path("pm2_env").path("NODE_APP_INSTANCE").asInt())
                .thenComparingInt(p -> p.path("pm2_env").path("pm_id").asInt()));
        return processes;
    }

    /** {@code /proc/PID/environ} as a map. */
    private static Map<String, String> environ(long pid) throws IOException {
        Map<String, String> environ = new TreeMap<>();
        for (String entry : new String(Files.readAllBytes(Path.of("/proc", Long.toString(pid), "environ")),
                StandardCharsets.UTF_8).split("\0")) {
            int eq = entry.indexOf('=');
            if (eq > 0) {
                environ.put(entry.substring(0, eq), entry.substring(eq + 1));
            }
        }
        return environ;
    }

    private static List<JsonNode> monitorData() {
        List<JsonNode> list = new ArrayList<>();
        rpc.call("getMonitorData", Pm2Daemon.QUICK_CALL, Map.of()).path(0).forEach(list::add);
        return list;
    }

    // ---------------------------------------------------------------------------------------------
    // Comparing

    /**
     * Every compared field of {@code pm2_env} in which the two processes differ, as
     * {@code field: cli=... engine=...} lines with secret-looking values masked.
     */
    static List<String> differences(JsonNode cliProcess, JsonNode engineProcess, String prefix) {
        Map<String, JsonNode> cli = fields(cliProcess.path("pm2_env"));
        Map<String, JsonNode> engine = fields(engineProcess.path("pm2_env"));
        Set<String> secrets = new HashSet<>(secretValues(cli));
        secrets.addAll(secretValues(engine));
        Set<String> all = new TreeSet<>(cli.keySet());
        all.addAll(engine.keySet());
        all.addAll(DELIBERATE.keySet());
        List<String> lines = new ArrayList<>();
        for (String field : all) {
            if (excluded(field)) {
                continue;
            }
            JsonNode a = cli.get(field);
            JsonNode b = engine.get(field);
            boolean same = Objects.equals(a, b);
            if (DELIBERATE.containsKey(field)) {
                if (same) {
                    lines.add(prefix + field + ": listed as a deliberate difference, but both sides now hold "
                            + shown(field, a, secrets) + " (" + DELIBERATE.get(field) + ")");
                }
                continue;
            }
            if (!same) {
                lines.add(prefix + field + ": cli=" + shown(field, a, secrets) + " engine=" + shown(field, b, secrets));
            }
        }
        return lines;
    }

    /** The values of secret-looking keys, which no message may show, wherever they turn up. */
    private static Set<String> secretValues(Map<String, JsonNode> fields) {
        Set<String> values = new HashSet<>();
        fields.forEach((field, value) -> {
            if (secretLooking(field) && value.isValueNode() && !value.asText().isEmpty()) {
                values.add(value.asText());
            }
        });
        return values;
    }

    private static boolean secretLooking(String field) {
        return SECRET_KEY.matcher(field.substring(field.lastIndexOf('.') + 1)).matches();
    }

    /**
     * {@code pm2_env} flattened to dotted paths (arrays stay whole), with the app's name replaced
     * by {@value #NAME} in keys and text values, and the pm_id in the pid file's name by
     * {@code {pm_id}}.
     */
    static Map<String, JsonNode> fields(JsonNode pm2Env) {
        String name = pm2Env.path("name").asText();
        String pmId = pm2Env.path("pm_id").asText();
        Map<String, JsonNode> fields = new TreeMap<>();
        flatten("", pm2Env, fields, text -> normalised(text, name, pmId));
        return fields;
    }

    private static String normalised(String text, String name, String pmId) {
        // The daemon names the pid file <name>-<pm_id>.pid; the ids of the two sides differ.
        return text.replace(name, NAME).replace(NAME + "-" + pmId + ".pid", NAME + "-{pm_id}.pid");
    }

    private static void flatten(String path, JsonNode node, Map<String, JsonNode> into,
                                UnaryOperator<String> normalise) {
        if (node.isObject() && !node.isEmpty()) {
            node.properties().forEach(entry ->
                    flatten(path + normalise.apply(entry.getKey()) + ".", entry.getValue(), into, normalise));
        } else {
            into.put(path.substring(0, path.length() - 1),
                    node.isTextual() ? TextNode.valueOf(normalise.apply(node.asText())) : node);
        }
    }

    static boolean excluded(String field) {
        for (String pattern : EXCLUDED.keySet()) {
            String regex = Pattern.quote(pattern).replace("*", "\\E[^.]*\\Q");
            if (field.matches(regex) || field.matches(regex + "\\..*")) {
                return true;
            }
        }
        return false;
    }

    /**
     * A value as a message may show it: {@code <absent>}, or its JSON; {@code ****} for the value
     * of a secret-looking key, and for a secret inside any other value.
     */
    static String shown(String field, JsonNode value, Set<String> secrets) {
        if (value == null) {
            return "<absent>";
        }
        if (secretLooking(field)) {
            return "****";
        }
        String json = value.toString();
        for (String secret : secrets) {
            json = json.replace(secret, "****");
        }
        return json;
    }

    private static Map<String, String> exclusions(String... patternsAndReasons) {
        Map<String, String> map = new LinkedHashMap<>();
        for (int i = 0; i < patternsAndReasons.length; i += 2) {
            map.put(patternsAndReasons[i], patternsAndReasons[i + 1]);
        }
        return map;
    }
}
