package io.titan.deploy.deploy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
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
 * @param outputs  files this run writes (its reports): never counted as a service's code, even
 *                 when they lie in its folder
 * @param waitDependencies how long to wait for dependencies on other hosts to answer their health
 *                 checks (they deploy in their own process)
 * @param takeOver end the release of a pipeline that holds the host (it died before its lease ran
 *                 out), restoring its part first, instead of exiting 4
 */
public record DeployOptions(Set<String> only, Strategy strategy, boolean rollback, Duration waitLock, boolean force,
                            boolean removeOrphans, List<Path> outputs, Duration waitDependencies, boolean takeOver) {

    /** How long a host's deploy waits for its dependencies on other hosts unless told otherwise. */
    public static final Duration DEFAULT_WAIT_DEPENDENCIES = Duration.ofMinutes(5);

    public DeployOptions {
        only = new TreeSet<>(only);
        outputs = List.copyOf(outputs);
    }

    /** All services, in parallel, with rollback, not waiting for the lock. */
    public static DeployOptions defaults() {
        return new DeployOptions(Set.of(), Strategy.PARALLEL, true, Duration.ZERO, false, false, List.of(),
                DEFAULT_WAIT_DEPENDENCIES, false);
    }

    public DeployOptions withWaitDependencies(Duration value) {
        return new DeployOptions(only, strategy, rollback, waitLock, force, removeOrphans, outputs, value, takeOver);
    }

    public DeployOptions withOutputs(List<Path> value) {
        return new DeployOptions(only, strategy, rollback, waitLock, force, removeOrphans, value, waitDependencies,
                takeOver);
    }

    public DeployOptions withStrategy(Strategy value) {
        return new DeployOptions(only, value, rollback, waitLock, force, removeOrphans, outputs, waitDependencies,
                takeOver);
    }

    public DeployOptions withOnly(Set<String> value) {
        return new DeployOptions(value, strategy, rollback, waitLock, force, removeOrphans, outputs, waitDependencies,
                takeOver);
    }

    public DeployOptions withRollback(boolean value) {
        return new DeployOptions(only, strategy, value, waitLock, force, removeOrphans, outputs, waitDependencies,
                takeOver);
    }

    public DeployOptions withWaitLock(Duration value) {
        return new DeployOptions(only, strategy, rollback, value, force, removeOrphans, outputs, waitDependencies,
                takeOver);
    }

    public DeployOptions withForce(boolean value) {
        return new DeployOptions(only, strategy, rollback, waitLock, value, removeOrphans, outputs, waitDependencies,
                takeOver);
    }

    public DeployOptions withRemoveOrphans(boolean value) {
        return new DeployOptions(only, strategy, rollback, waitLock, force, value, outputs, waitDependencies, takeOver);
    }

    public DeployOptions withTakeOver(boolean value) {
        return new DeployOptions(only, strategy, rollback, waitLock, force, removeOrphans, outputs, waitDependencies,
                value);
    }

    /** Deployment order strategies. */
    public enum Strategy {
        /** Each service starts as soon as all its dependencies are healthy. */
        PARALLEL,
        /** One service at a time in topological order, soak included: the seed's behaviour. */
        SEQUENTIAL
    }
}
