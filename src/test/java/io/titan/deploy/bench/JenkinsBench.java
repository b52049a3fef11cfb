package io.titan.deploy.bench;

import io.titan.deploy.testing.Sandbox;
import io.titan.jenkins.JenkinsBuild;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Issue 18's target: a release as fast in Jenkins as on the command line. For the Titan shape and the
 * nine-service graph of scenario 10, with the default 2 s soak, on one target: v1 by the CLI (the
 * release to replace), then v2 by {@code titan-deploy deploy} as a process and v3 by a
 * {@code titanDeploy} build in the test harness's Jenkins (branches at once, {@code sh} for real and
 * polled as Jenkins polls it), every service changed each time. The build may take the CLI deploy's
 * time plus 0.6 s per level (one CLI start and the step's overhead). Results go to
 * {@code scenarios.jenkins} in results.json.
 */
final class JenkinsBench {

    static final String SOAK = "2s";
    static final double PER_LEVEL_MS = 600;

    private final Results results;

    JenkinsBench(Results results) {
        this.results = results;
    }

    void run() throws Exception {
        List<Map<String, Object>> entries = new ArrayList<>();
        for (BenchTopology topo : List.of(BenchTopology.titan(42),
                BenchTopology.generated(ReleaseBench.SERVICES, ReleaseBench.DEPTH, ReleaseBench.SEED))) {
            entries.add(measure(topo));
        }
        results.scenario("jenkins", entries);
    }

    private Map<String, Object> measure(BenchTopology topo) throws Exception {
        String scenario = "14 jenkins " + topo.label();
        try (Sandbox sandbox = new Sandbox(); JenkinsBuild jenkins = new JenkinsBuild()) {
            Map<String, Integer> ports = topo.freePorts();
            Path ready = Files.createDirectories(sandbox.dir().resolve("ready"));
            Path topology = jenkins.workspace().resolve("deploy/titan.yaml");
            Files.createDirectories(topology.getParent());
            sandbox.pm2().ping();
            write(topology, topo, sandbox, ports, ready, "1");
            CliRun.deploy(topology, "v1").requireExit(0);
            write(topology, topo, sandbox, ports, ready, "2");
            CliRun deploy = CliRun.deploy(topology, "v2").requireExit(0);
            write(topology, topo, sandbox, ports, ready, "3");
            long start = System.nanoTime();
            String result = jenkins.titanDeploy(3, Map.of("config", "deploy/titan.yaml"));
            double buildMs = Results.round((System.nanoTime() - start) / 1e6, 0);
            jenkins.shTimeline(start).forEach(line -> System.out.println("  .. " + line));
            if (!result.equals("SUCCESS")) {
                throw new IllegalStateException(scenario + ": the build ended " + result + "\n" + jenkins.log());
            }
            for (Map.Entry<String, Integer> service : ports.entrySet()) {
                String version = Sandbox.get(service.getValue(), "/version").orElse("nothing answers");
                if (!version.contains("\"3\"")) {
                    throw new IllegalStateException(scenario + ": " + service.getKey() + " answers " + version);
                }
            }
            int levels = topo.depth();
            double budget = deploy.wallMs() + PER_LEVEL_MS * levels;
            results.info(scenario, "titan-deploy deploy as a process", deploy.wallMs(), "ms");
            results.info(scenario, "titanDeploy build: steps it ran (JenkinsPipelineUnit's count)", jenkins.steps(), "");
            results.target(scenario, "titanDeploy build, " + levels + " levels, soak " + SOAK, buildMs, "ms",
                    "<= " + Results.format(Results.round(budget, 0)) + " (cli + 0.6 s x " + levels + ")",
                    buildMs <= budget);
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("topology", topo.label());
            entry.put("services", topo.services().size());
            entry.put("levels", levels);
            entry.put("soak", SOAK);
            entry.put("buildMs", buildMs);
            entry.put("cliMs", deploy.wallMs());
            entry.put("budgetMs", Results.round(budget, 0));
            entry.put("met", buildMs <= budget);
            entry.put("stages", jenkins.stages());
            return entry;
        }
    }

    private static void write(Path topology, BenchTopology topo, Sandbox sandbox, Map<String, Integer> ports,
                              Path ready, String version) throws IOException {
        Files.writeString(topology, topo.yaml(sandbox.pm2Home(), ports, ready, SOAK,
                name -> Map.of("SERVICE_VERSION", version), Map.of()));
    }
}
