package dev.squall.kernels.attention;

import dev.squall.api.types.FloatArray;
import dev.squall.api.types.HalfFloatArray;

/**
 * Eight floats a work-item keeps in registers: its eight output dimensions {@code lane + 8·u} of
 * one query row (u = 0..7), scalar-replaced by the JIT.
 */
record Float8(float v0, float v1, float v2, float v3, float v4, float v5, float v6, float v7) {

    static Float8 zero() {
        return new Float8(0f, 0f, 0f, 0f, 0f, 0f, 0f, 0f);
    }

    /** this + p·v, component-wise, as fused multiply-adds. */
    Float8 fma(float p, Float8 v) {
        return new Float8(Math.fma(p, v.v0, v0), Math.fma(p, v.v1, v1), Math.fma(p, v.v2, v2), Math.fma(p, v.v3, v3),
                Math.fma(p, v.v4, v4), Math.fma(p, v.v5, v5), Math.fma(p, v.v6, v6), Math.fma(p, v.v7, v7));
    }

    Float8 scale(float s) {
        return new Float8(v0 * s, v1 * s, v2 * s, v3 * s, v4 * s, v5 * s, v6 * s, v7 * s);
    }

    /** local[base + 8·u] for u = 0..7: one value row's elements at this work-item's dimensions. */
    static Float8 load(float[] local, int base) {
        return new Float8(local[base], local[base + 8], local[base + 16], local[base + 24], local[base + 32],
                local[base + 40], local[base + 48], local[base + 56]);
    }

    /** out[base + first + 8·u] = v_u·s for the dimensions first + 8·u below {@code limit}. */
    void store(FloatArray out, int base, int first, int limit, float s) {
        if (first < limit) {
            out.set(base + first, v0 * s);
        }
        if (first + 8 < limit) {
            out.set(base + first + 8, v1 * s);
        }
        if (first + 16 < limit) {
            out.set(base + first + 16, v2 * s);
        }
        if (first + 24 < limit) {
            out.set(base + first + 24, v3 * s);
        }
        if (first + 32 < limit) {
            out.set(base + first + 32, v4 * s);
        }
        if (first + 40 < limit) {
            out.set(base + first + 40, v5 * s);
        }
        if (first + 48 < limit) {
            out.set(base + first + 48, v6 * s);
        }
        if (first + 56 < limit) {
            out.set(base + first + 56, v7 * s);
        }
    }

    /** As {@link #store(FloatArray, int, int, int, float)}, rounding to fp16. */
    void store(HalfFloatArray out, int base, int first, int limit, float s) {
        if (first < limit) {
            out.setFloat(base + first, v0 * s);
        }
        if (first + 8 < limit) {
            out.setFloat(base + first + 8, v1 * s);
        }
        if (first + 16 < limit) {
            out.setFloat(base + first + 16, v2 * s);
        }
        if (first + 24 < limit) {
            out.setFloat(base + first + 24, v3 * s);
        }
        if (first + 32 < limit) {
            out.setFloat(base + first + 32, v4 * s);
        }
        if (first + 40 < limit) {
            out.setFloat(base + first + 40, v5 * s);
        }
        if (first + 48 < limit) {
            out.setFloat(base + first + 48, v6 * s);
        }
        if (first + 56 < limit) {
            out.setFloat(base + first + 56, v7 * s);
        }
    }
}
