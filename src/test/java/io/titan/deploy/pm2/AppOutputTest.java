package io.titan.deploy.pm2;

import static org.assertj.core.api.Assertions.assertThat;

import io.titan.deploy.event.OutputLine;
import io.titan.deploy.event.OutputLine.Stream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The lines kept of one app: from the daemon's log events (as pm2 7.0.4 publishes them, each line
 * with its timestamp in front), bounded, and from its log files for what the events missed.
 */
class AppOutputTest {

    private static final Instant START = Instant.parse("2026-12-07T05:05:40Z");
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss");

    @TempDir
    Path dir;

    /** What PM2 writes and publishes for {@code text} printed at {@code at}. */
    private static String stamped(Instant at, String text) {
        return STAMP.format(LocalDateTime.ofInstant(at, ZoneId.systemDefault())) + ": " + text + "\n";
    }

    private static Instant at(long millis) {
        return START.plusMillis(millis);
    }

    private static List<String> texts(List<OutputLine> lines) {
        return lines.stream().map(l -> l.stream().value() + " " + l.text()).toList();
    }

    private AppOutput withoutFiles(int limit, String... secrets) {
        return new AppOutput(limit, List.of(secrets), START, Map.of());
    }

    @Test
    void keepsTheLastLinesOfBothStreamsInTheOrderTheyCameWithoutTimestamps() {
        AppOutput output = withoutFiles(3);
        output.received(Stream.OUT, at(1), stamped(at(1), "one") + stamped(at(1), "two"));
        output.received(Stream.ERR, at(2), stamped(at(2), "three"));
        output.received(Stream.OUT, at(3), stamped(at(3), "four"));

        List<OutputLine> lines = output.lines();

        assertThat(texts(lines)).containsExactly("out two", "err three", "out four");
        assertThat(lines.get(1).time()).isEqualTo(at(2));
    }

    @Test
    void joinsALineWrittenInPiecesAndShowsAnUnfinishedOne() {
        AppOutput output = withoutFiles(5);
        output.received(Stream.OUT, at(1), "2026-12-07T05:05:41: part ");
        output.received(Stream.OUT, at(2), "one\n2026-12-07T05:05:41: unfinished");

        assertThat(texts(output.lines())).containsExactly("out part one", "out unfinished");
    }

    @Test
    void ignoresWhatCameBeforeTheStartAndKeepsNothingWithALimitOfZero() {
        AppOutput output = withoutFiles(5);
        output.received(Stream.OUT, START.minusMillis(1), "predecessor: SIGINT, shutting down\n");
        output.received(Stream.OUT, START, "first\n");
        AppOutput none = withoutFiles(0);
        none.received(Stream.ERR, at(1), "anything\n");

        assertThat(texts(output.lines())).containsExactly("out first");
        assertThat(none.lines()).isEmpty();
    }

    @Test
    void masksSecretsAndBoundsEveryLine() {
        AppOutput output = withoutFiles(2, "s3cr3t");
        output.received(Stream.ERR, at(1), "cannot connect with s3cr3t\n" + "z".repeat(20_000) + "\n");

        List<OutputLine> lines = output.lines();

        assertThat(lines.get(0).text()).isEqualTo("cannot connect with ****");
        assertThat(lines.get(1).text()).hasSize(OutputLine.MAX_CHARS).endsWith("[cut: 20,000 characters in all]");
    }

    @Test
    void takesFromTheLogFileTheLinesTheEventsMissedAfterTheOnesTheyBrought() throws IOException {
        Path out = dir.resolve("api-out.log");
        Path err = dir.resolve("api-error.log");
        Files.writeString(err, stamped(START.minusSeconds(60), "a line of an earlier start"));
        AppOutput output = new AppOutput(10, List.of("s3cr3t"), START, Map.of(Stream.OUT, out, Stream.ERR, err));
        // The daemon wrote four lines; the crash came before the last two reached the engine.
        append(err, stamped(at(100), "connecting") + stamped(at(200), "retrying")
                + stamped(at(1300), "giving up on s3cr3t") + stamped(at(1300), "exit 1"));
        output.received(Stream.ERR, at(100), stamped(at(100), "connecting"));
        output.received(Stream.ERR, at(200), stamped(at(200), "retrying"));

        List<OutputLine> lines = output.lines();

        assertThat(texts(lines)).containsExactly("err connecting", "err retrying", "err giving up on ****", "err exit 1");
        assertThat(lines.get(2).time()).isEqualTo(START.plusSeconds(1));
    }

    @Test
    void takesNothingTwiceWhenTheEventsBroughtEverythingAndEverythingFromTheFileWhenTheyBroughtNothing()
            throws IOException {
        Path out = dir.resolve("api-out.log");
        AppOutput complete = new AppOutput(10, List.of(), START, Map.of(Stream.OUT, out));
        AppOutput blind = new AppOutput(10, List.of(), START, Map.of(Stream.OUT, out));
        append(out, stamped(at(1), "same") + stamped(at(2), "same") + stamped(at(3), "last"));
        complete.received(Stream.OUT, at(1), stamped(at(1), "same") + stamped(at(2), "same") + stamped(at(3), "last"));

        assertThat(texts(complete.lines())).containsExactly("out same", "out same", "out last");
        assertThat(texts(blind.lines())).containsExactly("out same", "out same", "out last");
    }

    @Test
    void keepsWhatTheEventsBroughtAfterTheExitThoughTheFileLacksIt() throws IOException {
        Path err = dir.resolve("api-error.log");
        AppOutput output = new AppOutput(10, List.of(), START, Map.of(Stream.ERR, err));
        // PM2 read the last line after the exit: it published it, but wrote no log file any more.
        append(err, stamped(at(100), "cannot connect"));
        output.received(Stream.ERR, at(100), stamped(at(100), "cannot connect"));
        output.received(Stream.ERR, at(140), stamped(at(140), "exiting"));

        List<OutputLine> lines = output.lines();

        assertThat(texts(lines)).containsExactly("err cannot connect", "err exiting");
        assertThat(lines.get(1).time()).isEqualTo(at(140));
    }

    @Test
    void takesNoLineOfTheLogFileThatTheRestartedProcessWrote() throws IOException {
        Path out = dir.resolve("api-out.log");
        AppOutput output = new AppOutput(10, List.of(), START, Map.of(Stream.OUT, out));
        append(out, stamped(at(10), "first start: starting"));
        output.restarted(at(50));
        append(out, stamped(at(150), "second start: starting"));

        assertThat(texts(output.lines())).containsExactly("out first start: starting");
    }

    @Test
    void readsARotatedFileFromItsStartAndEscapesBytesThatAreNotUtf8() throws IOException {
        Path out = dir.resolve("api-out.log");
        Files.writeString(out, "x".repeat(10_000));
        AppOutput output = new AppOutput(10, List.of(), START, Map.of(Stream.OUT, out));
        // pm2-logrotate copied the file away and truncated it; the app wrote on.
        Files.write(out, (stamped(at(5), "binary: ") .replace("\n", "")).getBytes(StandardCharsets.UTF_8));
        append(out, new byte[] {(byte) 0xff, 0x00, 0x1b, '<', '&', '\n'});

        assertThat(texts(output.lines())).containsExactly("out binary: \\xff\\x00\\x1b<&");
    }

    @Test
    void aBoundOfNLinesHoldsForEventsAndFilesTogether() throws IOException {
        Path out = dir.resolve("api-out.log");
        AppOutput output = new AppOutput(3, List.of(), START, Map.of(Stream.OUT, out));
        StringBuilder all = new StringBuilder();
        for (int i = 1; i <= 50; i++) {
            all.append(stamped(at(i), "line " + i));
            if (i <= 40) {
                output.received(Stream.OUT, at(i), stamped(at(i), "line " + i));
            }
        }
        append(out, all.toString());

        assertThat(texts(output.lines())).containsExactly("out line 48", "out line 49", "out line 50");
    }

    @Test
    void whenPm2RestartsTheAppThatEndedTheNewProcesssLinesAreNotKeptButTheEndedOnesLastLinesAre() {
        List<ProcessEvents.Listener> listeners = new java.util.ArrayList<>();
        ProcessWatch watch = new ProcessWatch(listener -> {
            listeners.add(listener);
            return () -> { };
        });
        ProcessEvents.Listener daemon = listeners.get(0);
        watch.keepOutput("api", 10, List.of());
        watch.watch("api", List.of(new Pm2Process("api", 0, 4321, Pm2Status.ONLINE, 0, 0, null, 0, 0, null,
                dir.resolve("api.js"), dir, "u-1")));

        Instant exit = Instant.now();
        daemon.output("api", Stream.ERR, exit, "first start: dying\n");
        daemon.event(new ProcessEvent("exit", "api", 0, "u-1", Pm2Status.ERRORED, 0, 1, false, exit));
        daemon.event(new ProcessEvent("online", "api", 0, "u-1", Pm2Status.ONLINE, 1, null, false, exit.plusMillis(2)));
        // PM2 read the ended process's pipe after it had started the new one.
        daemon.output("api", Stream.OUT, exit.plusMillis(4), "first start: read after its restart\n");
        daemon.output("api", Stream.OUT, exit.plusMillis(90), "second start: starting\n");

        assertThat(texts(watch.output("api"))).containsExactly("err first start: dying",
                "out first start: read after its restart");
    }

    private static void append(Path file, String text) throws IOException {
        append(file, text.getBytes(StandardCharsets.UTF_8));
    }

    private static void append(Path file, byte[] bytes) throws IOException {
        Files.write(file, bytes, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }
}
