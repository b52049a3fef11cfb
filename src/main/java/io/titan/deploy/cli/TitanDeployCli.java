package io.titan.deploy.cli;

import io.titan.deploy.ExitCodes;
import io.titan.deploy.TitanException;
import io.titan.deploy.pm2.Pm2Manager;
import java.io.IOException;
import java.io.InputStream;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code titan-deploy}: the engine's command line. {@code System.exit} happens here and only here. */
@Command(name = "titan-deploy", mixinStandardHelpOptions = true,
        versionProvider = TitanDeployCli.Version.class,
        description = "Dependency-ordered, health-gated PM2 deployments of the Titan services.",
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:success",
            "1:deployment or validation failed (rolled back where that applies)",
            "2:bad input: nothing was started or changed",
            "3:rollback failed: manual action needed",
            "4:another deployment holds the target's lock"})
public final class TitanDeployCli implements Runnable {

    /**
     * The subcommands by name, in the order help lists them. Picocli reflects over every command it
     * is given before it parses anything, and every CLI start pays for that; a run that names its
     * command builds only that one.
     */
    static final Map<String, Class<?>> COMMANDS = commands(PlanCommand.class, EcosystemCommand.class,
            DeployCommand.class, ReleaseCommand.class, RollbackCommand.class, RecoverCommand.class, HistoryCommand.class,
            StatusCommand.class, StopCommand.class, ValidateCommand.class, ReportCommand.class);

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "a command is required");
    }

    public static void main(String[] args) {
        String training = System.getenv("TITAN_CDS_TRAINING");
        if (training != null) {
            loadForArchive(java.nio.file.Path.of(training));
        }
        int code = execute(args);
        if (!Signals.terminating()) {
            // Socket readers blocked in native reads would hold the JVM's exit up for ~300 ms.
            Pm2Manager.disconnectAll();
            // During a signal the shutdown hook is waiting for the rollback; exit would deadlock.
            System.exit(code);
        }
    }

    /**
     * The build's class-data archive training run: loads (without initializing) every class named in
     * {@code list} (one per line, {@code #} comments), so that the archive holds what a release's
     * commands load, not only what the training command does. Names that no longer exist are skipped.
     */
    private static void loadForArchive(java.nio.file.Path list) {
        ClassLoader loader = TitanDeployCli.class.getClassLoader();
        try {
            for (String line : java.nio.file.Files.readAllLines(list)) {
                String name = line.trim();
                if (name.isEmpty() || name.startsWith("#")) {
                    continue;
                }
                try {
                    Class.forName(name, false, loader);
                } catch (ClassNotFoundException | LinkageError gone) {
                    // Renamed or removed since the list was captured: nothing to archive.
                }
            }
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("TITAN_CDS_TRAINING: " + list, e);
        }
    }

    /** Runs the CLI and returns its exit code; tests call this instead of {@link #main}. */
    public static int execute(String... args) {
        return commandLine(args.length > 0 ? args[0] : null).execute(args);
    }

    /** The configured command tree, with titan exceptions mapped to their exit codes. */
    public static CommandLine commandLine() {
        return commandLine(null);
    }

    /**
     * The command tree for a run whose first argument is {@code first}: with only that subcommand
     * when it names one, else with all (for help, {@code --version} and usage errors).
     */
    static CommandLine commandLine(String first) {
        CommandLine cli = new CommandLine(new TitanDeployCli());
        Class<?> named = first == null ? null : COMMANDS.get(first);
        for (Class<?> command : named != null ? List.of(named) : COMMANDS.values()) {
            cli.addSubcommand(command);
        }
        // Handlers reach the subcommands that exist when they are set, so they come last.
        Failures failures = new Failures();
        cli.setExitCodeExceptionMapper(failures);
        cli.setExecutionExceptionHandler(failures);
        cli.setParameterExceptionHandler(failures);
        return cli;
    }

    private static Map<String, Class<?>> commands(Class<?>... classes) {
        Map<String, Class<?>> byName = new LinkedHashMap<>();
        for (Class<?> c : classes) {
            byName.put(c.getAnnotation(Command.class).name(), c);
        }
        return Collections.unmodifiableMap(byName);
    }

    /**
     * How failures become one line on stderr and an exit code. Plain methods, not lambdas or method
     * references on picocli types: building those while {@code mvn package} dumps the class-data
     * archive links picocli's classes, and JDK 17 leaves a linked Java 5 class (picocli is compiled
     * for Java 5) out of the archive, CommandLine with them.
     */
    private static final class Failures implements CommandLine.IExitCodeExceptionMapper,
            CommandLine.IExecutionExceptionHandler, CommandLine.IParameterExceptionHandler {

        @Override
        public int getExitCode(Throwable e) {
            return e instanceof TitanException t ? t.exitCode() : ExitCodes.FAILED;
        }

        @Override
        public int handleExecutionException(Exception e, CommandLine commandLine, CommandLine.ParseResult parseResult) {
            String message = e instanceof TitanException ? e.getMessage() : e.toString();
            commandLine.getErr().println("titan-deploy: " + message);
            commandLine.getErr().flush();
            return getExitCode(e);
        }

        @Override
        public int handleParseException(CommandLine.ParameterException e, String[] args) {
            CommandLine cmd = e.getCommandLine();
            cmd.getErr().println("titan-deploy: " + e.getMessage());
            cmd.getErr().println("Try '" + cmd.getCommandSpec().qualifiedName() + " --help'.");
            cmd.getErr().flush();
            return ExitCodes.BAD_INPUT;
        }
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
