package io.titan.deploy.cli;

import io.titan.deploy.ExitCodes;
import io.titan.deploy.rollback.Rollback;
import java.io.PrintWriter;
import java.time.Duration;
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
        PrintWriter out = session.out();
        Rollback.Result result = session.engine(out::println).rollback(waitLock, takeOver.value);
        result.actions().forEach((name, action) -> out.printf("%-24s %s%n", name, action));
        out.flush();
        return result.success() ? ExitCodes.OK : ExitCodes.ROLLBACK_FAILED;
    }
}
