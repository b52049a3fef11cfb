package io.titan.deploy.pm2;

import io.titan.deploy.event.OutputLine;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The output a {@link ProcessWatch} keeps: one {@link AppOutput} per app it was asked to keep the
 * last lines of. Each guards itself, so lines arrive and settle without the watch's lock, which a
 * wait for output to settle must not hold.
 */
final class KeptOutputs {

    /** How long nothing may arrive for an ended app's output to count as complete. */
    private static final Duration SETTLE_QUIET = Duration.ofMillis(100);
    /** The longest an ended app's output is waited for (ProcessWatch#output says so). */
    private static final Duration SETTLE_MAX = Duration.ofMillis(500);

    private final Map<String, AppOutput> outputs = new ConcurrentHashMap<>();
    private final Path pm2Home;

    /** @param pm2Home where the apps' log files are, for what the events miss; null: events only */
    KeptOutputs(Path pm2Home) {
        this.pm2Home = pm2Home;
    }

    /** See {@link ProcessWatch#keepOutput}. */
    void keep(String name, int lines, Collection<String> secrets) {
        Map<OutputLine.Stream, Path> logs = new EnumMap<>(OutputLine.Stream.class);
        if (pm2Home != null) {
            logs.put(OutputLine.Stream.OUT, AppConfig.logFile(pm2Home, name, OutputLine.Stream.OUT));
            logs.put(OutputLine.Stream.ERR, AppConfig.logFile(pm2Home, name, OutputLine.Stream.ERR));
        }
        outputs.put(name, new AppOutput(lines, secrets, Instant.now(), logs));
    }

    /** What the daemon published for {@code app}; dropped unless its output is kept. */
    void received(String app, OutputLine.Stream stream, Instant at, String data) {
        AppOutput output = outputs.get(app);
        if (output != null) {
            output.received(stream, at, data);
        }
    }

    /** PM2 started {@code app} again at {@code at}, after the watched start ended. */
    void restarted(String app, Instant at) {
        AppOutput output = outputs.get(app);
        if (output != null) {
            output.restarted(at);
        }
    }

    /**
     * The lines kept for {@code name}, empty when none are; when it {@code ended}, after its output
     * settled (see {@link ProcessWatch#output}).
     */
    List<OutputLine> lines(String name, boolean ended) {
        AppOutput output = outputs.get(name);
        if (output == null) {
            return List.of();
        }
        if (ended) {
            output.settle(SETTLE_QUIET, SETTLE_MAX);
        }
        return output.lines();
    }
}
