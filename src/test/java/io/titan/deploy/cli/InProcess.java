package io.titan.deploy.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import picocli.CommandLine;

/** Runs the CLI in the test's JVM, as {@code titan-deploy ARGS} would, and keeps what it printed. */
record InProcess(int exitCode, String out, String err) {

    static InProcess run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = TitanDeployCli.commandLine();
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        int code = cli.execute(args);
        return new InProcess(code, out.toString(), err.toString());
    }
}
