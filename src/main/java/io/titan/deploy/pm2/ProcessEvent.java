package io.titan.deploy.pm2;

import com.fasterxml.jackson.databind.JsonNode;

import java.time.Instant;

/**
 * One {@code process:event} the PM2 daemon published: a process started, came online, exited,
 * was given up on. Only what the engine needs is kept: the payload also carries the app's
 * environment (secrets included), which never leaves the parser.
 *
 * @param event     PM2's name: {@code start}, {@code online}, {@code exit}, {@code restart overlimit},
 *                  and, from pm2 CLI calls, {@code stop}, {@code delete}, {@code restart}; or
 *                  {@code ready} for the process's {@code process.send('ready')}
 * @param name      app name
 * @param pmId      PM2's id of the process
 * @param uniqueId  the id PM2 gives each start of an app ({@code prepare}); it tells apart two apps
 *                  of the same name and even the same pm_id (PM2 reuses ids once its list empties)
 * @param status    PM2 status after the event
 * @param restarts  the process's {@code restart_time}
 * @param exitCode  the exit code for {@code exit}, else null
 * @param manually  true when the event was caused by a call (start, stop, delete), not by the app
 * @param at        when the daemon says it happened
 */
public record ProcessEvent(String event, String name, int pmId, String uniqueId, Pm2Status status, int restarts,
                           Integer exitCode, boolean manually, Instant at) {

    /** The event name of a process's {@code process.send('ready')}. */
    public static final String READY = "ready";

    /** Reads the parts of a {@code process:event} payload the engine uses. */
    static ProcessEvent of(JsonNode payload) {
        JsonNode process = payload.path("process");
        JsonNode exit = process.path("exit_code");
        long at = payload.path("at").asLong(0);
        return new ProcessEvent(
                payload.path("event").asText(""),
                process.path("name").asText(""),
                process.path("pm_id").asInt(-1),
                process.path("unique_id").asText(null),
                Pm2Status.fromPm2(process.path("status").asText(null)),
                process.path("restart_time").asInt(0),
                exit.isNumber() ? exit.asInt() : null,
                payload.path("manually").asBoolean(false),
                at > 0 ? Instant.ofEpochMilli(at) : Instant.now());
    }

    /**
     * A process's {@code process.send('ready')}, from its {@code process:msg} payload, which names
     * the process by name and pm_id only (no unique_id, no status).
     */
    static ProcessEvent ready(JsonNode payload) {
        JsonNode process = payload.path("process");
        long at = payload.path("at").asLong(0);
        return new ProcessEvent(READY, process.path("name").asText(""), process.path("pm_id").asInt(-1), null,
                Pm2Status.fromPm2(null), 0, null, false, at > 0 ? Instant.ofEpochMilli(at) : Instant.now());
    }

    /** True for events after which the process is not running: an exit, or PM2 giving up. */
    public boolean ended() {
        return event.equals("exit") || event.equals("restart overlimit") || event.equals("stop")
                || event.equals("delete");
    }
}
