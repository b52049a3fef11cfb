package io.titan.deploy.release;

/**
 * What one {@code release service} call did with its service, kept in the release's record so
 * that {@code release finish} and {@code release abort} can report the host's whole part.
 *
 * @param status     the service's status as the reports spell it, e.g. {@code deployed}
 * @param startedAt  ISO-8601, or null when it was not started
 * @param readyAt    ISO-8601, or null when it never became ready
 * @param durationMs start to ready (or to the failure)
 * @param restarts   PM2 restarts seen meanwhile
 * @param message    why it failed, or null
 * @param downtime   how long it answered nothing while it was replaced, or null (records written
 *                   before it was kept, services not replaced)
 */
public record ServiceStep(String status, String startedAt, String readyAt, long durationMs, int restarts,
                          String message, StepDowntime downtime) {
}
