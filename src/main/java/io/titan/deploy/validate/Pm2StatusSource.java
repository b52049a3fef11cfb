package io.titan.deploy.validate;

import io.titan.deploy.pm2.Pm2Process;
import java.util.Optional;

/**
 * Where the validator asks PM2 about services that have no HTTP or TCP health definition:
 * {@link Pm2StatusAdapter} over the real {@code Pm2Manager}; tests use lambdas.
 */
@FunctionalInterface
public interface Pm2StatusSource {

    /**
     * The named process as PM2 reports it now (its first, in cluster mode), or empty when PM2 does
     * not know it (reported as a failed check). May throw when the query fails; the check then fails
     * with that message.
     */
    Optional<Pm2Process> status(String name);

    /**
     * Whether PM2 can be asked at all. When it cannot, PM2-based checks are reported as skipped: a
     * warning ({@code required=false, success=false}, message starting with {@code skipped:}) that does
     * not fail the validation, because nothing was learned about the service either way.
     */
    default boolean reachable() {
        return true;
    }

    /** A source for hosts where PM2 is not reachable: every PM2-based check is skipped. */
    static Pm2StatusSource unavailable() {
        return Unavailable.INSTANCE;
    }

    /** Singleton behind {@link #unavailable()}. */
    enum Unavailable implements Pm2StatusSource {
        INSTANCE;

        @Override
        public Optional<Pm2Process> status(String name) {
            return Optional.empty();
        }

        @Override
        public boolean reachable() {
            return false;
        }
    }
}
