package io.titan.deploy.pm2;

import java.nio.file.Path;
import java.time.Instant;

/**
 * One PM2 process as {@code pm2 jlist} reports it, without its environment.
 *
 * @param name             app name
 * @param pmId             PM2's id for this process
 * @param pid              OS process id; 0 when PM2 has none (stopped, waiting restart, or
 *                         "online" with a missing cwd, which PM2 7.0.4 reports too)
 * @param status           PM2 status
 * @param restarts         all restarts since the app was started ({@code restart_time})
 * @param unstableRestarts restarts within min_uptime, the ones max_restarts counts
 * @param startedAt        when the current process started ({@code pm_uptime}), or null
 * @param cpuPercent       CPU use as PM2 last sampled it
 * @param memoryBytes      resident memory as PM2 last sampled it; 0 until its first sample
 * @param version          the app's package.json version as PM2 found it, or null
 * @param script           script path ({@code pm_exec_path})
 * @param cwd              working directory ({@code pm_cwd})
 * @param uniqueId         the id PM2 gave this start of the app ({@code unique_id}), or null
 */
public record Pm2Process(
        String name,
        int pmId,
        long pid,
        Pm2Status status,
        int restarts,
        int unstableRestarts,
        Instant startedAt,
        double cpuPercent,
        long memoryBytes,
        String version,
        Path script,
        Path cwd,
        String uniqueId) {

    /** True when PM2 says online and there is a process id: PM2 shows online without one at times. */
    public boolean isOnline() {
        return status == Pm2Status.ONLINE && pid > 0;
    }
}
