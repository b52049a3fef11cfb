package io.titan.deploy.health;

/**
 * Outcome of one probe.
 *
 * @param healthy  whether the target met the expectation
 * @param observed what was seen, in a few words: {@code returned 503}, {@code connection refused}
 */
public record ProbeResult(boolean healthy, String observed) {

    public static ProbeResult healthy(String observed) {
        return new ProbeResult(true, observed);
    }

    public static ProbeResult unhealthy(String observed) {
        return new ProbeResult(false, observed);
    }
}
