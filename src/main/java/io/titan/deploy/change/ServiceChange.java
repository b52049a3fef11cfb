package io.titan.deploy.change;

import java.util.List;

/**
 * What a deploy will do with one service, and why.
 *
 * @param name        the service
 * @param action      start, restart, unchanged, orphan (kept) or remove (orphan, removed); in a
 *                    rollback's plan also stop, and remove for a service new in the release
 * @param reasons     why, in words: {@code not running}, {@code code}, {@code env LOG_LEVEL},
 *                    {@code dependency titan-shared restarts (restartWith)}, {@code --force}
 * @param fingerprint the fingerprint it will run with, or null for orphans
 */
public record ServiceChange(String name, Action action, List<String> reasons, Fingerprint fingerprint) {

    public ServiceChange {
        reasons = List.copyOf(reasons);
    }

    /** What happens to a service. */
    public enum Action {
        /** Not running now: started. */
        START,
        /** Running with another definition or code, or unhealthy: restarted. */
        RESTART,
        /** Running, healthy and the same: left alone. */
        UNCHANGED,
        /** Running, from an earlier release, not in the topology: kept unless --remove-orphans. */
        ORPHAN,
        /** An orphan that --remove-orphans removes; in a rollback, a service the release added. */
        REMOVE,
        /** Rollback only: put back as it was before the release, stopped. */
        STOP;

        /** The word {@code plan --diff} prints. */
        public String word() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** Whether the deploy starts or restarts it. */
    public boolean deploys() {
        return action == Action.START || action == Action.RESTART;
    }
}
