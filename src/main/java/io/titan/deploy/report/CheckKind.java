package io.titan.deploy.report;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Arrays;
import java.util.stream.Collectors;

/** What a validation check talks to. Written to JSON as {@link #value()}. */
public enum CheckKind {
    /** An HTTP health endpoint. */
    HTTP("http"),
    /** A TCP port that must accept connections. */
    TCP("tcp"),
    /** A PM2 process that must be online without recent restarts. */
    PM2("pm2"),
    /** Redis: PING and a pub/sub round trip. */
    REDIS("redis"),
    /** An exchange WebSocket that must deliver a first data message. */
    WEBSOCKET("websocket");

    private final String value;

    CheckKind(String value) {
        this.value = value;
    }

    /** The JSON spelling, e.g. {@code websocket}. */
    @JsonValue
    public String value() {
        return value;
    }

    /**
     * Parses the JSON spelling.
     *
     * @throws IllegalArgumentException naming the allowed values when {@code value} is none of them
     */
    @JsonCreator
    public static CheckKind of(String value) {
        for (CheckKind kind : values()) {
            if (kind.value.equals(value)) {
                return kind;
            }
        }
        throw new IllegalArgumentException("unknown check kind '" + value + "', expected one of "
                + Arrays.stream(values()).map(CheckKind::value).collect(Collectors.joining(", ")));
    }

    @Override
    public String toString() {
        return value;
    }
}
