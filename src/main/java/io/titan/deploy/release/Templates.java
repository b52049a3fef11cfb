package io.titan.deploy.release;

import io.titan.deploy.config.EnvValue;
import java.util.Map;

/** Resolves stored {@code ${VAR}} templates, with messages that name what needed them. */
final class Templates {

    private Templates() {
    }

    static String resolve(String template, Map<String, String> environment, String what) {
        try {
            return EnvValue.of(template).resolve(environment);
        } catch (EnvValue.UnsetVariableException e) {
            throw new IllegalStateException(what + " " + e.getMessage(), e);
        }
    }
}
