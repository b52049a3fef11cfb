package io.titan.deploy.validate;

import static org.assertj.core.api.Assertions.assertThat;

import io.titan.deploy.health.HealthProbe;
import io.titan.deploy.health.ProbeResult;
import io.titan.deploy.pm2.Pm2Process;
import io.titan.deploy.pm2.Pm2Status;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Service checks: one HTTP GET, one TCP connect, or PM2 status. */
class ServiceCheckTest {

    private static final Instant NOW = Instant.parse("2026-12-07T10:00:00Z");
    private static final ValidationTimeouts SHORT = new ValidationTimeouts(
            Duration.ofSeconds(1), Duration.ofSeconds(1), Duration.ofSeconds(1), Duration.ofSeconds(5), Duration.ofSeconds(3));

    private static HttpEndpoints http;
    private static SilentServer silent;

    @BeforeAll
    static void start() throws Exception {
        http = new HttpEndpoints();
        silent = new SilentServer();
    }

    @AfterAll
    static void stop() throws Exception {
        http.close();
        silent.close();
    }

    @Test
    void httpServiceIsHealthyOn2xx() {
        URI url = http.url(200, Duration.ZERO);
        CheckResult check = validate(ServiceCheckSpec.http("titan-brain", url));

        assertThat(check.success()).isTrue();
        assertThat(check.kind()).isEqualTo(CheckResult.Kind.HTTP);
        assertThat(check.target()).isEqualTo("GET " + url);
        assertThat(check.message()).isEqualTo("returned 200");
    }

    @Test
    void httpServiceAnswering503Fails() {
        CheckResult check = validate(ServiceCheckSpec.http("titan-brain", http.url(503, Duration.ZERO)));

        assertThat(check.success()).isFalse();
        assertThat(check.message()).isEqualTo("returned 503");
    }

    @Test
    void httpServiceThatNeverAnswersFailsWithinItsTimeout() {
        CheckResult check = validate(ServiceCheckSpec.http("titan-brain", URI.create("http://127.0.0.1:" + silent.port() + "/health")));

        assertThat(check.success()).isFalse();
        assertThat(check.message()).isEqualTo("timed out after 1 s");
        assertThat(check.duration()).isLessThan(Duration.ofMillis(1500));
    }

    @Test
    void refusedConnectionsAreReportedForHttpAndTcp() throws Exception {
        int port = FreePorts.unused();
        assertThat(validate(ServiceCheckSpec.http("a", URI.create("http://127.0.0.1:" + port + "/health"))).message())
                .isEqualTo("connection refused");
        CheckResult tcp = validate(ServiceCheckSpec.tcp("b", "127.0.0.1", port));
        assertThat(tcp.message()).isEqualTo("connection refused");
        assertThat(tcp.kind()).isEqualTo(CheckResult.Kind.TCP);
        assertThat(tcp.target()).isEqualTo("tcp 127.0.0.1:" + port);
    }

    @Test
    void tcpServiceIsHealthyWhenThePortAccepts() {
        CheckResult check = validate(ServiceCheckSpec.tcp("titan-shared", "127.0.0.1", silent.port()));

        assertThat(check.success()).isTrue();
        assertThat(check.message()).isEqualTo("accepted a connection");
    }

    @Test
    void aProbeThatIgnoresItsTimeoutIsCutOffShortlyAfterIt() {
        HealthProbe stubborn = new HealthProbe() {
            @Override
            public ProbeResult probe(Duration timeout) {
                try {
                    Thread.sleep(60_000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return ProbeResult.unhealthy("interrupted");
            }

            @Override
            public String target() {
                return "GET http://example.invalid/health";
            }
        };
        CheckResult check = validate(new ServiceCheckSpec("titan-console", stubborn));

        assertThat(check.message()).isEqualTo("timed out after 1 s");
        assertThat(check.duration()).isBetween(Duration.ofSeconds(1), Duration.ofSeconds(2));
    }

    @Test
    void pm2ServiceOnlineAndStablePasses() {
        Pm2StatusSource pm2 = name -> Optional.of(process(true, 3, Duration.ofMinutes(5)));

        CheckResult check = validate(ServiceCheckSpec.pm2("titan-ai-quant"), pm2);

        assertThat(check.success()).isTrue();
        assertThat(check.kind()).isEqualTo(CheckResult.Kind.PM2);
        assertThat(check.message()).isEqualTo("online, up 5 min, 3 restarts");
    }

    @Test
    void pm2ServiceFreshlyStartedPassesButOneRestartedWithinTheLastMinuteFails() {
        assertThat(validate(ServiceCheckSpec.pm2("fresh"), name -> Optional.of(process(true, 0, Duration.ofSeconds(5))))
                .success()).isTrue();

        CheckResult looping = validate(ServiceCheckSpec.pm2("looping"),
                name -> Optional.of(process(true, 4, Duration.ofSeconds(12))));
        assertThat(looping.success()).isFalse();
        assertThat(looping.message()).isEqualTo("restarted within the last minute (up 12 s, 4 restarts), expected a stable process");
    }

    @Test
    void pm2ServiceNotOnlineOrUnknownFails() {
        assertThat(validate(ServiceCheckSpec.pm2("titan-brain"), name -> Optional.of(process(false, 10, Duration.ZERO))).message())
                .isEqualTo("PM2 reports titan-brain not online (10 restarts)");
        assertThat(validate(ServiceCheckSpec.pm2("titan-brain"), name -> Optional.empty()).message())
                .isEqualTo("PM2 does not know a process named titan-brain");
    }

    @Test
    void unreachablePm2SkipsTheCheckAsAWarningWithoutFailingValidation() {
        ValidationSpec spec = new ValidationSpec(List.of(ServiceCheckSpec.pm2("titan-brain")), Optional.empty(), List.of(), SHORT);
        ValidationResult result;
        try (DeploymentValidator validator = new DeploymentValidator(spec, Pm2StatusSource.unavailable(), ValidationListener.NONE, Map.of())) {
            result = validator.validateDeployment();
        }

        assertThat(result.success()).isTrue();
        CheckResult check = result.checks().get(0);
        assertThat(check.required()).isFalse();
        assertThat(check.success()).isFalse();
        assertThat(check.message()).isEqualTo("skipped: PM2 is not reachable, status of titan-brain unknown");
    }

    private static CheckResult validate(ServiceCheckSpec service) {
        return validate(service, Pm2StatusSource.unavailable());
    }

    /** A PM2 process, online or errored, that started {@code uptime} before {@link #NOW}. */
    private static Pm2Process process(boolean online, int restarts, Duration uptime) {
        return new Pm2Process("svc", 0, online ? 4242 : 0, online ? Pm2Status.ONLINE : Pm2Status.ERRORED, restarts, 0,
                NOW.minus(uptime), 0, 0, null, Path.of("/srv/svc/index.js"), Path.of("/srv/svc"), null);
    }

    private static CheckResult validate(ServiceCheckSpec service, Pm2StatusSource pm2) {
        ValidationSpec spec = new ValidationSpec(List.of(service), Optional.empty(), List.of(), SHORT);
        try (DeploymentValidator validator = new DeploymentValidator(spec, pm2, ValidationListener.NONE, Map.of(),
                Clock.fixed(NOW, ZoneOffset.UTC))) {
            return validator.validateDeployment().checks().get(0);
        }
    }
}
