package io.titan.deploy.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.titan.deploy.pm2.Pm2Process;
import io.titan.deploy.release.ReleaseRecord;
import io.titan.deploy.release.ReleaseStore;
import io.titan.deploy.testing.Cli;
import io.titan.deploy.testing.Integration;
import io.titan.deploy.testing.Sandbox;
import io.titan.deploy.testing.TopologyYaml;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A rollback is a plan (issue 19): {@code rollback --dry-run} and {@code release abort --dry-run}
 * print it and change nothing, and the rollback itself restores only the services that differ from
 * the release before. The CLI runs as its own process against real PM2.
 *
 * <pre>
 *   titan-shared <── titan-brain        titan-audit (stand-alone)
 * </pre>
 */
@Integration
class RollbackPlanIT {

    private static final ObjectMapper JSON = new ObjectMapper();

    private Sandbox sandbox;
    private Path script;
    private int sharedPort;
    private int brainPort;
    private int auditPort;

    @BeforeEach
    void start() {
        sandbox = new Sandbox();
        script = sandbox.standInCopy("code");
        sharedPort = Sandbox.freePort();
        brainPort = Sandbox.freePort();
        auditPort = Sandbox.freePort();
    }

    @AfterEach
    void stop() {
        sandbox.close();
    }

    /** The three services, all from the same code; each one's SERVICE_VERSION as given. */
    private Path topology(String name, String shared, String brain, String audit) throws IOException {
        Path file = sandbox.dir().resolve(name + ".yaml");
        Files.writeString(file, new TopologyYaml(sandbox.pm2Home()).soak("200ms")
                .service("titan-shared", script, sharedPort, List.of(), Map.of("SERVICE_VERSION", shared))
                .service("titan-brain", script, brainPort, List.of("titan-shared"), Map.of("SERVICE_VERSION", brain))
                .service("titan-audit", script, auditPort, List.of(), Map.of("SERVICE_VERSION", audit))
                .build());
        return file;
    }

    private Cli titan(String... args) {
        return Cli.run(sandbox.dir(), Map.of(), Duration.ofSeconds(90), args);
    }

    private Cli ok(String... args) {
        Cli cli = titan(args);
        assertThat(cli.exitCode()).as(String.join(" ", args) + ": " + cli.stdout() + cli.stderr()).isZero();
        return cli;
    }

    /** Each PM2 process as {@code name pid status restarts}: any restart, stop or start changes it. */
    private List<String> pm2List() {
        return sandbox.pm2().getProcessList().stream()
                .map(p -> p.name() + " " + p.pid() + " " + p.status() + " " + p.restarts()).sorted().toList();
    }

    private long pid(String name) {
        return sandbox.pm2().getProcessList().stream().filter(p -> p.name().equals(name)).mapToLong(Pm2Process::pid)
                .findFirst().orElseThrow();
    }

    /**
     * Every file of the state dir (records, lease, lock, fingerprint salt) with its content's digest
     * and its modification time: a file written again, even with the same bytes, shows.
     */
    private Map<String, String> stateDir() {
        Path dir = sandbox.pm2Home().resolve("titan");
        Map<String, String> files = new TreeMap<>();
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path file : all.filter(Files::isRegularFile).toList()) {
                files.put(dir.relativize(file).toString(), HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                        .digest(Files.readAllBytes(file))) + " " + Files.getLastModifiedTime(file));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        return files;
    }

    private static String version(int port) {
        return Sandbox.get(port, "/version").orElse("no answer on port " + port);
    }

    @Test
    void rollbackDryRunPrintsThePlanAndChangesNothingThenTheRollbackRestoresOnlyTheServiceThatDiffers() throws Exception {
        Path v1 = topology("v1", "1", "1", "1");
        Path v2 = topology("v2", "1", "2", "1");
        ok("deploy", "--config", v1.toString());
        ok("deploy", "--config", v2.toString());
        assertThat(version(brainPort)).contains("\"2\"");
        List<String> pm2Before = pm2List();
        Map<String, String> stateBefore = stateDir();

        Cli text = ok("rollback", "--dry-run", "--config", v2.toString());
        Cli json = ok("rollback", "--dry-run", "--json", "--config", v2.toString());

        assertThat(text.stdout()).contains("rollback on host local: back to the release before ")
                .containsPattern("titan-brain +restart +env SERVICE_VERSION")
                .containsPattern("titan-shared +unchanged").containsPattern("titan-audit +unchanged")
                .contains("(dry run: nothing was changed)");
        JsonNode plan = JSON.readTree(json.stdout());
        assertThat(plan.path("command").asText()).isEqualTo("rollback");
        assertThat(plan.path("status").asText()).isEqualTo("deployed");
        assertThat(plan.path("services")).extracting(s -> s.path("name").asText() + " " + s.path("action").asText())
                .containsExactlyInAnyOrder("titan-shared unchanged", "titan-brain restart", "titan-audit unchanged");
        assertThat(pm2List()).as("PM2 after two dry runs").isEqualTo(pm2Before);
        assertThat(stateDir()).as("state dir after two dry runs").isEqualTo(stateBefore);
        long shared = pid("titan-shared");
        long audit = pid("titan-audit");
        long brain = pid("titan-brain");

        Cli rollback = ok("rollback", "--config", v2.toString());

        assertThat(version(brainPort)).contains("\"1\"");
        assertThat(pid("titan-brain")).as("brain was put back").isNotEqualTo(brain);
        assertThat(pid("titan-shared")).as("shared did not differ: left running").isEqualTo(shared);
        assertThat(pid("titan-audit")).as("audit did not differ: left running").isEqualTo(audit);
        assertThat(rollback.stdout()).contains("titan-brain").doesNotContain("titan-shared restored")
                .doesNotContain("titan-audit restored");
        ReleaseRecord record = new ReleaseStore(sandbox.pm2Home().resolve("titan")).latest().orElseThrow();
        assertThat(record.status()).isEqualTo(ReleaseRecord.Status.ROLLED_BACK);
        assertThat(ok("rollback", "--dry-run", "--config", v2.toString()).stdout())
                .as("nothing left to restore for the release before this one")
                .doesNotContainPattern("titan-brain +restart");
    }

    @Test
    void releaseAbortDryRunPrintsTheHostsPartAndLeavesTheLeasePm2AndStateAsTheyAre() throws Exception {
        Path v1 = topology("v1", "1", "1", "1");
        ok("deploy", "--config", v1.toString());
        Path v2 = topology("v2", "2", "1", "1");
        ok("release", "begin", "--config", v2.toString(), "--release", "jenkins-7");
        ok("release", "service", "titan-shared", "--config", v2.toString(), "--release", "jenkins-7");
        List<String> pm2Before = pm2List();
        Map<String, String> stateBefore = stateDir();
        assertThat(stateBefore).containsKey("release.lease");

        Cli text = ok("release", "abort", "--dry-run", "--config", v2.toString(), "--release", "jenkins-7");
        Cli json = ok("release", "abort", "--dry-run", "--json", "--config", v2.toString(), "--release", "jenkins-7");
        Cli rollback = ok("rollback", "--dry-run", "--config", v2.toString());

        assertThat(text.stdout()).contains("release abort on host local: back to the release before jenkins-7 "
                + "(in-progress)").containsPattern("titan-shared +restart +env SERVICE_VERSION")
                .containsPattern("titan-brain +unchanged").contains("(dry run: nothing was changed)");
        JsonNode plan = JSON.readTree(json.stdout());
        assertThat(plan.path("release").asText()).isEqualTo("jenkins-7");
        assertThat(plan.path("services")).extracting(s -> s.path("name").asText() + " " + s.path("action").asText())
                .containsExactlyInAnyOrder("titan-shared restart", "titan-brain unchanged", "titan-audit unchanged");
        assertThat(rollback.stdout()).as("a rollback would restore the same part, once let through")
                .containsPattern("titan-shared +restart +env SERVICE_VERSION")
                .contains("note: rollback would exit 4: release jenkins-7 holds this host").contains("--take-over");
        assertThat(pm2List()).as("PM2 after three dry runs").isEqualTo(pm2Before);
        assertThat(stateDir()).as("state dir (lease included) after three dry runs").isEqualTo(stateBefore);
        assertThat(version(sharedPort)).contains("\"2\"");

        Cli other = titan("release", "abort", "--dry-run", "--config", v2.toString(), "--release", "jenkins-8");
        assertThat(other.exitCode()).as(other.stdout() + other.stderr()).isEqualTo(4);
        assertThat(other.stderr()).contains("release jenkins-7 holds this host, not jenkins-8");

        ok("release", "abort", "--config", v2.toString(), "--release", "jenkins-7");
        assertThat(version(sharedPort)).as("the release is still open after the dry runs: the abort acts")
                .contains("\"1\"");
        assertThat(sandbox.pm2Home().resolve("titan/release.lease")).doesNotExist();
    }

    @Test
    void jsonWithoutDryRunIsBadInputAndChangesNothing() throws Exception {
        Path v1 = topology("v1", "1", "1", "1");
        ok("deploy", "--config", v1.toString());
        List<String> pm2Before = pm2List();

        Cli refused = titan("rollback", "--json", "--config", v1.toString());

        assertThat(refused.exitCode()).as(refused.stdout() + refused.stderr()).isEqualTo(2);
        assertThat(refused.stderr()).contains("--json: only with --dry-run");
        assertThat(pm2List()).isEqualTo(pm2Before);
    }
}
