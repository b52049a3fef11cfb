package io.titan.deploy.pm2;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * PM2's processes and the definitions they run, from one process list: two views of the same
 * moment, never of two moments.
 *
 * @param processes   one entry per process, modules left out
 * @param definitions each app's definition, by name
 */
public record Pm2Snapshot(List<Pm2Process> processes, Map<String, Pm2AppDefinition> definitions) {

    public Pm2Snapshot {
        processes = List.copyOf(processes);
        definitions = Map.copyOf(definitions);
    }

    /** What a target without a PM2 daemon runs: nothing. */
    public static Pm2Snapshot empty() {
        return new Pm2Snapshot(List.of(), Map.of());
    }

    /** Every app's definition as it runs, secrets in clear, by name. */
    public Map<String, Pm2App> apps() {
        Map<String, Pm2App> apps = new java.util.TreeMap<>();
        definitions.forEach((name, definition) -> apps.put(name, definition.app()));
        return apps;
    }

    /** The (first) process of an app. */
    public Optional<Pm2Process> process(String name) {
        return processes.stream().filter(p -> p.name().equals(name)).findFirst();
    }
}
