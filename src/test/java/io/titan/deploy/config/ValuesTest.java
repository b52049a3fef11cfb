package io.titan.deploy.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class ValuesTest {

    @Test
    void sizesParseInPm2Notation() {
        assertThat(ByteSize.parse("300M").bytes()).isEqualTo(300L << 20);
        assertThat(ByteSize.parse("10MB").toPm2()).isEqualTo("10M");
        assertThat(ByteSize.parse("1g").toPm2()).isEqualTo("1G");
        assertThat(ByteSize.parse("1536K").toPm2()).isEqualTo("1536K");
        assertThat(ByteSize.parse("2048").toPm2()).isEqualTo("2K");
        assertThatThrownBy(() -> ByteSize.parse("0M")).hasMessageContaining("not a positive size");
        assertThatThrownBy(() -> ByteSize.parse("-1M")).hasMessageContaining("'-1M' is not a size");
    }

    @Test
    void durationsNeedAUnit() {
        assertThat(DurationText.parse("30s")).isEqualTo(Duration.ofSeconds(30));
        assertThat(DurationText.parse("1.5 s")).isEqualTo(Duration.ofMillis(1500));
        assertThat(DurationText.parse("1600ms")).isEqualTo(Duration.ofMillis(1600));
        assertThat(DurationText.parse("2m")).isEqualTo(Duration.ofMinutes(2));
        assertThatThrownBy(() -> DurationText.parse("30")).hasMessageContaining("expected e.g. 30s");
        assertThatThrownBy(() -> DurationText.parse("0s")).hasMessageContaining("not a positive duration");
    }

    @Test
    void redisPasswordsAreMasked() {
        assertThat(Secrets.maskUri(URI.create("redis://user:hunter2@127.0.0.1:6379/0")))
                .isEqualTo("redis://user:****@127.0.0.1:6379/0");
        assertThat(Secrets.maskUri(URI.create("redis://hunter2@127.0.0.1:6379")))
                .isEqualTo("redis://****@127.0.0.1:6379");
        assertThat(Secrets.maskUri(URI.create("redis://127.0.0.1:6379"))).isEqualTo("redis://127.0.0.1:6379");
        ValidationSettings.Redis redis = new ValidationSettings.Redis(
                URI.create("redis://:hunter2@h:1"), "c", false);
        assertThat(redis.toString()).doesNotContain("hunter2");
    }
}
