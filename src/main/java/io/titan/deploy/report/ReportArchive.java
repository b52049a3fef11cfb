package io.titan.deploy.report;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The deploy reports of a target's recent releases, one JSON file per release record in one folder (the
 * CLI uses {@code reports/} in the target's state dir), so that {@code history} can show per-service
 * results across releases. Writes are atomic. A report lives as long as its release record: the
 * owner of the records says which to {@link #retain}.
 */
public final class ReportArchive {

    /** Release ids are file names here: nothing that could leave the folder. */
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");

    private final Path dir;

    /** @param dir the folder (created on the first save) */
    public ReportArchive(Path dir) {
        this.dir = Objects.requireNonNull(dir, "dir");
    }

    /** Keeps {@code report} under its release id. */
    public void save(DeployReport report) {
        save(report.releaseId(), report);
    }

    /**
     * Keeps {@code report} under {@code recordId}, the id of its release record on this target: a
     * release in steps carries the id it was given, which its record keeps beside its own.
     */
    public void save(String recordId, DeployReport report) {
        Reports.write(file(recordId), report);
    }

    /**
     * Deletes the reports of every release not in {@code releaseIds} (their records are gone).
     * Housekeeping: a file that cannot be deleted costs disk space, not correctness.
     */
    public void retain(Collection<String> releaseIds) {
        Set<String> kept = Set.copyOf(releaseIds);
        try (Stream<Path> listing = Files.list(dir)) {
            for (Path file : listing.toList()) {
                String name = file.getFileName().toString();
                if (name.endsWith(".json") && !kept.contains(name.substring(0, name.length() - ".json".length()))) {
                    Files.deleteIfExists(file);
                }
            }
        } catch (IOException e) {
            // See above: the reports of gone releases are left for the next save.
        }
    }

    /**
     * The report of release {@code releaseId}; empty when none was kept, or when the file cannot be
     * read as one (a history must still show the other releases).
     */
    public Optional<DeployReport> find(String releaseId) {
        return find(releaseId, releaseId);
    }

    /**
     * The report kept under {@code recordId}, when it is a report of that record's release: one that
     * names {@code releaseId}, or, written before releases in steps carried their given id, the record's.
     */
    public Optional<DeployReport> find(String recordId, String releaseId) {
        if (recordId == null || !ID.matcher(recordId).matches()) {
            return Optional.empty();
        }
        Path file = file(recordId);
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        try {
            return Optional.of(Reports.readDeploy(file))
                    .filter(r -> r.releaseId().equals(releaseId) || r.releaseId().equals(recordId));
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
}
