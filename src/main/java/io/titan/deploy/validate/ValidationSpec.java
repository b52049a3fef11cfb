package io.titan.deploy.validate;

import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Everything one validation run checks. The config package maps its YAML onto this.
 *
 * @param services  services of the topology, checked by probe or PM2 status
 * @param redis     the Redis to check, if the deployment uses one
 * @param exchanges exchange WebSockets (skipped by the quick check)
 * @param timeouts  per-check timeouts and overall bounds
 */
public record ValidationSpec(
        List<ServiceCheckSpec> services, Optional<RedisCheckSpec> redis,
        List<ExchangeCheckSpec> exchanges, ValidationTimeouts timeouts) {

    /** Name of the Redis check in results. */
    public static final String REDIS_CHECK_NAME = "redis";

    /** Copies the lists; rejects missing fields and duplicate check names (results are keyed by name). */
    public ValidationSpec {
        services = List.copyOf(Objects.requireNonNull(services, "services is required"));
        Objects.requireNonNull(redis, "redis is required (use Optional.empty())");
        exchanges = List.copyOf(Objects.requireNonNull(exchanges, "exchanges is required"));
        Objects.requireNonNull(timeouts, "timeouts is required");
        Set<String> names = new HashSet<>();
        for (ServiceCheckSpec s : services) {
            if (!names.add(s.name())) {
                throw new IllegalArgumentException("services: duplicate name " + s.name());
            }
        }
        if (redis.isPresent() && !names.add(REDIS_CHECK_NAME)) {
            throw new IllegalArgumentException("services: name " + REDIS_CHECK_NAME + " is reserved for the Redis check");
        }
        for (ExchangeCheckSpec e : exchanges) {
            if (!names.add(e.name())) {
                throw new IllegalArgumentException("exchanges: name " + e.name() + " is already used by another check");
            }
        }
    }
}
