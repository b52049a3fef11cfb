package io.titan.deploy.cli;

import io.titan.deploy.testing.Integration;
import static org.assertj.core.api.Assertions.assertThat;

import io.titan.deploy.pm2.Pm2Binary;
import io.titan.deploy.testing.Cli;
import io.titan.deploy.testing.Sandbox;
import io.titan.deploy.testing.TopologyYaml;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Once a target is set up (daemon running, pm2-logrotate installed and configured), the engine
 * talks to PM2 over its sockets only: not one pm2 CLI process, each of which is a Node start-up.
 */
@Integration
class SetUpTargetIntegrationTest {

    private Sandbox sandbox;
    private Path calls;
    private Path topology;
    private int port;

    @BeforeEach
    void start() throws IOException {
        sandbox = new Sandbox();
        calls = sandbox.dir().resolve("pm2-calls.log");
        Path wrapper = sandbox.dir().resolve("pm2-wrapper");
        // Records every pm2 CLI run, then runs the pinned pm2.
        Files.writeString(wrapper, "#!/bin/sh\necho \"pm2 $*\" >> '" + calls + "'\nexec '"
                + Pm2Binary.resolve(null) + "' \"$@\"\n");
        Files.setPosixFilePermissions(wrapper, PosixFilePermissions.fromString("rwx------"));
        port = Sandbox.freePort();
        topology = sandbox.dir().resolve("titan.yaml");
        write("1");
        Files.writeString(calls, "");
    }

    private void write(String version) throws IOException {
        Path wrapper = sandbox.dir().resolve("pm2-wrapper");
        String yaml = new TopologyYaml(sandbox.pm2Home()).soak("200ms")
                .service("titan-shared", Sandbox.STAND_IN, port, List.of(), Map.of("SERVICE_VERSION", version))
                .build()
                .replace("  logRotation: {enabled: false}\n",
                        "  bin: " + wrapper + "\n  logRotation: {maxSize: 10M, retainDays: 30, compress: true}\n");
        Files.writeString(topology, yaml);
    }

    @AfterEach
    void stop() {
        sandbox.close();
    }

    private Cli run(String... args) {
        Cli cli = Cli.run(sandbox.dir(), Map.of(), Duration.ofSeconds(120), args);
        assertThat(cli.exitCode()).as(cli.stdout() + cli.stderr()).isZero();
        return cli;
    }

    @Test
    void aDeployOfASetUpTargetRunsNoPm2CliAtAll() throws IOException {
        run("deploy", "--config", topology.toString());
        assertThat(Files.readString(calls)).as("setting the target up uses the pm2 CLI")
                .contains("pm2 install pm2-logrotate@3.0.0");
        Files.writeString(calls, "");

        write("2");
        run("deploy", "--config", topology.toString());
        run("status", "--config", topology.toString());
        run("plan", "--diff", "--config", topology.toString());
        run("rollback", "--config", topology.toString());

        assertThat(Sandbox.get(port, "/version")).hasValueSatisfying(body -> assertThat(body).contains("\"1\""));
        assertThat(Files.readString(calls)).as("pm2 CLI runs on a set-up target").isEmpty();
    }
}
