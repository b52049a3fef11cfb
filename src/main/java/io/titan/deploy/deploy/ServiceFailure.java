package io.titan.deploy.deploy;

import io.titan.deploy.ExitCodes;
import io.titan.deploy.TitanException;

/** One service could not be deployed; the message starts with its name and says why. */
public final class ServiceFailure extends TitanException {

    public ServiceFailure(String message) {
        super(message, ExitCodes.FAILED);
    }
}
