package io.titan.deploy.cli;

import io.titan.deploy.ExitCodes;
import io.titan.deploy.TitanException;
import io.titan.deploy.pm2.Pm2Manager;
import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code titan-deploy}: the engine's command line. {@code System.exit} happens here and only here. */
@Command(name = "titan-deploy", mixinStandardHelpOptions = true,
        versionProvider = TitanDeployCli.Version.class,
        description = "Dependency-ordered, health-gated PM2 deployments of the Titan services.",
        subcommands = {PlanCommand.class, EcosystemCommand.class, DeployCommand.class, RollbackCommand.class,
            RecoverCommand.class,
            HistoryCommand.class, StatusCommand.class, StopCommand.class, ValidateCommand.class, ReportCommand.class},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:success",
            "1:deployment or validation failed (rolled back where that applies)",
            "2:bad input: nothing was started or changed",
            "3:rollback failed: manual action needed",
            "4:another deployment holds the target's lock"})
public final class TitanDeployCli implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "a command is required");
    }

    public static void main(String[] args) {
        int code = execute(args);
        if (!Signals.terminating()) {
            // Socket readers blocked in native reads would hold the JVM's exit up for ~300 ms.
            Pm2Manager.disconnectAll();
            // During a signal the shutdown hook is waiting for the rollback; exit would deadlock.
            System.exit(code);
        }
    }

    /** Runs the CLI and returns its exit code; tests call this instead of {@link #main}. */
    public static int execute(String... args) {
        return commandLine().execute(args);
    }

    /** The configured command tree, with titan exceptions mapped to their exit codes. */
    public static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new TitanDeployCli());
        cli.setExitCodeExceptionMapper(e -> e instanceof TitanException t ? t.exitCode() : ExitCodes.FAILED);
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            String message = e instanceof TitanException ? e.getMessage() : e.toString();
            commandLine.getErr().println("titan-deploy: " + message);
            commandLine.getErr().flush();
            return commandLine.getExitCodeExceptionMapper().getExitCode(e);
        });
        cli.setParameterExceptionHandler((e, args) -> {
            CommandLine cmd = e.getCommandLine();
            cmd.getErr().println("titan-deploy: " + e.getMessage());
            cmd.getErr().println("Try '" + cmd.getCommandSpec().qualifiedName() + " --help'.");
            cmd.getErr().flush();
            return ExitCodes.BAD_INPUT;
        });
        return cli;
    }

    /** Reads the version Maven filtered into the jar. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() throws IOException {
            Properties p = new Properties();
            try (InputStream in = TitanDeployCli.class.getResourceAsStream("/io/titan/deploy/version.properties")) {
                if (in != null) {
                    p.load(in);
                }
            }
            return new String[] {"titan-deploy " + p.getProperty("version", "unknown")};
        }
    }
}
