package io.titan.deploy.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class TopologyLoaderTest {

    @TempDir
    Path dir;

    private final TopologyLoader loader = new TopologyLoader();

    @BeforeEach
    void scripts() throws IOException {
        Files.writeString(dir.resolve("a.js"), "");
        Files.writeString(dir.resolve("b.js"), "");
        Files.writeString(dir.resolve("quant.py"), "print('quant')\n");
        Files.write(dir.resolve("gw-bin"), new byte[] {0x7f, 'E', 'L', 'F', 2, 1, 1, 0});
    }

    @Test
    void replacementSettingsComeFromTheServiceElseTheDefaults() throws IOException {
        Topology t = loader.load(write("""
                defaults: {killTimeout: 3s, readyMessage: true}
                services:
                  a: {script: a.js, port: 3001, cluster: true, health: {http: /health}, maxDowntime: 250ms}
                  b: {script: b.js, port: 3002, instances: 2, killTimeout: 500ms, readyMessage: false, health: {http: /h}}
                  c: {script: quant.py, port: 3003, health: {tcp: true}}
                """));

        assertThat(t.service("a").replacement()).isEqualTo(new Replacement(true, true, Duration.ofSeconds(3),
                Duration.ofMillis(250)));
        assertThat(t.service("a").clusterMode()).isTrue();
        assertThat(t.service("b").clusterMode()).as("two instances are cluster mode").isTrue();
        assertThat(t.service("b").replacement()).isEqualTo(new Replacement(false, false, Duration.ofMillis(500), null));
        assertThat(t.service("c").clusterMode()).isFalse();
        assertThat(loader.load(write("services:\n  a: {script: a.js}\n")).service("a").replacement())
                .isEqualTo(Replacement.DEFAULTS);
    }

    private Path write(String yaml) throws IOException {
        Path file = dir.resolve("titan.yaml");
        Files.writeString(file, yaml);
        return file;
    }

    @Test
    void loadsServicesWithDefaultsAndResolvedPaths() throws IOException {
        Files.createDirectories(dir.resolve("svc"));
        Files.writeString(dir.resolve("svc/main.js"), "");
        Topology t = loader.load(write("""
                defaults:
                  memory: 250M
                  startupTimeout: 10s
                  env: {LOG_LEVEL: info}
                services:
                  api:
                    cwd: svc
                    script: main.js
                    port: 4000
                    args: [--fast]
                    health: {http: /health}
                    env: {API_KEY: "${TITAN_TEST_KEY}"}
                  worker:
                    script: a.js
                    dependsOn: [api]
                    memory: 600M
                    healthTimeout: 1.5s
                """));

        ServiceSpec api = t.service("api");
        assertThat(api.script()).isEqualTo(dir.resolve("svc/main.js"));
        assertThat(api.cwd()).isEqualTo(dir.resolve("svc"));
        assertThat(api.args()).containsExactly("--fast");
        assertThat(api.memory().toPm2()).isEqualTo("250M");
        assertThat(api.startupTimeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(api.health()).isEqualTo(new HealthSpec.Http("127.0.0.1", "/health"));
        assertThat(api.env()).containsKeys("LOG_LEVEL", "API_KEY", "PORT");
        assertThat(api.env().get("PORT").display()).isEqualTo("4000");
        assertThat(api.env().get("API_KEY").secret()).isTrue();
        assertThat(api.env().get("API_KEY").display()).isEqualTo("****");

        ServiceSpec worker = t.service("worker");
        assertThat(worker.memory().toPm2()).isEqualTo("600M");
        assertThat(worker.healthTimeout()).isEqualTo(Duration.ofMillis(1500));
        assertThat(worker.startupTimeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(worker.health()).isNull();
        assertThat(worker.cwd()).as("no cwd: the script's folder, as in PM2").isEqualTo(dir);
        assertThat(t.graph().plan().order()).containsExactly("api", "worker");
        assertThat(t.pm2().logRotation()).isEqualTo(LogRotation.defaults());
    }

    @Test
    void bundledTitanTopologyHasTheSeedsServicesPortsAndLevels() throws IOException {
        Path root = Path.of(System.getProperty("user.dir"), "examples", "stand-in-root");
        Topology t = loader.loadDefault(root);

        assertThat(t.services()).hasSize(7);
        assertThat(t.graph().plan().levels()).containsExactly(
                java.util.List.of("titan-shared"),
                java.util.List.of("titan-security"),
                java.util.List.of("titan-brain"),
                java.util.List.of("titan-console", "titan-execution"),
                java.util.List.of("titan-ai-quant", "titan-phase1-scavenger"));
        assertThat(t.service("titan-brain").port()).isEqualTo(3000);
        assertThat(t.service("titan-shared").port()).isEqualTo(3001);
        assertThat(t.service("titan-console").port()).isEqualTo(3006);
        assertThat(t.services().values()).allSatisfy(s -> {
            assertThat(s.memory().bytes()).isBetween(200L << 20, 600L << 20);
            assertThat(s.startupTimeout()).isEqualTo(Duration.ofSeconds(30));
            assertThat(s.healthTimeout()).isEqualTo(Duration.ofSeconds(5));
        });
        assertThat(t.pm2().logRotation()).isEqualTo(new LogRotation(true, ByteSize.parse("10M"), 30, true));
        assertThat(t.validation().exchanges()).extracting(ValidationSettings.Exchange::name)
                .containsExactly("binance", "bybit");
        assertThat(t.validation().redis().channel()).isEqualTo("titan:deploy:validation");
        assertThat(t.validation().timeouts()).isEqualTo(ValidationSettings.Timeouts.defaults());
    }

    @Test
    void envReferencesResolveOnlyOnRequestAndNeverPrint() throws IOException {
        Topology t = loader.load(write("""
                services:
                  a:
                    script: a.js
                    env: {TOKEN: "Bearer ${T_SECRET}", PLAIN: hello}
                """));
        EnvValue token = t.service("a").env().get("TOKEN");
        assertThat(token.resolve(Map.of("T_SECRET", "abc123"))).isEqualTo("Bearer abc123");
        assertThat(token.toString()).isEqualTo("****").doesNotContain("abc123");
        assertThat(t.service("a").toString()).doesNotContain("abc123");
        assertThatThrownBy(() -> token.resolve(Map.of()))
                .hasMessageContaining("${T_SECRET}")
                .hasMessageContaining("not set");
    }

    static Stream<Arguments> badInput() {
        return Stream.of(
                Arguments.of("cluster mode on a Python script", """
                        services:
                          quant: {script: quant.py, instances: 2, port: 3005, health: {http: /health}}
                        """, "services.quant.instances", "instances: 2 asks for PM2 cluster mode, which runs Node.js"
                        + " scripts only; quant.py runs with python"),
                Arguments.of("cluster: true on a binary", """
                        services:
                          gw: {script: gw-bin, cluster: true, port: 3007, health: {http: /health}}
                        """, "services.gw.cluster", "gw-bin runs with a binary of its own"),
                Arguments.of("cluster mode that cannot tell its workers apart", """
                        services:
                          a: {script: a.js, instances: 2, port: 3001, health: {tcp: true}}
                        """, "services.a.instances", "needs health: {http: /path} answering with the worker's"
                        + " X-Titan-Pid header, or readyMessage: true"),
                Arguments.of("maxDowntime without a health check", """
                        services:
                          a: {script: a.js, maxDowntime: 250ms}
                        """, "services.a.maxDowntime", "needs a health check"),
                Arguments.of("malformed killTimeout", """
                        services:
                          a: {script: a.js, killTimeout: soon}
                        """, "services.a.killTimeout", "'soon' is not a duration"),
                Arguments.of("unknown field", """
                        services:
                          a: {script: a.js, prot: 1}
                        """, "line 2", "services.a: unknown field 'prot'"),
                Arguments.of("unknown top-level field", """
                        services:
                          a: {script: a.js}
                        servics: {}
                        pm2: {}
                        """, "line 3", "unknown field 'servics'"),
                Arguments.of("duplicate service name", """
                        services:
                          a: {script: a.js}
                          a: {script: b.js}
                        """, "line 3", "Duplicate field 'a'"),
                Arguments.of("dependency on an unknown service", """
                        services:
                          a: {script: a.js, dependsOn: [ghost]}
                        """, "titan.yaml", "a depends on ghost, which is not a service in this topology"),
                Arguments.of("cycle", """
                        services:
                          titan-brain: {script: a.js, dependsOn: [titan-execution]}
                          titan-execution: {script: b.js, dependsOn: [titan-brain]}
                        """, "titan.yaml", "titan-brain -> titan-execution -> titan-brain"),
                Arguments.of("longer cycle", """
                        services:
                          a: {script: a.js, dependsOn: [c]}
                          b: {script: a.js, dependsOn: [a]}
                          c: {script: a.js, dependsOn: [b]}
                        """, "titan.yaml", "a -> c -> b -> a"),
                Arguments.of("self dependency", """
                        services:
                          a: {script: a.js, dependsOn: [a]}
                        """, "services.a.dependsOn", "cannot depend on itself"),
                Arguments.of("duplicate port", """
                        services:
                          a: {script: a.js, port: 3000}
                          b: {script: b.js, port: 3000}
                        """, "services.b.port", "3000 is already the port of a"),
                Arguments.of("port out of range", """
                        services:
                          a: {script: a.js, port: 70000}
                        """, "services.a.port", "70000 is out of range 1..65535"),
                Arguments.of("port not a number", """
                        services:
                          a: {script: a.js, port: http}
                        """, "line 2", "services.a.port: expected a whole number"),
                Arguments.of("malformed size", """
                        services:
                          a: {script: a.js, memory: lots}
                        """, "services.a.memory", "'lots' is not a size"),
                Arguments.of("malformed duration", """
                        services:
                          a: {script: a.js, startupTimeout: 30}
                        """, "services.a.startupTimeout", "'30' is not a duration"),
                Arguments.of("malformed validation timeout", """
                        services:
                          a: {script: a.js}
                        validation:
                          timeouts: {overall: soon}
                        """, "validation.timeouts.overall", "'soon' is not a duration"),
                Arguments.of("bad service name", """
                        services:
                          Titan_Brain: {script: a.js}
                        """, "services.Titan_Brain", "not a valid service name"),
                Arguments.of("missing script", """
                        services:
                          a: {script: missing.js}
                        """, "services.a.script", "missing.js does not exist"),
                Arguments.of("script absent", """
                        services:
                          a: {port: 3000}
                        """, "services.a.script", "is required"),
                Arguments.of("YAML that is a list", """
                        - a
                        - b
                        """, "titan.yaml", "not a YAML mapping"),
                Arguments.of("YAML that is a scalar", """
                        hello
                        """, "titan.yaml", "not a YAML mapping"),
                Arguments.of("empty file", "", "titan.yaml", "is empty"),
                Arguments.of("no services", """
                        pm2: {home: /tmp/x}
                        """, "services", "at least one service"),
                Arguments.of("health without port", """
                        services:
                          a: {script: a.js, health: {http: /health}}
                        """, "services.a.health", "needs the service's 'port'"),
                Arguments.of("health with both kinds", """
                        services:
                          a: {script: a.js, port: 1, health: {http: /health, tcp: true}}
                        """, "services.a.health", "exactly one of"),
                Arguments.of("bad redis url", """
                        services:
                          a: {script: a.js}
                        validation:
                          redis: {url: "http://u:hunter2@localhost"}
                        """, "validation.redis.url", "http://u:****@localhost is not a redis://"),
                Arguments.of("malformed env reference", """
                        services:
                          a: {script: a.js, env: {K: "${oops"}}
                        """, "services.a.env.K", "malformed ${VAR} reference"),
                Arguments.of("service on an unknown host", """
                        hosts:
                          prod-a: {agent: titan-a, address: 127.0.0.2}
                        services:
                          a: {script: a.js, host: prod-b}
                        """, "services.a.host", "'prod-b' is not a host (hosts: prod-a)"),
                Arguments.of("host without agent", """
                        hosts:
                          prod-a: {address: 127.0.0.2}
                        services:
                          a: {script: a.js}
                        """, "hosts.prod-a.agent", "is required"),
                Arguments.of("host without address", """
                        hosts:
                          prod-a: {agent: titan-a}
                        services:
                          a: {script: a.js}
                        """, "hosts.prod-a.address", "is required"),
                Arguments.of("service without host among several", """
                        hosts:
                          prod-a: {agent: titan-a, address: 127.0.0.2}
                          prod-b: {agent: titan-b, address: 127.0.0.3}
                        services:
                          a: {script: a.js}
                        """, "services.a.host", "is required: the topology has hosts prod-a, prod-b"),
                Arguments.of("host named without hosts", """
                        services:
                          a: {script: a.js, host: prod-a}
                        """, "services.a.host", "the topology has no hosts section"),
                Arguments.of("same port twice on one host", """
                        hosts:
                          prod-a: {agent: titan-a, address: 127.0.0.2}
                        services:
                          a: {script: a.js, port: 3000}
                          b: {script: b.js, port: 3000}
                        """, "services.b.port", "3000 is already the port of a on host prod-a"),
                Arguments.of("negative logLines", """
                        services:
                          a: {script: a.js, logLines: -1}
                        """, "services.a.logLines", "-1 is out of range 0..1000"),
                Arguments.of("too many logLines in defaults", """
                        defaults: {logLines: 5000}
                        services:
                          a: {script: a.js}
                        """, "defaults.logLines", "5000 is out of range 0..1000"),
                Arguments.of("logLines not a number", """
                        services:
                          a: {script: a.js, logLines: many}
                        """, "services.a.logLines", "expected a whole number"),
                Arguments.of("invalid YAML", """
                        services:
                          a: {script: a.js
                        """, "titan.yaml", "line"));
    }

    @Test
    void logLinesComeFromTheServiceElseTheDefaultsElseForty() throws IOException {
        Topology t = loader.load(write("""
                defaults: {logLines: 5}
                services:
                  a: {script: a.js, logLines: 0}
                  b: {script: b.js}
                """));
        Topology plain = loader.load(write("""
                services:
                  a: {script: a.js}
                """));

        assertThat(t.service("a").logLines()).isZero();
        assertThat(t.service("b").logLines()).isEqualTo(5);
        assertThat(plain.service("a").logLines()).isEqualTo(40);
    }

    @Test
    void theSecretsToMaskAreEachResolvedValueAndEachVariableOnItsOwn() {
        Map<String, String> environment = Map.of("DB_PASS", "pa55", "TOKEN", "tok-1", "EMPTY", "");

        assertThat(Secrets.values(java.util.List.of(EnvValue.of("postgres://u:${DB_PASS}@db"), EnvValue.of("${TOKEN}"),
                EnvValue.of("plain-value"), EnvValue.of("${EMPTY}"), EnvValue.of("${UNSET}")), environment))
                .containsExactlyInAnyOrder("pa55", "postgres://u:pa55@db", "tok-1");
    }

    @Test
    void hostsGiveEachServiceItsMachineAddressPm2AndStateAndWithoutHostsAllRunLocally() throws IOException {
        Topology local = loader.load(write("""
                services:
                  a: {script: a.js, port: 3000, health: {http: /health}}
                """));
        assertThat(local.hosts()).containsOnlyKeys(HostSpec.LOCAL);
        assertThat(local.service("a").host()).isEqualTo(HostSpec.LOCAL);
        assertThat(local.service("a").healthUrl()).hasValue(java.net.URI.create("http://127.0.0.1:3000/health"));

        Topology two = loader.load(write("""
                pm2: {home: /srv/default/pm2}
                hosts:
                  prod-a: {agent: titan-a, address: 127.0.0.2, pm2: {home: /srv/a/pm2}, stateDir: state-a}
                  prod-b: {agent: titan-b, address: 127.0.0.3}
                services:
                  a: {script: a.js, host: prod-a, port: 3000, health: {http: /health}}
                  b: {script: b.js, host: prod-b, port: 3000, health: {tcp: true}, dependsOn: [a]}
                """));
        assertThat(two.hosts()).containsOnlyKeys("prod-a", "prod-b");
        HostSpec a = two.host("prod-a");
        assertThat(a.agent()).isEqualTo("titan-a");
        assertThat(a.pm2().home()).isEqualTo(Path.of("/srv/a/pm2"));
        assertThat(a.stateDir()).isEqualTo(dir.resolve("state-a"));
        assertThat(two.host("prod-b").pm2().home()).as("a host without pm2 takes the top-level one")
                .isEqualTo(Path.of("/srv/default/pm2"));
        assertThat(two.service("a").healthUrl()).hasValue(java.net.URI.create("http://127.0.0.2:3000/health"));
        assertThat(two.service("b").health().host()).isEqualTo("127.0.0.3");
        assertThat(two.servicesOn("prod-b")).containsExactly("b");
        assertThatThrownBy(() -> two.hostOrOnly(null)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("has 2 hosts (prod-a, prod-b)");
        assertThatThrownBy(() -> two.host("prod-c")).hasMessageContaining("prod-c is not a host");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badInput")
    void rejectsBadInputNamingFileAndField(String name, String yaml, String where, String problem) throws IOException {
        Path file = write(yaml);
        assertThatThrownBy(() -> loader.load(file))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining(file.toString())
                .hasMessageContaining(where)
                .hasMessageContaining(problem)
                .hasMessageNotContaining("hunter2")
                .satisfies(e -> assertThat(((ConfigException) e).exitCode()).isEqualTo(2));
    }

    @Test
    void aFolderIsBadInputThatSaysSo() throws Exception {
        java.nio.file.Files.createDirectories(dir.resolve("deploy"));
        assertThatThrownBy(() -> loader.load(dir.resolve("deploy")))
                .isInstanceOf(ConfigException.class)
                .hasMessageEndingWith("deploy: is a directory, not a topology file: name the topology file in it");
    }

    @Test
    void missingFileIsBadInput() {
        assertThatThrownBy(() -> loader.load(dir.resolve("nope.yaml")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("nope.yaml: no such config file");
    }
}
