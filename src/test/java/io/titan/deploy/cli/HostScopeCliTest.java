package io.titan.deploy.cli;

import static io.titan.deploy.cli.InProcess.run;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --host} on the commands that need no PM2 daemon to answer (none is started): each shows its
 * host's services only, and without it every host's, each service with its host.
 *
 * <pre>
 *   east (10.0.0.2): shared ──> brain (west, 10.0.0.3) ──> console (east)
 * </pre>
 */
class HostScopeCliTest {

    @TempDir
    Path dir;

    private Path config;

    @BeforeEach
    void topology() throws IOException {
        Files.writeString(dir.resolve("app.js"), "");
        config = write("titan.yaml", "pm2-east", "pm2-west");
    }

    private Path write(String name, String eastHome, String westHome) throws IOException {
        Path file = dir.resolve(name);
        Files.writeString(file, """
                hosts:
                  east: {agent: titan-east, address: 10.0.0.2, pm2: {home: %s}}
                  west: {agent: titan-west, address: 10.0.0.3, pm2: {home: %s}}
                services:
                  shared:  {host: east, script: app.js, port: 4100, health: {http: /health}}
                  brain:   {host: west, script: app.js, port: 4101, health: {http: /health}, dependsOn: [shared]}
                  console: {host: east, script: app.js, port: 4102, health: {http: /health}, dependsOn: [brain]}
                """.formatted(eastHome, westHome));
        return file;
    }

    @Test
    void planWithAHostShowsItsServicesAndWhatTheyWaitForElsewhere() throws Exception {
        InProcess west = run("plan", "--config", config.toString(), "--host", "west");
        InProcess all = run("plan", "--config", config.toString());
        InProcess json = run("plan", "--config", config.toString(), "--host", "east", "--json");

        assertThat(west.out()).isEqualTo("""
                Plan for %s on host west (1 of 3 services)
                  level 1: brain
                  order:   brain
                  brain waits for shared on host east
                """.formatted(config));
        assertThat(all.out()).isEqualTo("""
                Plan for %s (3 services on 2 hosts)
                  level 0: shared (east)
                  level 1: brain (west)
                  level 2: console (east)
                  order:   shared -> brain -> console
                  host east (agent titan-east, 10.0.0.2): shared, console
                  host west (agent titan-west, 10.0.0.3): brain
                """.formatted(config));
        JsonNode plan = new ObjectMapper().readTree(json.out());
        assertThat(plan.get("order").toString()).isEqualTo("[\"shared\",\"console\"]");
        assertThat(plan.get("services")).extracting(s -> s.get("name").asText() + "@" + s.get("level").asInt())
                .containsExactly("shared@0", "console@2");
        assertThat(plan.get("hosts").fieldNames()).toIterable().containsExactly("east");
    }

    @Test
    void theEcosystemOfAHostHasItsAppsOnlyAndWithoutOneEveryHostsEachGivenItsAddressAsHost() throws Exception {
        JsonNode east = new ObjectMapper().readTree(run("ecosystem", "--config", config.toString(), "--host", "east").out());

        assertThat(east.get("apps")).extracting(a -> a.get("name").asText() + "@" + a.get("env").get("HOST").asText())
                .containsExactly("shared@10.0.0.2", "console@10.0.0.2");

        JsonNode all = new ObjectMapper().readTree(run("ecosystem", "--config", config.toString()).out());
        assertThat(all.get("apps")).as("without --host every host's apps, host after host")
                .extracting(a -> a.get("name").asText() + "@" + a.get("env").get("HOST").asText())
                .containsExactly("shared@10.0.0.2", "console@10.0.0.2", "brain@10.0.0.3");
    }

    @Test
    void statusWithoutAHostShowsEachHostsPartGroupedAndNamesTheHostOfWhatIsMissing() {
        InProcess all = run("status", "--config", config.toString());
        InProcess east = run("status", "--config", config.toString(), "--host", "east");

        assertThat(all.exitCode()).as(all.err()).isZero();
        assertThat(all.out()).containsSubsequence("host east (10.0.0.2):", "shared", "console", "host west (10.0.0.3):",
                "brain", "not online: shared is not in PM2 on host east: never started there, or deleted",
                "not online: brain is not in PM2 on host west: never started there, or deleted");
        assertThat(east.out()).contains("shared", "console").doesNotContain("brain").doesNotContain("host east (")
                .contains("not online: shared is not in PM2: never started on this target, or deleted");
        assertThat(dir.resolve("pm2-east/rpc.sock")).as("status starts no daemon").doesNotExist();
    }

    @Test
    void hostsThatShareAPm2HomeAreDifferentMachinesSoStatusAsksWhichThisIs() throws IOException {
        Path same = write("same.yaml", "/srv/titan/pm2", "/srv/titan/pm2");

        InProcess status = run("status", "--config", same.toString());
        InProcess history = run("history", "--config", same.toString());

        assertThat(status.exitCode()).isEqualTo(2);
        assertThat(status.err()).contains("--host: hosts east and west of " + same + " both use PM2_HOME /srv/titan/pm2, so "
                + "they are different machines and this one is at most one of them; name it (status --host east)");
        // History tells the hosts apart by what each record says: it needs no --host for that.
        assertThat(history.exitCode()).as(history.err()).isZero();
    }

    @Test
    void aServicesStepOnTheWrongHostNamesItsHostAndAReleaseIdOutsideTheRuleSaysTheRule() {
        InProcess wrong = run("release", "service", "brain", "--config", config.toString(), "--host", "east",
                "--release", "rel-6");
        InProcess unknown = run("release", "soak", "risk", "--config", config.toString(), "--release", "rel-6");
        InProcess badId = run("release", "begin", "--config", config.toString(), "--host", "east", "--release", "rel 6");

        assertThat(wrong.exitCode()).isEqualTo(2);
        assertThat(wrong.err()).contains("brain is on host west, not east: run its step there (--host west, or no "
                + "--host: the topology says where)");
        assertThat(unknown.exitCode()).isEqualTo(2);
        assertThat(unknown.err()).contains("risk is not a service of " + config + " (services: brain, console, shared)");
        assertThat(badId.exitCode()).isEqualTo(2);
        assertThat(badId.err()).contains("--release: 'rel 6' is not a release id: letters, digits, '.', '_' and '-', "
                + "starting with a letter or digit, at most 128 characters");
    }
}
