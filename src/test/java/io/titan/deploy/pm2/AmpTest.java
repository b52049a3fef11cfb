package io.titan.deploy.pm2;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The amp framing on byte fixtures. The fixtures are written out by hand from the format (a byte
 * {@code 1 << 4 | argc}, then per argument a 4-byte big-endian length and the bytes); the first was
 * checked once against what axon's own {@code amp-message} encodes for the same call.
 */
class AmpTest {

    /** {@code [j:{"type":"call","method":"ping","args":[{}]}, s:t-1]}: a ping as axon's req socket sends it. */
    private static final byte[] PING_CALL = hex(
            "12"
                    + "0000002d" + ascii("j:{\"type\":\"call\",\"method\":\"ping\",\"args\":[{}]}")
                    + "00000005" + ascii("s:t-1"));

    /** {@code [j:{"args":[{"msg":"pong"}]}, s:t-1]}: the daemon's answer to it. */
    private static final byte[] PONG_REPLY = hex(
            "12"
                    + "0000001b" + ascii("j:{\"args\":[{\"msg\":\"pong\"}]}")
                    + "00000005" + ascii("s:t-1"));

    /** {@code [s:, s:x]}: a zero-length argument (an empty string is just its prefix; no prefix is length 0). */
    private static final byte[] EMPTY_FIRST = hex("12" + "00000000" + "00000003" + ascii("s:x"));

    /** Three arguments, the last of length zero: the message ends with the length field. */
    private static final byte[] EMPTY_LAST = hex("13" + "00000003" + ascii("s:a") + "00000002" + ascii("s:")
            + "00000000");

    @Test
    void encodesACallAsTheBytesAxonWrites() {
        byte[] encoded = Amp.encode(List.of(
                Amp.Arg.json("{\"type\":\"call\",\"method\":\"ping\",\"args\":[{}]}"), Amp.Arg.string("t-1")));

        assertThat(encoded).isEqualTo(PING_CALL);
    }

    @Test
    void decodesTheDaemonsReplyIntoItsArguments() {
        List<List<Amp.Arg>> messages = decoder().feed(ByteBuffer.wrap(PONG_REPLY));

        assertThat(messages).hasSize(1);
        List<Amp.Arg> reply = messages.get(0);
        assertThat(reply).hasSize(2);
        assertThat(reply.get(0).isJson()).isTrue();
        assertThat(reply.get(0).text()).isEqualTo("{\"args\":[{\"msg\":\"pong\"}]}");
        assertThat(reply.get(1).isString()).isTrue();
        assertThat(reply.get(1).text()).isEqualTo("t-1");
    }

    @Test
    void encodingWhatWasDecodedGivesBackTheSameBytes() {
        for (byte[] fixture : List.of(PING_CALL, PONG_REPLY, EMPTY_FIRST, EMPTY_LAST)) {
            List<List<Amp.Arg>> messages = decoder().feed(ByteBuffer.wrap(fixture));

            assertThat(messages).hasSize(1);
            assertThat(Amp.encode(messages.get(0))).isEqualTo(fixture);
        }
    }

    @Test
    void decodesAMessageSplitAcrossTwoReadsAtEveryByteBoundary() {
        for (int split = 0; split <= PING_CALL.length; split++) {
            Amp.Decoder decoder = decoder();

            List<List<Amp.Arg>> first = decoder.feed(ByteBuffer.wrap(PING_CALL, 0, split));
            boolean midMessage = decoder.midMessage();
            List<List<Amp.Arg>> second = decoder.feed(ByteBuffer.wrap(PING_CALL, split, PING_CALL.length - split));

            if (split < PING_CALL.length) {
                assertThat(first).as("split at %d", split).isEmpty();
                assertThat(midMessage).as("split at %d", split).isEqualTo(split > 0);
                assertThat(second).as("split at %d", split).hasSize(1);
                assertThat(bytes(second.get(0))).as("split at %d", split).isEqualTo(PING_CALL);
            } else {
                assertThat(first).hasSize(1);
                assertThat(second).isEmpty();
            }
            assertThat(decoder.midMessage()).isFalse();
        }
    }

    @Test
    void decodesAMessageArrivingOneByteAtATime() {
        Amp.Decoder decoder = decoder();
        List<List<Amp.Arg>> messages = new ArrayList<>();

        for (byte b : PONG_REPLY) {
            messages.addAll(decoder.feed(ByteBuffer.wrap(new byte[] {b})));
        }

        assertThat(messages).hasSize(1);
        assertThat(bytes(messages.get(0))).isEqualTo(PONG_REPLY);
    }

    @Test
    void decodesSeveralMessagesFromOneReadInOrder() {
        byte[] three = concat(PONG_REPLY, EMPTY_FIRST, PING_CALL);

        List<List<Amp.Arg>> messages = decoder().feed(ByteBuffer.wrap(three));

        assertThat(messages).hasSize(3);
        assertThat(bytes(messages.get(0))).isEqualTo(PONG_REPLY);
        assertThat(bytes(messages.get(1))).isEqualTo(EMPTY_FIRST);
        assertThat(bytes(messages.get(2))).isEqualTo(PING_CALL);
    }

    @Test
    void keepsTheStartOfTheNextMessageWhenOneReadEndsInIt() {
        byte[] stream = concat(PONG_REPLY, PING_CALL);
        int cut = PONG_REPLY.length + 7;
        Amp.Decoder decoder = decoder();

        List<List<Amp.Arg>> first = decoder.feed(ByteBuffer.wrap(stream, 0, cut));
        List<List<Amp.Arg>> second = decoder.feed(ByteBuffer.wrap(stream, cut, stream.length - cut));

        assertThat(first).hasSize(1);
        assertThat(bytes(first.get(0))).isEqualTo(PONG_REPLY);
        assertThat(second).hasSize(1);
        assertThat(bytes(second.get(0))).isEqualTo(PING_CALL);
    }

    @ParameterizedTest
    @ValueSource(ints = {64 * 1024, 64 * 1024 + 1, 3 * 1024 * 1024 + 17})
    void carriesAnArgumentOfAnySizeFedInReadBufferSizedChunks(int size) {
        byte[] payload = new byte[size];
        for (int i = 0; i < size; i++) {
            payload[i] = (byte) ('a' + i % 26);
        }
        payload[0] = 's';
        payload[1] = ':';
        byte[] message = Amp.encode(List.of(new Amp.Arg(payload), Amp.Arg.string("big")));
        assertThat(Arrays.copyOfRange(message, 0, 5)).isEqualTo(new byte[] {
                0x12, (byte) (size >>> 24), (byte) (size >>> 16), (byte) (size >>> 8), (byte) size});
        Amp.Decoder decoder = decoder();
        List<List<Amp.Arg>> messages = new ArrayList<>();

        // The way DaemonRpc reads: into a 64 KiB buffer, so the argument spans several reads.
        for (int offset = 0; offset < message.length; offset += 64 * 1024) {
            messages.addAll(decoder.feed(ByteBuffer.wrap(message, offset, Math.min(64 * 1024, message.length - offset))));
        }

        assertThat(messages).hasSize(1);
        assertThat(messages.get(0).get(0).bytes()).isEqualTo(payload);
        assertThat(messages.get(0).get(1).text()).isEqualTo("big");
    }

    @Test
    void carriesAZeroLengthArgumentAnywhereInAMessage() {
        List<List<Amp.Arg>> first = decoder().feed(ByteBuffer.wrap(EMPTY_FIRST));
        Amp.Decoder decoder = decoder();
        List<List<Amp.Arg>> last = decoder.feed(ByteBuffer.wrap(EMPTY_LAST));

        assertThat(first).hasSize(1);
        assertThat(first.get(0).get(0).bytes()).isEmpty();
        assertThat(first.get(0).get(0).isString()).isFalse();
        assertThat(first.get(0).get(0).text()).isEmpty();
        assertThat(first.get(0).get(1).text()).isEqualTo("x");
        // Complete at its last length field: no further byte is needed to finish the message.
        assertThat(last).hasSize(1);
        assertThat(decoder.midMessage()).isFalse();
        assertThat(last.get(0)).extracting(Amp.Arg::text).containsExactly("a", "", "");
        assertThat(last.get(0).get(1).isString()).isTrue();
        assertThat(last.get(0).get(2).bytes()).isEmpty();
    }

    @Test
    void refusesABadFirstByteNamingIt() {
        // 0x22: version 2; 0x10: version 1 with no argument; '{': someone speaking JSON.
        for (String first : List.of("22", "10", "7b", "00", "ff")) {
            byte[] stream = hex(first + "00000003" + ascii("s:x"));

            assertThatThrownBy(() -> decoder().feed(ByteBuffer.wrap(stream)))
                    .as("first byte %s", first)
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("not an amp message")
                    .hasMessageContaining("0x" + first.replaceFirst("^0(?=.)", ""));
        }
    }

    @Test
    void refusesABadFirstByteOfALaterMessage() {
        byte[] stream = concat(PONG_REPLY, hex("7b22"));
        Amp.Decoder decoder = decoder();

        assertThatThrownBy(() -> decoder.feed(ByteBuffer.wrap(stream)))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("0x7b");
    }

    @Test
    void refusesALengthAboveTheLimitWithoutAllocatingIt() {
        Amp.Decoder decoder = new Amp.Decoder(1024);

        assertThatThrownBy(() -> decoder.feed(ByteBuffer.wrap(hex("11" + "00000401"))))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("1025 bytes").hasMessageContaining("1024");
        assertThatThrownBy(() -> new Amp.Decoder(1024).feed(ByteBuffer.wrap(hex("11" + "ffffffff"))))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("4294967295 bytes");
    }

    @Test
    void encodesOneToFifteenArgumentsOnly() {
        List<Amp.Arg> fifteen = new ArrayList<>();
        for (int i = 0; i < 15; i++) {
            fifteen.add(Amp.Arg.string(Integer.toString(i)));
        }

        assertThat(Amp.encode(fifteen)[0]).isEqualTo((byte) 0x1f);
        assertThatThrownBy(() -> Amp.encode(List.of())).isInstanceOf(IllegalArgumentException.class);
        List<Amp.Arg> sixteen = new ArrayList<>(fifteen);
        sixteen.add(Amp.Arg.string("15"));
        assertThatThrownBy(() -> Amp.encode(sixteen)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("16");
    }

    @Test
    void textIsUtf8AfterThePrefix() {
        Amp.Arg arg = Amp.Arg.string("zürich €");

        assertThat(Amp.encode(List.of(arg))).isEqualTo(hex("11" + "0000000d" + ascii("s:z") + "c3bc" + ascii("rich ")
                + "e282ac"));
        assertThat(decoder().feed(ByteBuffer.wrap(Amp.encode(List.of(arg)))).get(0).get(0).text())
                .isEqualTo("zürich €");
    }

    private static Amp.Decoder decoder() {
        return new Amp.Decoder(64 << 20);
    }

    private static byte[] bytes(List<Amp.Arg> message) {
        return Amp.encode(message);
    }

    private static String ascii(String text) {
        return HexFormat.of().formatHex(text.getBytes(StandardCharsets.US_ASCII));
    }

    private static byte[] hex(String hex) {
        return HexFormat.of().parseHex(hex);
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }
}
