package dev.squall.api.types;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class HalfTest {

    @Test
    void widensEveryHalfExactlyLikeTheJdk() {
        for (int bits = 0; bits < 1 << 16; bits++) {
            short h = (short) bits;
            float expected = Float.float16ToFloat(h);
            float actual = Half.toFloat(h);
            assertEquals(Float.floatToRawIntBits(expected), Float.floatToRawIntBits(actual),
                    () -> "half 0x" + Integer.toHexString(h & 0xffff));
        }
    }

    @Test
    void everyHalfRoundTripsThroughFloat() {
        for (int bits = 0; bits < 1 << 16; bits++) {
            short h = (short) bits;
            float f = Half.toFloat(h);
            if (Float.isNaN(f)) {
                short back = Half.fromFloat(f);
                assertTrue(isHalfNaN(back) && (back & 0x8000) == (h & 0x8000), "NaN keeps being a NaN of its sign");
            } else {
                assertEquals(h, Half.fromFloat(f), () -> "half 0x" + Integer.toHexString(h & 0xffff));
            }
        }
    }

    @Test
    void roundsTiesAndNeighboursOfEveryMidpointLikeTheJdk() {
        // Between each pair of adjacent finite halves lies the float midpoint; it and its float
        // neighbours exercise every rounding decision (ties to even, carries, subnormals, overflow).
        for (int bits = 0; bits < 0x7c00; bits++) {
            float low = Half.toFloat((short) bits);
            float high = bits == 0x7bff ? 65536f : Half.toFloat((short) (bits + 1));
            float mid = (float) (((double) low + high) / 2);
            for (float f : new float[] {mid, Math.nextDown(mid), Math.nextUp(mid), low, high}) {
                for (float signed : new float[] {f, -f}) {
                    assertEquals(Float.floatToFloat16(signed), Half.fromFloat(signed), () -> "float " + signed);
                }
            }
        }
    }

    @Test
    void narrowsEveryFloatLikeTheJdk() {
        // All 2^32 floats, split over the cores. NaN payloads are not portable (the JDK's compiled
        // intrinsic and its Java code fold them differently), so a NaN need only stay a NaN of its sign.
        long mismatches = IntStream.rangeClosed(0, 0xffff).parallel().mapToLong(high -> {
            long bad = 0;
            for (int low = 0; low < 1 << 16; low++) {
                float f = Float.intBitsToFloat(high << 16 | low);
                short actual = Half.fromFloat(f);
                if (Float.isNaN(f)) {
                    bad += isHalfNaN(actual) && ((actual & 0x8000) != 0) == (high >= 0x8000) ? 0 : 1;
                } else {
                    bad += actual == Float.floatToFloat16(f) ? 0 : 1;
                }
            }
            return bad;
        }).sum();
        assertEquals(0, mismatches);
    }

    @Test
    void knownValues() {
        assertEquals((short) 0x3c00, Half.fromFloat(1f));
        assertEquals((short) 0x7bff, Half.fromFloat(65504f));
        assertEquals((short) 0x7c00, Half.fromFloat(65520f), "the tie above the largest half goes to infinity");
        assertEquals((short) 0x7bff, Half.fromFloat(Math.nextDown(65520f)));
        assertEquals((short) 0x0001, Half.fromFloat(0x1p-24f));
        assertEquals((short) 0x0000, Half.fromFloat(0x1p-25f), "the tie at half the smallest subnormal goes to zero");
        assertEquals((short) 0x0001, Half.fromFloat(Math.nextUp(0x1p-25f)));
        assertEquals((short) 0x8000, Half.fromFloat(-0f));
        assertEquals(0x1p-14f, Half.toFloat((short) 0x0400));
    }

    private static boolean isHalfNaN(short h) {
        return (h & 0x7c00) == 0x7c00 && (h & 0x3ff) != 0;
    }
}
