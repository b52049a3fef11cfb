package io.titan.deploy.pm2;

import static org.assertj.core.api.Assertions.assertThat;

import io.titan.deploy.event.OutputLine;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Masking, escaping and cutting of what a service printed, one line at a time. */
class OutputTextTest {

    private static final String SECRET = "tok-8f1e2d3c4b5a";

    private static String show(String raw, String... secrets) {
        return OutputText.show(raw, raw.length(), OutputText.secrets(List.of(secrets)));
    }

    @Test
    void masksEverySecretTheLongestFirst() {
        List<String> secrets = OutputText.secrets(List.of("abc", "abcdef", "", SECRET));

        assertThat(secrets).containsExactly(SECRET, "abcdef", "abc");
        String raw = "key=abcdef and abc and " + SECRET + SECRET;
        assertThat(OutputText.show(raw, raw.length(), secrets))
                .isEqualTo("key=**** and **** and ********");
    }

    @Test
    void masksASecretOfSeveralLinesLineByLine() {
        String pem = "-----BEGIN KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQ\n-----END KEY-----";

        assertThat(show("MIIEvQIBADANBgkqhkiG9w0BAQ", pem)).isEqualTo("****");
    }

    @Test
    void aLineCutInsideASecretShowsNoPartOfIt() {
        // The secret starts 3 characters before the end of what is looked at, then the line goes on.
        String raw = "x".repeat(OutputText.RAW_LIMIT - 3) + SECRET + "y".repeat(5000);

        String shown = OutputText.show(raw, raw.length(), OutputText.secrets(List.of(SECRET)));

        assertThat(shown).hasSizeLessThanOrEqualTo(OutputLine.MAX_CHARS).doesNotContain("tok")
                .endsWith("... [cut: " + String.format(java.util.Locale.ROOT, "%,d", raw.length()) + " characters in all]");
    }

    @Test
    void aLongLineIsCutAtAThousandCharactersAndSaysHowLongItWas() {
        String raw = "0123456789".repeat(500);

        String shown = show(raw);

        assertThat(shown).hasSize(OutputLine.MAX_CHARS).startsWith("0123456789")
                .endsWith("... [cut: 5,000 characters in all]");
        assertThat(show("y".repeat(OutputLine.MAX_CHARS))).isEqualTo("y".repeat(OutputLine.MAX_CHARS));
    }

    @Test
    void escapesWhatWouldBreakXmlJsonOrTheLineAndKeepsTabsAndOtherScripts() {
        String raw = "a\u0000b\u001b[31mred\u007f\tc\u0085\ud800d\udc00e\ufffe\uffff\u2028\r\u00e9\u4e2d\ud83d\ude80";

        assertThat(show(raw)).isEqualTo("a\\x00b\\x1b[31mred\\x7f\tc\\u0085\\ud800d\\udc00e\\ufffe\\uffff\\u2028\\x0d"
                + "\u00e9\u4e2d\ud83d\ude80");
    }

    @Test
    void cuttingNeverSplitsAnEscapeOrACharacterPair() {
        String rockets = "\ud83d\ude80".repeat(800);
        String controls = "\u0001".repeat(800);

        assertThat(show(rockets)).hasSizeLessThanOrEqualTo(OutputLine.MAX_CHARS)
                .matches("(\ud83d\ude80)+\\.\\.\\. \\[cut: 1,600 characters in all]");
        assertThat(show(controls)).hasSizeLessThanOrEqualTo(OutputLine.MAX_CHARS)
                .matches("(\\\\x01)+\\.\\.\\. \\[cut: 800 characters in all]");
    }

    @Test
    void decodesUtf8AndEscapesEveryByteThatIsNotPartOfIt() {
        byte[] bytes = {'o', 'k', ' ', (byte) 0xc3, (byte) 0xa9, ' ', (byte) 0xff, (byte) 0x80, ' ', (byte) 0xe2,
            (byte) 0x82};

        assertThat(OutputText.decode(bytes, 0, bytes.length)).isEqualTo("ok \u00e9 \\xff\\x80 \\xe2\\x82");
        assertThat(OutputText.decode("caf\u00e9".getBytes(StandardCharsets.UTF_8), 1, 5)).isEqualTo("af\u00e9");
        assertThat(OutputText.decode(new byte[0], 0, 0)).isEmpty();
    }

    @Test
    void readsAndRemovesPm2sTimestamp() {
        String line = "2026-12-07T05:05:45: stand-in api: exiting";

        assertThat(OutputText.withoutStamp(line)).isEqualTo("stand-in api: exiting");
        assertThat(OutputText.stamp(line, ZoneOffset.ofHours(2))).contains(Instant.parse("2026-12-07T03:05:45Z"));
        assertThat(OutputText.withoutStamp("no stamp: 2026-12-07T05:05:45: here")).isEqualTo("no stamp: 2026-12-07T05:05:45: here");
        assertThat(OutputText.stamp("2026-13-45T05:05:45: bad month", ZoneOffset.UTC)).isEmpty();
    }
}
