package io.titan.deploy.validate;

import java.net.URI;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The Redis instance to check.
 *
 * <p>{@code url} is {@code redis://[user:password@]host[:port][/db]} ({@code rediss://} for TLS; port
 * defaults to 6379, db to 0). User info {@code user:password} or {@code :password} carries a password;
 * {@code user} alone names an ACL user whose password comes from the environment. When the URL holds
 * no password, {@value #PASSWORD_ENV} is used if set, so configs need not contain the secret.
 *
 * <p>The URL may hold a password: {@link #toString()} masks it, and so does every message this
 * package produces.
 *
 * @param url       where Redis is
 * @param channel   pub/sub channel for the round trip (subscribe, publish a nonce, receive it)
 * @param setGetDel whether to also SET, GET and DEL a unique short-lived key
 */
public record RedisCheckSpec(URI url, String channel, boolean setGetDel) {

    /** Environment variable that supplies the password when the URL has none. */
    public static final String PASSWORD_ENV = "TITAN_REDIS_PASSWORD";

    static final int DEFAULT_PORT = 6379;

    /** Rejects anything but a {@code redis://} or {@code rediss://} URL with a host, and a blank channel. */
    public RedisCheckSpec {
        Objects.requireNonNull(url, "redis.url is required");
        // Messages below use the masked form: the raw URL may hold the password.
        String scheme = url.getScheme();
        if (!"redis".equalsIgnoreCase(scheme) && !"rediss".equalsIgnoreCase(scheme)) {
            throw new IllegalArgumentException("redis.url must start with redis:// or rediss://, was " + mask(url, false));
        }
        if (url.getHost() == null || url.getHost().isBlank()) {
            throw new IllegalArgumentException("redis.url must name a host, was " + mask(url, false));
        }
        database(url);
        if (channel == null || channel.isBlank()) {
            throw new IllegalArgumentException("redis.channel must not be blank");
        }
    }

    /** Host name or address from the URL. */
    public String host() {
        return url.getHost();
    }

    /** Port from the URL, 6379 when absent. */
    public int port() {
        return url.getPort() == -1 ? DEFAULT_PORT : url.getPort();
    }

    /** Database index from the URL path, 0 when absent. */
    public int database() {
        return database(url);
    }

    /** Whether the URL asks for TLS ({@code rediss://}). */
    public boolean tls() {
        return "rediss".equalsIgnoreCase(url.getScheme());
    }

    /** ACL user name from the URL, if any. */
    public Optional<String> user() {
        String info = url.getUserInfo();
        if (info == null) {
            return Optional.empty();
        }
        int colon = info.indexOf(':');
        String user = colon < 0 ? info : info.substring(0, colon);
        return user.isEmpty() ? Optional.empty() : Optional.of(user);
    }

    /** The password: from the URL if it holds one, else from {@value #PASSWORD_ENV} in {@code env}. */
    Optional<String> password(Map<String, String> env) {
        String info = url.getUserInfo();
        if (info != null && info.indexOf(':') >= 0) {
            String fromUrl = info.substring(info.indexOf(':') + 1);
            if (!fromUrl.isEmpty()) {
                return Optional.of(fromUrl);
            }
        }
        String fromEnv = env.get(PASSWORD_ENV);
        return fromEnv == null || fromEnv.isEmpty() ? Optional.empty() : Optional.of(fromEnv);
    }

    /**
     * The URL for reports: {@code redis://user:****@host:6379/0}; {@code ****} stands wherever a
     * password is used, whether it came from the URL or the environment.
     */
    String maskedTarget(boolean passwordUsed) {
        String userPart = user().orElse("");
        String auth = passwordUsed ? userPart + ":" + Texts.MASK + "@" : userPart.isEmpty() ? "" : userPart + "@";
        return url.getScheme().toLowerCase(java.util.Locale.ROOT) + "://" + auth + host() + ":" + port() + "/" + database();
    }

    /** Masks the password: records print their components, and this one may hold a secret. */
    @Override
    public String toString() {
        return "RedisCheckSpec[url=" + mask(url, true) + ", channel=" + channel + ", setGetDel=" + setGetDel + "]";
    }

    private static String mask(URI url, boolean parsed) {
        String raw = url.getRawUserInfo();
        String text = url.toString();
        if (raw == null) {
            return text;
        }
        int colon = raw.indexOf(':');
        String masked = colon < 0 ? raw : raw.substring(0, colon) + ":" + Texts.MASK;
        return parsed ? text.replace(raw + "@", masked + "@") : text.replace(raw, masked);
    }

    private static int database(URI url) {
        String path = url.getPath();
        if (path == null || path.isEmpty() || path.equals("/")) {
            return 0;
        }
        try {
            int db = Integer.parseInt(path.substring(1));
            if (db >= 0) {
                return db;
            }
        } catch (NumberFormatException e) {
            // reported below with the field name
        }
        throw new IllegalArgumentException("redis.url path must be a database number like /0, was " + path);
    }
}
