package io.titan.deploy.validate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Input records reject bad values at once, naming the field, and never print a password. */
class SpecValidationTest {

    @Test
    void redisUrlMustBeRedisWithAHostAndANumericDatabase() {
        assertThatIllegalArgumentException().isThrownBy(() -> new RedisCheckSpec(URI.create("http://h:1"), "c", false))
                .withMessageStartingWith("redis.url must start with redis://");
        assertThatIllegalArgumentException().isThrownBy(() -> new RedisCheckSpec(URI.create("redis://h:1/x"), "c", false))
                .withMessage("redis.url path must be a database number like /0, was /x");
        assertThatIllegalArgumentException().isThrownBy(() -> new RedisCheckSpec(URI.create("redis://h:1"), " ", false))
                .withMessage("redis.channel must not be blank");
    }

    @Test
    void redisPasswordIsMaskedInErrorsAndToString() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> new RedisCheckSpec(URI.create("http://u:hunter2@h:1"), "c", false))
                .withMessageNotContaining("hunter2").withMessageContaining("u:****@");
        RedisCheckSpec spec = new RedisCheckSpec(URI.create("rediss://app:hunter2@cache.internal:6380/2"), "c", true);

        assertThat(spec.toString()).doesNotContain("hunter2").contains("rediss://app:****@cache.internal:6380/2");
        assertThat(spec.maskedTarget(true)).isEqualTo("rediss://app:****@cache.internal:6380/2");
        assertThat(spec.tls()).isTrue();
        assertThat(spec.database()).isEqualTo(2);
        assertThat(spec.password(Map.of(RedisCheckSpec.PASSWORD_ENV, "other"))).contains("hunter2");
    }

    @Test
    void redisDefaultsToPort6379AndDatabase0() {
        RedisCheckSpec spec = new RedisCheckSpec(URI.create("redis://cache"), "c", false);

        assertThat(spec.port()).isEqualTo(6379);
        assertThat(spec.maskedTarget(false)).isEqualTo("redis://cache:6379/0");
        assertThat(spec.password(Map.of())).isEmpty();
    }

    @Test
    void exchangeUrlMustBeAWebSocketUrl() {
        assertThatIllegalArgumentException().isThrownBy(() -> ExchangeCheckSpec.required("binance", "https://x", null, null))
                .withMessage("exchanges[binance].url must be ws://host/... or wss://host/...");
        assertThatIllegalArgumentException().isThrownBy(() -> ExchangeCheckSpec.required(" ", "wss://x", null, null))
                .withMessage("exchanges[].name must not be blank");
    }

    @Test
    void timeoutsMustBePositive() {
        assertThatIllegalArgumentException().isThrownBy(() -> ValidationTimeouts.DEFAULTS.withOverall(Duration.ZERO))
                .withMessage("timeouts.overall must be positive, was PT0S");
    }

    @Test
    void checkNamesMustBeUnique() {
        assertThatIllegalArgumentException().isThrownBy(() -> new ValidationSpec(
                        List.of(ServiceCheckSpec.pm2("a"), ServiceCheckSpec.pm2("a")), Optional.empty(), List.of(),
                        ValidationTimeouts.DEFAULTS))
                .withMessage("services: duplicate name a");
        assertThatIllegalArgumentException().isThrownBy(() -> new ValidationSpec(
                        List.of(ServiceCheckSpec.pm2("redis")),
                        Optional.of(new RedisCheckSpec(URI.create("redis://h"), "c", false)), List.of(), ValidationTimeouts.DEFAULTS))
                .withMessage("services: name redis is reserved for the Redis check");
    }
}
