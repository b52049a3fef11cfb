package io.titan.deploy.api;

import io.titan.deploy.TitanException;
import io.titan.deploy.config.Topology;
import io.titan.deploy.release.ReleaseRecord;
import io.titan.deploy.release.ReleaseStore;
import io.titan.deploy.report.DeployReport;
import io.titan.deploy.report.HistoryReport;
import io.titan.deploy.report.ReportArchive;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.TreeMap;

/**
 * A target's releases as {@code history} shows them: the release records (what was deployed, how
 * it ended) joined with the deploy reports kept beside them in {@code reports/} of the
 * state dir (how each service did), as long as their records ({@value ReleaseStore#KEEP} are kept).
 * Several hosts' histories read together show a release once, with the hosts it ran on: a release in
 * steps has the same id on every host.
 */
final class ReleaseHistory {

    /** Worst first: how a release that ended differently on its hosts is summed up. */
    private static final List<String> WORST_FIRST = List.of("rollback-failed", "in-progress", "failed", "rolled-back",
            "deployed");

    private ReleaseHistory() {
    }

    /**
     * Keeps a deployment's report for {@code history}, under the id of its release record in
     * {@code stateDir} (of {@code host}), and the reports of releases that still have a record only.
     *
     * @return why it was not kept, or empty: a failure only warns, the deployment's result stands
     */
    static Optional<String> keep(Path stateDir, String host, DeployReport report) {
        try {
            ReportArchive archive = new ReportArchive(stateDir.resolve("reports"));
            List<ReleaseRecord> records = new ReleaseStore(stateDir).list();
            // The newest record of that release on this host: a release id given twice names the later one.
            String recordId = records.stream().filter(r -> r.releaseId().equals(report.releaseId())
                            && (r.host() == null || r.host().equals(host))).findFirst()
                    .map(ReleaseRecord::id).orElse(report.releaseId());
            archive.save(recordId, report);
            archive.retain(records.stream().map(ReleaseRecord::id).toList());
            return Optional.empty();
        } catch (UncheckedIOException | IllegalArgumentException | TitanException e) {
            return Optional.of("the report of release " + report.releaseId() + " was not kept for history: "
                    + e.getMessage());
        }
    }

    /**
     * The history of several hosts now: their services as rows, each release once (newest first),
     * with the hosts it ran on. Hosts that name the same state dir are different machines with the
     * same layout: each record there belongs to the host it names, and this machine has only its own.
     */
    static HistoryReport read(Topology topology, Function<String, Path> stateDirOf, List<String> hostNames,
                              Instant now) {
        // Which hosts of the topology keep their records in each state dir read.
        Map<Path, List<String>> byDir = new LinkedHashMap<>();
        hostNames.forEach(host -> byDir.putIfAbsent(dir(stateDirOf.apply(host)), new ArrayList<>()));
        topology.hosts().keySet().forEach(host -> Optional.ofNullable(byDir.get(dir(stateDirOf.apply(host))))
                .ifPresent(hosts -> hosts.add(host)));
        // Per host its parts, newest first; the n-th part of release X on a host joins the n-th on the others.
        Map<String, List<Part>> parts = new TreeMap<>();
        for (Map.Entry<Path, List<String>> dir : byDir.entrySet()) {
            ReportArchive archive = new ReportArchive(dir.getKey().resolve("reports"));
            Map<String, Integer> seen = new TreeMap<>();
            for (ReleaseRecord record : new ReleaseStore(dir.getKey()).list()) {
                // A dir of one host has its records only (whatever host they name: hosts may have been renamed).
                String host = dir.getValue().size() == 1 ? dir.getValue().get(0) : record.host();
                if (host == null || !dir.getValue().contains(host) || !hostNames.contains(host)) {
                    continue;
                }
                int nth = seen.merge(host + "\n" + record.releaseId(), 1, Integer::sum);
                parts.computeIfAbsent(record.releaseId() + "\n" + nth, k -> new ArrayList<>())
                        .add(new Part(host, record, archive.find(record.id(), record.releaseId())));
            }
        }
        Map<String, String> current = new TreeMap<>();
        parts.values().stream().flatMap(List::stream)
                .filter(p -> p.record().status() == ReleaseRecord.Status.DEPLOYED)
                .sorted(Comparator.comparing((Part p) -> p.record().id()).reversed())
                .forEach(p -> current.putIfAbsent(p.host(), p.record().id()));
        Set<String> rows = new LinkedHashSet<>(topology.graph().plan().order().stream()
                .filter(name -> hostNames.contains(topology.service(name).host())).toList());
        List<HistoryReport.Release> releases = new ArrayList<>();
        for (List<Part> release : parts.values()) {
            releases.add(release(release, current, rows));
        }
        releases.sort(Comparator.comparing(HistoryReport.Release::startedAt).reversed());
        Map<String, String> hosts = new TreeMap<>();
        if (topology.hosts().size() > 1) {
            rows.forEach(name -> Optional.ofNullable(topology.services().get(name))
                    .ifPresent(spec -> hosts.put(name, spec.host())));
        }
        return new HistoryReport(topology.source(), now, List.copyOf(rows), releases, hosts);
    }

    private static Path dir(Path stateDir) {
        return stateDir.toAbsolutePath().normalize();
    }

    /** One release's parts on its hosts as one column; the rows gain the services only its records name. */
    private static HistoryReport.Release release(List<Part> parts, Map<String, String> current, Set<String> rows) {
        parts.sort(Comparator.comparing(Part::host));
        ReleaseRecord first = parts.stream().map(Part::record)
                .min(Comparator.comparing((ReleaseRecord r) -> instant(r.startedAt(), r, "startedAt"))).orElseThrow();
        List<String> services = new ArrayList<>();
        Map<String, String> versions = new TreeMap<>();
        List<HistoryReport.ServiceResult> results = new ArrayList<>();
        List<HistoryReport.HostResult> hosts = new ArrayList<>();
        List<String> errors = new ArrayList<>();
        Instant finishedAt = null;
        boolean finished = true;
        boolean reported = false;
        for (Part part : parts) {
            ReleaseRecord record = part.record();
            services.addAll(record.services());
            versions.putAll(record.versions());
            part.report().ifPresent(r -> r.services().forEach(s -> results.add(HistoryReport.ServiceResult.of(s))));
            reported |= part.report().isPresent();
            boolean runsNow = record.id().equals(current.get(part.host()));
            hosts.add(new HistoryReport.HostResult(part.host(), result(record), runsNow));
            if (record.error() != null) {
                errors.add(parts.size() == 1 ? record.error() : part.host() + ": " + record.error());
            }
            if (record.finishedAt() == null) {
                finished = false;
            } else {
                Instant at = instant(record.finishedAt(), record, "finishedAt");
                finishedAt = finishedAt == null || at.isAfter(finishedAt) ? at : finishedAt;
            }
        }
        rows.addAll(services);
        results.forEach(r -> rows.add(r.service()));
        String result = hosts.stream().map(HistoryReport.HostResult::result)
                .min(Comparator.comparingInt(r -> WORST_FIRST.indexOf(r) < 0 ? 0 : WORST_FIRST.indexOf(r)))
                .orElseThrow();
        return new HistoryReport.Release(first.releaseId(), instant(first.startedAt(), first, "startedAt"),
                finished ? finishedAt : null, result, hosts.stream().anyMatch(HistoryReport.HostResult::current),
                services.stream().distinct().toList(), versions, errors.isEmpty() ? null : String.join("; ", errors),
                reported, results, hosts);
    }

    /** A release's record on one host, with the report kept beside it (if any). */
    private record Part(String host, ReleaseRecord record, Optional<DeployReport> report) {
        Part {
            Objects.requireNonNull(host, "host");
        }
    }

    /** A record's status as the history names it: {@code rolled-back}, {@code in-progress}, ... */
    static String result(ReleaseRecord record) {
        return record.status().name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    private static Instant instant(String text, ReleaseRecord record, String field) {
        try {
            return Instant.parse(text);
        } catch (DateTimeParseException e) {
            throw new IllegalStateException("release record " + record.id() + ": field '" + field
                    + "' is not an ISO-8601 instant: " + text, e);
        }
    }
}
