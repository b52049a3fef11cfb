package io.titan.jenkins;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.titan.deploy.deploy.HostRelease;
import io.titan.deploy.deploy.ServiceStatus;
import io.titan.deploy.health.Downtime;
import io.titan.deploy.health.Durations;
import io.titan.deploy.pm2.Pm2App;
import io.titan.deploy.report.CheckKind;
import io.titan.deploy.report.CheckReport;
import io.titan.deploy.report.DeployReport;
import io.titan.deploy.report.DowntimeReport;
import io.titan.deploy.report.Outcome;
import io.titan.deploy.report.Reports;
import io.titan.deploy.report.RollbackReport;
import io.titan.deploy.report.ServiceReport;
import io.titan.deploy.report.ValidateReport;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The titan-deploy CLI's side of a release as titanDeploy drives it, faked for the unit tests:
 * {@code plan --json} of a topology, and {@code release begin|service|finish|abort}, {@code validate
 * --host} and {@code history} keeping each host's open release as the engine does (begin takes the
 * host, service records an outcome, finish accepts only when every service is fine, abort restores
 * what deployed). Reports are written with the engine's own records, so they stay inside
 * docs/reports.md. What a test cans: each service's outcome, a host's begin or abort exit code, a
 * host's failing validation.
 */
final class FakeRelease {

    record Service(String name, String host, List<String> dependsOn, int level) {
    }

    record Host(String name, String agent, String address) {
    }

    /**
     * What {@code release service NAME} answers: its status, exit code, time, message and downtime (null
     * when it was not replaced: unchanged, or failed before its gate).
     */
    record Canned(ServiceStatus status, int exit, long durationMs, String message, Downtime downtime) {

        Canned(ServiceStatus status, int exit, long durationMs, String message) {
            this(status, exit, durationMs, message, status == ServiceStatus.DEPLOYED || status == ServiceStatus.HEALTHY
                    ? Downtime.none(0) : null);
        }

        Canned withDowntime(Downtime replaced) {
            return new Canned(status, exit, durationMs, message, replaced);
        }
    }

    /** One CLI run's answer: exit code, stdout, stderr, files to write (relative to the step's directory). */
    record Answer(int exit, String stdout, String stderr, Map<String, String> files) {
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    final List<Service> services = new ArrayList<>();
    final Map<String, Host> hosts = new LinkedHashMap<>();
    final Map<String, Canned> canned = new HashMap<>();
    /** Service to what replacing it cost in availability, when not the default (measured, 0 ms). */
    final Map<String, Downtime> downtimes = new HashMap<>();
    /**
     * Service to the stage result its {@code release service} answer gives, when not its status's: the
     * steps must take the CLI's word for it, not read it from the status.
     */
    final Map<String, String> stageResults = new HashMap<>();
    /** The soak every service has, which {@code release service --until healthy} leaves to {@code release soak}. */
    long soakMs = 1_500;
    /** Host to the exit code and stderr its {@code release begin} gives (default 0). */
    final Map<String, Integer> beginExits = new HashMap<>();
    final Map<String, String> beginErrors = new HashMap<>();
    /** Host to the exit code of its {@code release abort} (3: the restore failed). */
    final Map<String, Integer> abortExits = new HashMap<>();
    /** Host to the message of a required check that fails there. */
    final Map<String, String> validationFailures = new HashMap<>();
    /** Service to the message of a soak that fails ({@code release soak}). */
    final Map<String, String> soakFailures = new HashMap<>();
    /**
     * Each {@code release service} call as the engine saw it, in order: the service's name, or
     * {@code "x before y"} when x was asked to start before its dependency y had passed its gate.
     */
    final List<String> starts = java.util.Collections.synchronizedList(new ArrayList<>());
    /**
     * Whether {@code plan --json} lists the services dependents first: a release must not depend on the
     * order its branches start in, which in Jenkins is all at once.
     */
    boolean dependentsFirst;
    /** Whether {@code release begin --runner} starts a release runner (writes its file). */
    boolean runners;
    /** Whether the topology has a validation section ({@code plan --json}'s {@code validation}). */
    boolean validation = true;
    /** Host to its open release's id and each service's recorded outcome. */
    private final Map<String, String> open = new HashMap<>();
    private final Map<String, Map<String, Canned>> recorded = new HashMap<>();
    private final Map<String, Set<String>> only = new HashMap<>();

    /** The Fixtures topology without hosts: five services on the implicit local host. */
    static FakeRelease oneHost() {
        FakeRelease r = new FakeRelease();
        r.hosts.put("local", new Host("local", null, "127.0.0.1"));
        r.service("titan-shared", "local", 0).service("titan-security", "local", 1, "titan-shared")
                .service("titan-brain", "local", 2, "titan-security")
                .service("titan-execution", "local", 3, "titan-brain")
                .service("titan-console", "local", 3, "titan-brain");
        return r;
    }

    /**
     * Two hosts, dependencies across them both ways.
     * <pre>
     *   host-a (agent titan-a): titan-shared (L0)               titan-console (L2)
     *                                 ^                                |
     *   host-b (agent titan-b):       +---- titan-brain (L1) <---------+
     *                                            ^
     *                                            +---- titan-execution (L2)
     * </pre>
     */
    static FakeRelease twoHosts() {
        FakeRelease r = new FakeRelease();
        r.hosts.put("host-a", new Host("host-a", "titan-a", "127.0.0.2"));
        r.hosts.put("host-b", new Host("host-b", "titan-b", "127.0.0.3"));
        r.service("titan-shared", "host-a", 0).service("titan-brain", "host-b", 1, "titan-shared")
                .service("titan-console", "host-a", 2, "titan-brain")
                .service("titan-execution", "host-b", 2, "titan-brain");
        return r;
    }

    FakeRelease service(String name, String host, int level, String... dependsOn) {
        services.add(new Service(name, host, List.of(dependsOn), level));
        return this;
    }

    /** {@code release service name} answers {@code status} with exit {@code exit}. */
    FakeRelease outcome(String name, ServiceStatus status, int exit, String message) {
        canned.put(name, new Canned(status, exit, status == ServiceStatus.UNCHANGED ? 0 : 1_000, message));
        return this;
    }

    /** The answer to a CLI run ({@code cli}: the words after the launcher), or null when it is not one of ours. */
    Answer answer(List<String> cli, Map<String, String> options) {
        String command = cli.get(0);
        if (command.equals("plan") && !cli.contains("--diff")) {
            return new Answer(0, "[PM2] banner before the JSON\n" + plan() + "\n", "", Map.of());
        }
        if (command.equals("history")) {
            return new Answer(0, "no releases yet\n", "", Map.of(options.get("--html"), page()));
        }
        if (command.equals("validate") && options.containsKey("--host")) {
            return validate(options);
        }
        if (!command.equals("release")) {
            return null;
        }
        String host = options.get("--host");
        String release = options.get("--release");
        if (!hosts.containsKey(host)) {
            return new Answer(2, "", "titan-deploy: --host: " + host + " is not a host of the topology\n", Map.of());
        }
        if (!Pm2App.isReleaseId(release)) {
            // The engine's rule and words (HostRelease.requireName): the steps do not check ids themselves.
            return new Answer(2, "", "titan-deploy: --release: '" + release + "' is not a release id: "
                    + HostRelease.RELEASE_ID_RULE + " (e.g. the job name and build number: titan-main-42)\n", Map.of());
        }
        return switch (cli.get(1)) {
            case "begin" -> begin(host, release, options);
            case "service" -> service(host, release, cli.get(2), "healthy".equals(options.get("--until")));
            case "soak" -> soak(host, release, cli.get(2));
            case "finish" -> finish(host, release, options);
            case "abort" -> abort(host, release, options, cli.contains("--keep"));
            default -> throw new AssertionError("unknown release step " + cli);
        };
    }

    private Answer begin(String host, String release, Map<String, String> options) {
        int exit = beginExits.getOrDefault(host, 0);
        if (exit != 0) {
            return new Answer(exit, "", beginErrors.getOrDefault(host, "") + "\n", Map.of());
        }
        if (open.containsKey(host)) {
            return new Answer(4, "", "titan-deploy: release " + open.get(host) + " holds this host\n", Map.of());
        }
        open.put(host, release);
        recorded.put(host, new LinkedHashMap<>());
        Set<String> wanted = new HashSet<>();
        if (options.containsKey("--only")) {
            wanted.addAll(List.of(options.get("--only").split(",")));
        }
        only.put(host, wanted);
        StringBuilder out = new StringBuilder("release " + release + " on host " + host + ":\n");
        servicesOf(host).forEach(s -> out.append("  ").append(s.name()).append("  restart  code\n"));
        Map<String, String> files = new LinkedHashMap<>();
        if (runners && options.containsKey("--runner")) {
            files.put(options.get("--runner"), "{\"socket\":\"/tmp/titan-deploy-ci/runner-" + host
                    + ".sock\",\"client\":\"/opt/titan/bin/titan-deploy-step\",\"node\":\"/usr/bin/node\"}\n");
        }
        return new Answer(0, out.toString(), "", files);
    }

    private Answer service(String host, String release, String name, boolean untilHealthy) {
        Answer refused = notOpen(host, release);
        if (refused != null) {
            return refused;
        }
        Service service = services.stream().filter(s -> s.name().equals(name) && s.host().equals(host)).findFirst()
                .orElse(null);
        if (service == null) {
            return new Answer(2, "", "titan-deploy: " + name + " is not a service of release " + release + " on host "
                    + host + "\n", Map.of());
        }
        // As the engine does: a dependency must answer before the service starts (one of this release must have
        // passed its health gate, or its host's part still runs the old version).
        for (String dependency : service.dependsOn()) {
            Service d = services.stream().filter(s -> s.name().equals(dependency)).findFirst().orElseThrow();
            Canned c = recorded.getOrDefault(d.host(), Map.of()).get(dependency);
            boolean inRelease = open.containsKey(d.host()) && servicesOf(d.host()).contains(d);
            if (inRelease && (c == null || !c.status().stageResult().equals("SUCCESS"))) {
                starts.add(name + " before " + dependency);
                Canned failed = new Canned(ServiceStatus.FAILED, 1, 0, "dependency " + dependency + " on host " + d.host()
                        + " is not healthy");
                recorded.get(host).put(name, failed);
                return answer(service, failed);
            }
        }
        Canned outcome = canned.getOrDefault(name, new Canned(ServiceStatus.DEPLOYED, 0, 1_000, "healthy"));
        if (untilHealthy && outcome.status() == ServiceStatus.DEPLOYED) {
            outcome = new Canned(ServiceStatus.HEALTHY, 0, outcome.durationMs(), null);
        }
        if (outcome.downtime() != null && downtimes.containsKey(name)) {
            outcome = outcome.withDowntime(downtimes.get(name));
        }
        recorded.get(host).put(name, outcome);
        starts.add(name);
        return answer(service, outcome);
    }

    /** {@code release soak NAME}: a service left healthy ends deployed, or as {@link #soakFailures} says. */
    private Answer soak(String host, String release, String name) {
        Answer refused = notOpen(host, release);
        if (refused != null) {
            return refused;
        }
        Service service = services.stream().filter(s -> s.name().equals(name) && s.host().equals(host)).findFirst()
                .orElseThrow();
        Canned healthy = recorded.get(host).get(name);
        if (healthy == null || healthy.status() != ServiceStatus.HEALTHY) {
            return new Answer(2, "", "titan-deploy: " + name + " has no soak to finish in release " + release + "\n",
                    Map.of());
        }
        String failure = soakFailures.get(name);
        // What replacing it cost was measured at its gate, before the soak: the soak's answer carries it on.
        Canned outcome = (failure == null ? new Canned(ServiceStatus.DEPLOYED, 0, healthy.durationMs(), "healthy")
                : new Canned(ServiceStatus.FAILED, 1, healthy.durationMs(), failure)).withDowntime(healthy.downtime());
        recorded.get(host).put(name, outcome);
        return answer(service, outcome);
    }

    private Answer answer(Service service, Canned outcome) {
        String name = service.name();
        String host = service.host();
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("release", open.get(host));
        line.put("name", name);
        line.put("host", host);
        line.put("status", outcome.status().value());
        line.put("stageResult", stageResults.getOrDefault(name, outcome.status().stageResult()));
        line.put("durationMs", outcome.durationMs());
        Downtime downtime = outcome.downtime();
        boolean measured = downtime != null && downtime.measured();
        line.put("downtimeMs", measured ? downtime.window().orElseThrow().toMillis() : null);
        line.put("failedProbes", measured ? downtime.failedProbes() : null);
        line.put("downtime", downtime == null ? null : downtime.text());
        // ServiceAnswer.line's words; a service never started (unchanged, refused) has no time.
        line.put("line", name + " " + outcome.status().value()
                + (outcome.durationMs() == 0 ? "" : " in " + Durations.format(Duration.ofMillis(outcome.durationMs())))
                + (downtime == null ? "" : ", " + (measured ? downtime.text() : "downtime: not measured"))
                + (outcome.message() == null ? "" : ": " + outcome.message()));
        line.put("message", outcome.message());
        line.put("output", List.of());
        if (outcome.status() == ServiceStatus.HEALTHY) {
            line.put("soakMs", soakMs);
        }
        String progress = String.format("[   0.1s] %-24s starting (level %d)%n", name, service.level());
        return new Answer(outcome.exit(), progress + json(line) + "\n", "", Map.of());
    }

    private Answer finish(String host, String release, Map<String, String> options) {
        Answer refused = notOpen(host, release);
        if (refused != null) {
            return refused;
        }
        List<ServiceReport> reports = new ArrayList<>();
        String problem = null;
        for (Service s : servicesOf(host)) {
            Canned c = recorded.get(host).get(s.name());
            ServiceReport r = c == null ? report(s, ServiceStatus.SKIPPED, "not deployed: release " + release
                    + " ended before its turn") : report(s, c.status(), c.message());
            reports.add(r);
            if (problem == null && !r.status().ok()) {
                problem = s.name() + " is " + r.status().value();
            }
        }
        DeployReport report = new DeployReport(problem == null, recordId(host), false, problem,
                problem == null ? Outcome.SUCCESS : Outcome.FAILED, Fixtures.T0, Fixtures.at(6_000), 6_000, null, reports);
        if (problem == null) {
            open.remove(host);
        }
        String out = problem == null ? "release " + release + " finished on host " + host + "\n"
                : "release " + release + " stays open on host " + host + ": " + problem + "\n";
        return new Answer(problem == null ? 0 : 1, out, "", reportFiles(options, report));
    }

    private Answer abort(String host, String release, Map<String, String> options, boolean keep) {
        Answer refused = notOpen(host, release);
        if (refused != null) {
            return refused;
        }
        int exit = keep ? 0 : abortExits.getOrDefault(host, 0);
        List<ServiceReport> reports = new ArrayList<>();
        for (Service s : servicesOf(host)) {
            Canned c = recorded.get(host).get(s.name());
            if (c == null) {
                reports.add(report(s, ServiceStatus.SKIPPED, "not deployed: release " + release + " ended before its turn"));
            } else if (!keep && (c.status() == ServiceStatus.DEPLOYED || c.status() == ServiceStatus.HEALTHY)) {
                // The engine's words for what the restore did (RestorePass): the status says "rolled-back".
                reports.add(report(s, ServiceStatus.ROLLED_BACK, "restored"));
            } else {
                reports.add(report(s, c.status(), c.message()));
            }
        }
        RollbackReport rollback = keep ? null : new RollbackReport(Fixtures.at(33_000), Fixtures.at(35_000), exit == 0,
                exit == 0 ? "previous release restored" : "titan-shared did not come back: pm2 start failed");
        String reason = options.getOrDefault("--reason", "aborted");
        DeployReport report = new DeployReport(false, recordId(host), rollback != null && rollback.success(), reason,
                Outcome.from(false, rollback), Fixtures.T0, Fixtures.at(35_000), 35_000, rollback, reports);
        open.remove(host);
        String out = "release " + release + " on host " + host + ": "
                + (keep ? "left as it is" : exit == 0 ? "rolled back" : "ROLLBACK FAILED: " + rollback.message()) + "\n";
        return new Answer(exit, out, "", reportFiles(options, report));
    }

    private Answer validate(Map<String, String> options) {
        String host = options.get("--host");
        List<CheckReport> checks = new ArrayList<>();
        for (Service s : servicesOf(host)) {
            checks.add(new CheckReport(s.name(), CheckKind.HTTP, "http://" + hosts.get(host).address() + "/health",
                    true, true, 12, "200 OK"));
        }
        String failure = validationFailures.get(host);
        checks.add(new CheckReport("redis", CheckKind.REDIS, "redis://127.0.0.1:6379/0", true, failure == null, 4,
                failure == null ? "PING ok" : failure));
        ValidateReport report = new ValidateReport(failure == null, Fixtures.T0, 30, checks);
        Map<String, String> files = new LinkedHashMap<>();
        files.put(options.get("--report"), Reports.toJson(report));
        files.put(options.get("--events"), Fixtures.event(0, "validation:started", null, "\"checks\":[]") + "\n");
        return new Answer(failure == null ? 0 : 1, "CHECK  RESULT\nredis  " + (failure == null ? "ok" : "FAILED")
                + "\n", "", files);
    }

    private Answer notOpen(String host, String release) {
        if (release.equals(open.get(host))) {
            return null;
        }
        return new Answer(2, "", "titan-deploy: release " + release + " is not open on host " + host + "\n", Map.of());
    }

    private List<Service> servicesOf(String host) {
        Set<String> wanted = only.getOrDefault(host, Set.of());
        return services.stream().filter(s -> s.host().equals(host) && (wanted.isEmpty() || wanted.contains(s.name())))
                .toList();
    }

    private ServiceReport report(Service s, ServiceStatus status, String message) {
        // As the engine records them: a service left unchanged, or never reached, was never started.
        boolean started = status != ServiceStatus.SKIPPED && status != ServiceStatus.UNCHANGED;
        Canned c = recorded.getOrDefault(s.host(), Map.of()).get(s.name());
        long duration = started ? (c == null ? 1_000 : c.durationMs()) : 0;
        return new ServiceReport(s.name(), status, s.level(), s.dependsOn(), started ? Fixtures.at(100) : null,
                started && status != ServiceStatus.FAILED ? Fixtures.at(100 + duration) : null, duration, 0, message,
                s.host(), List.of(), c == null ? null : DowntimeReport.of(c.downtime()), null);
    }

    private String recordId(String host) {
        return "20261126T031204210Z-000" + new ArrayList<>(hosts.keySet()).indexOf(host);
    }

    private static Map<String, String> reportFiles(Map<String, String> options, DeployReport report) {
        Map<String, String> files = new LinkedHashMap<>();
        files.put(options.get("--report"), Reports.toJson(report));
        files.put(options.get("--junit"), "<testsuite name=\"titan-deploy (" + options.get("--name") + ")\"/>");
        String html = options.get("--html");
        if (html != null) {
            files.put(html, page());
            files.put(html.substring(0, html.lastIndexOf('/') + 1) + "titan-report.css", "main{}");
        }
        files.put(options.get("--html-inline"), "<html><style>main{}</style></html>");
        files.put(options.get("--events"), Fixtures.event(0, "deployment:started", null, "\"services\":[]") + "\n");
        files.put(options.get("--history-html"), page());
        files.remove(null);
        return files;
    }

    private static String page() {
        return "<html><link rel=\"stylesheet\" href=\"titan-report.css\"></html>";
    }

    /** {@code plan --json}: levels, order, each service's host and dependencies, each host's agent. */
    String plan() {
        Map<Integer, List<String>> levels = new TreeMap<>();
        List<Map<String, Object>> list = new ArrayList<>();
        for (Service s : services) {
            levels.computeIfAbsent(s.level(), l -> new ArrayList<>()).add(s.name());
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", s.name());
            m.put("host", s.host());
            m.put("dependsOn", s.dependsOn());
            m.put("level", s.level());
            list.add(m);
        }
        Map<String, Object> hostMap = new LinkedHashMap<>();
        hosts.values().forEach(h -> {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("agent", h.agent());
            m.put("address", h.address());
            hostMap.put(h.name(), m);
        });
        Map<String, Object> plan = new LinkedHashMap<>();
        plan.put("levels", new ArrayList<>(levels.values()));
        List<String> order = new ArrayList<>(levels.values().stream().flatMap(List::stream).toList());
        if (dependentsFirst) {
            java.util.Collections.reverse(order);
        }
        plan.put("order", order);
        plan.put("services", list);
        plan.put("hosts", hostMap);
        plan.put("validation", validation);
        return json(plan);
    }

    private static String json(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
