package io.titan.deploy.health;

import java.time.Duration;
import java.util.Random;

/**
 * Pauses between health-check attempts: {@code 50 ms} at first, growing {@code ×1.5} per attempt,
 * with {@code ±20 %} jitter, never above {@code 1 s}.
 *
 * <p>Short first pauses let a fast service pass quickly; growth and the cap keep a slow one from
 * being hammered while still noticing it within a second of it coming up. Jitter keeps several
 * services started together from being polled in lock-step.
 *
 * <p>Immutable: every {@code with...} returns a copy. Copies share their {@link Random}, which is
 * thread-safe; inject a seeded one to make the sequence of delays repeatable.
 */
public final class Backoff {

    /** Pause after the first failed attempt. */
    public static final Duration DEFAULT_INITIAL_DELAY = Duration.ofMillis(50);
    /** Growth per attempt. */
    public static final double DEFAULT_FACTOR = 1.5;
    /** Largest relative deviation added by jitter. */
    public static final double DEFAULT_JITTER = 0.2;
    /** Upper bound of every pause, jitter included. */
    public static final Duration DEFAULT_MAX_DELAY = Duration.ofSeconds(1);

    private final Duration initialDelay;
    private final double factor;
    private final double jitter;
    private final Duration maxDelay;
    private final Random random;

    private Backoff(Duration initialDelay, double factor, double jitter, Duration maxDelay, Random random) {
        this.initialDelay = initialDelay;
        this.factor = factor;
        this.jitter = jitter;
        this.maxDelay = maxDelay;
        this.random = random;
    }

    /** 50 ms, ×1.5, ±20 %, at most 1 s, with an unseeded {@link Random}. */
    public static Backoff defaults() {
        return new Backoff(DEFAULT_INITIAL_DELAY, DEFAULT_FACTOR, DEFAULT_JITTER, DEFAULT_MAX_DELAY, new Random());
    }

    /** The pause after the first failed attempt, before jitter. */
    public Backoff withInitialDelay(Duration initialDelay) {
        return new Backoff(Checks.positive(initialDelay, "initialDelay"), factor, jitter, maxDelay, random);
    }

    /** Growth per attempt; at least 1 (1 means a constant pause). */
    public Backoff withFactor(double factor) {
        if (!(factor >= 1.0) || Double.isInfinite(factor)) {
            throw new IllegalArgumentException("factor must be a finite number >= 1, was " + factor);
        }
        return new Backoff(initialDelay, factor, jitter, maxDelay, random);
    }

    /** Largest relative deviation, in {@code [0, 1)}: 0.2 means each pause is within ±20 % of its base. */
    public Backoff withJitter(double jitter) {
        if (!(jitter >= 0.0 && jitter < 1.0)) {
            throw new IllegalArgumentException("jitter must be in [0, 1), was " + jitter);
        }
        return new Backoff(initialDelay, factor, jitter, maxDelay, random);
    }

    /** Upper bound of every pause, jitter included; an initial delay above it is capped too. */
    public Backoff withMaxDelay(Duration maxDelay) {
        return new Backoff(initialDelay, factor, jitter, Checks.positive(maxDelay, "maxDelay"), random);
    }

    /** The source of jitter; pass {@code new Random(seed)} for repeatable delays. */
    public Backoff withRandom(Random random) {
        return new Backoff(initialDelay, factor, jitter, maxDelay, Checks.notNull(random, "random"));
    }

    /**
     * The pause after failed attempt number {@code attempt}, counted from 1:
     * {@code min(maxDelay, initialDelay × factor^(attempt-1))}, jittered, then capped again.
     *
     * @throws IllegalArgumentException if {@code attempt < 1}
     */
    public Duration delay(int attempt) {
        if (attempt < 1) {
            throw new IllegalArgumentException("attempt must be >= 1, was " + attempt);
        }
        double maxNanos = maxDelay.toNanos();
        // Math.pow overflows to infinity for large attempts, which the cap absorbs.
        double base = Math.min(initialDelay.toNanos() * Math.pow(factor, attempt - 1), maxNanos);
        double jittered = jitter == 0.0 ? base : base * (1.0 + jitter * (2.0 * random.nextDouble() - 1.0));
        return Duration.ofNanos((long) Math.min(jittered, maxNanos));
    }

    /** The pause after the first failed attempt, before jitter. */
    public Duration initialDelay() {
        return initialDelay;
    }

    /** Growth per attempt. */
    public double factor() {
        return factor;
    }

    /** Largest relative deviation added by jitter. */
    public double jitter() {
        return jitter;
    }

    /** Upper bound of every pause, jitter included. */
    public Duration maxDelay() {
        return maxDelay;
    }

    @Override
    public String toString() {
        return "Backoff[" + Durations.format(initialDelay) + " ×" + factor + " ±" + Math.round(jitter * 100)
                + " %, at most " + Durations.format(maxDelay) + "]";
    }
}
