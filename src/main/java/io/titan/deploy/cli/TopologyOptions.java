package io.titan.deploy.cli;

import io.titan.deploy.config.ConfigException;
import io.titan.deploy.config.Topology;
import io.titan.deploy.config.TopologyLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** {@code --config} / {@code --root}: which topology a command works on. */
final class TopologyOptions {

    static final String DEFAULT_FILE = "titan.yaml";

    @Option(names = {"-c", "--config"}, paramLabel = "FILE",
            description = "Topology YAML (default: ./" + DEFAULT_FILE + ", or the bundled Titan topology with --root).")
    Path config;

    @Option(names = "--root", paramLabel = "DIR",
            description = "Service root for the bundled seven-service Titan topology (one folder per service).")
    Path root;

    @Option(names = "--host", paramLabel = "HOST",
            description = "The host to act on (its PM2, state dir and services); may be left out when the topology "
                    + "has one, or no hosts section.")
    String host;

    /** The topology once loaded: a command that looks at it before its session reads the file once. */
    private Topology loaded;

    /** The options as a user would type them again, for hints such as how to stop. */
    String asArguments() {
        return String.join(" ", asArgumentList());
    }

    /** The same choice of topology with absolute paths, so that it means the same from any folder. */
    TopologyOptions absolute() {
        TopologyOptions copy = new TopologyOptions();
        copy.config = config != null ? config.toAbsolutePath()
                : root == null ? Path.of(DEFAULT_FILE).toAbsolutePath() : null;
        copy.root = root == null ? null : root.toAbsolutePath();
        copy.host = host;
        return copy;
    }

    /** The options as arguments of another titan-deploy process. */
    java.util.List<String> asArgumentList() {
        java.util.List<String> args = new java.util.ArrayList<>();
        if (config != null) {
            args.addAll(java.util.List.of("--config", config.toString()));
        } else if (root != null) {
            args.addAll(java.util.List.of("--root", root.toString()));
        }
        if (host != null) {
            args.addAll(java.util.List.of("--host", host));
        }
        return args;
    }

    /** Loads the topology the options name (once); exit 2 when none or both are given. */
    Topology load() {
        if (loaded == null) {
            loaded = read();
        }
        return loaded;
    }

    /**
     * Without {@code --host}, the host the topology runs {@code service} on: a step about one service
     * needs no host named.
     *
     * @throws ConfigException exit 2 naming the services there are, when {@code service} is none of them
     */
    void hostOf(String service) {
        Topology topology = load();
        if (!topology.services().containsKey(service)) {
            throw new ConfigException(service + " is not a service of " + topology.source() + " (services: "
                    + String.join(", ", topology.services().keySet()) + ")");
        }
        if (host == null) {
            host = topology.service(service).host();
        }
    }

    private Topology read() {
        TopologyLoader loader = new TopologyLoader();
        if (config != null && root != null) {
            throw new ConfigException("--config and --root: give one, not both");
        }
        if (config != null) {
            return loader.load(config);
        }
        if (root != null) {
            return loader.loadDefault(root);
        }
        Path local = Path.of(DEFAULT_FILE);
        if (Files.isRegularFile(local)) {
            return loader.load(local);
        }
        throw new ConfigException("no topology: pass --config FILE, or --root DIR for the bundled Titan topology"
                + " (no ./" + DEFAULT_FILE + " here)");
    }
}
