package io.titan.deploy.config;

import java.net.URI;

/** Masking of secrets in things the engine prints. */
public final class Secrets {

    private Secrets() {
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
