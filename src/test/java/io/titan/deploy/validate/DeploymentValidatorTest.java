package io.titan.deploy.validate;

import io.titan.deploy.testing.Integration;
import io.titan.deploy.testing.RedisServer;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import io.titan.deploy.pm2.Pm2Process;
import io.titan.deploy.pm2.Pm2Status;
import java.nio.file.Path;
import java.time.Instant;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Whole runs: concurrency, the overall bound, quick mode, listener events, report shape. */
@Integration
class DeploymentValidatorTest {

    private static final Duration SLOW = Duration.ofMillis(800);
    private static final List<String> TOPOLOGY = List.of("titan-shared", "titan-security", "titan-brain",
            "titan-execution", "titan-phase1-scavenger", "titan-ai-quant", "titan-console");

    private static RedisServer redis;
    private static HttpEndpoints http;
    private WebSocketEndpoints websockets;

    @BeforeAll
    static void startServers() throws Exception {
        redis = RedisServer.start();
        http = new HttpEndpoints();
    }

    @AfterAll
    static void stopServers() throws Exception {
        long pid = redis.pid();
        redis.close();
        http.close();
        assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive)).isNotEqualTo(Optional.of(true));
    }

    @AfterEach
    void stopWebSockets() {
        if (websockets != null) {
            websockets.close();
        }
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(validatorThreads()).isEmpty());
    }

    @Test
    void healthyTopologyPassesInAboutTheTimeOfItsSlowestCheckNotTheSum() throws Exception {
        websockets = new WebSocketEndpoints();
        List<ServiceCheckSpec> services = new ArrayList<>();
        for (String name : TOPOLOGY.subList(0, 6)) {
            services.add(ServiceCheckSpec.http(name, http.url(200, SLOW)));
        }
        services.add(ServiceCheckSpec.pm2("titan-console"));
        ValidationSpec spec = new ValidationSpec(services,
                Optional.of(new RedisCheckSpec(redis.url(), "titan:validate", true)),
                List.of(ExchangeCheckSpec.required("binance", websockets.url("/answer/800?m=%7B%22result%22:null,%22id%22:1%7D"),
                                "{\"method\":\"SUBSCRIBE\",\"id\":1}", "$.result"),
                        ExchangeCheckSpec.required("bybit", websockets.url("/answer/800?m=%7B%22success%22:true%7D"), null,
                                "\"success\":true")),
                ValidationTimeouts.DEFAULTS);
        Pm2StatusSource pm2 = name -> Optional.of(new Pm2Process(name, 0, 4242, Pm2Status.ONLINE, 0, 0,
                Instant.now().minus(Duration.ofMinutes(3)), 0, 0, null, Path.of("/srv/" + name + "/index.js"),
                Path.of("/srv/" + name), null));
        List<String> events = new ArrayList<>();

        ValidationResult result;
        try (DeploymentValidator validator = new DeploymentValidator(spec, pm2, recorder(events), Map.of())) {
            result = validator.validateDeployment();
        }

        assertThat(result.failures()).isEmpty();
        assertThat(result.success()).isTrue();
        assertThat(result.checks()).extracting(CheckResult::name)
                .containsExactly("titan-shared", "titan-security", "titan-brain", "titan-execution",
                        "titan-phase1-scavenger", "titan-ai-quant", "titan-console", "redis", "binance", "bybit");
        // Eight checks take 800 ms each: run one after another that would be 6.4 s.
        assertThat(result.duration()).isBetween(SLOW, Duration.ofMillis(2500));
        assertThat(events.get(0)).isEqualTo("started " + result.checks().stream().map(CheckResult::name).toList());
        assertThat(events.subList(1, 11)).allMatch(e -> e.startsWith("check "));
        assertThat(events.get(11)).isEqualTo("completed true");
    }

    @Test
    void everythingHangingReturnsWithinTheOverallBoundPlusOneSecond() throws Exception {
        websockets = new WebSocketEndpoints();
        try (SilentServer silent = new SilentServer(); FullBacklog blackHoleTcp = new FullBacklog()) {
            List<ServiceCheckSpec> services = new ArrayList<>();
            for (String name : TOPOLOGY.subList(0, 5)) {
                services.add(ServiceCheckSpec.http(name, URI.create("http://127.0.0.1:" + silent.port() + "/health")));
            }
            services.add(ServiceCheckSpec.tcp("titan-ai-quant", "127.0.0.1", blackHoleTcp.port()));
            services.add(ServiceCheckSpec.pm2("titan-console"));
            Pm2StatusSource hungPm2 = name -> {
                try {
                    Thread.sleep(60_000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return Optional.empty();
            };
            ValidationSpec spec = new ValidationSpec(services,
                    Optional.of(new RedisCheckSpec(URI.create("redis://127.0.0.1:" + silent.port()), "titan:validate", true)),
                    List.of(ExchangeCheckSpec.required("binance", websockets.url("/silent"), "{}", null),
                            ExchangeCheckSpec.required("bybit", "ws://127.0.0.1:" + silent.port() + "/v5/public/spot", null, null)),
                    ValidationTimeouts.DEFAULTS.withOverall(Duration.ofSeconds(2)));

            long started = System.nanoTime();
            ValidationResult result;
            try (DeploymentValidator validator = new DeploymentValidator(spec, hungPm2, ValidationListener.NONE, Map.of())) {
                result = validator.validateDeployment();
            }
            Duration elapsed = Duration.ofNanos(System.nanoTime() - started);

            assertThat(elapsed).isLessThan(Duration.ofSeconds(3));
            assertThat(result.success()).isFalse();
            assertThat(result.checks()).hasSize(10).allSatisfy(check -> {
                assertThat(check.success()).isFalse();
                assertThat(check.message()).isEqualTo("timed out after the 2 s validation bound");
            });
        }
    }

    @Test
    void hundredHttpEndpointsAnsweringAtOnceValidateWellUnderTwoSeconds() {
        List<ServiceCheckSpec> services = IntStream.range(0, 100)
                .mapToObj(i -> ServiceCheckSpec.http("service-" + i, http.url(200, Duration.ZERO)))
                .toList();
        ValidationSpec spec = new ValidationSpec(services, Optional.empty(), List.of(), ValidationTimeouts.DEFAULTS);

        ValidationResult result;
        try (DeploymentValidator validator = new DeploymentValidator(spec, Pm2StatusSource.unavailable(), ValidationListener.NONE, Map.of())) {
            result = validator.validateDeployment();
        }

        assertThat(result.success()).as(result.failures().toString()).isTrue();
        assertThat(result.checks()).hasSize(100);
        assertThat(result.duration()).isLessThan(Duration.ofMillis(1500));
    }

    @Test
    void quickModeChecksServicesAndRedisPingButNoWebSocketsOrPubSub() throws Exception {
        websockets = new WebSocketEndpoints();
        try (PubSubBlackHoleRedis noPubSub = new PubSubBlackHoleRedis()) {
            ValidationSpec spec = new ValidationSpec(List.of(ServiceCheckSpec.http("titan-brain", http.url(200, Duration.ZERO))),
                    Optional.of(new RedisCheckSpec(URI.create("redis://127.0.0.1:" + noPubSub.port()), "titan:validate", true)),
                    List.of(ExchangeCheckSpec.required("binance", websockets.url("/silent"), null, null)),
                    ValidationTimeouts.DEFAULTS);

            ValidationResult result;
            try (DeploymentValidator validator = new DeploymentValidator(spec, Pm2StatusSource.unavailable(), ValidationListener.NONE, Map.of())) {
                result = validator.quickHealthCheck();
            }

            assertThat(result.success()).as(result.failures().toString()).isTrue();
            assertThat(result.checks()).extracting(CheckResult::name).containsExactly("titan-brain", "redis");
            assertThat(result.checks().get(1).message()).isEqualTo("PING answered PONG");
            assertThat(websockets.upgradeCount("/silent")).isZero();
        }
    }

    @Test
    void quickModeIsBoundedByItsOwnShortBound() throws Exception {
        try (SilentServer silent = new SilentServer()) {
            ValidationTimeouts timeouts = new ValidationTimeouts(Duration.ofSeconds(5), Duration.ofSeconds(5),
                    Duration.ofSeconds(10), Duration.ofSeconds(30), Duration.ofSeconds(1));
            ValidationSpec spec = new ValidationSpec(
                    List.of(ServiceCheckSpec.http("titan-brain", URI.create("http://127.0.0.1:" + silent.port() + "/health"))),
                    Optional.empty(), List.of(), timeouts);

            ValidationResult result;
            try (DeploymentValidator validator = new DeploymentValidator(spec, Pm2StatusSource.unavailable(), ValidationListener.NONE, Map.of())) {
                result = validator.quickHealthCheck();
            }

            assertThat(result.duration()).isLessThan(Duration.ofMillis(2000));
            assertThat(result.checks().get(0).message()).isIn("timed out after 1 s", "timed out after the 1 s validation bound");
        }
    }

    @Test
    void resultSerializesAsTheValidateReport() throws Exception {
        ValidationResult result = ValidationResult.of(Duration.ofMillis(1234), List.of(
                new CheckResult("titan-brain", CheckResult.Kind.HTTP, "GET http://127.0.0.1:3000/health", true, true,
                        Duration.ofMillis(12), "returned 200"),
                new CheckResult("bybit", CheckResult.Kind.WEBSOCKET, "wss://stream.bybit.com/v5/public/spot", false, false,
                        Duration.ofMillis(10_000), "connected but no data within 10 s")));

        JsonNode json = new ObjectMapper().valueToTree(result);

        assertThat(json.toString()).isEqualTo("{\"type\":\"validate\",\"success\":true,\"durationMs\":1234,\"checks\":["
                + "{\"name\":\"titan-brain\",\"kind\":\"http\",\"target\":\"GET http://127.0.0.1:3000/health\",\"required\":true,"
                + "\"success\":true,\"durationMs\":12,\"message\":\"returned 200\"},"
                + "{\"name\":\"bybit\",\"kind\":\"websocket\",\"target\":\"wss://stream.bybit.com/v5/public/spot\",\"required\":false,"
                + "\"success\":false,\"durationMs\":10000,\"message\":\"connected but no data within 10 s\"}]}");
    }

    private static ValidationListener recorder(List<String> events) {
        return new ValidationListener() {
            @Override
            public void started(List<String> names) {
                events.add("started " + names);
            }

            @Override
            public void checkCompleted(CheckResult result) {
                events.add("check " + result.name());
            }

            @Override
            public void completed(ValidationResult result) {
                events.add("completed " + result.success());
            }
        };
    }

    private static List<String> validatorThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .map(Thread::getName)
                .filter(name -> name.startsWith("titan-validate-"))
                .toList();
    }

    /**
     * A listening port whose accept queue is full: Linux drops further SYNs, so a connect hangs
     * instead of being refused or accepted.
     */
    private static final class FullBacklog implements AutoCloseable {
        private final ServerSocket server;
        private final List<Socket> fillers = new ArrayList<>();

        FullBacklog() throws IOException {
            server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
            for (int i = 0; i < 8; i++) {
                Socket socket = new Socket();
                try {
                    socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), server.getLocalPort()), 100);
                    fillers.add(socket);
                } catch (IOException full) {
                    socket.close();
                    return;
                }
            }
        }

        int port() {
            return server.getLocalPort();
        }

        @Override
        public void close() throws IOException {
            for (Socket socket : fillers) {
                socket.close();
            }
            server.close();
        }
    }
}
