package io.titan.deploy.event;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Writes each event as one JSON line and flushes it at once, so a Jenkins step or {@code tail -f}
 * sees progress while the deployment runs and a killed process leaves every event it emitted.
 */
public final class NdjsonEventWriter implements Consumer<DeploymentEvent>, AutoCloseable {

    private final BufferedWriter out;
    private final Function<String, String> hostOf;

    /** Writes events as they are. */
    public NdjsonEventWriter(Path file) {
        this(file, service -> null);
    }

    /**
     * Writes events, each about a service with a {@code host} field saying where it runs.
     *
     * @param hostOf the host of a service, or null when unknown
     */
    public NdjsonEventWriter(Path file, Function<String, String> hostOf) {
        this.hostOf = hostOf;
        try {
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            this.out = Files.newBufferedWriter(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write events to " + file, e);
        }
    }

    @Override
    public synchronized void accept(DeploymentEvent event) {
        try {
            ObjectNode json = EventJson.toJson(event);
            String host = event.service() == null ? null : hostOf.apply(event.service());
            if (host != null) {
                json.put("host", host);
            }
            out.write(json.toString());
            out.write('\n');
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write event " + event.type(), e);
        }
    }

    @Override
    public synchronized void close() {
        try {
            out.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
