package io.titan.deploy.cli;

import io.titan.deploy.ExitCodes;
import io.titan.deploy.TitanException;
import io.titan.deploy.config.Topology;
import io.titan.deploy.event.EventBus;
import io.titan.deploy.pm2.Pm2Manager;
import io.titan.deploy.release.DeployLock;
import io.titan.deploy.release.ReleaseJournal;
import io.titan.deploy.release.ReleaseLease;
import io.titan.deploy.release.ReleaseRecord;
import io.titan.deploy.release.ReleaseRecord.Status;
import io.titan.deploy.release.ReleaseStore;
import io.titan.deploy.rollback.Recovery;
import io.titan.deploy.rollback.Rollback;
import io.titan.deploy.rollback.RollbackPlan;
import java.io.PrintWriter;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
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
 * release's part is the rollback. What it restores is a plan ({@link RollbackPlan}): only services
 * that differ from the release before; {@code --dry-run} prints it.
 */
@Command(name = "rollback", mixinStandardHelpOptions = true,
        description = "Restore the release before the current one (or before an unfinished one): only the services "
                + "that differ from it; --dry-run prints that plan and changes nothing.")
final class RollbackCommand implements Callable<Integer> {

    @Mixin
    TopologyOptions topology;

    @Option(names = "--wait-lock", paramLabel = "DURATION", converter = DeployCommand.DurationConverter.class,
            description = "Wait this long for another deployment of this target instead of exiting 4.")
    Duration waitLock = Duration.ZERO;

    @Mixin
    TakeOver takeOver;

    @Mixin
    DryRun dryRun;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        boolean planOnly = dryRun.asked(spec);
        Session session = Session.open(topology, spec);
        Topology t = session.topology();
        Target target = session.target();
        PrintWriter out = session.out();
        Clock clock = session.clock();
        EventBus events = session.events();
        if (planOnly) {
            return dryRun.print(session, RollbackPlan.of("rollback", current(target), target.host(),
                    target.pm2().snapshot(), t), heldBy(target, clock.instant()));
        }
        try (DeployLock lock = DeployLock.acquire(target.stateDir(), claim(), waitLock, clock, out::println)) {
            ReleaseRecord record = current(target);
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

    /**
     * The release a rollback undoes: the newest deployed or unfinished one (an unfinished one's
     * part is what a rollback, once it has the host, restores).
     *
     * @throws TitanException exit 2 when there is none
     */
    private static ReleaseRecord current(Target target) {
        return new ReleaseStore(target.stateDir()).list().stream()
                .filter(r -> r.status() == Status.DEPLOYED || r.status() == Status.IN_PROGRESS)
                .findFirst()
                .orElseThrow(() -> new TitanException("nothing to roll back: no deployed release in " + target.stateDir(),
                        ExitCodes.BAD_INPUT));
    }

    /** What would turn this rollback away now (the lease rule, exit 4), or null. */
    private String heldBy(Target target, Instant now) {
        return DeployLock.refusal(ReleaseLease.read(target.stateDir()), claim(), now)
                .map(refused -> "rollback would exit 4: " + refused.getMessage()).orElse(null);
    }

    private DeployLock.Claim claim() {
        return DeployLock.Claim.command("rollback", takeOver.value);
    }
}
