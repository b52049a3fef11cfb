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
 */
public record DeployOptions(Set<String> only, Strategy strategy, boolean rollback, Duration waitLock) {

    public DeployOptions {
        only = new TreeSet<>(only);
    }

    /** All services, in parallel, with rollback, not waiting for the lock. */
    public static DeployOptions defaults() {
        return new DeployOptions(Set.of(), Strategy.PARALLEL, true, Duration.ZERO);
    }

    public DeployOptions withStrategy(Strategy value) {
        return new DeployOptions(only, value, rollback, waitLock);
    }

    public DeployOptions withOnly(Set<String> value) {
        return new DeployOptions(value, strategy, rollback, waitLock);
    }

    public DeployOptions withRollback(boolean value) {
        return new DeployOptions(only, strategy, value, waitLock);
    }

    public DeployOptions withWaitLock(Duration value) {
        return new DeployOptions(only, strategy, rollback, value);
    }

    /** Deployment order strategies. */
    public enum Strategy {
        /** Each service starts as soon as all its dependencies are healthy. */
        PARALLEL,
        /** One service at a time in topological order, soak included: the seed's behaviour. */
        SEQUENTIAL
    }
}
