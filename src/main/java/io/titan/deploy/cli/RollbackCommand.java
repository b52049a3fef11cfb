package io.titan.deploy.cli;

import io.titan.deploy.ExitCodes;
import io.titan.deploy.TitanException;
import io.titan.deploy.config.Topology;
import io.titan.deploy.event.EventBus;
import io.titan.deploy.pm2.Pm2Manager;
import io.titan.deploy.release.DeployLock;
import io.titan.deploy.release.ReleaseJournal;
import io.titan.deploy.release.ReleaseRecord;
import io.titan.deploy.release.ReleaseRecord.Status;
import io.titan.deploy.release.ReleaseStore;
import io.titan.deploy.rollback.Recovery;
import io.titan.deploy.rollback.Rollback;
import java.io.PrintWriter;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code titan-deploy rollback}: puts back the release before the current one. An unfinished
 * release (its deployer was killed, or a dead pipeline's release taken over with
 * {@code --take-over}) counts as current, so this is also the manual recovery: restoring that
 * release's part is the rollback.
 */
@Command(name = "rollback", mixinStandardHelpOptions = true,
        description = "Restore the release before the current one (or before an unfinished one).")
final class RollbackCommand implements Callable<Integer> {

    @Mixin
    TopologyOptions topology;

    @Option(names = "--wait-lock", paramLabel = "DURATION", converter = DeployCommand.DurationConverter.class,
            description = "Wait this long for another deployment of this target instead of exiting 4.")
    Duration waitLock = Duration.ZERO;

    @Mixin
    TakeOver takeOver;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        Session session = Session.open(topology, spec);
        Topology t = session.topology();
        Target target = session.target();
        PrintWriter out = session.out();
        Clock clock = session.clock();
        EventBus events = session.events();
        ReleaseStore store = new ReleaseStore(target.stateDir());
        try (DeployLock lock = DeployLock.acquire(target.stateDir(), DeployLock.Claim.command("rollback",
                takeOver.value), waitLock, clock, out::println)) {
            Optional<ReleaseRecord> current = store.list().stream()
                    .filter(r -> r.status() == Status.DEPLOYED || r.status() == Status.IN_PROGRESS)
                    .findFirst();
            if (current.isEmpty()) {
                throw new TitanException("nothing to roll back: no deployed release in " + target.stateDir(),
                        ExitCodes.BAD_INPUT);
            }
            ReleaseRecord record = current.get();
            Pm2Manager pm2 = target.pm2();
            pm2.initialize();
            Rollback.Result result = Recovery.restore(new ReleaseJournal(target.stateDir(), clock),
                    new Rollback(pm2, events, clock, System.getenv(), t), record, record.services(), Map.of(), Set.of(),
                    "rollback requested", "rolled back by hand");
            result.actions().forEach((name, action) -> out.printf("%-24s %s%n", name, action));
            out.flush();
            return result.success() ? ExitCodes.OK : ExitCodes.ROLLBACK_FAILED;
        }
    }
}
