package io.titan.deploy.validate;

import io.titan.deploy.health.Durations;
import io.titan.deploy.health.HealthProbe;
import io.titan.deploy.pm2.Pm2Process;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/** Plans the check of one service: its probe once, or its PM2 status. */
final class ServiceCheck {

    /** A restart is "recent" when the current instance has been up less than this. */
    static final Duration RECENT_RESTART_WINDOW = Duration.ofMinutes(1);

    private ServiceCheck() {
    }

    static PlannedCheck plan(ServiceCheckSpec spec, Pm2StatusSource pm2, Duration timeout, Clock clock) {
        HealthProbe probe = spec.probe();
        if (probe == null) {
            return new PlannedCheck(spec.name(), CheckResult.Kind.PM2, "pm2 " + spec.name(), true, timeout,
                    aborts -> pm2Status(spec.name(), pm2, clock));
        }
        return new PlannedCheck(spec.name(), spec.kind(), probe.target(), true, timeout, aborts ->
                PlannedCheck.Outcome.of(probe.probe(timeout, aborts)));
    }

    /**
     * Online, and no restart within the last minute. PM2 has no restart history, but uptime resets on
     * every restart: up for a minute or more means no restart in that minute, and a younger instance
     * with a non-zero counter was restarted recently. A young instance with zero restarts is a fresh
     * start (a deploy), which is fine.
     */
    static PlannedCheck.Outcome pm2Status(String name, Pm2StatusSource pm2, Clock clock) {
        if (!pm2.reachable()) {
            return PlannedCheck.Outcome.skipped("PM2 is not reachable, status of " + name + " unknown");
        }
        Optional<Pm2Process> found = pm2.status(name);
        if (found.isEmpty()) {
            return PlannedCheck.Outcome.failed("PM2 does not know a process named " + name);
        }
        Pm2Process status = found.get();
        Duration uptime = uptime(status, clock.instant());
        String seen = "up " + Durations.format(uptime.truncatedTo(java.time.temporal.ChronoUnit.SECONDS))
                + ", " + status.restarts() + " restarts";
        if (!status.isOnline()) {
            return PlannedCheck.Outcome.failed("PM2 reports " + name + " not online (" + status.restarts() + " restarts)");
        }
        if (status.restarts() > 0 && uptime.compareTo(RECENT_RESTART_WINDOW) < 0) {
            return PlannedCheck.Outcome.failed("restarted within the last minute (" + seen + "), expected a stable process");
        }
        return PlannedCheck.Outcome.passed("online, " + seen);
    }

    /** Time since the current process instance started: PM2 resets it on every restart. */
    private static Duration uptime(Pm2Process process, Instant now) {
        if (process.startedAt() == null || process.startedAt().isAfter(now)) {
            return Duration.ZERO;
        }
        return Duration.between(process.startedAt(), now);
    }
}
