package io.titan.deploy.pm2;

import java.util.Locale;

/** The {@code pm2_env.status} values of PM2 7. */
public enum Pm2Status {
    /** Running; PM2 says nothing about health (and shows this even when it has no pid). */
    ONLINE("online"),
    /** Being stopped (SIGINT sent, kill_timeout running). */
    STOPPING("stopping"),
    /** Stopped on request; PM2 keeps the definition. */
    STOPPED("stopped"),
    /** Being started. */
    LAUNCHING("launching"),
    /** Gave up after max_restarts unstable restarts, or could not start. */
    ERRORED("errored"),
    /** Ran once with autorestart off and exited. */
    ONE_LAUNCH_STATUS("one-launch-status"),
    /** Crashed and waiting restart_delay before the next start; pid 0 meanwhile. */
    WAITING_RESTART("waiting restart"),
    /** A status this engine does not know. */
    UNKNOWN("unknown");

    private final String pm2Name;

    Pm2Status(String pm2Name) {
        this.pm2Name = pm2Name;
    }

    /** The status as PM2 spells it. */
    public String pm2Name() {
        return pm2Name;
    }

    /** True for the states in which PM2 keeps the app running or brings it back. */
    public boolean keepsRunning() {
        return this == ONLINE || this == LAUNCHING || this == WAITING_RESTART;
    }

    /** Maps PM2's spelling; unknown or missing values give {@link #UNKNOWN}. */
    public static Pm2Status fromPm2(String value) {
        if (value != null) {
            String wanted = value.trim().toLowerCase(Locale.ROOT);
            for (Pm2Status status : values()) {
                if (status.pm2Name.equals(wanted)) {
                    return status;
                }
            }
        }
        return UNKNOWN;
    }
}
