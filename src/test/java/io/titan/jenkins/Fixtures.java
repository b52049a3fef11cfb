package io.titan.jenkins;

import io.titan.deploy.report.CheckKind;
import io.titan.deploy.report.CheckReport;
import io.titan.deploy.report.ProcessReport;
import io.titan.deploy.report.Reports;
import io.titan.deploy.report.StatusReport;
import io.titan.deploy.report.ValidateReport;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Canned CLI output for the unit tests, built with the engine's own report records so that it
 * stays inside the contract of docs/reports.md (titanDeploy's side: {@link FakeRelease}).
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
