package dev.squall.models.tokenizer;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class StreamingDecoderTest {

    private static int complete(int... bytes) {
        byte[] b = new byte[bytes.length];
        for (int i = 0; i < b.length; i++) {
            b[i] = (byte) bytes[i];
        }
        return StreamingDecoder.completePrefix(b);
    }

    @Test
    void holdsBackOnlySequencesThatCanStillComplete() {
        assertEquals(0, complete());
        assertEquals(2, complete('a', 'b'));
        assertEquals(1, complete('a', 0xF0, 0x9F, 0xA6), "three of four bytes of an emoji wait for the fourth");
        assertEquals(5, complete('a', 0xF0, 0x9F, 0xA6, 0x99), "complete");
        assertEquals(0, complete(0xE4, 0xBD), "two of three bytes of a CJK character");
        assertEquals(3, complete(0xE4, 0xBD, 0xA0));
        assertEquals(2, complete(0xC3, 0xA9, 0xC3), "é is complete; the next lead byte waits");
        assertEquals(1, complete(0xFF), "never valid: passed on, to become U+FFFD");
        assertEquals(5, complete(0x80, 0x80, 0x80, 0x80, 0x80), "stray continuation bytes are passed on");
    }

    @Test
    void finishFlushesWhatIsLeft() {
        StreamingDecoder stream = new StreamingDecoder(SentencePieceTokenizerTestAccess.tokenizer());
        assertEquals("", stream.next(243));      // <0xF0>
        assertEquals("\uFFFD", stream.finish(), "an unfinished character at the end becomes U+FFFD");
        assertEquals(" The", stream.next(450));
    }
}
