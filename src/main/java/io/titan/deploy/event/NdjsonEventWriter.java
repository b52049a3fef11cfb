package io.titan.deploy.event;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Consumer;

/**
 * Writes each event as one JSON line and flushes it at once, so a Jenkins step or {@code tail -f}
 * sees progress while the deployment runs and a killed process leaves every event it emitted.
 */
public final class NdjsonEventWriter implements Consumer<DeploymentEvent>, AutoCloseable {

    private final BufferedWriter out;

    public NdjsonEventWriter(Path file) {
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
            out.write(EventJson.toLine(event));
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
