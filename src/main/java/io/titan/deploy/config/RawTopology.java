package io.titan.deploy.config;

import java.util.List;
import java.util.Map;

/**
 * The topology file as written, bound by Jackson with unknown fields rejected. {@link TopologyLoader}
 * turns it into a validated {@link Topology}; nothing outside this package sees these types.
 */
record RawTopology(
        Map<String, RawService> services,
        RawPm2 pm2,
        String stateDir,
        RawDefaults defaults,
        RawValidation validation) {

    record RawService(
            String script,
            String cwd,
            List<String> args,
            Integer port,
            List<String> dependsOn,
            String memory,
            Integer instances,
            Map<String, String> env,
            RawHealth health,
            String startupTimeout,
            String healthTimeout,
            String soak) {
    }

    record RawHealth(String http, Boolean tcp, String host) {
    }

    record RawDefaults(
            String memory,
            Integer instances,
            Map<String, String> env,
            String startupTimeout,
            String healthTimeout,
            String soak) {
    }

    record RawPm2(String home, String bin, RawLogRotation logRotation) {
    }

    record RawLogRotation(Boolean enabled, String maxSize, Integer retainDays, Boolean compress) {
    }

    record RawValidation(RawRedis redis, List<RawExchange> exchanges, RawTimeouts timeouts) {
    }

    record RawRedis(String url, String channel, Boolean setGetDel) {
    }

    record RawExchange(String name, String url, String subscribe, String expect, Boolean required) {
    }

    record RawTimeouts(String service, String redis, String websocket, String overall, String quick) {
    }
}
