package dev.squall.kernels.attention;

import dev.squall.api.types.FloatArray;
import dev.squall.api.types.HalfFloatArray;

/**
 * Eight floats a work-item keeps in registers: eight output dimensions of one query row, two runs
 * of four, {@code first + i} and {@code first + 32 + i} (i = 0..3); scalar-replaced by the JIT.
 * Runs of four contiguous, 16-byte aligned floats give the assembler the chance of vector loads.
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

    /** local[base + i] and local[base + 32 + i], i = 0..3: one value row at this block's dimensions. */
    static Float8 load(float[] local, int base) {
        return new Float8(local[base], local[base + 1], local[base + 2], local[base + 3], local[base + 32],
                local[base + 33], local[base + 34], local[base + 35]);
    }

    /** out[base + d] = (component)·s for this block's dimensions d = first + i, first + 32 + i below {@code limit}. */
    void store(FloatArray out, int base, int first, int limit, float s) {
        if (first < limit) {
            out.set(base + first, v0 * s);
        }
        if (first + 1 < limit) {
            out.set(base + first + 1, v1 * s);
        }
        if (first + 2 < limit) {
            out.set(base + first + 2, v2 * s);
        }
        if (first + 3 < limit) {
            out.set(base + first + 3, v3 * s);
        }
        if (first + 32 < limit) {
            out.set(base + first + 32, v4 * s);
        }
        if (first + 33 < limit) {
            out.set(base + first + 33, v5 * s);
        }
        if (first + 34 < limit) {
            out.set(base + first + 34, v6 * s);
        }
        if (first + 35 < limit) {
            out.set(base + first + 35, v7 * s);
        }
    }

    /** As {@link #store(FloatArray, int, int, int, float)}, rounding to fp16. */
    void store(HalfFloatArray out, int base, int first, int limit, float s) {
        if (first < limit) {
            out.setFloat(base + first, v0 * s);
        }
        if (first + 1 < limit) {
            out.setFloat(base + first + 1, v1 * s);
        }
        if (first + 2 < limit) {
            out.setFloat(base + first + 2, v2 * s);
        }
        if (first + 3 < limit) {
            out.setFloat(base + first + 3, v3 * s);
        }
        if (first + 32 < limit) {
            out.setFloat(base + first + 32, v4 * s);
        }
        if (first + 33 < limit) {
            out.setFloat(base + first + 33, v5 * s);
        }
        if (first + 34 < limit) {
            out.setFloat(base + first + 34, v6 * s);
        }
        if (first + 35 < limit) {
            out.setFloat(base + first + 35, v7 * s);
        }
    }
}
