package io.titan.deploy.deploy;

import java.time.Duration;
import java.util.Set;
import java.util.TreeSet;

/**
 * How to deploy.
 *
 * @param only     services to deploy, empty for all; their dependencies must already be healthy
 * @param strategy parallel (as soon as dependencies are healthy) or sequential (one at a time)
 * @param rollback roll back automatically on failure
 * @param waitLock how long to wait for another deployment's lock (zero: fail at once, exit 4)
 * @param force    redeploy services even when nothing about them changed
 * @param removeOrphans remove services of earlier releases that are no longer in the topology
 */
public record DeployOptions(Set<String> only, Strategy strategy, boolean rollback, Duration waitLock, boolean force,
                            boolean removeOrphans) {

    public DeployOptions {
        only = new TreeSet<>(only);
    }

    /** All services, in parallel, with rollback, not waiting for the lock. */
    public static DeployOptions defaults() {
        return new DeployOptions(Set.of(), Strategy.PARALLEL, true, Duration.ZERO, false, false);
    }

    public DeployOptions withStrategy(Strategy value) {
        return new DeployOptions(only, value, rollback, waitLock, force, removeOrphans);
    }

    public DeployOptions withOnly(Set<String> value) {
        return new DeployOptions(value, strategy, rollback, waitLock, force, removeOrphans);
    }

    public DeployOptions withRollback(boolean value) {
        return new DeployOptions(only, strategy, value, waitLock, force, removeOrphans);
    }

    public DeployOptions withWaitLock(Duration value) {
        return new DeployOptions(only, strategy, rollback, value, force, removeOrphans);
    }

    public DeployOptions withForce(boolean value) {
        return new DeployOptions(only, strategy, rollback, waitLock, value, removeOrphans);
    }

    public DeployOptions withRemoveOrphans(boolean value) {
        return new DeployOptions(only, strategy, rollback, waitLock, force, value);
    }

    /** Deployment order strategies. */
    public enum Strategy {
        /** Each service starts as soon as all its dependencies are healthy. */
        PARALLEL,
        /** One service at a time in topological order, soak included: the seed's behaviour. */
        SEQUENTIAL
    }
}
