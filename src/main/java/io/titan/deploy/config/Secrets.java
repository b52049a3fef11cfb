package io.titan.deploy.config;

import java.net.URI;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/** Masking of secrets in things the engine prints. */
public final class Secrets {

    private Secrets() {
    }

    /**
     * The values to mask in what a service prints: each secret's resolved value and the value of
     * each variable it references on its own ({@code postgres://u:${DB_PASS}@db} masks the whole URL
     * and the password alone). Values that cannot be resolved are left out.
     *
     * @param secrets     {@code ${VAR}} values as written (plain values among them are ignored)
     * @param environment where they are resolved from
     */
    public static Set<String> values(Collection<EnvValue> secrets, Map<String, String> environment) {
        Set<String> values = new LinkedHashSet<>();
        for (EnvValue secret : secrets) {
            if (!secret.secret()) {
                continue;
            }
            for (String variable : secret.variables()) {
                String value = environment.get(variable);
                if (value != null && !value.isEmpty()) {
                    values.add(value);
                }
            }
            try {
                values.add(secret.resolve(environment));
            } catch (EnvValue.UnsetVariableException e) {
                // Nothing was resolved from it, so nothing of it can be printed.
            }
        }
        values.remove("");
        return values;
    }

    /** {@code redis://user:****@host:6379/0}: the password part of the user info is masked. */
    public static String maskUri(URI uri) {
        if (uri == null) {
            return null;
        }
        String userInfo = uri.getRawUserInfo();
        if (userInfo == null) {
            return uri.toString();
        }
        int colon = userInfo.indexOf(':');
        String masked = colon < 0 ? EnvValue.MASK : userInfo.substring(0, colon + 1) + EnvValue.MASK;
        return uri.toString().replace(userInfo + "@", masked + "@");
    }
}
