package io.titan.deploy.release;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.titan.deploy.ExitCodes;
import io.titan.deploy.TitanException;
import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.Optional;

/**
 * A host held by a release that spans several CLI calls (Jenkins runs each service's step on its
 * own): taken by {@code release begin}, renewed by every later call of that release, freed by
 * {@code finish} or {@code abort}, and simply expiring when its pipeline died, after which the next
 * {@code begin} or {@code deploy} restores what it left. Kept in {@code release.lease} in the state
 * dir; read and written only under the target's {@link DeployLock}, which no call holds for longer
 * than that.
 *
 * @param release the pipeline's name for the release
 * @param record  the id of the host's release record
 * @param expires when the lease runs out unless renewed
 */
public record ReleaseLease(String release, String record, Instant expires) {

    private static final ObjectMapper JSON = new ObjectMapper()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    /** The lease of the host whose state dir this is, if one was taken and not freed. */
    public static Optional<ReleaseLease> read(Path stateDir) {
        Path file = file(stateDir);
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        try {
            Stored stored = JSON.readValue(file.toFile(), Stored.class);
            return Optional.of(new ReleaseLease(stored.release, stored.record, Instant.parse(stored.expires)));
        } catch (IOException | RuntimeException e) {
            throw new TitanException("cannot read the release lease " + file + ": " + e.getMessage(), ExitCodes.FAILED, e);
        }
    }

    /**
     * Refuses when another release holds the host: a deploy, a {@code begin} of another release or a
     * recover must not act while a pipeline carries a release out here.
     *
     * @return the lease of a release whose pipeline is gone (it expired), for the caller to clean up
     * @throws TitanException exit 4 naming the release and until when it holds the host
     */
    public static Optional<ReleaseLease> requireFree(Path stateDir, Instant now, String except) {
        Optional<ReleaseLease> held = read(stateDir);
        if (held.isPresent() && !held.get().release.equals(except) && !held.get().expired(now)) {
            throw new TitanException("release " + held.get().release + " holds this host until " + held.get().expires
                    + " (its pipeline renews the lease with every step; it runs out if the pipeline died)",
                    ExitCodes.LOCKED);
        }
        return held.filter(lease -> lease.expired(now));
    }

    /** Whether nothing renewed it in time. */
    public boolean expired(Instant now) {
        return !now.isBefore(expires);
    }

    /** The same lease, running until {@code until}. */
    public ReleaseLease renewedUntil(Instant until) {
        return new ReleaseLease(release, record, until);
    }

    /** Writes the lease, replacing any other. */
    public void write(Path stateDir) {
        Path file = file(stateDir);
        try {
            Files.createDirectories(stateDir);
            Path temp = Files.createTempFile(stateDir, ".release-lease-", ".tmp");
            Stored stored = new Stored();
            stored.release = release;
            stored.record = record;
            stored.expires = expires.toString();
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
        public String release;
        public String record;
        public String expires;
    }
}
