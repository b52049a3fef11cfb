package io.titan.deploy.release;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.titan.deploy.ExitCodes;
import io.titan.deploy.FileFormat;
import io.titan.deploy.TitanException;
import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * A host held by a release that spans several CLI calls (Jenkins runs each service's step on its
 * own): taken by {@code release begin}, renewed by every later call of that release, freed by
 * {@code finish} or {@code abort}, and simply expiring when its pipeline died, after which the next
 * command that changes the host restores what it left. Kept in {@code release.lease} in the state
 * dir; read and written only under the target's {@link DeployLock}, which no call holds for longer
 * than that, and which alone applies the rule the lease stands for.
 *
 * @param release  the pipeline's name for the release (in Jenkins, the job and build)
 * @param record   the id of the host's release record
 * @param expires  when the lease runs out unless renewed
 * @param duration how long each renewal lasts: what {@code begin} was given, unless a later step gave
 *                 another
 * @param holder   who took it, for a person deciding whether its pipeline is dead: the Jenkins build
 *                 ({@code BUILD_URL}) or the process and machine; null when unknown
 */
public record ReleaseLease(String release, String record, Instant expires, Duration duration, String holder) {

    /**
     * The format version of the lease file ({@link FileFormat}): 2 since it keeps its duration and
     * holder. A lease without one (version 1) lasted the default and named no holder.
     */
    public static final int FORMAT_VERSION = 2;

    /** What a lease lasts when nobody says: the CLI's {@code --lease} default. */
    public static final Duration DEFAULT_DURATION = Duration.ofMinutes(30);

    private static final ObjectMapper JSON = new ObjectMapper()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    /** The lease of the host whose state dir this is, if one was taken and not freed. */
    public static Optional<ReleaseLease> read(Path stateDir) {
        Path file = file(stateDir);
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        try {
            JsonNode tree = JSON.readTree(file.toFile());
            FileFormat.check("it", tree, FORMAT_VERSION);
            Stored stored = JSON.treeToValue(tree, Stored.class);
            return Optional.of(new ReleaseLease(stored.release, stored.record, Instant.parse(stored.expires),
                    stored.durationMs == null ? DEFAULT_DURATION : Duration.ofMillis(stored.durationMs), stored.holder));
        } catch (IOException | RuntimeException e) {
            throw new TitanException("cannot read the release lease " + file + ": " + e.getMessage(), ExitCodes.FAILED, e);
        }
    }

    /**
     * Who holds the host for a person deciding what to do: {@code Jenkins build URL} when Jenkins
     * runs the CLI, else the process and machine.
     */
    public static String holderOf(Map<String, String> environment) {
        String build = environment.get("BUILD_URL");
        if (build != null && !build.isBlank()) {
            return "Jenkins build " + build;
        }
        return "process " + ProcessHandle.current().pid() + " on " + machine();
    }

    private static String machine() {
        try {
            return Files.readString(Path.of("/proc/sys/kernel/hostname")).strip();
        } catch (IOException | RuntimeException e) {
            return "this machine";
        }
    }

    /** The lease in words: its holder, and when it runs out (or ran out) as of {@code now}. */
    public String describe(Instant now) {
        return (holder == null ? "" : "begun by " + holder + "; ")
                + (expired(now) ? "its lease ran out at " + expires
                : "its lease runs out at " + expires + " unless a step of its pipeline renews it");
    }

    /** Whether nothing renewed it in time. */
    public boolean expired(Instant now) {
        return !now.isBefore(expires);
    }

    /**
     * The same lease renewed at {@code now}: for {@code lease} when a step gives one (it becomes the
     * lease's duration), else for the lease's own duration.
     */
    public ReleaseLease renewed(Instant now, Duration lease) {
        Duration next = lease == null ? duration : lease;
        return new ReleaseLease(release, record, now.plus(next), next, holder);
    }

    /** Writes the lease, replacing any other. */
    public void write(Path stateDir) {
        Path file = file(stateDir);
        try {
            Files.createDirectories(stateDir);
            Path temp = Files.createTempFile(stateDir, ".release-lease-", ".tmp");
            Stored stored = new Stored();
            stored.formatVersion = FORMAT_VERSION;
            stored.release = release;
            stored.record = record;
            stored.expires = expires.toString();
            stored.durationMs = duration.toMillis();
            stored.holder = holder;
            JSON.writeValue(temp.toFile(), stored);
            try {
                Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw new TitanException("cannot write the release lease " + file + ": " + e.getMessage(), ExitCodes.FAILED, e);
        }
    }

    /** Frees the host. */
    public static void clear(Path stateDir) {
        try {
            Files.deleteIfExists(file(stateDir));
        } catch (IOException e) {
            throw new TitanException("cannot remove the release lease " + file(stateDir) + ": " + e.getMessage(),
                    ExitCodes.FAILED, e);
        }
    }

    private static Path file(Path stateDir) {
        return stateDir.resolve("release.lease");
    }

    /** The file's form: plain fields, so that Jackson needs nothing of records or java.time. */
    private static final class Stored {
        public int formatVersion;
        public String release;
        public String record;
        public String expires;
        /** Absent in leases written before the duration was kept: they lasted the default. */
        public Long durationMs;
        public String holder;
    }
}
