package io.titan.deploy.config;

import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An environment value from a topology file. A value that references the process environment
 * ({@code ${BINANCE_API_KEY}}) is a secret: it is resolved only when a deployment needs it and is
 * shown as {@code ****} everywhere else. {@link #toString()} never reveals a secret.
 */
public final class EnvValue {

    /** What the engine prints instead of a secret. */
    public static final String MASK = "****";

    private static final Pattern REFERENCE = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)}");

    private final String template;

    private EnvValue(String template) {
        this.template = template;
    }

    /**
     * Wraps a value as written in the file.
     *
     * @throws IllegalArgumentException when a {@code ${...}} reference is malformed
     */
    public static EnvValue of(String template) {
        String withoutRefs = REFERENCE.matcher(template).replaceAll("");
        if (withoutRefs.contains("${")) {
            throw new IllegalArgumentException("'" + template.replaceAll("\\$\\{[^}]*}?", "\\${...}")
                    + "' has a malformed ${VAR} reference (expected ${NAME} with letters, digits, _)");
        }
        return new EnvValue(template);
    }

    /** Whether the value comes from the process environment and must never be printed. */
    public boolean secret() {
        return REFERENCE.matcher(template).find();
    }

    /** The value with references replaced from {@code environment}. */
    public String resolve(Map<String, String> environment) {
        Matcher m = REFERENCE.matcher(template);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String value = environment.get(m.group(1));
            if (value == null) {
                throw new UnsetVariableException(m.group(1));
            }
            m.appendReplacement(out, Matcher.quoteReplacement(value));
        }
        m.appendTail(out);
        return out.toString();
    }

    /** The names of the environment variables the value references, in order. */
    public java.util.List<String> variables() {
        return REFERENCE.matcher(template).results().map(m -> m.group(1)).toList();
    }

    /** The value as it may be shown: plain values as written, secrets as {@link #MASK}. */
    public String display() {
        return secret() ? MASK : template;
    }

    /** The value as written in the file, references not resolved; safe to store. */
    public String template() {
        return template;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof EnvValue other && other.template.equals(template);
    }

    @Override
    public int hashCode() {
        return template.hashCode();
    }

    @Override
    public String toString() {
        return display();
    }

    /** A {@code ${VAR}} reference names a variable the process environment does not have. */
    public static final class UnsetVariableException extends IllegalArgumentException {
        private final String variable;

        UnsetVariableException(String variable) {
            super("references ${" + variable + "}, which is not set in the environment");
            this.variable = variable;
        }

        public String variable() {
            return variable;
        }
    }
}
