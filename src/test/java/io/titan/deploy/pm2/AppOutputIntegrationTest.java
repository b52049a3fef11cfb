package io.titan.deploy.pm2;

import static io.titan.deploy.pm2.Pm2TestSupport.freePort;
import static io.titan.deploy.pm2.Pm2TestSupport.standIn;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.titan.deploy.event.OutputLine;
import io.titan.deploy.testing.Integration;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The last lines of an app started under real pm2 7.0.4, as {@link ProcessWatch} keeps them: from
 * the daemon's log events, and, for a watch that heard none of them, from the app's merged,
 * timestamped PM2 log files.
 */
@Integration
class AppOutputIntegrationTest {

    private static final String SECRET = "s3cr3t-tok-5b1f";
    private static final String CUT = "... [cut: 3,000 characters in all]";

    @TempDir
    static Path home;
    private static Pm2Manager pm2;
    private static final List<Long> PIDS = new ArrayList<>();

    @BeforeAll
    static void startDaemon() {
        pm2 = new Pm2Manager(Pm2TestSupport.PM2, home, LogRotation.disabled(), Duration.ofSeconds(30));
        pm2.initialize();
    }

    @AfterEach
    void deleteApps() {
        for (Pm2Process process : pm2.getProcessList()) {
            PIDS.add(process.pid());
            pm2.deleteIfPresent(process.name());
        }
    }

    @AfterAll
    static void killDaemon() {
        long daemon = Pm2Manager.daemonPid(home);
        pm2.kill();
        assertThat(ProcessLiveness.isAlive(daemon)).isFalse();
        assertThat(PIDS).noneMatch(ProcessLiveness::isAlive);
    }

    /** A watch on a source that never says anything: what it shows comes from the log files alone. */
    private static ProcessWatch deaf() {
        return new ProcessWatch(listener -> () -> { }, home);
    }

    private static List<String> texts(List<OutputLine> lines) {
        return lines.stream().map(l -> l.stream().value() + " " + l.text()).toList();
    }

    @Test
    void keepsTheLastLinesOfACrashingAppSecretsMaskedFromTheEventsAndFromTheFilesAlike() throws Exception {
        Pm2App app = standIn("ao-crash", freePort()).autorestart(false).env("TOKEN", SECRET).env("PRINT_VAR", "TOKEN")
                .env("PRINT_LINES", "30").env("CRASH_ON_START", "1").build();
        try (ProcessWatch watch = pm2.watch(); ProcessWatch files = deaf()) {
            watch.keepOutput("ao-crash", 5, Set.of(SECRET));
            files.keepOutput("ao-crash", 5, Set.of(SECRET));
            watch.watch("ao-crash", pm2.start(app));

            assertThat(watch.awaitProblem("ao-crash", Duration.ofSeconds(20))).hasValue("exited with code 1");
            List<OutputLine> events = watch.output("ao-crash");
            await().atMost(Duration.ofSeconds(10)).until(() -> texts(files.output("ao-crash"))
                    .contains("err stand-in ao-crash: CRASH_ON_START=1, exiting"));
            List<OutputLine> fromFiles = files.output("ao-crash");

            for (List<OutputLine> lines : List.of(events, fromFiles)) {
                assertThat(lines).hasSize(5);
                assertThat(texts(lines)).contains("err stand-in ao-crash: CRASH_ON_START=1, exiting",
                        "out stand-in ao-crash: line 30 of 30").doesNotContain("out stand-in ao-crash: line 25 of 30");
                assertThat(lines).allSatisfy(line -> assertThat(line.text()).doesNotContain(SECRET)
                        .doesNotContain("2026-").hasSizeLessThanOrEqualTo(OutputLine.MAX_CHARS));
            }
        }
    }

    @Test
    void showsBinaryAndInvalidUtf8OutputEscapedAndCutsALongLine() throws Exception {
        // NUL, ^A, an ANSI colour, markup, bytes that are not UTF-8, U+FFFE and U+2028, then 3,000 'A's.
        String hex = "00011b5b33316d3c2f7072653e26fffe80efbfbee280a8" + "0a" + "41".repeat(3000) + "0a";
        Pm2App app = standIn("ao-binary", freePort()).autorestart(false).env("PRINT_HEX", hex)
                .env("CRASH_ON_START", "1").build();
        try (ProcessWatch watch = pm2.watch(); ProcessWatch files = deaf()) {
            watch.keepOutput("ao-binary", 10, Set.of());
            files.keepOutput("ao-binary", 10, Set.of());
            watch.watch("ao-binary", pm2.start(app));
            assertThat(watch.awaitProblem("ao-binary", Duration.ofSeconds(20))).isPresent();
            await().atMost(Duration.ofSeconds(10)).until(() -> files.output("ao-binary").size() == 3);

            for (List<OutputLine> lines : List.of(watch.output("ao-binary"), files.output("ao-binary"))) {
                List<String> out = lines.stream().filter(l -> l.stream() == OutputLine.Stream.OUT)
                        .map(OutputLine::text).toList();
                // PM2 decodes the app's bytes as UTF-8 before it publishes or writes them: what is not
                // UTF-8 arrives as U+FFFD.
                assertThat(out).containsExactly("\\x00\\x01\\x1b[31m</pre>&\ufffd\ufffd\ufffd\\ufffe\\u2028",
                        "A".repeat(OutputLine.MAX_CHARS - CUT.length()) + CUT);
            }
        }
    }
}
