package io.titan.deploy.report;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The deploy reports of a target's recent releases, one JSON file per release id in one folder (the
 * CLI uses {@code reports/} in the target's state dir), so that {@code history} can show per-service
 * results across releases. Writes are atomic; the newest {@code keep} files are kept.
 */
public final class ReportArchive {

    /** Release ids are file names here: nothing that could leave the folder. */
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");

    private final Path dir;
    private final int keep;

    /**
     * @param dir  the folder (created on the first save)
     * @param keep how many reports to keep, newest by release id (ids sort by time)
     */
    public ReportArchive(Path dir, int keep) {
        this.dir = Objects.requireNonNull(dir, "dir");
        if (keep < 1) {
            throw new IllegalArgumentException("keep must be >= 1 but was " + keep);
        }
        this.keep = keep;
    }

    /** Keeps {@code report} under its release id, then drops all but the newest {@code keep}. */
    public void save(DeployReport report) {
        Reports.write(file(report.releaseId()), report);
        prune();
    }

    /**
     * The report of release {@code releaseId}; empty when none was kept, or when the file cannot be
     * read as one (a history must still show the other releases).
     */
    public Optional<DeployReport> find(String releaseId) {
        if (releaseId == null || !ID.matcher(releaseId).matches()) {
            return Optional.empty();
        }
        Path file = file(releaseId);
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        try {
            return Optional.of(Reports.readDeploy(file)).filter(r -> r.releaseId().equals(releaseId));
        } catch (IllegalArgumentException | UncheckedIOException e) {
            return Optional.empty();
        }
    }

    private Path file(String releaseId) {
        if (!ID.matcher(releaseId).matches()) {
            throw new IllegalArgumentException("release id '" + releaseId + "' cannot name a report file");
        }
        return dir.resolve(releaseId + ".json");
    }

    private void prune() {
        List<Path> files;
        try (Stream<Path> listing = Files.list(dir)) {
            files = listing.filter(f -> f.getFileName().toString().endsWith(".json"))
                    .sorted(Comparator.comparing((Path f) -> f.getFileName().toString()).reversed())
                    .toList();
        } catch (IOException e) {
            return; // Pruning is housekeeping: a failure costs disk space, not correctness.
        }
        for (Path old : files.subList(Math.min(keep, files.size()), files.size())) {
            try {
                Files.deleteIfExists(old);
            } catch (IOException e) {
                // As above: an old report left behind costs disk space only.
            }
        }
    }
}
