package io.titan.deploy.testing;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Builds small topology files of stand-in services for tests. */
public final class TopologyYaml {

    private final Path pm2Home;
    private final List<String> services = new ArrayList<>();
    private String startupTimeout = "8s";
    private String soak = "1s";

    public TopologyYaml(Path pm2Home) {
        this.pm2Home = pm2Home;
    }

    public TopologyYaml startupTimeout(String value) {
        startupTimeout = value;
        return this;
    }

    public TopologyYaml soak(String value) {
        soak = value;
        return this;
    }

    /** A stand-in service on {@code port} that depends on {@code dependsOn}, with extra env. */
    public TopologyYaml service(String name, Path script, int port, List<String> dependsOn, Map<String, String> env) {
        Map<String, String> all = new LinkedHashMap<>();
        all.put("SERVICE_NAME", name);
        all.putAll(env);
        StringBuilder yaml = new StringBuilder()
                .append("  ").append(name).append(":\n")
                .append("    script: ").append(script).append('\n')
                .append("    port: ").append(port).append('\n')
                .append("    memory: 200M\n")
                .append("    health: {http: /health}\n")
                .append("    dependsOn: [").append(String.join(", ", dependsOn)).append("]\n")
                .append("    env:\n");
        all.forEach((k, v) -> yaml.append("      ").append(k).append(": \"").append(v).append("\"\n"));
        services.add(yaml.toString());
        return this;
    }

    public String build() {
        return "pm2:\n  home: " + pm2Home + "\n  logRotation: {enabled: false}\n"
                + "defaults:\n  startupTimeout: " + startupTimeout + "\n  healthTimeout: 1s\n  soak: " + soak + "\n"
                + "services:\n" + String.join("", services);
    }
}
