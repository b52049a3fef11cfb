package io.titan.deploy.cli;

import io.titan.deploy.ExitCodes;
import io.titan.deploy.api.TitanDeploy;
import io.titan.deploy.release.DeployLock;
import io.titan.deploy.release.ReleaseLease;
import io.titan.deploy.rollback.Rollback;
import io.titan.deploy.rollback.RollbackPlan;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
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
        PrintWriter out = session.out();
        TitanDeploy engine = session.engine(out::println);
        if (planOnly) {
            return dryRun.print(session, engine.rollbackPlan(), heldBy(session.target(), session.clock().instant()));
        }
        Rollback.Result result = engine.rollback(waitLock, takeOver.value);
        result.actions().forEach((name, action) -> out.printf("%-24s %s%n", name, action));
        out.flush();
        return result.success() ? ExitCodes.OK : ExitCodes.ROLLBACK_FAILED;
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
