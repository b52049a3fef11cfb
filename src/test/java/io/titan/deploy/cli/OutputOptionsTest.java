package io.titan.deploy.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.titan.deploy.event.EventBus;
import io.titan.deploy.report.CheckKind;
import io.titan.deploy.report.CheckReport;
import io.titan.deploy.report.ValidateReport;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code --name}: what the Jenkins steps pass so that two runs in one build keep their own suite and title. */
class OutputOptionsTest {

    @TempDir
    Path dir;

    private static final ValidateReport REPORT = new ValidateReport(true, Instant.parse("2026-12-02T03:19:04.123Z"), 12,
            List.of(new CheckReport("redis", CheckKind.REDIS, "redis://127.0.0.1:6379/0", true, true, 3, "PING ok")));

    @Test
    void deployAndValidateTakeANameFromTheCommandLine() {
        DeployCommand deploy = new DeployCommand();
        new CommandLine(deploy).parseArgs("--name", "prod-a", "--junit", "j.xml");
        ValidateCommand validate = new ValidateCommand();
        new CommandLine(validate).parseArgs("--quick");

        assertThat(deploy.output.name).isEqualTo("prod-a");
        assertThat(validate.output.name).isNull();
    }

    @Test
    void theNameGoesIntoTheJunitSuiteAndThePageTitle() throws Exception {
        OutputOptions named = options("named", "prod-a quick");
        OutputOptions unnamed = options("unnamed", null);

        try (OutputOptions.Sinks sinks = named.open(new EventBus())) {
            sinks.writeValidate(REPORT, new PrintWriter(new StringWriter()));
        }
        try (OutputOptions.Sinks sinks = unnamed.open(new EventBus())) {
            sinks.writeValidate(REPORT, new PrintWriter(new StringWriter()));
        }

        assertThat(Files.readString(dir.resolve("named/junit.xml")))
                .contains("<testsuite name=\"titan-validate (prod-a quick)\"");
        assertThat(Files.readString(dir.resolve("named/page.html")))
                .contains("<title>Titan validation (prod-a quick): ");
        assertThat(Files.readString(dir.resolve("unnamed/junit.xml"))).contains("<testsuite name=\"titan-validate\"");
        assertThat(Files.readString(dir.resolve("unnamed/page.html"))).contains("<title>Titan validation: ");
    }

    private OutputOptions options(String sub, String name) {
        OutputOptions options = new OutputOptions();
        options.junit = dir.resolve(sub + "/junit.xml");
        options.pages = new HtmlOptions();
        options.pages.html = dir.resolve(sub + "/page.html");
        options.name = name;
        return options;
    }
}
