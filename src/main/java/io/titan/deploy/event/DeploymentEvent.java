package io.titan.deploy.event;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * What happened during a deployment, rollback or validation. Each event's {@link #type()} keeps
 * the seed design's name ({@code service:deployed}); NDJSON output and the Jenkins steps key on it.
 */
public sealed interface DeploymentEvent {

    /** The seed's event name, e.g. {@code service:deployed}. */
    String type();

    /** When it happened. */
    Instant at();

    /** The service the event is about, or null. */
    default String service() {
        return null;
    }

    /**
     * A deployment began; {@code services} are the ones it covers, in plan order, and
     * {@code unchanged} those of them it leaves as they run (no start, no restart).
     */
    record DeploymentStarted(Instant at, String releaseId, List<String> services, List<String> unchanged)
            implements DeploymentEvent {
        public DeploymentStarted {
            services = List.copyOf(services);
            unchanged = List.copyOf(unchanged);
        }

        /** A deployment that changes every service it covers. */
        public DeploymentStarted(Instant at, String releaseId, List<String> services) {
            this(at, releaseId, services, List.of());
        }

        public String type() {
            return "deployment:started";
        }
    }

    /** PM2's daemon answered for the target. */
    record Pm2Started(Instant at, String pm2Home) implements DeploymentEvent {
        public String type() {
            return "pm2:started";
        }
    }

    /** A service is being started; all its dependencies are healthy. */
    record ServiceDeploying(Instant at, String releaseId, String service, int level) implements DeploymentEvent {
        public String type() {
            return "service:deploying";
        }
    }

    /**
     * A service passed its health check (and, when {@code soaked}, its restart soak).
     *
     * @param downtime     how long it answered nothing while it was replaced (health probes every
     *                     20 ms: the last good answer of the old start to the first of the new one),
     *                     or null when that was not measured (no health check; new in the release;
     *                     not answering before)
     * @param failedProbes health probes without a good answer meanwhile, or null when not measured
     */
    record ServiceDeployed(Instant at, String releaseId, String service, Duration duration, boolean soaked,
                           Duration downtime, Integer failedProbes)
            implements DeploymentEvent {
        public String type() {
            return "service:deployed";
        }
    }

    /** A service left as it was because nothing about it changed. */
    record ServiceUnchanged(Instant at, String releaseId, String service) implements DeploymentEvent {
        public String type() {
            return "service:unchanged";
        }
    }

    /** A service of an earlier release that left the topology was removed (--remove-orphans). */
    record ServiceRemoved(Instant at, String releaseId, String service, String reason) implements DeploymentEvent {
        public String type() {
            return "service:removed";
        }
    }

    /** A service failed to start, become healthy or stay up. */
    record ServiceFailed(Instant at, String releaseId, String service, String reason) implements DeploymentEvent {
        public String type() {
            return "service:failed";
        }
    }

    /**
     * The last lines a service printed before it failed (or before its restore failed), right after
     * the event that says so; only sent when there are any.
     */
    record ServiceOutput(Instant at, String releaseId, String service, List<OutputLine> lines)
            implements DeploymentEvent {
        public ServiceOutput {
            lines = List.copyOf(lines);
        }

        public String type() {
            return "service:output";
        }
    }

    /** A service was not started because a dependency failed. */
    record ServiceSkipped(Instant at, String releaseId, String service, String reason) implements DeploymentEvent {
        public String type() {
            return "service:skipped";
        }
    }

    /** Every service of the release is deployed. */
    record DeploymentCompleted(Instant at, String releaseId, Duration duration) implements DeploymentEvent {
        public String type() {
            return "deployment:completed";
        }
    }

    /** The release failed; a rollback follows unless disabled. */
    record DeploymentFailed(Instant at, String releaseId, String reason) implements DeploymentEvent {
        public String type() {
            return "deployment:failed";
        }
    }

    /**
     * A release in steps was ended on purpose on one host ({@code release abort}): restored to the
     * release before it, or with {@code restore} false left as it runs ({@code --keep}).
     */
    record DeploymentAborted(Instant at, String releaseId, String reason, boolean restore) implements DeploymentEvent {
        public String type() {
            return "deployment:aborted";
        }
    }

    /** Rolling back to the previous release began. */
    record RollbackStarted(Instant at, String releaseId, String reason) implements DeploymentEvent {
        public String type() {
            return "rollback:started";
        }
    }

    /** One service was put back as it was (or removed when it was new). */
    record ServiceRolledBack(Instant at, String releaseId, String service, String action) implements DeploymentEvent {
        public String type() {
            return "service:rolled-back";
        }
    }

    /**
     * A service the rollback started again answers as it did before the release.
     *
     * @param downtime     how long it answered nothing while it was put back (health probes every
     *                     20 ms), or null when that was not measured (no health check; not answering
     *                     when the rollback began)
     * @param failedProbes health probes without a good answer meanwhile, or null when not measured
     */
    record ServiceRestored(Instant at, String releaseId, String service, Duration downtime, Integer failedProbes)
            implements DeploymentEvent {
        public String type() {
            return "service:restored";
        }
    }

    /** Rollback finished; when {@code success} is false a person must look. */
    record RollbackCompleted(Instant at, String releaseId, boolean success, String message) implements DeploymentEvent {
        public String type() {
            return "rollback:completed";
        }
    }

    /** Validation began with these checks. */
    record ValidationStarted(Instant at, List<String> checks) implements DeploymentEvent {
        public ValidationStarted {
            checks = List.copyOf(checks);
        }

        public String type() {
            return "validation:started";
        }
    }

    /** One validation check finished. */
    record ValidationCheck(Instant at, String name, String kind, String target, boolean required, boolean success,
                           Duration duration, String message) implements DeploymentEvent {
        public String type() {
            return "validation:check";
        }
    }

    /** Validation finished. */
    record ValidationCompleted(Instant at, boolean success, Duration duration) implements DeploymentEvent {
        public String type() {
            return "validation:completed";
        }
    }
}
