package io.titan.deploy.report;

import io.titan.deploy.deploy.ServiceStatus;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The last releases of a target, for a grid with one row per service and one column per release:
 * what {@code titan-deploy history} shows. Its JSON ({@code history --json}) is the
 * {@link #releases()} array, newest first.
 *
 * @param topology the topology file the target was read from
 * @param at       when the history was read
 * @param services the grid's rows: the topology's services in deployment order, then services only
 *                 earlier releases had
 * @param releases newest first
 * @param hosts    the host of each row's service where the topology has {@code hosts:}; empty without
 */
public record HistoryReport(String topology, Instant at, List<String> services, List<Release> releases,
                            Map<String, String> hosts) {

    /** Validates the components and copies the collections. */
    public HistoryReport {
        Objects.requireNonNull(topology, "HistoryReport.topology must not be null");
        Objects.requireNonNull(at, "HistoryReport.at must not be null");
        services = List.copyOf(Objects.requireNonNull(services, "HistoryReport.services must not be null"));
        releases = List.copyOf(Objects.requireNonNull(releases, "HistoryReport.releases must not be null"));
        hosts = new TreeMap<>(hosts == null ? Map.of() : hosts);
    }

    /** A history of one host of a topology without {@code hosts:}. */
    public HistoryReport(String topology, Instant at, List<String> services, List<Release> releases) {
        this(topology, at, services, releases, Map.of());
    }

    /** Whether the rows' services run on more than one host, so that each row says which. */
    public boolean severalHosts() {
        return hosts.values().stream().distinct().count() > 1;
    }

    /**
     * One release: what its records say (one per host it ran on), and per service what its deploy
     * reports say.
     *
     * @param id         the release's id: the one {@code release begin --release} was given, the same
     *                   on every host; for a {@code deploy}, the id it made itself
     * @param startedAt  when it started
     * @param finishedAt when it finished, or null (in progress, or its deployer died)
     * @param result     the record's status: {@code in-progress}, {@code deployed}, {@code failed},
     *                   {@code rolled-back} or {@code rollback-failed}; a release rolled back by
     *                   hand later says {@code rolled-back} although its services deployed
     * @param current    whether this is the release that runs now (the newest deployed one)
     * @param services   services the release deployed, in plan order
     * @param versions   the version PM2 reported per service, where known
     * @param error      why it failed (passwords masked), or null
     * @param reported   whether the CLI kept its deploy report; without one the per-service results
     *                   are unknown (deployed before reports were kept, or its deployer was killed)
     * @param results    per service, from the deploy report; empty when not {@code reported}
     * @param hosts      each host it ran on, with how it ended there; {@code result} is the worst of
     *                   theirs and {@code current} whether it runs now on any of them
     */
    @JsonPropertyOrder({"id", "startedAt", "finishedAt", "result", "current", "hosts", "services", "versions",
            "error", "reported", "results"})
    public record Release(
            String id,
            @JsonSerialize(using = InstantJson.Serializer.class)
            @JsonDeserialize(using = InstantJson.Deserializer.class)
            Instant startedAt,
            @JsonSerialize(using = InstantJson.Serializer.class)
            @JsonDeserialize(using = InstantJson.Deserializer.class)
            Instant finishedAt,
            String result,
            boolean current,
            List<String> services,
            Map<String, String> versions,
            String error,
            boolean reported,
            List<ServiceResult> results,
            List<HostResult> hosts) {

        /** Validates the components, masks passwords in {@code error} and copies the collections. */
        public Release {
            Checks.requireNonBlank(id, "HistoryReport.Release.id");
            Objects.requireNonNull(startedAt, "HistoryReport.Release.startedAt of " + id + " must not be null");
            Checks.requireNonBlank(result, "HistoryReport.Release.result of " + id);
            services = List.copyOf(Objects.requireNonNull(services, "HistoryReport.Release.services of " + id));
            versions = new TreeMap<>(versions == null ? Map.of() : versions);
            error = Text.redact(error);
            results = List.copyOf(Objects.requireNonNull(results, "HistoryReport.Release.results of " + id));
            if (!reported && !results.isEmpty()) {
                throw new IllegalArgumentException("HistoryReport.Release " + id + ": results without a report");
            }
            hosts = List.copyOf(hosts == null ? List.of() : hosts);
        }

        /** A release whose hosts are not told apart (a history written by hand, a test). */
        public Release(String id, Instant startedAt, Instant finishedAt, String result, boolean current,
                       List<String> services, Map<String, String> versions, String error, boolean reported,
                       List<ServiceResult> results) {
            this(id, startedAt, finishedAt, result, current, services, versions, error, reported, results, List.of());
        }

        /** What the deploy report says about {@code service}, if it says anything. */
        public Optional<ServiceResult> resultOf(String service) {
            return results.stream().filter(r -> r.service().equals(service)).findFirst();
        }
    }

    /**
     * How a release ended on one host.
     *
     * @param host    the host
     * @param result  its record's status there, as {@link Release#result()} names them
     * @param current whether it is the release that runs there now
     */
    @JsonPropertyOrder({"host", "result", "current"})
    public record HostResult(String host, String result, boolean current) {

        /** Validates the components. */
        public HostResult {
            Checks.requireNonBlank(host, "HistoryReport.HostResult.host");
            Checks.requireNonBlank(result, "HistoryReport.HostResult.result of " + host);
        }
    }

    /**
     * One cell of the grid: a service in one release.
     *
     * @param service         the service
     * @param status          its result in that release
     * @param timeToHealthyMs from start to passing its health check; null when it never became
     *                        healthy in that release (failed, skipped, unchanged without a start)
     * @param durationMs      from start to ready or to the failure; 0 when never started
     * @param restarts        PM2 restarts seen during the deployment and soak
     * @param message         the report's line about it (passwords masked), or null
     */
    @JsonPropertyOrder({"service", "status", "timeToHealthyMs", "durationMs", "restarts", "message"})
    public record ServiceResult(String service, ServiceStatus status, Long timeToHealthyMs, long durationMs,
                                int restarts, String message) {

        /** Validates the components and masks passwords in {@code message}. */
        public ServiceResult {
            Checks.requireNonBlank(service, "HistoryReport.ServiceResult.service");
            Objects.requireNonNull(status, "HistoryReport.ServiceResult.status of " + service + " must not be null");
            message = Text.redact(message);
        }

        /** The cell for a service of a deploy report. */
        public static ServiceResult of(ServiceReport s) {
            Long healthy = s.startedAt() != null && s.readyAt() != null
                    ? Duration.between(s.startedAt(), s.readyAt()).toMillis() : null;
            return new ServiceResult(s.name(), s.status(), healthy, s.durationMs(), s.restarts(), s.message());
        }
    }
}
