package io.titan.deploy.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import java.util.List;
import java.util.Map;

/**
 * The topology file as written, bound by Jackson with unknown fields rejected. Plain classes,
 * not records: Jackson binds records through a creator that buffers properties, and then reports
 * an unknown field at the end of its mapping instead of on its own line. {@link TopologyLoader}
 * turns it into a validated {@link Topology}; nothing outside this package sees these types.
 */
final class RawTopology {
    public Map<String, RawService> services;
    public RawPm2 pm2;
    public String stateDir;
    public RawDefaults defaults;
    public RawValidation validation;
    public Map<String, RawHost> hosts;

    Map<String, RawService> services() {
        return services;
    }

    RawPm2 pm2() {
        return pm2;
    }

    String stateDir() {
        return stateDir;
    }

    RawDefaults defaults() {
        return defaults;
    }

    RawValidation validation() {
        return validation;
    }

    static final class RawHost {
        public String agent;
        public String address;
        public RawPm2 pm2;
        public String stateDir;
    }

    static final class RawService {
        public String script;
        public String cwd;
        public List<String> args;
        public Integer port;
        public List<RawDependency> dependsOn;
        public String memory;
        public Integer instances;
        public Map<String, String> env;
        public RawHealth health;
        public String startupTimeout;
        public String healthTimeout;
        public String soak;
        public List<String> code;
        public List<String> ignore;
        public String host;
        public Integer logLines;
        public Boolean cluster;
        public Boolean readyMessage;
        public String killTimeout;
        public String maxDowntime;

        String script() {
            return script;
        }

        String cwd() {
            return cwd;
        }

        List<String> args() {
            return args;
        }

        Integer port() {
            return port;
        }

        List<RawDependency> dependsOn() {
            return dependsOn;
        }

        String memory() {
            return memory;
        }

        Integer instances() {
            return instances;
        }

        Map<String, String> env() {
            return env;
        }

        RawHealth health() {
            return health;
        }

        String startupTimeout() {
            return startupTimeout;
        }

        String healthTimeout() {
            return healthTimeout;
        }

        String soak() {
            return soak;
        }
    }

    static final class RawHealth {
        public String http;
        public Boolean tcp;
        public String host;

        String http() {
            return http;
        }

        Boolean tcp() {
            return tcp;
        }

        String host() {
            return host;
        }
    }

    static final class RawDefaults {
        public String memory;
        public Integer instances;
        public Map<String, String> env;
        public String startupTimeout;
        public String healthTimeout;
        public String soak;
        public Integer logLines;
        public Boolean cluster;
        public Boolean readyMessage;
        public String killTimeout;
        public String maxDowntime;

        String memory() {
            return memory;
        }

        Integer instances() {
            return instances;
        }

        Map<String, String> env() {
            return env;
        }

        String startupTimeout() {
            return startupTimeout;
        }

        String healthTimeout() {
            return healthTimeout;
        }

        String soak() {
            return soak;
        }
    }

    static final class RawPm2 {
        public String home;
        public String bin;
        public RawLogRotation logRotation;

        String home() {
            return home;
        }

        String bin() {
            return bin;
        }

        RawLogRotation logRotation() {
            return logRotation;
        }
    }

    static final class RawLogRotation {
        public Boolean enabled;
        public String maxSize;
        public Integer retainDays;
        public Boolean compress;

        Boolean enabled() {
            return enabled;
        }

        String maxSize() {
            return maxSize;
        }

        Integer retainDays() {
            return retainDays;
        }

        Boolean compress() {
            return compress;
        }
    }

    static final class RawValidation {
        public RawRedis redis;
        public List<RawExchange> exchanges;
        public RawTimeouts timeouts;

        RawRedis redis() {
            return redis;
        }

        List<RawExchange> exchanges() {
            return exchanges;
        }

        RawTimeouts timeouts() {
            return timeouts;
        }
    }

    static final class RawRedis {
        public String url;
        public String channel;
        public Boolean setGetDel;

        String url() {
            return url;
        }

        String channel() {
            return channel;
        }

        Boolean setGetDel() {
            return setGetDel;
        }
    }

    static final class RawExchange {
        public String name;
        public String url;
        public String subscribe;
        public String expect;
        public Boolean required;

        String name() {
            return name;
        }

        String url() {
            return url;
        }

        String subscribe() {
            return subscribe;
        }

        String expect() {
            return expect;
        }

        Boolean required() {
            return required;
        }
    }

    static final class RawTimeouts {
        public String service;
        public String redis;
        public String websocket;
        public String overall;
        public String quick;

        String service() {
            return service;
        }

        String redis() {
            return redis;
        }

        String websocket() {
            return websocket;
        }

        String overall() {
            return overall;
        }

        String quick() {
            return quick;
        }
    }

    /**
     * One {@code dependsOn} entry: a service name, or {@code {service: name, restartWith: true}} to
     * restart this service whenever that dependency changes (compose's {@code depends_on.restart}).
     */
    static final class RawDependency {
        public String service;
        public Boolean restartWith;

        RawDependency() {
        }

        @JsonCreator
        static RawDependency of(String service) {
            RawDependency d = new RawDependency();
            d.service = service;
            return d;
        }
    }
}
