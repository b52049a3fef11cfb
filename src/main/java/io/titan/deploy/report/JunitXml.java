package io.titan.deploy.report;

import io.titan.deploy.deploy.ServiceStatus;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * JUnit XML (the Ant/Surefire dialect Jenkins' {@code junit} step reads) for deploy and validate
 * reports, so a release shows up on the build page as tests.
 *
 * <p>Mapping for a deploy report (suite {@code titan-deploy}, class {@code titan.deploy}, one test
 * case per service):
 * <ul>
 *   <li>{@code deployed}, {@code unchanged}: passed;</li>
 *   <li>{@code failed}: {@code <failure>} with the service's message and its last output lines,
 *       which also go to {@code <system-out>}/{@code <system-err>} by stream;</li>
 *   <li>{@code rolled-back}: {@code <failure>} too, because the release it belonged to failed; the
 *       message says it was deployed and then rolled back;</li>
 *   <li>{@code skipped}, {@code pending}: {@code <skipped>} with the reason.</li>
 * </ul>
 * For a validate report (suite {@code titan-validate}, class {@code titan.validate.<kind>}, one
 * test case per check), a failed required check is a {@code <failure>}; a failed optional check
 * passes, with {@code WARNING: <message>} in its {@code <system-out>}, because it must not fail
 * the build yet should be visible on the test's page. For a status report (suite
 * {@code titan-pm2-status}, class {@code titan.pm2} ({@code titan.pm2.<host>} for several hosts), one test case per topology service, including
 * services PM2 does not know), a service that is not online is a {@code <failure>} saying why.
 *
 * <p>A run can be named ({@code titan-deploy deploy --name prod-a}, which the Jenkins steps pass for
 * each call): its suite is then {@code titan-deploy (prod-a)}, so that two runs published in one
 * build stay two suites (Jenkins' junit step merges or drops suites of the same name). Test case
 * class names stay the same, so per-service history carries on across builds.
 *
 * <p>Text is escaped and characters XML 1.0 forbids (most control characters) are dropped: one of
 * them in a message would make Jenkins reject the whole file. Passwords in URLs are masked.
 */
public final class JunitXml {

    /** The {@code testsuite} name of a deploy report. */
    public static final String DEPLOY_SUITE = "titan-deploy";
    /** The {@code testsuite} name of a validate report. */
    public static final String VALIDATE_SUITE = "titan-validate";
    /** The {@code testsuite} name of a status report. */
    public static final String STATUS_SUITE = "titan-pm2-status";

    private JunitXml() {
    }

    /** Writes {@link #render(DeployReport)} to {@code file}, atomically. */
    public static void write(Path file, DeployReport report) {
        write(file, report, null);
    }

    /** Writes {@link #render(DeployReport, String)} to {@code file}, atomically. */
    public static void write(Path file, DeployReport report, String name) {
        Objects.requireNonNull(file, "file");
        AtomicFiles.write(file, render(report, name));
    }

    /** Writes {@link #render(ValidateReport)} to {@code file}, atomically. */
    public static void write(Path file, ValidateReport report) {
        write(file, report, null);
    }

    /** Writes {@link #render(ValidateReport, String)} to {@code file}, atomically. */
    public static void write(Path file, ValidateReport report, String name) {
        Objects.requireNonNull(file, "file");
        AtomicFiles.write(file, render(report, name));
    }

    /** Writes {@link #render(StatusReport)} to {@code file}, atomically. */
    public static void write(Path file, StatusReport report) {
        Objects.requireNonNull(file, "file");
        AtomicFiles.write(file, render(report));
    }

    /** The JUnit XML document for a deploy report, suite {@value #DEPLOY_SUITE}. */
    public static String render(DeployReport report) {
        return render(report, null);
    }

    /**
     * The JUnit XML document for a deploy report of the run called {@code name}: suite
     * {@code titan-deploy (name)}, or {@value #DEPLOY_SUITE} when {@code name} is null.
     */
    public static String render(DeployReport report, String name) {
        Objects.requireNonNull(report, "report");
        long failures = report.services().stream().filter(s -> isFailure(s.status())).count();
        long skipped = report.services().stream().filter(s -> isSkipped(s.status())).count();
        StringBuilder xml = header(suite(DEPLOY_SUITE, name), report.services().size(), failures, skipped,
                report.durationMs(), report.startedAt(), report.success());
        property(xml, "releaseId", report.releaseId());
        property(xml, "outcome", report.outcome().value());
        xml.append("  </properties>\n");
        for (ServiceReport service : report.services()) {
            // One class per host, so that Jenkins' test results group the services by where they run.
            String classname = service.host() == null || service.host().equals("local") ? "titan.deploy"
                    : "titan.deploy." + service.host();
            xml.append("  <testcase classname=\"").append(Text.escape(classname)).append("\" name=\"")
                    .append(Text.escape(service.name()))
                    .append("\" time=\"").append(Format.seconds(service.durationMs())).append('"');
            String message = message(service);
            switch (service.status()) {
                case FAILED -> element(xml, "failure", "failed: " + message, service);
                case ROLLED_BACK -> element(xml, "failure",
                        "rolled back: deployed, then restored to the previous release because the release failed"
                                + (service.message() == null ? "" : " (" + service.message() + ")")
                                + (service.restoreDowntime() == null ? "" : "; restore: " + service.restoreDowntime().text()),
                        service);
                case SKIPPED -> element(xml, "skipped", "skipped: " + message, null);
                case PENDING, DEPLOYING -> element(xml, "skipped", "pending: not deployed when the run ended"
                        + (service.message() == null ? "" : " (" + service.message() + ")"), null);
                case DEPLOYED, UNCHANGED -> {
                    if (service.message() == null && service.downtime() == null) {
                        xml.append("/>\n");
                    } else {
                        xml.append(">\n");
                        downtime(xml, service.downtime());
                        xml.append("    <system-out>").append(Text.safe(service.status() + ": " + message
                                        + (service.downtime() == null ? "" : "; " + service.downtime().text())))
                                .append("</system-out>\n  </testcase>\n");
                    }
                }
                default -> throw new IllegalStateException("unhandled status " + service.status());
            }
        }
        if (report.error() != null) {
            // Suite-level output: the release's own error, which may name no single service.
            xml.append("  <system-err>").append(Text.safe(report.error())).append("</system-err>\n");
        }
        return xml.append("</testsuite>\n").toString();
    }

    /** The JUnit XML document for a validate report, suite {@value #VALIDATE_SUITE}. */
    public static String render(ValidateReport report) {
        return render(report, null);
    }

    /**
     * The JUnit XML document for a validate report of the run called {@code name}: suite
     * {@code titan-validate (name)}, or {@value #VALIDATE_SUITE} when {@code name} is null.
     */
    public static String render(ValidateReport report, String name) {
        Objects.requireNonNull(report, "report");
        long failures = report.checks().stream().filter(c -> !c.success() && c.required()).count();
        StringBuilder xml = header(suite(VALIDATE_SUITE, name), report.checks().size(), failures, 0, report.durationMs(),
                report.startedAt(), report.success());
        xml.append("  </properties>\n");
        for (CheckReport check : report.checks()) {
            xml.append("  <testcase classname=\"titan.validate.").append(check.kind().value())
                    .append("\" name=\"").append(Text.escape(check.name()))
                    .append("\" time=\"").append(Format.seconds(check.durationMs())).append("\">\n");
            String detail = check.target() + (check.message() == null ? "" : ": " + check.message());
            if (!check.success() && check.required()) {
                xml.append("    <failure message=\"").append(Text.safe(detail)).append("\" type=\"")
                        .append(check.kind().value()).append("\">")
                        .append(Text.safe(detail)).append("</failure>\n");
            } else if (!check.success()) {
                xml.append("    <system-out>").append(Text.safe("WARNING: optional check failed: " + detail))
                        .append("</system-out>\n");
            } else {
                xml.append("    <system-out>").append(Text.safe("OK: " + detail)).append("</system-out>\n");
            }
            xml.append("  </testcase>\n");
        }
        return xml.append("</testsuite>\n").toString();
    }

    /**
     * The JUnit XML document for a status report: a test case per topology service, passing when PM2
     * runs it online, else a failure that says what PM2 shows instead (or that it has no such app).
     * Apps PM2 runs outside the topology are not test cases.
     */
    public static String render(StatusReport report) {
        Objects.requireNonNull(report, "report");
        Map<String, String> down = report.down();
        List<String> services = report.topologyServices();
        StringBuilder xml = header(STATUS_SUITE, services.size(), down.size(), 0, 0, report.at(), down.isEmpty());
        property(xml, "topology", report.topology());
        xml.append("  </properties>\n");
        for (String name : services) {
            // Several hosts' services: a class per host, so that Jenkins groups the test cases by host.
            String host = report.severalHosts() ? report.processes().stream().filter(p -> p.name().equals(name))
                    .map(ProcessReport::host).filter(Objects::nonNull).findFirst().map(h -> "." + h).orElse("") : "";
            xml.append("  <testcase classname=\"titan.pm2").append(Text.escape(host)).append("\" name=\"")
                    .append(Text.escape(name))
                    .append("\" time=\"0.000\">\n");
            String problem = down.get(name);
            if (problem != null) {
                String message = name + " is " + problem;
                xml.append("    <failure message=\"").append(Text.safe(message)).append("\" type=\"")
                        .append(report.processes().stream().anyMatch(p -> p.name().equals(name) && p.inPm2())
                                ? "not-online" : ProcessReport.MISSING)
                        .append("\">").append(Text.safe(message)).append("</failure>\n");
            } else {
                for (ProcessReport p : report.processes()) {
                    if (p.name().equals(name)) {
                        xml.append("    <system-out>").append(Text.safe("online, pid " + p.pid() + ", " + p.restarts()
                                + " restarts, up " + Format.duration(p.uptimeMs() == null ? 0 : p.uptimeMs())))
                                .append("</system-out>\n");
                    }
                }
            }
            xml.append("  </testcase>\n");
        }
        return xml.append("</testsuite>\n").toString();
    }

    /** {@code base}, or {@code base (name)} for a named run. */
    static String suite(String base, String name) {
        return name == null || name.isBlank() ? base : base + " (" + name.strip() + ")";
    }

    private static boolean isFailure(ServiceStatus status) {
        return status == ServiceStatus.FAILED || status == ServiceStatus.ROLLED_BACK;
    }

    private static boolean isSkipped(ServiceStatus status) {
        return status == ServiceStatus.SKIPPED || status == ServiceStatus.PENDING;
    }

    private static String message(ServiceReport service) {
        return service.message() == null ? service.status().value() : service.message();
    }

    private static StringBuilder header(String suite, int tests, long failures, long skipped, long millis,
                                        Instant startedAt, boolean success) {
        StringBuilder xml = new StringBuilder(1024);
        xml.append("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n")
                .append("<testsuite name=\"").append(Text.safe(suite))
                .append("\" tests=\"").append(tests)
                .append("\" failures=\"").append(failures)
                .append("\" errors=\"0\" skipped=\"").append(skipped)
                .append("\" time=\"").append(Format.seconds(millis))
                .append("\" timestamp=\"").append(startedAt.toString().replaceFirst("\\.\\d+Z$", "Z"))
                .append("\">\n  <properties>\n");
        property(xml, "success", Boolean.toString(success));
        return xml;
    }

    /** The deploy's downtime as test case properties, for tools that chart them: none when not measured. */
    private static void downtime(StringBuilder xml, DowntimeReport downtime) {
        if (downtime == null || downtime.downtimeMs() == null) {
            return;
        }
        xml.append("    <properties>\n");
        xml.append("    ");
        property(xml, "downtimeMs", Long.toString(downtime.downtimeMs()));
        xml.append("    ");
        property(xml, "failedProbes", Integer.toString(downtime.failedProbes()));
        xml.append("    </properties>\n");
    }

    private static void property(StringBuilder xml, String name, String value) {
        xml.append("    <property name=\"").append(name).append("\" value=\"").append(Text.safe(value))
                .append("\"/>\n");
    }

    /**
     * Closes the open {@code <testcase} with a failure or skipped child carrying {@code message}; a
     * failure's body adds the service's last output lines, which also go to the test case's
     * {@code <system-out>} and {@code <system-err>}, by stream.
     */
    private static void element(StringBuilder xml, String tag, String message, ServiceReport body) {
        String text = Text.safe(message);
        xml.append(">\n    <").append(tag).append(" message=\"").append(text).append('"');
        if (body == null) {
            xml.append("/>\n");
        } else {
            xml.append(" type=\"").append(body.status().value()).append("\">").append(text)
                    .append(Text.safe(OutputBlock.plain(body.name(), body.output())))
                    .append("</").append(tag).append(">\n");
            stream(xml, "system-out", "out", body.output());
            stream(xml, "system-err", "err", body.output());
        }
        xml.append("  </testcase>\n");
    }

    /** The lines of one stream, one per line, as {@code <system-out>} or {@code <system-err>}. */
    private static void stream(StringBuilder xml, String tag, String stream, List<OutputLineReport> output) {
        List<OutputLineReport> lines = output.stream().filter(l -> l.stream().equals(stream)).toList();
        if (!lines.isEmpty()) {
            xml.append("    <").append(tag).append('>');
            lines.forEach(l -> xml.append(Text.safe(l.time() + " " + l.text())).append('\n'));
            xml.append("</").append(tag).append(">\n");
        }
    }
}
