package io.titan.deploy.rollback;

import io.titan.deploy.pm2.Pm2App;
import io.titan.deploy.release.ReleaseRecord;
import io.titan.deploy.ExitCodes;
import io.titan.deploy.TitanException;
import io.titan.deploy.release.ReleaseJournal;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Restoring the release before a record, and writing down on the record how that went. */
public final class Recovery {

    private Recovery() {
    }

    /**
     * Before a target is changed, with the host acquired ({@code DeployLock}): when its newest
     * release did not finish (its deployer was killed, or the pipeline that leased the host died or
     * was taken over), restores the release before it. A release whose pipeline still holds the host
     * never gets here: acquiring the host turned the caller away (exit 4).
     *
     * @return the restored record, or empty when there was nothing to restore
     * @throws TitanException exit 3 when the restore failed
     */
    public static Optional<ReleaseRecord> restoreUnfinished(ReleaseJournal journal, Rollback rollback,
                                                            Consumer<String> log) {
        Optional<Restored> restored = recoverUnfinished(journal, rollback, log);
        restored.filter(r -> !r.result().success()).ifPresent(r -> {
            throw new TitanException("could not restore the release before unfinished release "
                    + r.release().releaseId() + ": " + r.result().message() + "; fix the target by hand",
                    ExitCodes.ROLLBACK_FAILED);
        });
        return restored.map(Restored::release);
    }

    /**
     * As {@link #restoreUnfinished}, for {@code recover}, whose answer is how the restore went: a
     * failed restore is returned (and written on the record), not thrown.
     *
     * @return the unfinished release and how restoring the one before it went, or empty when every
     *         release finished
     */
    public static Optional<Restored> recoverUnfinished(ReleaseJournal journal, Rollback rollback,
                                                       Consumer<String> log) {
        Optional<ReleaseRecord> found = journal.unfinished();
        if (found.isEmpty()) {
            return Optional.empty();
        }
        ReleaseRecord unfinished = found.get();
        String who = unfinished.release() != null ? "release " + unfinished.release()
                + " (its pipeline no longer holds the host)"
                : "release " + unfinished.releaseId() + " (process " + unfinished.pid() + ")";
        log.accept(who + " did not finish; restoring the release before it first");
        // The record's own error (a failed deployment that left its restore to another process) says more.
        String why = unfinished.error() != null ? unfinished.error() : who + " did not finish";
        return Optional.of(new Restored(unfinished, restore(journal, rollback, unfinished, unfinished.services(),
                Map.of(), Set.of(), "unfinished release " + unfinished.releaseId() + " found", why)));
    }

    /** An unfinished release and how restoring the release before it went. */
    public record Restored(ReleaseRecord release, Rollback.Result result) {
    }

    /**
     * Restores the release before {@code record} (see {@link Rollback#restore}) and records on it
     * whether that worked, with {@code why}.
     */
    public static Rollback.Result restore(ReleaseJournal journal, Rollback rollback, ReleaseRecord record,
                                          List<String> services, Map<String, Pm2App> clearPrevious, Set<String> touched,
                                          String reason, String why) {
        Rollback.Result result = rollback.restore(record, services, clearPrevious, touched, reason);
        journal.restored(record, result.success(), why);
        return result;
    }
}
