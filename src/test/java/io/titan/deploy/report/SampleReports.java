package io.titan.deploy.report;

import io.titan.deploy.deploy.ServiceStatus;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Realistic reports of the seven-service Titan topology, shared by the tests and the docs screenshot.
 *
 * <pre>
 *   titan-shared (L0)
 *        |
 *   titan-security (L1)
 *        |
 *   titan-brain (L2) ------------------+
 *        |                             |
 *   titan-execution (L3)          titan-console (L3)
 *        |            \
 *   titan-phase1-scavenger (L4)   titan-ai-quant (L4)
 * </pre>
 */
final class SampleReports {

    static final Instant T0 = Instant.parse("2026-11-26T03:12:04.210Z");
    static final String BRAIN_FAILURE =
            "titan-brain did not become healthy within 30 s (GET http://127.0.0.1:3000/health returned 503)";
    /** What titan-brain printed before it failed its health check, secrets masked. */
    static final List<OutputLineReport> BRAIN_OUTPUT = List.of(
            new OutputLineReport("out", at(5_210), "titan-brain 2.8.0 starting (NODE_ENV=production)"),
            new OutputLineReport("out", at(5_380), "risk engine: connecting to redis://:****@127.0.0.1:6379/0"),
            new OutputLineReport("err", at(5_402), "Error: connect ECONNREFUSED 127.0.0.1:6380 (risk-engine replica)"),
            new OutputLineReport("err", at(5_403), "    at TCPConnectWrap.afterConnect [as oncomplete] (node:net:1607:16)"),
            new OutputLineReport("out", at(20_410), "health: 503, risk engine not ready (attempt 4 of 6)"),
            new OutputLineReport("err", at(34_950), "risk engine: giving up after 6 attempts; serving 503"));
    static final List<String> SERVICES = List.of("titan-shared", "titan-security", "titan-brain", "titan-execution",
            "titan-phase1-scavenger", "titan-ai-quant", "titan-console");

    private SampleReports() {
    }

    static Instant at(long millis) {
        return T0.plusMillis(millis);
    }

    static ServiceReport deployed(String name, int level, List<String> deps, long start, long ready, String url) {
        return new ServiceReport(name, ServiceStatus.DEPLOYED, level, deps, at(start), at(ready), ready - start, 0,
                "healthy after " + Format.duration(ready - start) + " (GET " + url + " returned 200), soak 5 s without restarts",
                "local", List.of(), downtime(name, ready), null);
    }

    /**
     * What the health probes saw while a service was replaced: titan-execution runs in fork mode (the
     * old process went 380 ms before the new one answered), titan-console has no health check, the
     * others run in cluster mode and were replaced worker by worker without an outage.
     */
    static DowntimeReport downtime(String name, long ready) {
        return switch (name) {
            case "titan-execution" -> new DowntimeReport(380L, 19, at(ready - 400), at(ready - 20),
                    "unavailable 380 ms (19 failed probes)");
            case "titan-console" -> new DowntimeReport(null, null, null, null, "downtime: not measured (no health check)");
            default -> new DowntimeReport(0L, 0, null, null, "unavailable 0 ms");
        };
    }

    /** All seven deployed; independent branches overlap (console beside execution, the two phase services together). */
    static DeployReport successfulDeploy() {
        List<ServiceReport> services = List.of(
                deployed("titan-shared", 0, List.of(), 120, 2_430, "http://127.0.0.1:3001/health"),
                deployed("titan-security", 1, List.of("titan-shared"), 2_460, 4_910, "http://127.0.0.1:3002/health"),
                deployed("titan-brain", 2, List.of("titan-shared", "titan-security"), 4_950, 9_870,
                        "http://127.0.0.1:3000/health"),
                deployed("titan-execution", 3, List.of("titan-shared", "titan-security", "titan-brain"), 9_900, 13_240,
                        "http://127.0.0.1:3003/health"),
                deployed("titan-phase1-scavenger", 4, List.of("titan-brain", "titan-execution"), 13_270, 16_050,
                        "http://127.0.0.1:3004/health"),
                deployed("titan-ai-quant", 4, List.of("titan-brain", "titan-execution"), 13_280, 17_620,
                        "http://127.0.0.1:3005/health"),
                deployed("titan-console", 3, List.of("titan-brain"), 9_910, 11_480, "http://127.0.0.1:3006/health"));
        return new DeployReport(true, "r-20261126-031204", false, null, Outcome.SUCCESS, T0, at(22_700), 22_700,
                null, services);
    }

    /** titan-brain answers 503 for 30 s; its dependents are skipped; shared and security are rolled back. */
    static DeployReport failedAndRolledBack() {
        List<ServiceReport> services = List.of(
                new ServiceReport("titan-shared", ServiceStatus.ROLLED_BACK, 0, List.of(), at(120), at(2_430), 2_310, 0,
                        "deployed v2.8.0, healthy after 2.3 s; restored to v2.7.3 by the rollback", "local", List.of(),
                        new DowntimeReport(0L, 0, null, null, "unavailable 0 ms"),
                        new DowntimeReport(412L, 21, at(36_100), at(36_512), "unavailable 412 ms (21 failed probes)")),
                new ServiceReport("titan-security", ServiceStatus.ROLLED_BACK, 1, List.of("titan-shared"), at(2_460),
                        at(4_910), 2_450, 0, "deployed v2.8.0, healthy after 2.5 s; restored to v2.7.3 by the rollback"),
                new ServiceReport("titan-brain", ServiceStatus.FAILED, 2, List.of("titan-shared", "titan-security"),
                        at(4_950), null, 30_000, 0, BRAIN_FAILURE, "local", BRAIN_OUTPUT),
                skipped("titan-execution", 3, List.of("titan-shared", "titan-security", "titan-brain")),
                skipped("titan-phase1-scavenger", 4, List.of("titan-brain", "titan-execution")),
                skipped("titan-ai-quant", 4, List.of("titan-brain", "titan-execution")),
                skipped("titan-console", 3, List.of("titan-brain")));
        RollbackReport rollback = new RollbackReport(at(35_010), at(41_380), true,
                "restored release r-20261119-221500 (v2.7.3): titan-security, titan-shared stopped in reverse order, "
                        + "previous definitions restarted and healthy; titan-brain restored to v2.7.3");
        return new DeployReport(false, "r-20261126-031204", true, BRAIN_FAILURE, Outcome.ROLLED_BACK, T0, at(41_400),
                41_400, rollback, services);
    }

    static ServiceReport skipped(String name, int level, List<String> deps) {
        return new ServiceReport(name, ServiceStatus.SKIPPED, level, deps, null, null, 0, 0,
                "not started: dependency titan-brain failed");
    }

    /** Service, Redis and exchange checks; one optional exchange fails (a warning), one required check fails. */
    static ValidateReport validation() {
        List<CheckReport> checks = List.of(
                new CheckReport("titan-shared", CheckKind.HTTP, "http://127.0.0.1:3001/health", true, true, 18, "200 OK"),
                new CheckReport("titan-security", CheckKind.HTTP, "http://127.0.0.1:3002/health", true, true, 22, "200 OK"),
                new CheckReport("titan-brain", CheckKind.HTTP, "http://127.0.0.1:3000/health", true, false, 5_000,
                        "no answer within 5 s"),
                new CheckReport("titan-execution", CheckKind.TCP, "127.0.0.1:3003", true, true, 3, "connected"),
                new CheckReport("titan-console", CheckKind.PM2, "titan-console", true, true, 140,
                        "online, 0 restarts in the last minute"),
                new CheckReport("redis", CheckKind.REDIS, "redis://:***@127.0.0.1:6379/0", true, true, 41,
                        "PING ok, pub/sub round trip on titan:validate in 12 ms"),
                new CheckReport("binance", CheckKind.WEBSOCKET, "wss://stream.binance.com:9443/ws/btcusdt@trade", true,
                        true, 812, "first message after 0.8 s"),
                new CheckReport("bybit", CheckKind.WEBSOCKET, "wss://stream.bybit.com/v5/public/spot", false, false,
                        10_000, "no data message within 10 s"));
        return new ValidateReport(false, T0, 10_030, checks);
    }

    /**
     * PM2 on the target: titan-console stopped after 3 restarts, titan-ai-quant never started,
     * titan-execution in cluster mode (two processes) and an app the topology does not declare.
     */
    static StatusReport status() {
        List<ProcessReport> rows = new ArrayList<>();
        long pid = 41_000;
        for (String name : SERVICES) {
            switch (name) {
                case "titan-console" -> rows.add(new ProcessReport(name, true, true, "stopped", 0L, 0L, 3, 0, 0.0, 0L,
                        "2.8.0"));
                case "titan-ai-quant" -> rows.add(ProcessReport.missing(name));
                case "titan-execution" -> {
                    rows.add(online(name, pid++));
                    rows.add(online(name, pid++));
                }
                default -> rows.add(online(name, pid++));
            }
        }
        rows.add(new ProcessReport("legacy-feed", false, true, "errored", 0L, 0L, 15, 15, 0.0, 0L, null));
        return new StatusReport("/srv/titan/deploy/titan.yaml", at(60_000), rows);
    }

    private static ProcessReport online(String name, long pid) {
        return new ProcessReport(name, true, true, "online", pid, 3_725_000L, 0, 0, 0.4, 58_720_256L, "2.8.0");
    }

    /**
     * Five releases of the Titan topology, newest first: the failed and rolled-back one of
     * {@link #failedAndRolledBack()}, the deployed one that runs now, one that left titan-console
     * unchanged, one rolled back by hand later, and an old one whose report was not kept.
     */
    static HistoryReport history() {
        DeployReport failed = failedAndRolledBack();
        DeployReport good = successfulDeploy();
        // titan-brain takes longer to become healthy release after release.
        DeployReport third = with(with(good, "titan-console", ServiceStatus.UNCHANGED, 0), "titan-brain", 3_600);
        DeployReport second = with(with(good, "titan-console", ServiceStatus.DEPLOYED, 3_400), "titan-brain", 3_100);
        List<HistoryReport.Release> releases = List.of(
                release("20261126T031204Z-9c1e", 0, failed, "rolled-back", false, "2.9.0", failed.error()),
                release("20261125T031204Z-77aa", 1, good, "deployed", true, "2.8.0", null),
                release("20261124T031204Z-0b3f", 2, third, "deployed", false, "2.7.3", null),
                release("20261123T031204Z-51d2", 3, second, "rolled-back", false, "2.7.2", "rolled back by hand"),
                new HistoryReport.Release("20261120T031204Z-1a2b", T0.minusSeconds(6 * 86_400),
                        T0.minusSeconds(6 * 86_400 - 30), "deployed", false, SERVICES, Map.of(), null, false, List.of()));
        return new HistoryReport("/srv/titan/deploy/titan.yaml", at(120_000), SERVICES, releases);
    }

    /** A release of {@code report}'s services, {@code daysBefore} days before it. */
    private static HistoryReport.Release release(String id, int daysBefore, DeployReport report, String result,
                                                 boolean current, String version, String error) {
        Map<String, String> versions = new java.util.TreeMap<>();
        report.services().stream().filter(s -> s.status() != ServiceStatus.SKIPPED)
                .forEach(s -> versions.put(s.name(), version));
        long shift = daysBefore * 86_400L;
        return new HistoryReport.Release(id, report.startedAt().minusSeconds(shift),
                report.finishedAt().minusSeconds(shift), result, current,
                report.services().stream().map(ServiceReport::name).toList(), versions, error, true,
                report.services().stream().map(HistoryReport.ServiceResult::of).toList());
    }

    /** {@code report} with {@code service} healthy {@code readyMs} after its start. */
    private static DeployReport with(DeployReport report, String service, long readyMs) {
        return with(report, service, ServiceStatus.DEPLOYED, readyMs);
    }

    /**
     * {@code report} with {@code service} as {@code status}: left running when unchanged, else healthy
     * {@code readyMs} after its start (titan-console after one restart).
     */
    private static DeployReport with(DeployReport report, String service, ServiceStatus status, long readyMs) {
        int restarts = service.equals("titan-console") ? 1 : 0;
        List<ServiceReport> services = report.services().stream().map(s -> !s.name().equals(service) ? s
                : status == ServiceStatus.UNCHANGED
                        ? new ServiceReport(s.name(), status, s.level(), s.dependsOn(), null, null, 0, 0,
                                "same definition and code; left running")
                        : new ServiceReport(s.name(), status, s.level(), s.dependsOn(), s.startedAt(),
                                s.startedAt().plusMillis(readyMs), readyMs, restarts,
                                restarts == 0 ? s.message() : "healthy after one restart")).toList();
        return new DeployReport(true, report.releaseId(), false, null, Outcome.SUCCESS, report.startedAt(),
                report.finishedAt(), report.durationMs(), null, services);
    }
}
