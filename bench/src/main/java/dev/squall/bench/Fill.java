package dev.squall.bench;

import dev.squall.api.types.FloatArray;
import dev.squall.api.types.HalfFloatArray;
import dev.squall.api.types.NativeArray;
import java.lang.foreign.MemorySegment;
import java.util.Random;

/**
 * Random benchmark inputs, fast enough for gigabytes: a random block of a million elements
 * repeated over the array (the values do not change the timing; the spot checks compare against
 * whatever the array holds).
 */
final class Fill {

    private static final int BLOCK = 1 << 20;

    private Fill() {
    }

    static FloatArray floats(int n, long seed) {
        FloatArray a = new FloatArray(n);
        Random r = new Random(seed);
        for (int i = 0; i < Math.min(n, BLOCK); i++) {
            a.set(i, r.nextFloat() * 2 - 1);
        }
        repeat(a, Math.min(n, BLOCK) * 4L);
        return a;
    }

    static HalfFloatArray halves(long n, long seed) {
        HalfFloatArray a = new HalfFloatArray(Math.toIntExact(n));
        Random r = new Random(seed);
        for (int i = 0; i < Math.min(n, BLOCK); i++) {
            a.setFloat(i, r.nextFloat() * 2 - 1);
        }
        repeat(a, Math.min(n, BLOCK) * 2L);
        return a;
    }

    static HalfFloatArray halves(FloatArray source) {
        HalfFloatArray a = new HalfFloatArray(source.getSize());
        for (int i = 0; i < source.getSize(); i++) {
            a.setFloat(i, source.get(i));
        }
        return a;
    }

    /** Doubles the filled prefix until the array is full. */
    private static void repeat(NativeArray a, long filled) {
        MemorySegment s = a.segment();
        long total = a.byteSize();
        while (filled < total) {
            long n = Math.min(filled, total - filled);
            MemorySegment.copy(s, 0, s, filled, n);
            filled += n;
        }
    }
}
