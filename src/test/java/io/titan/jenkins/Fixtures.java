package io.titan.jenkins;

import io.titan.deploy.report.CheckKind;
import io.titan.deploy.report.CheckReport;
import io.titan.deploy.report.DeployReport;
import io.titan.deploy.report.Outcome;
import io.titan.deploy.report.ProcessReport;
import io.titan.deploy.report.Reports;
import io.titan.deploy.report.RollbackReport;
import io.titan.deploy.report.ServiceReport;
import io.titan.deploy.deploy.ServiceStatus;
import io.titan.deploy.report.StatusReport;
import io.titan.deploy.report.ValidateReport;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Canned CLI output for the unit tests, built with the engine's own report records so that it
 * stays inside the contract of docs/reports.md.
 *
 * <pre>
 *   titan-shared (L0)
 *        |
 *   titan-security (L1)
 *        |
 *   titan-brain (L2) ----------+
 *        |                     |
 *   titan-execution (L3)   titan-console (L3)
 * </pre>
 */
final class Fixtures {

    static final Instant T0 = Instant.parse("2026-11-26T03:12:04.210Z");
    static final String RELEASE = "20261126T031204210Z-0000";
    static final String BRAIN_FAILURE =
            "titan-brain did not become healthy within 30 s (GET http://127.0.0.1:3000/health returned 503)";
    static final List<String> ORDER = List.of("titan-shared", "titan-security", "titan-brain", "titan-execution",
            "titan-console");

    private Fixtures() {
    }

    static Instant at(long millis) {
        return T0.plusMillis(millis);
    }

    private static ServiceReport service(String name, ServiceStatus status, int level, List<String> deps, long start,
                                         Long ready, String message) {
        boolean started = status != ServiceStatus.SKIPPED;
        return new ServiceReport(name, status, level, deps, started ? at(start) : null,
                ready == null ? null : at(ready), started ? (ready == null ? 30_000 : ready - start) : 0, 0, message);
    }

    static String deployed() {
        List<ServiceReport> s = List.of(
                service("titan-shared", ServiceStatus.DEPLOYED, 0, List.of(), 100, 1_300L, "healthy"),
                service("titan-security", ServiceStatus.DEPLOYED, 1, List.of("titan-shared"), 1_300, 2_500L, "healthy"),
                service("titan-brain", ServiceStatus.DEPLOYED, 2, List.of("titan-security"), 2_500, 4_000L, "healthy"),
                service("titan-execution", ServiceStatus.DEPLOYED, 3, List.of("titan-brain"), 4_000, 5_000L, "healthy"),
                service("titan-console", ServiceStatus.UNCHANGED, 3, List.of("titan-brain"), 4_000, 4_100L, "same definition"));
        return Reports.toJson(new DeployReport(true, RELEASE, false, null, Outcome.SUCCESS, T0, at(6_000), 6_000,
                null, s));
    }

    static String deployedEvents(boolean validation) {
        List<String> e = new ArrayList<>();
        e.add(event(0, "deployment:started", null, "\"services\":[\"titan-shared\"]"));
        long t = 100;
        for (String name : ORDER) {
            e.add(event(t, "service:deploying", name, "\"level\":0"));
            e.add(event(t + 1_000, "service:deployed", name, "\"durationMs\":1000,\"soaked\":true"));
            t += 1_200;
        }
        if (validation) {
            e.add(event(t, "validation:started", null, "\"checks\":[\"titan-shared\",\"redis\"]"));
            e.add(event(t + 10, "validation:check", null,
                    "\"name\":\"redis\",\"kind\":\"redis\",\"target\":\"redis://127.0.0.1:6379/0\",\"required\":true,"
                            + "\"success\":true,\"durationMs\":4,\"message\":\"PING ok\""));
            e.add(event(t + 20, "validation:completed", null, "\"success\":true,\"durationMs\":20"));
        }
        e.add(event(6_000, "deployment:completed", null, "\"durationMs\":6000"));
        return String.join("\n", e) + "\n";
    }

    /** titan-brain fails; shared and security are rolled back; execution and console skipped. */
    static String failedRolledBack(boolean rollbackSucceeded) {
        List<ServiceReport> s = List.of(
                service("titan-shared", ServiceStatus.ROLLED_BACK, 0, List.of(), 100, 1_300L, "restored by the rollback"),
                service("titan-security", ServiceStatus.ROLLED_BACK, 1, List.of("titan-shared"), 1_300, 2_500L,
                        "restored by the rollback"),
                service("titan-brain", ServiceStatus.FAILED, 2, List.of("titan-security"), 2_500, null, BRAIN_FAILURE),
                service("titan-execution", ServiceStatus.SKIPPED, 3, List.of("titan-brain"), 0, null,
                        "not started: dependency titan-brain failed"),
                service("titan-console", ServiceStatus.SKIPPED, 3, List.of("titan-brain"), 0, null,
                        "not started: dependency titan-brain failed"));
        RollbackReport rollback = new RollbackReport(at(33_000), at(35_000), rollbackSucceeded,
                rollbackSucceeded ? "previous release restored" : "titan-shared did not come back: pm2 start failed");
        Outcome outcome = Outcome.from(false, rollback);
        return Reports.toJson(new DeployReport(false, RELEASE, rollbackSucceeded, BRAIN_FAILURE, outcome, T0,
                at(35_000), 35_000, rollback, s));
    }

    static String failedEvents() {
        return String.join("\n",
                event(0, "deployment:started", null, "\"services\":[]"),
                event(100, "service:deploying", "titan-shared", "\"level\":0"),
                event(1_300, "service:deployed", "titan-shared", "\"durationMs\":1200,\"soaked\":true"),
                event(1_300, "service:deploying", "titan-security", "\"level\":1"),
                event(2_500, "service:deployed", "titan-security", "\"durationMs\":1200,\"soaked\":true"),
                event(2_500, "service:deploying", "titan-brain", "\"level\":2"),
                event(32_500, "service:failed", "titan-brain", "\"reason\":\"" + BRAIN_FAILURE + "\""),
                event(32_500, "service:skipped", "titan-execution", "\"reason\":\"dependency titan-brain failed\""),
                event(32_500, "service:skipped", "titan-console", "\"reason\":\"dependency titan-brain failed\""),
                event(32_600, "deployment:failed", null, "\"reason\":\"" + BRAIN_FAILURE + "\""),
                event(33_000, "rollback:started", null, "\"reason\":\"titan-brain failed\""),
                event(34_000, "service:rolled-back", "titan-security", "\"action\":\"restored previous definition\""),
                event(34_500, "service:rolled-back", "titan-shared", "\"action\":\"restored previous definition\""),
                event(35_000, "rollback:completed", null, "\"success\":true,\"message\":\"previous release restored\""))
                + "\n";
    }

    static String event(long millis, String type, String service, String fields) {
        return "{\"type\":\"" + type + "\",\"at\":\"" + at(millis) + "\",\"releaseId\":\"" + RELEASE + "\""
                + (service == null ? "" : ",\"service\":\"" + service + "\"") + (fields.isEmpty() ? "" : "," + fields)
                + "}";
    }

    static String validation(boolean redisUp, boolean optionalUp) {
        List<CheckReport> checks = List.of(
                new CheckReport("titan-shared", CheckKind.HTTP, "http://127.0.0.1:3001/health", true, true, 18, "200 OK"),
                new CheckReport("titan-brain", CheckKind.HTTP, "http://127.0.0.1:3000/health", true, true, 22, "200 OK"),
                new CheckReport("redis", CheckKind.REDIS, "redis://127.0.0.1:6379/0", true, redisUp, 41,
                        redisUp ? "PING ok" : "connection refused"),
                new CheckReport("bybit", CheckKind.WEBSOCKET, "wss://stream.bybit.com/v5/public/spot", false, optionalUp,
                        10_000, optionalUp ? "first message after 0.8 s" : "no data message within 10 s"));
        return Reports.toJson(new ValidateReport(redisUp, T0, 10_030, checks));
    }

    static String plan() {
        return "{\"levels\":[[\"titan-shared\"],[\"titan-security\"],[\"titan-brain\"],[\"titan-execution\",\"titan-console\"]],"
                + "\"order\":[\"titan-shared\",\"titan-security\",\"titan-brain\",\"titan-execution\",\"titan-console\"]}";
    }

    /**
     * {@code status --report}: every topology service online, or titan-console {@code consoleStatus}
     * (null: PM2 does not know it), plus an app the topology does not declare.
     */
    static String status(String consoleStatus) {
        List<ProcessReport> rows = new ArrayList<>();
        long pid = 4100;
        for (String name : ORDER) {
            if (name.equals("titan-console") && consoleStatus == null) {
                rows.add(ProcessReport.missing(name));
                continue;
            }
            String status = name.equals("titan-console") ? consoleStatus : "online";
            rows.add(new ProcessReport(name, true, true, status, status.equals("online") ? pid++ : 0L, 65_000L, 0, 0,
                    0.5, 52_428_800L, "1.0.0"));
        }
        rows.add(new ProcessReport("legacy-feed", false, true, "stopped", 0L, 0L, 3, 0, 0.0, 0L, null));
        return Reports.toJsonLine(new StatusReport("titan.yaml", T0, rows));
    }
}
