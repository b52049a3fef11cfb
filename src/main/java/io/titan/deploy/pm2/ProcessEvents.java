package io.titan.deploy.pm2;

import io.titan.deploy.event.OutputLine;
import java.time.Instant;

/**
 * A source of PM2 process events and app output, such as the daemon's {@code pub.sock} ({@link DaemonBus}); a
 * test of scheduling logic can feed a {@link ProcessWatch} from a fake one.
 */
public interface ProcessEvents {

    /** Told of process events and of the source closing (the daemon went away). */
    interface Listener {
        /** A process event, in the daemon's order. */
        void event(ProcessEvent event);

        /**
         * Something an app printed: one or more lines, as the daemon publishes them (each with PM2's
         * timestamp in front; the last one possibly unfinished).
         *
         * @param at when the daemon received it
         */
        default void output(String app, OutputLine.Stream stream, Instant at, String data) {
        }

        /** The source closed; no event follows. */
        void closed(String why);

        /**
         * The daemon announced that it is shutting down ({@code pm2 kill}, {@code pm2 update}, or a
         * SIGTERM/SIGINT/SIGQUIT such as a host shutdown): it stops its apps and exits, and starts
         * none again. {@code closed} follows when it has gone.
         *
         * @param why the daemon's own words, e.g. "pm2 has been killed via CLI"
         */
        default void stopping(String why) {
        }
    }

    /**
     * Adds a listener; when the source is already closed the listener hears that at once.
     *
     * @return removes the listener again
     */
    AutoCloseable listen(Listener listener);
}
