package io.titan.deploy.release;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.titan.deploy.ExitCodes;
import io.titan.deploy.FileFormat;
import io.titan.deploy.TitanException;
import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Release records of one target, one JSON file each under {@code releases/} in the state dir.
 * Writes are atomic (temp file, then rename) so a crash never leaves half a record. The newest
 * {@value #KEEP} are kept.
 *
 * <p>Records carry a format version ({@link FileFormat}): {@value #FORMAT_VERSION} since a record
 * can be one host's part of a release in steps ({@code release}, {@code host}, {@code actions},
 * {@code steps}). Records without one (version 1, from before hosts existed) are one-process deploys
 * and read as such; a record of a newer version is refused.
 */
public final class ReleaseStore {

    /** How many release records are kept. */
    public static final int KEEP = 10;
    /** The format version of the records this engine writes, and the newest it reads. */
    public static final int FORMAT_VERSION = 2;

    private static final DateTimeFormatter ID_TIME =
            DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmssSSS'Z'").withZone(ZoneOffset.UTC);

    private final Path dir;
    private final ObjectMapper json = new ObjectMapper()
            .enable(SerializationFeature.INDENT_OUTPUT)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    public ReleaseStore(Path stateDir) {
        this.dir = stateDir.resolve("releases");
    }

    /**
     * A new release id that sorts after every record here: the time to the millisecond and a
     * sequence, such as {@code 20261126T173000123Z-0000}. Two releases in the same millisecond (or
     * a clock that stepped back) get the next sequence after the newest id, never a random order.
     * Ids are taken under the target's lock, so no two processes hand out the same one.
     */
    public String nextId(Instant now) {
        String time = ID_TIME.format(now);
        String candidate = time + "-0000";
        Optional<String> newest = ids().stream().max(Comparator.naturalOrder());
        if (newest.isPresent() && candidate.compareTo(newest.get()) <= 0) {
            String last = newest.get();
            int dash = last.lastIndexOf('-');
            String lastTime = last.substring(0, dash);
            int sequence = parseSequence(last.substring(dash + 1));
            // A sequence that would outgrow its four digits (or an old random suffix) gets one of its own.
            candidate = lastTime.compareTo(time) >= 0 && sequence >= 0 && sequence < 9999
                    ? lastTime + "-" + String.format("%04d", sequence + 1)
                    : last + "-0000";
        }
        return candidate;
    }

    private static int parseSequence(String text) {
        // Ids before this scheme ended in a random hex suffix: those are never extended, only passed.
        return text.matches("[0-9]{4}") ? Integer.parseInt(text) : -1;
    }

    private List<String> ids() {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(f -> f.getFileName().toString()).filter(n -> n.endsWith(".json"))
                    .map(n -> n.substring(0, n.length() - ".json".length())).toList();
        } catch (IOException e) {
            throw new TitanException("cannot list release records in " + dir + ": " + e.getMessage(), ExitCodes.FAILED, e);
        }
    }

    /** Writes or replaces a record atomically, readable by the owner only (it holds definitions). */
    public void save(ReleaseRecord record) {
        try {
            Files.createDirectories(dir);
            Path target = dir.resolve(record.id() + ".json");
            Path temp = Files.createTempFile(dir, ".release-", ".tmp",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            ObjectNode file = json.createObjectNode().put(FileFormat.FIELD, FORMAT_VERSION);
            file.setAll((ObjectNode) json.valueToTree(record));
            Files.write(temp, json.writeValueAsBytes(file));
            try {
                Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw new TitanException("cannot write release record " + record.id() + " in " + dir + ": " + e.getMessage(),
                    ExitCodes.FAILED, e);
        }
        prune();
    }

    /** All records, newest first. */
    public List<ReleaseRecord> list() {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        List<ReleaseRecord> records = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path file : files.filter(f -> f.getFileName().toString().endsWith(".json")).toList()) {
                records.add(read(file));
            }
        } catch (IOException e) {
            throw new TitanException("cannot read release records in " + dir + ": " + e.getMessage(), ExitCodes.FAILED, e);
        }
        records.sort(Comparator.comparing(ReleaseRecord::id).reversed());
        return records;
    }

    private ReleaseRecord read(Path file) throws IOException {
        JsonNode tree = json.readTree(file.toFile());
        try {
            FileFormat.check("it", tree, FORMAT_VERSION);
        } catch (IllegalArgumentException e) {
            throw new TitanException("cannot read release record " + file + ": " + e.getMessage(), ExitCodes.FAILED, e);
        }
        return json.treeToValue(tree, ReleaseRecord.class);
    }

    /** The newest record, if any. */
    public Optional<ReleaseRecord> latest() {
        return list().stream().findFirst();
    }

    /** The newest record with this status, if any. */
    public Optional<ReleaseRecord> latest(ReleaseRecord.Status status) {
        return list().stream().filter(r -> r.status() == status).findFirst();
    }

    /** Deletes all but the newest {@value #KEEP} records; ids sort by time, so names suffice. */
    private void prune() {
        List<Path> files;
        try (Stream<Path> listing = Files.list(dir)) {
            files = listing.filter(f -> f.getFileName().toString().endsWith(".json"))
                    .sorted(Comparator.comparing((Path f) -> f.getFileName().toString()).reversed())
                    .toList();
        } catch (IOException e) {
            return; // Pruning is housekeeping: a failure to list costs disk space, not correctness.
        }
        for (Path old : files.subList(Math.min(KEEP, files.size()), files.size())) {
            try {
                Files.deleteIfExists(old);
            } catch (IOException e) {
                // An old record that cannot be deleted costs disk space, not correctness.
            }
        }
    }
}
