package dev.squall.models.tokenizer;

import java.io.ByteArrayOutputStream;

/**
 * Turns generated token ids into text as they arrive, holding back the bytes of a UTF-8
 * character split across tokens (an emoji from four byte tokens) until it is complete.
 *
 * <pre>{@code
 * StreamingDecoder stream = new StreamingDecoder(tokenizer);
 * for (int id : generated) System.out.print(stream.next(id));
 * System.out.print(stream.finish());
 * }</pre>
 */
public final class StreamingDecoder {

    private final Tokenizer tokenizer;
    private final ByteArrayOutputStream pending = new ByteArrayOutputStream();

    public StreamingDecoder(Tokenizer tokenizer) {
        this.tokenizer = tokenizer;
    }

    /** The text that token {@code id} completes; empty while a character is still incomplete. */
    public String next(int id) {
        pending.writeBytes(tokenizer.decodePiece(id));
        byte[] bytes = pending.toByteArray();
        int complete = completePrefix(bytes);
        if (complete == 0) {
            return "";
        }
        pending.reset();
        pending.write(bytes, complete, bytes.length - complete);
        return Utf8.decode(bytes, complete);
    }

    /** Whatever is still held back (malformed bytes become U+FFFD). */
    public String finish() {
        byte[] bytes = pending.toByteArray();
        pending.reset();
        return Utf8.decode(bytes, bytes.length);
    }

    /**
     * Length of the longest prefix that does not end inside a UTF-8 sequence that could still be
     * completed by later bytes.
     */
    static int completePrefix(byte[] bytes) {
        int n = bytes.length;
        // look back at most 3 bytes for the lead byte of a trailing sequence
        for (int back = 1; back <= Math.min(4, n); back++) {
            int b = bytes[n - back] & 0xff;
            if ((b & 0xc0) == 0x80) {
                continue; // continuation byte: keep looking for the lead
            }
            int needed = b >= 0xf0 && b <= 0xf4 ? 4 : b >= 0xe0 && b < 0xf0 ? 3 : b >= 0xc2 && b < 0xe0 ? 2 : 1;
            return needed > back ? n - back : n;
        }
        return n;
    }
}
