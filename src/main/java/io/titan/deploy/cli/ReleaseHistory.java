package io.titan.deploy.cli;

import io.titan.deploy.TitanException;
import io.titan.deploy.config.Topology;
import io.titan.deploy.release.ReleaseRecord;
import io.titan.deploy.release.ReleaseStore;
import io.titan.deploy.report.DeployReport;
import io.titan.deploy.report.HistoryReport;
import io.titan.deploy.report.ReportArchive;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * A target's releases as {@code history} shows them: the release records (what was deployed, how
 * it ended) joined with the deploy reports the CLI keeps beside them in {@code reports/} of the
 * state dir (how each service did), as long as their records ({@value ReleaseStore#KEEP} are kept).
 */
final class ReleaseHistory {

    private ReleaseHistory() {
    }

    static ReportArchive archive(Target target) {
        return new ReportArchive(target.stateDir().resolve("reports"));
    }

    /**
     * Keeps a deployment's report for {@code history}, and the reports of releases that still have a
     * record only. A failure to write it only warns: the deployment's own result and exit code stand.
     */
    static void keep(Target target, DeployReport report, PrintWriter out) {
        try {
            ReportArchive archive = archive(target);
            archive.save(report);
            archive.retain(new ReleaseStore(target.stateDir()).list().stream().map(ReleaseRecord::id).toList());
        } catch (UncheckedIOException | IllegalArgumentException | TitanException e) {
            out.println("titan-deploy: warning: the report of release " + report.releaseId()
                    + " was not kept for history: " + e.getMessage());
            out.flush();
        }
    }

    /** The target's history now: the topology's services as rows, the kept releases newest first. */
    static HistoryReport read(Topology topology, Target target, Instant now) {
        List<ReleaseRecord> records = new ReleaseStore(target.stateDir()).list();
        ReportArchive archive = archive(target);
        Set<String> rows = new LinkedHashSet<>(topology.graph().plan().order());
        String current = records.stream().filter(r -> r.status() == ReleaseRecord.Status.DEPLOYED)
                .map(ReleaseRecord::id).findFirst().orElse(null);
        List<HistoryReport.Release> releases = new ArrayList<>();
        for (ReleaseRecord record : records) {
            Optional<DeployReport> report = archive.find(record.id());
            List<HistoryReport.ServiceResult> results = report.map(r -> r.services().stream()
                    .map(HistoryReport.ServiceResult::of).toList()).orElse(List.of());
            rows.addAll(record.services());
            results.forEach(r -> rows.add(r.service()));
            releases.add(new HistoryReport.Release(record.id(), instant(record.startedAt(), record, "startedAt"),
                    record.finishedAt() == null ? null : instant(record.finishedAt(), record, "finishedAt"),
                    result(record), record.id().equals(current), record.services(), record.versions(), record.error(),
                    report.isPresent(), results));
        }
        return new HistoryReport(topology.source(), now, List.copyOf(rows), releases);
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
