package io.titan.deploy.change;

import io.titan.deploy.config.Topology;
import io.titan.deploy.config.TopologyLoader;
import io.titan.deploy.deploy.Apps;
import io.titan.deploy.pm2.Pm2App;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The four-service topology the planner's golden tests (a deploy's and a rollback's) plan for, laid
 * out in a folder: all four run {@code app/service.js}; brain also loads code from {@code ../lib},
 * declared as a code path.
 *
 * <pre>
 *   shared ──> brain ──> console (restartWith brain)
 *   audit (stand-alone)
 * </pre>
 */
public final class PlannerFixture {

    /** One more service, for a release that adds it. */
    public static final String EXTRA = "  titan-extra: {script: service.js, port: 4005}\n";

    private final Path dir;
    private final Path app;

    /** Lays the services' code out in {@code dir}. */
    public PlannerFixture(Path dir) throws IOException {
        this.dir = dir;
        this.app = Files.createDirectories(dir.resolve("app"));
        Files.writeString(app.resolve("service.js"), "require('../lib/util');\n");
        Files.createDirectories(dir.resolve("lib"));
        Files.writeString(dir.resolve("lib/util.js"), "module.exports = 1;\n");
    }

    /** The state dir the fingerprints are salted from, and a release's records are kept in. */
    public Path state() {
        return dir.resolve("state");
    }

    /** Edits brain's code outside its folder, in a declared code path. */
    public void editLib() throws IOException {
        Files.writeString(dir.resolve("lib/util.js"), "module.exports = 2;\n");
    }

    /** Writes and loads the topology with brain's env (inside a YAML flow mapping) and more services. */
    public Topology topology(String brainEnv, String moreServices) throws IOException {
        Path file = app.resolve("titan.yaml");
        Files.writeString(file, "services:\n"
                + "  titan-shared: {script: service.js, port: 4001, health: {http: /health}}\n"
                + "  titan-brain: {script: service.js, port: 4002, health: {http: /health}, code: [../lib],\n"
                + "                dependsOn: [titan-shared], env: {" + brainEnv + "}}\n"
                + "  titan-console: {script: service.js, port: 4003, dependsOn: [{service: titan-brain, restartWith: true}]}\n"
                + "  titan-audit: {script: service.js, port: 4004, health: {tcp: true}}\n"
                + moreServices);
        return new TopologyLoader().load(file);
    }

    /** What a deploy wants: each service's definition carrying its fingerprint, as ChangeDetection builds it. */
    public Map<String, Pm2App> wanted(Topology topology) {
        List<String> order = topology.graph().plan().order();
        return ChangeDetection.fingerprinted(topology, order, Apps.toPm2Apps(topology, order, Map.of()),
                Fingerprinter.forRun(topology, state(), dir.resolve("pm2"), List.of()));
    }
}
