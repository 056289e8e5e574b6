package dev.squall.models.tokenizer;

/**
 * GPT-2's reversible map from bytes to printable characters, used by byte-level BPE so that every
 * token is a printable string: the bytes '!'..'~', '¡'..'¬' and '®'..'ÿ' stand for themselves;
 * the other 68 bytes, in increasing order, take the characters U+0100, U+0101, … (so the space,
 * byte 0x20, is 'Ġ' U+0120 and the newline 'Ċ' U+010A).
 */
public final class ByteUnicode {

    private static final char[] BYTE_TO_CHAR = new char[256];
    private static final int[] CHAR_TO_BYTE = new int[512];

    static {
        java.util.Arrays.fill(CHAR_TO_BYTE, -1);
        int extra = 0;
        for (int b = 0; b < 256; b++) {
            boolean printable = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
            char c = printable ? (char) b : (char) (256 + extra++);
            BYTE_TO_CHAR[b] = c;
            CHAR_TO_BYTE[c] = b;
        }
    }

    private ByteUnicode() {
    }

    /** The character standing for byte {@code b} (0..255). */
    public static char toChar(int b) {
        return BYTE_TO_CHAR[b & 0xff];
    }

    /** The byte character {@code c} stands for, or -1 when it stands for none. */
    public static int toByte(char c) {
        return c < CHAR_TO_BYTE.length ? CHAR_TO_BYTE[c] : -1;
    }

    /** Each byte as its character: the form byte-level BPE vocabularies store. */
    public static String encode(byte[] bytes) {
        char[] chars = new char[bytes.length];
        for (int i = 0; i < bytes.length; i++) {
            chars[i] = BYTE_TO_CHAR[bytes[i] & 0xff];
        }
        return new String(chars);
    }
}
