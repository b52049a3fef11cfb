package io.titan.deploy.report;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What PM2 runs on a target against what its topology declares, as {@code titan-deploy status}
 * sees it. Its JSON ({@code status --json}, {@code --report}) is the {@link #processes()} array.
 *
 * @param topology  the topology file the target was read from, for the reader
 * @param at        when PM2 was asked
 * @param processes PM2's processes (topology services first, in plan order; then the others as PM2
 *                  lists them), with a {@link ProcessReport#missing} row for each topology service
 *                  PM2 does not know
 */
public record StatusReport(String topology, Instant at, List<ProcessReport> processes) {

    /** Validates the components and copies {@code processes}. */
    public StatusReport {
        Objects.requireNonNull(topology, "StatusReport.topology must not be null");
        Objects.requireNonNull(at, "StatusReport.at must not be null");
        processes = List.copyOf(Objects.requireNonNull(processes, "StatusReport.processes must not be null"));
    }

    /** The topology's services, in the order their rows come. */
    public List<String> topologyServices() {
        return processes.stream().filter(ProcessReport::inTopology).map(ProcessReport::name).distinct().toList();
    }

    /**
     * Each topology service that is not up, with why (in {@link #topologyServices()} order). A service
     * is up when PM2 has at least one process of it and every one is online (several in cluster mode).
     */
    public Map<String, String> down() {
        Map<String, String> down = new LinkedHashMap<>();
        for (String name : topologyServices()) {
            List<ProcessReport> rows = processes.stream().filter(p -> p.name().equals(name)).toList();
            List<String> problems = new ArrayList<>();
            for (ProcessReport p : rows) {
                String problem = p.problem(severalHosts());
                if (problem != null && !problems.contains(problem)) {
                    problems.add(problem);
                }
            }
            if (!problems.isEmpty()) {
                down.put(name, String.join(", ", problems));
            }
        }
        return down;
    }

    /** Whether every topology service is up. */
    public boolean success() {
        return down().isEmpty();
    }

    /** Whether the rows come from more than one host's PM2 (a status of every host of a topology). */
    public boolean severalHosts() {
        return processes.stream().map(ProcessReport::host).filter(Objects::nonNull).distinct().count() > 1;
    }
}
