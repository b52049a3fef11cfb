package io.titan.deploy.config;

import io.titan.deploy.ExitCodes;
import io.titan.deploy.TitanException;

/** Bad topology input. Nothing has been started when this is thrown; the CLI exits 2. */
public final class ConfigException extends TitanException {

    public ConfigException(String message) {
        super(message, ExitCodes.BAD_INPUT);
    }

    public ConfigException(String message, Throwable cause) {
        super(message, ExitCodes.BAD_INPUT, cause);
    }

    /** {@code titan.yaml: services.titan-brain.port: 70000 is out of range 1..65535}. */
    static ConfigException at(String source, String field, String problem) {
        return new ConfigException(source + ": " + field + ": " + problem);
    }
}
