package io.titan.deploy.report;

import io.titan.deploy.deploy.ServiceStatus;
import java.util.List;

/** Reports whose text tries to break out of HTML, SVG and attributes. */
final class HostileReports {

    static final String SCRIPT_NAME = "<script>alert(1)</script>";
    static final String MESSAGE = "Tom & Jerry's \"quoted\" <img src=x onerror=alert(2)> done";

    /** Output lines that try to break out of the page, the XML and the line (as a report file read back may hold). */
    static final List<OutputLineReport> OUTPUT = List.of(
            new OutputLineReport("err", SampleReports.at(150), "</pre></td></tr><script>alert(9)</script>"),
            new OutputLineReport("out", SampleReports.at(160), "]]> & <![CDATA[ \"x\" \u0000\u001b[31m\ud800 \u2028 end"));

    private HostileReports() {
    }

    static DeployReport deploy() {
        List<ServiceReport> services = List.of(
                new ServiceReport(SCRIPT_NAME, ServiceStatus.FAILED, 0, List.of(), SampleReports.at(100), null, 2_000, 1,
                        MESSAGE, "local", OUTPUT),
                new ServiceReport("titan-console\" onmouseover=\"alert(3)", ServiceStatus.SKIPPED, 1,
                        List.of(SCRIPT_NAME), null, null, 0, 0, "</text><script>alert(4)</script>"));
        RollbackReport rollback = new RollbackReport(SampleReports.at(2_200), SampleReports.at(3_000), true,
                "restored '</title><script>alert(5)</script>'");
        return new DeployReport(false, "r-<b>bold</b>&amp;", true, MESSAGE, Outcome.ROLLED_BACK, SampleReports.T0,
                SampleReports.at(3_100), 3_100, rollback, services);
    }

    static ValidateReport validate() {
        return new ValidateReport(false, SampleReports.T0, 100, List.of(new CheckReport(SCRIPT_NAME, CheckKind.HTTP,
                "http://x/?q=<script>alert(6)</script>", true, false, 100, MESSAGE)));
    }

    /** A PM2 app and a topology service whose names and version try to break out. */
    static StatusReport status() {
        return new StatusReport("deploy/<b>titan</b>&.yaml", SampleReports.T0, List.of(
                ProcessReport.missing(SCRIPT_NAME),
                new ProcessReport("it's \"quoted\" & <i>", false, true, "errored", 0L, 0L, 2, 2, 0.0, 0L,
                        "<script>alert(7)</script>")));
    }

    /** A release whose id, error, versions and service names try to break out. */
    static HistoryReport history() {
        DeployReport deploy = deploy();
        HistoryReport.Release release = new HistoryReport.Release("r-<b>bold</b>&amp;", deploy.startedAt(),
                deploy.finishedAt(), "rolled-back", false, List.of(SCRIPT_NAME), java.util.Map.of(SCRIPT_NAME,
                "1.0\"><script>alert(8)</script>"), MESSAGE, true,
                deploy.services().stream().map(HistoryReport.ServiceResult::of).toList());
        return new HistoryReport("deploy/<b>titan</b>&.yaml", SampleReports.T0, List.of(SCRIPT_NAME,
                "titan-console\" onmouseover=\"alert(3)"), List.of(release));
    }
}
