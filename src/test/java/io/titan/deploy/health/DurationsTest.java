package io.titan.deploy.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class DurationsTest {

    @Test
    void writesWholeSecondsWithoutDecimals() {
        assertThat(Durations.format(Duration.ofSeconds(30))).isEqualTo("30 s");
        assertThat(Durations.format(Duration.ofSeconds(1))).isEqualTo("1 s");
    }

    @Test
    void writesOneDecimalWhereItMatters() {
        assertThat(Durations.format(Duration.ofMillis(1500))).isEqualTo("1.5 s");
        assertThat(Durations.format(Duration.ofMillis(1875))).isEqualTo("1.9 s");
        assertThat(Durations.format(Duration.ofNanos(112_500_000))).isEqualTo("112.5 ms");
    }

    @Test
    void writesMillisecondsBelowOneSecond() {
        assertThat(Durations.format(Duration.ofMillis(250))).isEqualTo("250 ms");
        assertThat(Durations.format(Duration.ofMillis(1))).isEqualTo("1 ms");
    }

    @Test
    void writesTinyDurationsInTheirOwnUnits() {
        assertThat(Durations.format(Duration.ZERO)).isEqualTo("0 ns");
        assertThat(Durations.format(Duration.ofNanos(750))).isEqualTo("750 ns");
        assertThat(Durations.format(Duration.ofNanos(250_000))).isEqualTo("250 µs");
    }

    @Test
    void roundingCarriesIntoTheNextUnit() {
        assertThat(Durations.format(Duration.ofNanos(999_960_000))).isEqualTo("1 s");
        assertThat(Durations.format(Duration.ofMillis(59_960))).isEqualTo("1 min");
    }

    @Test
    void writesMinutesAndHoursAsWholeParts() {
        assertThat(Durations.format(Duration.ofSeconds(90))).isEqualTo("1 min 30 s");
        assertThat(Durations.format(Duration.ofMinutes(2))).isEqualTo("2 min");
        assertThat(Durations.format(Duration.ofSeconds(3600 + 5 * 60))).isEqualTo("1 h 5 min");
        assertThat(Durations.format(Duration.ofSeconds(3661))).isEqualTo("1 h 1 min 1 s");
    }

    @Test
    void marksNegativeDurations() {
        assertThat(Durations.format(Duration.ofMillis(-1500))).isEqualTo("-1.5 s");
    }

    @Test
    void rejectsNull() {
        assertThatThrownBy(() -> Durations.format(null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("duration");
    }
}
