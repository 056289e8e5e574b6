package dev.squall.kernels.vector;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.squall.api.types.ByteArray;
import org.junit.jupiter.api.Test;

/** The byte widening that replaces int-to-float conversions in the Q8_0 kernels is exact for every byte. */
class Run8Test {

    @Test
    void everyByteWidensExactly() {
        for (int b = Byte.MIN_VALUE; b <= Byte.MAX_VALUE; b++) {
            assertEquals((float) b, Run8.widen((byte) b), "byte " + b);
        }
    }

    @Test
    void aRunOfBytesReadsEightInOrder() {
        ByteArray a = ByteArray.fromElements((byte) -128, (byte) -1, (byte) 0, (byte) 1, (byte) 127, (byte) 5, (byte) -7,
                (byte) 64, (byte) 9);
        Run8 r = Run8.of(a, 1);
        assertEquals(new Run8(-1f, 0f, 1f, 127f, 5f, -7f, 64f, 9f), r);
    }
}
