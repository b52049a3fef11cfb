package io.titan.deploy.validate;

import io.titan.deploy.health.Durations;
import io.titan.deploy.health.Aborts;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import redis.clients.jedis.ClientSetInfoConfig;
import redis.clients.jedis.Connection;
import redis.clients.jedis.ConnectionPoolConfig;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.JedisPubSub;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.SslOptions;
import redis.clients.jedis.exceptions.JedisAccessControlException;
import redis.clients.jedis.params.SetParams;

/**
 * The Redis check: connect, AUTH, PING; then (full mode) a pub/sub round trip and an optional
 * SET/GET/DEL. Every step shares one deadline, the Redis timeout. The password is passed to Jedis
 * only through its client config (never as a URL) and scrubbed from every message as well, in case
 * an exception echoes it.
 */
final class RedisCheck {

    private final RedisCheckSpec spec;
    private final Optional<String> password;
    private final Duration timeout;
    private final boolean pingOnly;
    private final List<String> secrets;

    private RedisCheck(RedisCheckSpec spec, Optional<String> password, Duration timeout, boolean pingOnly) {
        this.spec = spec;
        this.password = password;
        this.timeout = timeout;
        this.pingOnly = pingOnly;
        this.secrets = password.map(List::of).orElse(List.of());
    }

    /** Plans the check; {@code pingOnly} is quick mode (no pub/sub, no SET/GET/DEL). */
    static PlannedCheck plan(RedisCheckSpec spec, Map<String, String> env, Duration timeout, boolean pingOnly) {
        Optional<String> password = spec.password(env);
        RedisCheck check = new RedisCheck(spec, password, timeout, pingOnly);
        return new PlannedCheck(ValidationSpec.REDIS_CHECK_NAME, CheckResult.Kind.REDIS,
                spec.maskedTarget(password.isPresent()), true, timeout, check::run);
    }


    private PlannedCheck.Outcome run(Aborts aborts) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        String phase = "connect/AUTH/PING";
        try (RedisClient client = newClient()) {
            aborts.register(client);
            String pong = client.ping();
            if (pingOnly) {
                return PlannedCheck.Outcome.passed("PING answered " + pong);
            }
            phase = "pub/sub round trip";
            long started = System.nanoTime();
            PlannedCheck.Outcome pubSub = pubSubRoundTrip(client, deadline, aborts);
            if (pubSub != null) {
                return pubSub;
            }
            String summary = "PING answered " + pong + ", pub/sub round trip on '" + spec.channel() + "' took "
                    + Durations.format(Duration.ofNanos(System.nanoTime() - started));
            if (spec.setGetDel()) {
                phase = "SET/GET/DEL";
                PlannedCheck.Outcome kv = setGetDel(client);
                if (kv != null) {
                    return kv;
                }
                summary += ", SET/GET/DEL ok";
            }
            return PlannedCheck.Outcome.passed(summary);
        } catch (RuntimeException e) {
            if (aborts.aborted()) {
                return PlannedCheck.Outcome.failed("aborted during " + phase);
            }
            return PlannedCheck.Outcome.failed(classify(e, phase));
        }
    }

    private RedisClient newClient() {
        int millis = (int) Math.max(1, Math.min(Integer.MAX_VALUE, timeout.toMillis()));
        DefaultJedisClientConfig.Builder config = DefaultJedisClientConfig.builder()
                .connectionTimeoutMillis(millis)
                .socketTimeoutMillis(millis)
                // Jedis 8 otherwise negotiates with HELLO 3 and, when that gets no answer, tries again:
                // twice the timeout against a hung server. Plain AUTH + RESP2 also works with proxies
                // and servers that lack HELLO, and pub/sub needs nothing from RESP3.
                .autoNegotiateProtocol(false)
                .database(spec.database())
                // One round trip fewer per connection, and no library banner in CLIENT LIST.
                .clientSetInfoConfig(ClientSetInfoConfig.DISABLED);
        if (spec.tls()) {
            // Jedis' defaults: JDK trust store and host name verification.
            config.sslOptions(SslOptions.defaults());
        }
        spec.user().ifPresent(config::user);
        password.ifPresent(config::password);
        ConnectionPoolConfig pool = new ConnectionPoolConfig();
        // Two connections (subscriber + commands) and one spare; no evictor thread or JMX bean for a
        // client that lives a few seconds.
        pool.setMaxTotal(3);
        pool.setMaxIdle(3);
        pool.setMinIdle(0);
        pool.setJmxEnabled(false);
        pool.setTestWhileIdle(false);
        pool.setTimeBetweenEvictionRuns(Duration.ofMillis(-1));
        pool.setMaxWait(timeout);
        return RedisClient.builder()
                .hostAndPort(spec.host(), spec.port())
                .clientConfig(config.build())
                .poolConfig(pool)
                .build();
    }

    /** Subscribes on one connection, publishes a nonce on another; null when the nonce came back. */
    private PlannedCheck.Outcome pubSubRoundTrip(RedisClient client, long deadline, Aborts aborts)
            throws InterruptedException {
        String nonce = "titan-validate-" + UUID.randomUUID();
        CountDownLatch subscribed = new CountDownLatch(1);
        CountDownLatch received = new CountDownLatch(1);
        AtomicReference<RuntimeException> subscriberFailure = new AtomicReference<>();
        JedisPubSub subscriber = new JedisPubSub() {
            @Override
            public void onSubscribe(String channel, int subscribedChannels) {
                subscribed.countDown();
            }

            @Override
            public void onMessage(String channel, String message) {
                if (nonce.equals(message)) {
                    received.countDown();
                    unsubscribe();
                }
            }
        };
        Connection connection = client.getPool().getResource();
        aborts.register(connection::disconnect);
        // SUBSCRIBE blocks its connection with no socket timeout, so it gets its own thread and
        // this thread keeps the deadline; disconnecting the socket is what ends it early.
        Thread thread = new Thread(() -> {
            try {
                subscriber.proceed(connection, spec.channel());
            } catch (RuntimeException e) {
                subscriberFailure.set(e);
            } finally {
                subscribed.countDown();
                received.countDown();
            }
        }, "titan-validate-redis-subscriber");
        thread.setDaemon(true);
        thread.start();
        boolean roundTrip = false;
        try {
            if (!subscribed.await(remaining(deadline), TimeUnit.NANOSECONDS)) {
                return PlannedCheck.Outcome.failed("timed out after " + Durations.format(timeout)
                        + " waiting for SUBSCRIBE " + spec.channel() + " to be confirmed");
            }
            if (subscriberFailure.get() != null) {
                return PlannedCheck.Outcome.failed(classify(subscriberFailure.get(), "SUBSCRIBE"));
            }
            long receivers = client.publish(spec.channel(), nonce);
            if (!received.await(remaining(deadline), TimeUnit.NANOSECONDS) || subscriberFailure.get() != null) {
                String why = subscriberFailure.get() == null
                        ? "it did not arrive within " + Durations.format(timeout)
                        : "the subscriber connection failed first (" + Texts.describe(subscriberFailure.get(), secrets) + ")";
                return PlannedCheck.Outcome.failed("pub/sub round trip missing: published a nonce on channel '"
                        + spec.channel() + "' (Redis counted " + receivers + " subscribers) but " + why);
            }
            roundTrip = true;
            return null;
        } finally {
            if (roundTrip) {
                // UNSUBSCRIBE was sent by the listener; let the subscriber read the confirmation.
                thread.join(Math.max(1, Math.min(1000, TimeUnit.NANOSECONDS.toMillis(remaining(deadline)))));
            }
            if (thread.isAlive()) {
                connection.disconnect();
            }
            closeQuietly(connection);
        }
    }

    private PlannedCheck.Outcome setGetDel(RedisClient client) {
        String key = "titan:validate:" + UUID.randomUUID();
        String value = UUID.randomUUID().toString();
        // A short expiry so a check cut off between SET and DEL leaves nothing behind for long.
        long expiryMillis = Math.max(1000, 2 * timeout.toMillis());
        client.set(key, value, SetParams.setParams().px(expiryMillis));
        String read = client.get(key);
        long deleted = client.del(key);
        if (!value.equals(read)) {
            return PlannedCheck.Outcome.failed("SET/GET/DEL: GET returned " + (read == null ? "nil" : "another value")
                    + ", expected the value just SET");
        }
        if (deleted != 1) {
            return PlannedCheck.Outcome.failed("SET/GET/DEL: DEL removed " + deleted + " keys, expected 1");
        }
        return null;
    }

    /** Distinct messages for the failures an operator acts on differently. */
    private String classify(Throwable failure, String phase) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            String message = String.valueOf(t.getMessage());
            if (t instanceof JedisAccessControlException || message.startsWith("WRONGPASS")
                    || message.startsWith("NOAUTH") || message.startsWith("ERR invalid password")) {
                // Redis words these differently across versions; what the operator needs is whether
                // a password was sent at all.
                return password.isEmpty()
                        ? "authentication failed: Redis requires a password and none is configured (URL or "
                                + RedisCheckSpec.PASSWORD_ENV + ")"
                        : "authentication failed: Redis rejected the credentials for "
                                + spec.user().orElse("the default user");
            }
            if (t instanceof ConnectException) {
                return message.contains("refused")
                        ? "connection refused by " + spec.host() + ":" + spec.port()
                        : "cannot connect to " + spec.host() + ":" + spec.port() + ": " + Texts.describe(t, secrets);
            }
            if (t instanceof SocketTimeoutException) {
                return "timeout: no answer within " + Durations.format(timeout) + " during " + phase;
            }
            if (t instanceof UnknownHostException) {
                return "unknown host " + spec.host();
            }
            for (Throwable suppressed : t.getSuppressed()) {
                if (suppressed instanceof ConnectException || suppressed instanceof SocketTimeoutException) {
                    return classify(suppressed, phase);
                }
            }
        }
        return "Redis failed during " + phase + ": " + Texts.describe(failure, secrets);
    }

    private static long remaining(long deadline) {
        return Math.max(0, deadline - System.nanoTime());
    }

    private static void closeQuietly(Connection connection) {
        try {
            connection.close();
        } catch (RuntimeException e) {
            // The connection is broken or the pool is closing; either way it is done with.
        }
    }
}
