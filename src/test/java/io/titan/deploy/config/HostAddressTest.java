package io.titan.deploy.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A named host's address reaches its services as HOST, as their port reaches them as PORT. */
class HostAddressTest {

    @TempDir
    Path dir;

    private Topology load(String yaml) throws IOException {
        Files.writeString(dir.resolve("app.js"), "");
        Path file = dir.resolve("titan.yaml");
        Files.writeString(file, yaml);
        return new TopologyLoader().load(file);
    }

    @Test
    void eachServiceOfANamedHostGetsItsAddressAsHostUnlessItsEnvSetsHost() throws IOException {
        Topology t = load("""
                hosts:
                  gw:     {agent: titan-gw, address: 10.0.1.5}
                  office: {agent: titan-office, address: 10.0.2.7}
                defaults: {env: {LOG_LEVEL: info}}
                services:
                  execution: {host: gw, script: app.js, port: 3003}
                  console:   {host: office, script: app.js, port: 3006}
                  feed:      {host: gw, script: app.js, env: {HOST: 0.0.0.0}}
                """);

        assertThat(t.service("execution").env().get("HOST").display()).isEqualTo("10.0.1.5");
        assertThat(t.service("execution").env().get("PORT").display()).isEqualTo("3003");
        assertThat(t.service("console").env().get("HOST").display()).isEqualTo("10.0.2.7");
        assertThat(t.service("feed").env().get("HOST").display()).as("its own HOST wins").isEqualTo("0.0.0.0");
    }

    @Test
    void aHostInTheDefaultsEnvWinsTooAndATopologyWithoutHostsSetsNone() throws IOException {
        Topology named = load("""
                hosts:
                  gw: {agent: titan-gw, address: 10.0.1.5}
                defaults: {env: {HOST: 0.0.0.0}}
                services:
                  execution: {script: app.js, port: 3003}
                """);
        Topology local = load("""
                services:
                  execution: {script: app.js, port: 3003}
                """);

        assertThat(named.service("execution").env().get("HOST").display()).isEqualTo("0.0.0.0");
        // Without hosts: as every topology meant before hosts, nothing more in the environment (and no restart).
        assertThat(local.service("execution").env()).containsOnlyKeys("PORT");
    }

    @Test
    void aHostNameOutsideTheRuleSaysTheRule() {
        assertThatThrownBy(() -> load("""
                hosts:
                  hostA: {agent: titan-a, address: 10.0.1.5}
                services:
                  execution: {script: app.js}
                """)).hasMessageContaining("hosts.hostA: 'hostA' is not a valid host name: lower-case letters, digits, "
                + "'.', '_' and '-', starting with a letter or digit (e.g. exchange-gw)");
    }
}
