package io.titan.deploy.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.titan.deploy.ExitCodes;
import io.titan.deploy.rollback.RollbackPlan;
import java.io.PrintWriter;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/**
 * {@code --dry-run [--json]} of the commands that restore a release ({@code rollback},
 * {@code release abort}): print the restore's plan ({@link RollbackPlan}) and change nothing. A dry
 * run reads the records, the lease and PM2's process list only: it takes no lock or lease, restores
 * no dead release's part, and starts no PM2 daemon (with none running, everything is a start).
 */
final class DryRun {

    @Option(names = "--dry-run", description = "Print what the restore would do per service and why (start, restart, "
            + "stop, remove, unchanged; the plan --diff compares, with the release's record as what is wanted), "
            + "and change nothing: no lock or lease taken, no PM2 daemon started.")
    boolean value;

    @Option(names = "--json", description = "With --dry-run: {command, release, status, host, services:[{name, action, "
            + "reasons}], orphans:[], note}, as plan --diff --json.")
    boolean json;

    /**
     * Whether the command is to print its plan only.
     *
     * @throws ParameterException exit 2 for {@code --json} without {@code --dry-run}
     */
    boolean asked(CommandSpec spec) {
        if (json && !value) {
            throw new ParameterException(spec.commandLine(), "--json: only with --dry-run");
        }
        return value;
    }

    /** {@code release abort --dry-run}: what the abort of {@code release} restores on the session's host. */
    int abort(Session session, String release, boolean keep) {
        return print(session, session.engine(session.out()::println).abortPlan(release),
                keep ? "--keep restores nothing: it ends the release and leaves what runs as it is" : null);
    }

    /** Prints {@code plan}, with {@code note} (or null) saying what else the command would meet. */
    int print(Session session, RollbackPlan plan, String note) {
        PrintWriter out = session.out();
        if (json) {
            ObjectNode node = plan.json();
            node.put("note", note);
            out.println(node.toString());
        } else {
            out.print(plan.text());
            if (note != null) {
                out.println("  note: " + note);
            }
            out.println("  (dry run: nothing was changed)");
        }
        out.flush();
        return ExitCodes.OK;
    }
}
