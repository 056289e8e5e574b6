package dev.squall.api.types;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Random;
import org.junit.jupiter.api.Test;

class QuantizedArraysTest {

    private final Random random = new Random();

    @Test
    void bfloat16RoundsToNearestEven() {
        for (int i = 0; i < 100_000; i++) {
            float f = Float.intBitsToFloat(random.nextInt());
            if (Float.isNaN(f)) {
                assertTrue(Float.isNaN(BFloat16Array.toFloat(BFloat16Array.fromFloat(f))));
                continue;
            }
            float back = BFloat16Array.toFloat(BFloat16Array.fromFloat(f));
            // nearest: no representable bfloat16 is closer (checked against both neighbours in magnitude)
            int magnitude = Float.floatToRawIntBits(Math.abs(back));
            float up = Float.intBitsToFloat(magnitude + 0x10000);
            float down = Float.intBitsToFloat(Math.max(0, magnitude - 0x10000));
            double err = Math.abs((double) Math.abs(back) - Math.abs(f));
            if (!Float.isInfinite(back)) {
                assertEquals(Math.signum(f), Math.signum(back) == 0 ? Math.signum(f) : Math.signum(back));
                assertTrue(err <= Math.abs((double) up - Math.abs(f)) && err <= Math.abs((double) down - Math.abs(f)),
                        "float " + f);
            }
        }
        assertEquals((short) 0x3f80, BFloat16Array.fromFloat(1f));
        assertEquals((short) 0x3f80, BFloat16Array.fromFloat(Float.intBitsToFloat(0x3f808000)), "tie to even (down)");
        assertEquals((short) 0x3f82, BFloat16Array.fromFloat(Float.intBitsToFloat(0x3f818000)), "tie to even (up)");
        BFloat16Array array = BFloat16Array.fromFloats(1.5f, -2f);
        assertEquals(1.5f, array.getFloat(0));
        assertEquals(-2f, array.getFloat(1));
    }

    @Test
    void q8_0QuantisesAndDequantisesPerBlock() {
        float[] values = new float[96];
        for (int i = 0; i < values.length; i++) {
            values[i] = (float) random.nextGaussian() * (1 + i / 32);
        }
        Q8_0Array q = Q8_0Array.quantize(values);
        assertEquals(96, q.getSize());
        assertEquals(3, q.blockCount());
        assertEquals(3 * 34, q.byteSize());
        for (int b = 0; b < 3; b++) {
            float amax = 0;
            for (int j = 0; j < 32; j++) {
                amax = Math.max(amax, Math.abs(values[b * 32 + j]));
            }
            float scale = q.getScale(b);
            assertEquals(Half.toFloat(Half.fromFloat(amax / 127f)), scale);
            for (int j = 0; j < 32; j++) {
                int i = b * 32 + j;
                assertEquals(scale * q.getQuant(i), q.getFloat(i));
                assertTrue(Math.abs(q.getFloat(i) - values[i]) <= scale * 0.51f + amax * 1e-3f, "element " + i);
            }
        }
        assertThrows(IllegalArgumentException.class, () -> new Q8_0Array(33));
        assertThrows(ArrayIndexOutOfBoundsException.class, () -> q.getFloat(96));
    }

    @Test
    void q8_0SplitsIntoQuantsAndScales() {
        float[] values = new float[32 * 37];
        for (int i = 0; i < values.length; i++) {
            values[i] = (float) random.nextGaussian() * (1 + i / 32);
        }
        Q8_0Array q = Q8_0Array.quantize(values);
        ByteArray quants = q.quants();
        HalfFloatArray scales = q.scales();
        assertEquals(values.length, quants.getSize());
        assertEquals(37, scales.getSize());
        for (int i = 0; i < values.length; i++) {
            assertEquals(q.getQuant(i), quants.get(i), "quant " + i);
            assertEquals(q.getFloat(i), scales.getFloat(i / 32) * quants.get(i), "element " + i);
        }
        for (int b = 0; b < 37; b++) {
            assertEquals(q.getScale(b), scales.getFloat(b), "scale " + b);
        }
        q.free();
        assertThrows(IllegalStateException.class, q::quants);
    }

    @Test
    void q4_0MatchesTheGgmlLayout() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment block = arena.allocate(18, 2);
            block.set(ValueLayout.JAVA_SHORT, 0, Half.fromFloat(0.5f));
            for (int j = 0; j < 16; j++) {
                block.set(ValueLayout.JAVA_BYTE, 2 + j, (byte) (j | (15 - j) << 4));
            }
            Q4_0Array q = Q4_0Array.fromSegment(block);
            assertEquals(32, q.getSize());
            for (int j = 0; j < 16; j++) {
                assertEquals(0.5f * (j - 8), q.getFloat(j), "low nibble " + j);
                assertEquals(0.5f * (15 - j - 8), q.getFloat(j + 16), "high nibble " + j);
            }
        }
        float[] values = new float[64];
        for (int i = 0; i < 64; i++) {
            values[i] = (float) random.nextGaussian();
        }
        Q4_0Array q = Q4_0Array.quantize(values);
        for (int i = 0; i < 64; i++) {
            assertTrue(Math.abs(q.getFloat(i) - values[i]) <= Math.abs(q.getScale(i / 32)) * 0.5f + 1e-3f
                    || q.getNibble(i) == 15, "element " + i);
        }
    }

    @Test
    void quantisedViewsCheckTheirBlocks() {
        try (Arena arena = Arena.ofConfined()) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> Q8_0Array.fromSegment(arena.allocate(35, 2)));
            assertTrue(e.getMessage().contains("not a whole number of 34-byte blocks"), e.getMessage());
            assertEquals(64, Q8_0Array.fromSegment(arena.allocate(68, 2)).getSize());
        }
    }
}
