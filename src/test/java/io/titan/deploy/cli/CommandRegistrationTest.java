package io.titan.deploy.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** A run that names its command builds only that one; help, version and usage errors see them all. */
class CommandRegistrationTest {

    private static final Path ROOT = Path.of(System.getProperty("user.dir"), "examples", "stand-in-root");

    @Test
    void aRunNamingItsCommandBuildsOnlyThatCommand() {
        assertThat(TitanDeployCli.commandLine("plan").getSubcommands()).containsOnlyKeys("plan");
    }

    @Test
    void anythingElseBuildsEveryCommandInHelpOrder() {
        for (String first : new String[] {null, "--help", "--version", "pla", "-c"}) {
            assertThat(TitanDeployCli.commandLine(first).getSubcommands().keySet()).as(first).containsExactly(
                    "plan", "ecosystem", "deploy", "release", "rollback", "recover", "history", "status", "stop",
                    "validate", "report");
        }
    }

    @Test
    void theCommandBuiltAloneKeepsTheErrorHandling() {
        StringWriter err = new StringWriter();
        CommandLine cli = TitanDeployCli.commandLine("plan");
        cli.setErr(new PrintWriter(err));

        int code = cli.execute("plan", "--bogus");

        assertThat(code).isEqualTo(2);
        assertThat(err.toString()).isEqualTo("titan-deploy: Unknown option: '--bogus'\n"
                + "Try 'titan-deploy plan --help'.\n");
    }

    @Test
    void theCommandBuiltAloneMapsTitanFailuresToTheirExitCodes() {
        StringWriter err = new StringWriter();
        CommandLine cli = TitanDeployCli.commandLine("plan");
        cli.setErr(new PrintWriter(err));

        int code = cli.execute("plan", "--root", ROOT.resolve("no-such-folder").toString());

        assertThat(code).isEqualTo(2);
        assertThat(err.toString()).startsWith("titan-deploy: --root: ").endsWith(" is not a directory\n");
    }

    @Test
    void theCommandsThatRestoreAReleaseOfferADryRunInTheirHelp() {
        for (String[] command : new String[][] {{"rollback", "--help"}, {"release", "abort", "--help"}}) {
            StringWriter out = new StringWriter();
            CommandLine cli = TitanDeployCli.commandLine(command[0]);
            cli.setOut(new PrintWriter(out));

            assertThat(cli.execute(command)).isZero();
            assertThat(out.toString()).as(String.join(" ", command)).contains("[--dry-run]", "[--json]")
                    .contains("--dry-run  ").contains("change nothing");
        }
    }

    @Test
    void anUnknownCommandIsAUsageError() {
        StringWriter err = new StringWriter();
        CommandLine cli = TitanDeployCli.commandLine("pla");
        cli.setErr(new PrintWriter(err));

        int code = cli.execute("pla");

        assertThat(code).isEqualTo(2);
        assertThat(err.toString()).isEqualTo("titan-deploy: Unmatched argument at index 0: 'pla'\n"
                + "Try 'titan-deploy --help'.\n");
    }
}
