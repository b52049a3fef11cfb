package io.titan.deploy.graph;

import io.titan.deploy.ExitCodes;
import io.titan.deploy.TitanException;

/** A service depends on a name that is not in the topology. */
public final class UnknownDependencyException extends TitanException {

    public UnknownDependencyException(String service, String dependency) {
        super(service + " depends on " + dependency + ", which is not a service in this topology",
                ExitCodes.BAD_INPUT);
    }
}
