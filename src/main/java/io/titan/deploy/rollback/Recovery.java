package io.titan.deploy.rollback;

import io.titan.deploy.pm2.Pm2App;
import io.titan.deploy.release.ReleaseRecord;
import io.titan.deploy.release.ReleaseRecord.Status;
import io.titan.deploy.release.ReleaseStore;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** Restoring the release before a record, and writing down on the record how that went. */
public final class Recovery {

    private Recovery() {
    }

    /**
     * The newest release when it did not finish: its deployer died or was interrupted half way, so
     * PM2 may run a mix of two releases until the one before it is restored.
     */
    public static Optional<ReleaseRecord> unfinished(ReleaseStore releases) {
        return releases.latest().filter(record -> record.status() == Status.IN_PROGRESS);
    }

    /**
     * Restores the release before {@code record} (see {@link Rollback#restore}) and saves the record
     * as {@link Status#ROLLED_BACK} or {@link Status#ROLLBACK_FAILED} with {@code why}.
     */
    public static Rollback.Result restore(ReleaseStore releases, Rollback rollback, Clock clock, ReleaseRecord record,
                                          List<String> services, Map<String, Pm2App> clearPrevious, Set<String> touched,
                                          String reason, String why) {
        Rollback.Result result = rollback.restore(record, services, clearPrevious, touched, reason);
        releases.save(record.withStatus(result.success() ? Status.ROLLED_BACK : Status.ROLLBACK_FAILED,
                clock.instant().toString(), why));
        return result;
    }
}
