package dev.squall.kernels.vector;

import dev.squall.api.types.BFloat16Array;
import dev.squall.api.types.ByteArray;
import dev.squall.api.types.FloatArray;
import dev.squall.api.types.Half;
import dev.squall.api.types.HalfFloatArray;

/**
 * Eight consecutive elements of an array, widened to float and kept in registers (the JIT
 * replaces the record by its components). Reading a row in runs of eight is how a kernel gets
 * wide memory accesses: the compiler combines the eight loads into one 16-byte access for halves
 * (two for floats) when it can prove {@code at} a multiple of 8, e.g. {@code row * cols + 8 * lane}
 * with {@code cols} a multiple of 8 (see {@code LoadCombining}); otherwise they stay eight loads.
 */
public record Run8(float v0, float v1, float v2, float v3, float v4, float v5, float v6, float v7) {

    /** Eight zeros (a method: kernels read only primitive constants). */
    public static Run8 zero() {
        return new Run8(0f, 0f, 0f, 0f, 0f, 0f, 0f, 0f);
    }

    /** a[at], …, a[at + 7]. */
    public static Run8 of(FloatArray a, int at) {
        return new Run8(a.get(at), a.get(at + 1), a.get(at + 2), a.get(at + 3), a.get(at + 4), a.get(at + 5),
                a.get(at + 6), a.get(at + 7));
    }

    /** a[at], …, a[at + 7] of a local (or private) float array. */
    public static Run8 of(float[] a, int at) {
        return new Run8(a[at], a[at + 1], a[at + 2], a[at + 3], a[at + 4], a[at + 5], a[at + 6], a[at + 7]);
    }

    /** a[at], …, a[at + 7], widened from binary16. */
    public static Run8 of(HalfFloatArray a, int at) {
        return new Run8(a.getFloat(at), a.getFloat(at + 1), a.getFloat(at + 2), a.getFloat(at + 3), a.getFloat(at + 4),
                a.getFloat(at + 5), a.getFloat(at + 6), a.getFloat(at + 7));
    }

    /** a[at], …, a[at + 7] of a local array of binary16 bits (as {@code KernelContext.copyAsync} fills one), widened. */
    public static Run8 ofHalves(short[] a, int at) {
        return new Run8(Half.toFloat(a[at]), Half.toFloat(a[at + 1]), Half.toFloat(a[at + 2]), Half.toFloat(a[at + 3]),
                Half.toFloat(a[at + 4]), Half.toFloat(a[at + 5]), Half.toFloat(a[at + 6]), Half.toFloat(a[at + 7]));
    }

    /** a[at], …, a[at + 7], signed bytes widened (Q8_0 quants split from their scales). */
    public static Run8 of(ByteArray a, int at) {
        return new Run8(a.get(at), a.get(at + 1), a.get(at + 2), a.get(at + 3), a.get(at + 4), a.get(at + 5),
                a.get(at + 6), a.get(at + 7));
    }

    /** a[at], …, a[at + 7], widened from bfloat16. */
    public static Run8 of(BFloat16Array a, int at) {
        return new Run8(a.getFloat(at), a.getFloat(at + 1), a.getFloat(at + 2), a.getFloat(at + 3), a.getFloat(at + 4),
                a.getFloat(at + 5), a.getFloat(at + 6), a.getFloat(at + 7));
    }

    /** The element-wise sum. */
    public Run8 plus(Run8 o) {
        return new Run8(v0 + o.v0, v1 + o.v1, v2 + o.v2, v3 + o.v3, v4 + o.v4, v5 + o.v5, v6 + o.v6, v7 + o.v7);
    }

    /** Every element times {@code s}. */
    public Run8 times(float s) {
        return new Run8(v0 * s, v1 * s, v2 * s, v3 * s, v4 * s, v5 * s, v6 * s, v7 * s);
    }

    /**
     * s + Σ vᵢ·oᵢ as one chain of eight fused multiply-adds: for a work-item that keeps many
     * independent sums, where a chain's length costs nothing and the two adds of {@link #dot} would.
     */
    public float fmaDot(Run8 o, float s) {
        return Math.fma(v7, o.v7, Math.fma(v6, o.v6, Math.fma(v5, o.v5, Math.fma(v4, o.v4,
                Math.fma(v3, o.v3, Math.fma(v2, o.v2, Math.fma(v1, o.v1, Math.fma(v0, o.v0, s))))))));
    }

    /** Σ vᵢ·oᵢ as two independent chains of four fused multiply-adds (shorter dependency chains). */
    public float dot(Run8 o) {
        float even = Math.fma(v6, o.v6, Math.fma(v4, o.v4, Math.fma(v2, o.v2, v0 * o.v0)));
        float odd = Math.fma(v7, o.v7, Math.fma(v5, o.v5, Math.fma(v3, o.v3, v1 * o.v1)));
        return even + odd;
    }
}
