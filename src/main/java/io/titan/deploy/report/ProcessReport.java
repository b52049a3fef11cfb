package io.titan.deploy.report;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/**
 * One row of {@code titan-deploy status}: a PM2 process, or a topology service PM2 does not know.
 * Never holds the process's environment.
 *
 * @param name             PM2 app name
 * @param inTopology       whether the topology declares a service of that name
 * @param inPm2            false for a topology service PM2 has no process of ({@link #MISSING})
 * @param status           PM2's status ({@code online}, {@code stopped}, {@code errored},
 *                         {@code waiting restart}, ...), or {@link #MISSING}
 * @param pid              OS process id, 0 when PM2 has none; null when not in PM2
 * @param uptimeMs         since PM2 last started it; null when not in PM2
 * @param restarts         restarts since the app was started; null when not in PM2
 * @param unstableRestarts restarts within min_uptime; null when not in PM2
 * @param cpu              CPU percent as PM2 last sampled it; null when not in PM2
 * @param memory           resident bytes as PM2 last sampled it; null when not in PM2
 * @param version          the app's package.json version, or null
 * @param host             the host whose PM2 this is (whose service it is, for a topology service PM2
 *                         does not know); {@code local} for a topology without {@code hosts:}, null when not told
 * @param releaseId        the release that started the process (kept with it in PM2), or null: not
 *                         started by this engine, or by a version of it before releases were kept there
 */
@JsonPropertyOrder({"name", "host", "inTopology", "inPm2", "status", "pid", "uptimeMs", "restarts",
        "unstableRestarts", "cpu", "memory", "version", "releaseId", "down"})
public record ProcessReport(
        String name,
        boolean inTopology,
        boolean inPm2,
        String status,
        Long pid,
        Long uptimeMs,
        Integer restarts,
        Integer unstableRestarts,
        Double cpu,
        Long memory,
        String version,
        String host,
        String releaseId) {

    /** The {@link #status()} of a topology service PM2 has no process of. */
    public static final String MISSING = "missing";

    /** Validates the components. */
    public ProcessReport {
        Checks.requireNonBlank(name, "ProcessReport.name");
        Checks.requireNonBlank(status, "ProcessReport.status of " + name);
        if (!inPm2 && !inTopology) {
            throw new IllegalArgumentException("ProcessReport " + name + ": neither in PM2 nor in the topology");
        }
        if (inPm2 == MISSING.equals(status)) {
            throw new IllegalArgumentException("ProcessReport " + name + ": status '" + status + "' but inPm2=" + inPm2);
        }
    }

    /** A row that does not say on which host, nor which release started it. */
    public ProcessReport(String name, boolean inTopology, boolean inPm2, String status, Long pid, Long uptimeMs,
                         Integer restarts, Integer unstableRestarts, Double cpu, Long memory, String version) {
        this(name, inTopology, inPm2, status, pid, uptimeMs, restarts, unstableRestarts, cpu, memory, version, null,
                null);
    }

    /** The row of a topology service that PM2 has no process of. */
    public static ProcessReport missing(String name) {
        return missing(name, null);
    }

    /** The row of a topology service of {@code host} that PM2 there has no process of. */
    public static ProcessReport missing(String name, String host) {
        return new ProcessReport(name, true, false, MISSING, null, null, null, null, null, null, null, host, null);
    }

    /**
     * Why this row of a topology service is not up, or null when it is (or the row is no topology
     * service): the rule of {@link StatusReport#down()}, which words it for the whole report.
     *
     * @param namingHost whether to name the row's host (the report shows several), or to say "this target"
     */
    public String problem(boolean namingHost) {
        if (!inTopology || isOnline()) {
            return null;
        }
        if (!inPm2) {
            return namingHost && host != null ? "not in PM2 on host " + host + ": never started there, or deleted"
                    : "not in PM2: never started on this target, or deleted";
        }
        if ("online".equals(status)) {
            return "online in PM2 but without a process (pid 0)";
        }
        return status + " in PM2" + (restarts == null || restarts == 0 ? ""
                : " after " + restarts + " restart" + (restarts == 1 ? "" : "s"));
    }

    /**
     * {@link #problem} for {@code status --json}, each row on its own: it names the row's host when the
     * topology names hosts. The steps read it instead of judging PM2's fields themselves.
     */
    @JsonProperty(value = "down", access = JsonProperty.Access.READ_ONLY)
    public String down() {
        return problem(host != null && !host.equals("local"));
    }

    /** PM2 says online and there is a process: PM2 shows "online" without a pid at times. */
    @JsonIgnore
    public boolean isOnline() {
        return inPm2 && "online".equals(status) && pid != null && pid > 0;
    }
}
