package io.titan.deploy.config;

import java.net.URI;
import java.time.Duration;
import java.util.List;

/**
 * The {@code validation:} section: what {@code titan-deploy validate} checks beyond the services.
 *
 * @param redis     Redis to check, or null
 * @param exchanges exchange WebSocket streams to check
 * @param timeouts  per-check and overall bounds
 */
public record ValidationSettings(Redis redis, List<Exchange> exchanges, Timeouts timeouts) {

    public ValidationSettings {
        exchanges = List.copyOf(exchanges);
    }

    /**
     * @param url       {@code redis://[user:password@]host:port[/db]} or {@code rediss://...}
     * @param channel   pub/sub channel for the round trip
     * @param setGetDel also SET/GET/DEL a unique key
     */
    public record Redis(URI url, String channel, boolean setGetDel) {
        @Override
        public String toString() {
            return "Redis[url=" + Secrets.maskUri(url) + ", channel=" + channel + "]";
        }
    }

    /**
     * @param name      exchange name
     * @param url       ws:// or wss:// stream URL
     * @param subscribe message sent after connecting, or null
     * @param expect    text the first message must contain, or null
     * @param required  whether a failure fails the validation (else it is a warning)
     */
    public record Exchange(String name, String url, String subscribe, String expect, boolean required) {
    }

    /** Per-check timeouts and the bounds of a full and a quick validation. */
    public record Timeouts(Duration service, Duration redis, Duration websocket, Duration overall, Duration quick) {
        public static Timeouts defaults() {
            return new Timeouts(Duration.ofSeconds(5), Duration.ofSeconds(5), Duration.ofSeconds(10),
                    Duration.ofSeconds(30), Duration.ofSeconds(5));
        }
    }
}
