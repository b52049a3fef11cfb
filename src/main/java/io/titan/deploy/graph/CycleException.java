package io.titan.deploy.graph;

import io.titan.deploy.ExitCodes;
import io.titan.deploy.TitanException;
import java.util.List;

/** The dependency graph has a cycle; the message shows it as {@code a -> b -> a}. */
public final class CycleException extends TitanException {

    private final List<String> cycle;

    public CycleException(List<String> cycle) {
        super("dependency cycle: " + String.join(" -> ", cycle), ExitCodes.BAD_INPUT);
        this.cycle = List.copyOf(cycle);
    }

    /** The services on the cycle, the first repeated at the end. */
    public List<String> cycle() {
        return cycle;
    }
}
