package io.titan.deploy.rollback;

import io.titan.deploy.pm2.Pm2App;
import io.titan.deploy.release.ReleaseRecord;
import io.titan.deploy.release.ReleaseJournal;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Restoring the release before a record, and writing down on the record how that went. */
public final class Recovery {

    private Recovery() {
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
