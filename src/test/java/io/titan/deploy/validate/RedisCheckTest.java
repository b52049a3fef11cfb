package io.titan.deploy.validate;

import io.titan.deploy.testing.Integration;
import io.titan.deploy.testing.RedisServer;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The Redis check against real redis-servers, with and without a password. */
@Integration
class RedisCheckTest {

    private static final String PASSWORD = "Sup3r-s3cret-Pa55word";
    private static final ValidationTimeouts SHORT = new ValidationTimeouts(
            Duration.ofSeconds(1), Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(5), Duration.ofSeconds(3));

    private static RedisServer open;
    private static RedisServer locked;

    @BeforeAll
    static void startRedis() throws Exception {
        open = RedisServer.start();
        locked = RedisServer.start(PASSWORD);
    }

    @AfterAll
    static void stopRedis() throws Exception {
        long[] pids = {open.pid(), locked.pid()};
        open.close();
        locked.close();
        for (long pid : pids) {
            assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive)).as("redis-server %s", pid).isNotEqualTo(Optional.of(true));
        }
    }

    @Test
    void passesPingPubSubRoundTripAndSetGetDel() {
        CheckResult redis = validate(new RedisCheckSpec(open.url(), "titan:validate", true), Map.of(), false);

        assertThat(redis.success()).as(redis.message()).isTrue();
        assertThat(redis.kind()).isEqualTo(CheckResult.Kind.REDIS);
        assertThat(redis.target()).isEqualTo("redis://127.0.0.1:" + open.port() + "/0");
        assertThat(redis.message()).contains("PING answered PONG", "pub/sub round trip on 'titan:validate'", "SET/GET/DEL ok");
    }

    @Test
    void authenticatesWithThePasswordInTheUrlAndMasksIt() {
        CheckResult redis = validate(new RedisCheckSpec(locked.url("default", PASSWORD), "titan:validate", false),
                Map.of(), false);

        assertThat(redis.success()).as(redis.message()).isTrue();
        assertThat(redis.target()).isEqualTo("redis://default:****@127.0.0.1:" + locked.port() + "/0");
    }

    @Test
    void takesThePasswordFromTheEnvironmentWhenTheUrlHasNone() {
        CheckResult redis = validate(new RedisCheckSpec(locked.url(), "titan:validate", true),
                Map.of(RedisCheckSpec.PASSWORD_ENV, PASSWORD), false);

        assertThat(redis.success()).as(redis.message()).isTrue();
        assertThat(redis.target()).isEqualTo("redis://:****@127.0.0.1:" + locked.port() + "/0");
    }

    @Test
    void wrongPasswordIsAnAuthenticationFailureAndIsPrintedNowhere() throws Exception {
        String wrong = "Wr0ng-pa55word-never-shown";
        RedisCheckSpec spec = new RedisCheckSpec(locked.url("default", wrong), "titan:validate", true);
        List<String> events = new ArrayList<>();
        ValidationListener recorder = new ValidationListener() {
            @Override
            public void started(List<String> names) {
                events.add(names.toString());
            }

            @Override
            public void checkCompleted(CheckResult result) {
                events.add(result.toString());
            }

            @Override
            public void completed(ValidationResult result) {
                events.add(result.toString());
            }
        };
        ValidationResult result;
        ValidationSpec validationSpec = new ValidationSpec(List.of(), Optional.of(spec), List.of(), SHORT);
        try (DeploymentValidator validator = new DeploymentValidator(validationSpec, Pm2StatusSource.unavailable(),
                recorder, Map.of(RedisCheckSpec.PASSWORD_ENV, "env-" + wrong))) {
            result = validator.validateDeployment();
        }

        CheckResult redis = result.checks().get(0);
        assertThat(result.success()).isFalse();
        assertThat(redis.message()).startsWith("authentication failed");
        String everything = String.join("\n", events) + result + spec + validationSpec
                + new ObjectMapper().writeValueAsString(result);
        assertThat(everything).doesNotContain(wrong).contains("****");
    }

    @Test
    void missingPasswordIsAnAuthenticationFailureThatSaysWhereToSetIt() {
        CheckResult redis = validate(new RedisCheckSpec(locked.url(), "titan:validate", false), Map.of(), false);

        assertThat(redis.success()).isFalse();
        assertThat(redis.message()).startsWith("authentication failed").contains(RedisCheckSpec.PASSWORD_ENV);
    }

    @Test
    void refusedConnectionIsReportedAsSuch() throws Exception {
        int port = FreePorts.unused();
        CheckResult redis = validate(new RedisCheckSpec(URI.create("redis://127.0.0.1:" + port), "c", false), Map.of(), false);

        assertThat(redis.success()).isFalse();
        assertThat(redis.message()).isEqualTo("connection refused by 127.0.0.1:" + port);
    }

    @Test
    void redisThatAcceptsButNeverAnswersIsATimeout() throws Exception {
        try (SilentServer silent = new SilentServer()) {
            CheckResult redis = validate(new RedisCheckSpec(URI.create("redis://127.0.0.1:" + silent.port()), "c", false),
                    Map.of(), false);

            assertThat(redis.success()).isFalse();
            assertThat(redis.message()).isEqualTo("timeout: no answer within 1 s during connect/AUTH/PING");
            assertThat(redis.duration()).isLessThan(Duration.ofMillis(1500));
        }
    }

    @Test
    void publishedNonceThatNeverComesBackIsAMissingRoundTrip() throws Exception {
        try (PubSubBlackHoleRedis blackHole = new PubSubBlackHoleRedis()) {
            CheckResult redis = validate(new RedisCheckSpec(URI.create("redis://127.0.0.1:" + blackHole.port()),
                    "titan:validate", false), Map.of(), false);

            assertThat(redis.success()).isFalse();
            assertThat(redis.message()).startsWith("pub/sub round trip missing: published a nonce on channel 'titan:validate'")
                    .endsWith("did not arrive within 1 s");
        }
    }

    @Test
    void quickModeOnlyPings() throws Exception {
        try (PubSubBlackHoleRedis blackHole = new PubSubBlackHoleRedis()) {
            CheckResult redis = validate(new RedisCheckSpec(URI.create("redis://127.0.0.1:" + blackHole.port()),
                    "titan:validate", true), Map.of(), true);

            assertThat(redis.success()).as(redis.message()).isTrue();
            assertThat(redis.message()).isEqualTo("PING answered PONG");
        }
    }

    private static CheckResult validate(RedisCheckSpec redis, Map<String, String> env, boolean quick) {
        ValidationSpec spec = new ValidationSpec(List.of(), Optional.of(redis), List.of(), SHORT);
        try (DeploymentValidator validator = new DeploymentValidator(spec, Pm2StatusSource.unavailable(),
                ValidationListener.NONE, env)) {
            ValidationResult result = quick ? validator.quickHealthCheck() : validator.validateDeployment();
            assertThat(result.checks()).hasSize(1);
            return result.checks().get(0);
        }
    }
}
