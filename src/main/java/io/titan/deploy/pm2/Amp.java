package io.titan.deploy.pm2;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The message framing PM2's daemon speaks on its sockets (the MIT-licensed {@code amp} format that
 * axon uses): one byte {@code version << 4 | argc}, then for each argument a 4-byte big-endian
 * length and that many bytes. There is no overall frame length, so a reader must walk the
 * arguments to find where a message ends. Arguments that start with {@code s:} are strings,
 * {@code j:} JSON; {@link Arg} tells them apart.
 */
final class Amp {

    /** The protocol version axon writes. */
    static final int VERSION = 1;
    /** argc lives in four bits. */
    static final int MAX_ARGS = 15;

    private Amp() {
    }

    /** One argument of a message, as bytes with its {@code s:}/{@code j:} prefix. */
    record Arg(byte[] bytes) {

        static Arg string(String value) {
            return new Arg(("s:" + value).getBytes(StandardCharsets.UTF_8));
        }

        static Arg json(String json) {
            return new Arg(("j:" + json).getBytes(StandardCharsets.UTF_8));
        }

        boolean isString() {
            return bytes.length >= 2 && bytes[0] == 's' && bytes[1] == ':';
        }

        boolean isJson() {
            return bytes.length >= 2 && bytes[0] == 'j' && bytes[1] == ':';
        }

        /** The text after the prefix (the whole text for a blob). */
        String text() {
            int skip = isString() || isJson() ? 2 : 0;
            return new String(bytes, skip, bytes.length - skip, StandardCharsets.UTF_8);
        }
    }

    /** Encodes one message. */
    static byte[] encode(List<Arg> args) {
        if (args.isEmpty() || args.size() > MAX_ARGS) {
            throw new IllegalArgumentException("an amp message has 1 to " + MAX_ARGS + " arguments, got " + args.size());
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(VERSION << 4 | args.size());
        for (Arg arg : args) {
            int length = arg.bytes().length;
            out.write(length >>> 24);
            out.write(length >>> 16);
            out.write(length >>> 8);
            out.write(length);
            out.writeBytes(arg.bytes());
        }
        return out.toByteArray();
    }

    /**
     * Turns a byte stream into messages, whatever the chunks it arrives in: a message split across
     * reads, several messages in one read, arguments of any size. Not thread-safe: one reader feeds it.
     */
    static final class Decoder {
        private final int maxArgBytes;
        private int argc = -1;
        private final List<Arg> args = new ArrayList<>();
        private final byte[] lengthBytes = new byte[4];
        private int lengthRead;
        private byte[] current;
        private int currentRead;

        /** @param maxArgBytes largest argument accepted; a bigger length means the stream is not amp */
        Decoder(int maxArgBytes) {
            this.maxArgBytes = maxArgBytes;
        }

        /** Consumes everything in {@code in} and returns the messages it completed, in order. */
        List<List<Arg>> feed(ByteBuffer in) {
            List<List<Arg>> messages = new ArrayList<>();
            while (in.hasRemaining()) {
                if (argc < 0) {
                    int meta = in.get() & 0xff;
                    if (meta >> 4 != VERSION || (meta & 0xf) == 0) {
                        throw new IllegalStateException("not an amp message: first byte 0x" + Integer.toHexString(meta));
                    }
                    argc = meta & 0xf;
                    lengthRead = 0;
                    current = null;
                } else if (current == null) {
                    lengthBytes[lengthRead++] = in.get();
                    if (lengthRead == 4) {
                        int length = ByteBuffer.wrap(lengthBytes).getInt();
                        if (length < 0 || length > maxArgBytes) {
                            throw new IllegalStateException("amp argument of " + Integer.toUnsignedString(length)
                                    + " bytes exceeds the limit of " + maxArgBytes);
                        }
                        current = new byte[length];
                        currentRead = 0;
                    }
                } else {
                    int n = Math.min(in.remaining(), current.length - currentRead);
                    in.get(current, currentRead, n);
                    currentRead += n;
                }
                if (current != null && currentRead == current.length) {
                    args.add(new Arg(current));
                    current = null;
                    lengthRead = 0;
                    if (args.size() == argc) {
                        messages.add(List.copyOf(args));
                        args.clear();
                        argc = -1;
                    }
                }
            }
            return messages;
        }

        /** True when part of a message has been read and the rest has not. */
        boolean midMessage() {
            return argc >= 0;
        }
    }
}
