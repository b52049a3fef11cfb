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
 * The deploy reports of a target's recent releases, one JSON file per release id in one folder (the
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
        Reports.write(file(report.releaseId()), report);
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
}
