package io.titan.deploy.pm2;

import io.titan.deploy.event.OutputLine;
import io.titan.deploy.event.OutputLine.Stream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The last lines one app printed since the engine started it, at most {@code limit}: as the daemon
 * publishes them on its event socket and, for what those events missed (the app crashed, or the
 * daemon died, before they reached the engine), from the app's PM2 log files, which hold the same
 * lines with PM2's timestamp in front. Every line is masked, escaped and cut as it arrives.
 */
final class AppOutput {

    /**
     * How late after PM2 restarted the app a line may still be the ended process's: PM2 may start
     * the new process before it has read the old one's pipes, and a new Node process needs longer
     * than this to print anything (70 ms and more here).
     */
    private static final Duration RESTART_GRACE = Duration.ofMillis(50);

    /** How much of the end of a log file is read for lines the events missed. */
    private static final long MAX_FILE_READ = 1 << 20;

    private final int limit;
    private final List<String> secrets;
    private final Instant since;
    private final Map<Stream, Tail> tails = new EnumMap<>(Stream.class);
    private long received;
    private long lastReceived = System.nanoTime();
    private Instant restartedAt;

    /**
     * @param limit   how many lines to keep; 0 keeps none
     * @param secrets values to mask
     * @param since   when the app was about to start: earlier lines are its predecessor's
     * @param logs    the app's log file per stream, or none to rely on the events alone
     */
    AppOutput(int limit, Collection<String> secrets, Instant since, Map<Stream, Path> logs) {
        this.limit = limit;
        this.secrets = OutputText.secrets(secrets);
        this.since = since.truncatedTo(ChronoUnit.MILLIS);
        for (Stream stream : Stream.values()) {
            Path file = logs.get(stream);
            tails.put(stream, new Tail(stream, file, file == null ? 0 : size(file)));
        }
    }

    /** What the daemon published: {@code data} is one or more lines, the last possibly unfinished. */
    synchronized void received(Stream stream, Instant at, String data) {
        if (limit == 0 || at.isBefore(since) || restartedAt != null && at.isAfter(restartedAt.plus(RESTART_GRACE))) {
            return;
        }
        Tail tail = tails.get(stream);
        lastReceived = System.nanoTime();
        notifyAll();
        int start = 0;
        while (start <= data.length()) {
            int end = data.indexOf('\n', start);
            if (end < 0) {
                tail.pending(data.substring(start), at);
                return;
            }
            tail.pending(data.substring(start, end), at);
            tail.finish(++received, at);
            start = end + 1;
        }
    }

    /**
     * PM2 started the app again at {@code at} after it ended: lines from shortly after that on are
     * the new process's, which would not say why the ended one ended.
     */
    synchronized void restarted(Instant at) {
        if (restartedAt == null) {
            restartedAt = at;
            tails.values().forEach(Tail::endHere);
        }
    }

    /**
     * Waits until nothing more arrived for {@code quiet}, at most {@code max}: PM2 may publish an
     * app's last lines just after its exit (Node reports the exit before it has read all of the
     * app's pipes), and then writes them to no log file.
     */
    synchronized void settle(Duration quiet, Duration max) {
        long deadline = System.nanoTime() + max.toNanos();
        long asked = System.nanoTime();
        try {
            while (true) {
                long quietUntil = Math.max(lastReceived, asked) + quiet.toNanos();
                long wait = Math.min(quietUntil, deadline) - System.nanoTime();
                if (wait <= 0) {
                    return;
                }
                TimeUnit.NANOSECONDS.timedWait(this, wait);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The last lines, oldest first, secrets masked; read from the log files where the events missed some. */
    synchronized List<OutputLine> lines() {
        if (limit == 0) {
            return List.of();
        }
        List<Seen> all = new ArrayList<>();
        long order = received;
        for (Tail tail : tails.values()) {
            List<Seen> events = tail.seen();
            List<OutputLine> file = tail.fromFile();
            Optional<List<OutputLine>> missed = missed(events, file);
            if (missed.isEmpty() && !file.isEmpty() && !newer(events, file)) {
                // The events missed more than can be lined up: the file has the later lines.
                for (OutputLine line : file) {
                    all.add(new Seen(line, ++order));
                }
                continue;
            }
            all.addAll(events);
            Instant last = events.isEmpty() ? since : events.get(events.size() - 1).line.time();
            for (OutputLine line : missed.orElse(List.of())) {
                Instant time = line.time().isBefore(last) ? last : line.time();
                all.add(new Seen(new OutputLine(line.stream(), time, line.text()), ++order));
            }
        }
        all.sort(Comparator.comparing((Seen s) -> s.line.time()).thenComparingLong(s -> s.order));
        return all.subList(Math.max(0, all.size() - limit), all.size()).stream().map(s -> s.line).toList();
    }

    /**
     * The lines at the end of {@code file} that the events did not bring: those after the place
     * where the file's lines end as the events' lines end; all of them when no event came; none
     * when the file ends where the events went on (PM2 writes no log file after an app's exit, but
     * still publishes what it reads then). Empty when the two cannot be lined up.
     */
    private static Optional<List<OutputLine>> missed(List<Seen> events, List<OutputLine> file) {
        if (events.isEmpty()) {
            return Optional.of(file);
        }
        for (int end = file.size(); end > 0; end--) {
            if (endAlike(file, end, events, events.size())) {
                return Optional.of(file.subList(end, file.size()));
            }
        }
        for (int end = events.size() - 1; end > 0; end--) {
            if (endAlike(file, file.size(), events, end)) {
                return Optional.of(List.of());
            }
        }
        return Optional.empty();
    }

    /** Whether {@code file} up to {@code fileEnd} and {@code events} up to {@code eventsEnd} end with the same lines. */
    private static boolean endAlike(List<OutputLine> file, int fileEnd, List<Seen> events, int eventsEnd) {
        int overlap = Math.min(fileEnd, eventsEnd);
        for (int i = 1; i <= overlap; i++) {
            if (!file.get(fileEnd - i).text().equals(events.get(eventsEnd - i).line.text())) {
                return false;
            }
        }
        return overlap > 0;
    }

    /**
     * Whether the events' last line came after the file's (which PM2 stamps to the second): lines
     * published after the exit that PM2 no longer wrote to the file, not lines the events missed.
     */
    private static boolean newer(List<Seen> events, List<OutputLine> file) {
        Instant lastEvent = events.get(events.size() - 1).line.time().truncatedTo(ChronoUnit.SECONDS);
        return lastEvent.isAfter(file.get(file.size() - 1).time());
    }

    private static long size(Path file) {
        try {
            return Files.size(file);
        } catch (IOException e) {
            return 0;
        }
    }

    /** A line and the order it arrived in. */
    record Seen(OutputLine line, long order) {
    }

    /** One stream: the lines its events brought, its unfinished line, its log file. */
    private final class Tail {
        private final Stream stream;
        private final Path file;
        private final long offset;
        private long end = -1;
        private final ArrayDeque<Seen> lines = new ArrayDeque<>();
        private final StringBuilder pending = new StringBuilder();
        private int pendingLength;
        private Instant pendingAt;

        Tail(Stream stream, Path file, long offset) {
            this.stream = stream;
            this.file = file;
            this.offset = offset;
        }

        /** More of the line being written; only its first {@link OutputText#RAW_LIMIT} characters are kept. */
        void pending(String part, Instant at) {
            if (part.isEmpty()) {
                return;
            }
            if (pendingAt == null) {
                pendingAt = at;
            }
            int room = OutputText.RAW_LIMIT - pending.length();
            pending.append(part, 0, Math.max(0, Math.min(room, part.length())));
            pendingLength += part.length();
        }

        /** The line is complete (an empty one too). */
        void finish(long order, Instant at) {
            lines.addLast(new Seen(line(stream, pendingAt == null ? at : pendingAt, pending.toString(),
                    pendingLength), order));
            if (lines.size() > limit) {
                lines.removeFirst();
            }
            pending.setLength(0);
            pendingLength = 0;
            pendingAt = null;
        }

        /** The log file holds this start's lines up to its present end; the rest is a later start's. */
        void endHere() {
            end = file == null ? -1 : size(file);
        }

        /** The lines events brought, and the unfinished one if any. */
        List<Seen> seen() {
            List<Seen> seen = new ArrayList<>(lines);
            if (pendingAt != null && pendingLength > 0) {
                seen.add(new Seen(line(stream, pendingAt, pending.toString(), pendingLength), received + 1));
            }
            return seen;
        }

        /** The last lines written to the log file since the app started (twice the limit, to line them up). */
        List<OutputLine> fromFile() {
            if (file == null) {
                return List.of();
            }
            try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
                long size = end >= 0 ? Math.min(end, channel.size()) : channel.size();
                // A file smaller than when the app started was rotated (pm2-logrotate copies and truncates).
                long start = size < offset ? 0 : offset;
                long from = Math.max(start, size - MAX_FILE_READ);
                ByteBuffer buffer = ByteBuffer.allocate((int) (size - from));
                while (buffer.hasRemaining() && channel.read(buffer, from + buffer.position()) > 0) {
                    // Reads up to the end the file had when asked; what comes later is not waited for.
                }
                return parse(Arrays.copyOf(buffer.array(), buffer.position()), from > start);
            } catch (IOException e) {
                // No file (logs off, or not written yet), or unreadable: what the events brought is all there is.
                return List.of();
            }
        }

        private List<OutputLine> parse(byte[] bytes, boolean startsMidLine) {
            List<int[]> ranges = new ArrayList<>();
            int start = 0;
            for (int i = 0; i < bytes.length; i++) {
                if (bytes[i] == '\n') {
                    ranges.add(new int[] {start, i});
                    start = i + 1;
                }
            }
            if (start < bytes.length) {
                ranges.add(new int[] {start, bytes.length});
            }
            if (startsMidLine && !ranges.isEmpty()) {
                ranges.remove(0);
            }
            List<int[]> kept = ranges.subList(Math.max(0, ranges.size() - 2 * limit), ranges.size());
            List<OutputLine> lines = new ArrayList<>();
            Instant time = since;
            ZoneId zone = ZoneId.systemDefault();
            for (int[] range : kept) {
                String raw = OutputText.decode(bytes, range[0], range[1]);
                time = OutputText.stamp(raw, zone).orElse(time);
                lines.add(line(stream, time, raw, raw.length()));
            }
            return lines;
        }
    }

    /** A raw line as shown: timestamp prefix and a carriage return at the end removed, then made safe. */
    private OutputLine line(Stream stream, Instant at, String raw, int fullLength) {
        String text = raw.endsWith("\r") ? raw.substring(0, raw.length() - 1) : raw;
        String bare = OutputText.withoutStamp(text);
        int length = fullLength - (raw.length() - bare.length());
        return new OutputLine(stream, at, OutputText.show(bare, length, secrets));
    }
}
