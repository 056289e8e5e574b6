package dev.squall.kernels.vector;

import dev.squall.api.types.FloatArray;
import dev.squall.api.types.Half;
import dev.squall.api.types.HalfFloatArray;

/**
 * Eight binary16 values as the four packed pairs a tensor-core operand takes ({@code p0} holds
 * elements 0 and 1, the lower one in the low 16 bits). A record, so kernels keep it in registers.
 */
public record HalfPairs(int p0, int p1, int p2, int p3) {

    /** Eight zeros (a method: kernels read only primitive constants). */
    public static HalfPairs zero() {
        return new HalfPairs(0, 0, 0, 0);
    }

    /** 2^11: the remainder of a float after its nearest binary16 value is below 2^-11 of it. */
    public static final float REST_SCALE = 2048f;

    /** w[at], …, w[at + 7] as stored: one 16-byte load when {@code at} is provably a multiple of 8. */
    public static HalfPairs of(HalfFloatArray w, int at) {
        return new HalfPairs(pair(w.getBits(at), w.getBits(at + 1)), pair(w.getBits(at + 2), w.getBits(at + 3)),
                pair(w.getBits(at + 4), w.getBits(at + 5)), pair(w.getBits(at + 6), w.getBits(at + 7)));
    }

    /** staged[at], …, staged[at + 7] of a local array: one 16-byte access when {@code at} is provably a multiple of 8. */
    public static HalfPairs ofLocal(short[] staged, int at) {
        return new HalfPairs(pair(staged[at], staged[at + 1]), pair(staged[at + 2], staged[at + 3]),
                pair(staged[at + 4], staged[at + 5]), pair(staged[at + 6], staged[at + 7]));
    }

    /** a[at], …, a[at + 3] of a local int array: one 16-byte access when {@code at} is provably a multiple of 4. */
    public static HalfPairs ofLocal(int[] a, int at) {
        return new HalfPairs(a[at], a[at + 1], a[at + 2], a[at + 3]);
    }

    /** Stores the four pairs at a[at], …, a[at + 3] of a local int array. */
    public void storeLocal(int[] a, int at) {
        a[at] = p0;
        a[at + 1] = p1;
        a[at + 2] = p2;
        a[at + 3] = p3;
    }

    /**
     * Value {@code i} of the eight (a compile-time constant, 0…7) widened to fp32, as float bits: a
     * binary16 value is exact in TF32, so the bits are a {@code KernelContext.mma16x8x8Tf32} operand.
     */
    public int tf32Bits(int i) {
        int word = i < 2 ? p0 : i < 4 ? p1 : i < 6 ? p2 : p3;
        short half = (short) ((i & 1) == 0 ? word : word >>> 16);
        return Float.floatToRawIntBits(Half.toFloat(half));
    }

    /** Stores the eight values at w[at], …, w[at + 7]. */
    public void store(HalfFloatArray w, int at) {
        w.setBits(at, (short) p0);
        w.setBits(at + 1, (short) (p0 >>> 16));
        w.setBits(at + 2, (short) p1);
        w.setBits(at + 3, (short) (p1 >>> 16));
        w.setBits(at + 4, (short) p2);
        w.setBits(at + 5, (short) (p2 >>> 16));
        w.setBits(at + 6, (short) p3);
        w.setBits(at + 7, (short) (p3 >>> 16));
    }

    /** w[start + c], …, w[start + c + 7], with zeros for the columns from {@code k} on. */
    public static HalfPairs upTo(HalfFloatArray w, int start, int c, int k) {
        return new HalfPairs(pair(bits(w, start, c, k), bits(w, start, c + 1, k)),
                pair(bits(w, start, c + 2, k), bits(w, start, c + 3, k)),
                pair(bits(w, start, c + 4, k), bits(w, start, c + 5, k)),
                pair(bits(w, start, c + 6, k), bits(w, start, c + 7, k)));
    }

    /** The binary16 values nearest to eight floats. */
    public static HalfPairs high(Run8 x) {
        return new HalfPairs(pair(Half.fromFloat(x.v0()), Half.fromFloat(x.v1())),
                pair(Half.fromFloat(x.v2()), Half.fromFloat(x.v3())),
                pair(Half.fromFloat(x.v4()), Half.fromFloat(x.v5())),
                pair(Half.fromFloat(x.v6()), Half.fromFloat(x.v7())));
    }

    /**
     * What {@link #high} leaves out, times {@link #REST_SCALE} (so it stays a normal binary16 number
     * for activations down to about 1e-4, and is tiny in absolute terms below), rounded to binary16:
     * high + low / REST_SCALE carries about 22 bits of each float within binary16's range.
     */
    public static HalfPairs low(Run8 x) {
        return new HalfPairs(pair(rest(x.v0()), rest(x.v1())), pair(rest(x.v2()), rest(x.v3())),
                pair(rest(x.v4()), rest(x.v5())), pair(rest(x.v6()), rest(x.v7())));
    }

    /** x[start + c], …, x[start + c + 7], with zeros for the columns from {@code k} on. */
    public static Run8 floatsUpTo(FloatArray x, int start, int c, int k) {
        return new Run8(value(x, start, c, k), value(x, start, c + 1, k), value(x, start, c + 2, k),
                value(x, start, c + 3, k), value(x, start, c + 4, k), value(x, start, c + 5, k),
                value(x, start, c + 6, k), value(x, start, c + 7, k));
    }

    private static short rest(float v) {
        return Half.fromFloat((v - Half.toFloat(Half.fromFloat(v))) * REST_SCALE);
    }

    private static short bits(HalfFloatArray w, int start, int c, int k) {
        return c < k ? w.getBits(start + c) : 0;
    }

    private static float value(FloatArray x, int start, int c, int k) {
        return c < k ? x.get(start + c) : 0f;
    }

    private static int pair(short low, short high) {
        return (low & 0xFFFF) | (high << 16);
    }
}
