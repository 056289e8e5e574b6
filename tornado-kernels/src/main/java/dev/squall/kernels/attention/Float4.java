package dev.squall.kernels.attention;

import dev.squall.api.types.FloatArray;
import dev.squall.api.types.HalfFloatArray;

/**
 * Four floats a work-item keeps in registers: one value per query row of its row group (a running
 * max, a running sum) or four keys of one row (scores). The JIT scalar-replaces the record, so
 * it costs nothing; it exists because Java has no private arrays.
 */
record Float4(float x, float y, float z, float w) {

    static Float4 of(float value) {
        return new Float4(value, value, value, value);
    }

    /** this + a·b, component-wise, as fused multiply-adds. */
    Float4 fma(float a, Float4 b) {
        return new Float4(Math.fma(a, b.x, x), Math.fma(a, b.y, y), Math.fma(a, b.z, z), Math.fma(a, b.w, w));
    }

    Float4 max(Float4 o) {
        return new Float4(Math.max(x, o.x), Math.max(y, o.y), Math.max(z, o.z), Math.max(w, o.w));
    }

    Float4 times(Float4 o) {
        return new Float4(x * o.x, y * o.y, z * o.z, w * o.w);
    }

    Float4 plus(Float4 o) {
        return new Float4(x + o.x, y + o.y, z + o.z, w + o.w);
    }

    float maxOfAll() {
        return Math.max(Math.max(x, y), Math.max(z, w));
    }

    float sumOfAll() {
        return (x + y) + (z + w);
    }

    /** local[base], local[base + stride], local[base + 2·stride], local[base + 3·stride]. */
    static Float4 load(float[] local, int base, int stride) {
        return new Float4(local[base], local[base + stride], local[base + 2 * stride], local[base + 3 * stride]);
    }

    /** src[i .. i + 3]. */
    static Float4 load(FloatArray src, int i) {
        return new Float4(src.get(i), src.get(i + 1), src.get(i + 2), src.get(i + 3));
    }

    /** src[i .. i + 3], widened from fp16. */
    static Float4 load(HalfFloatArray src, int i) {
        return new Float4(src.getFloat(i), src.getFloat(i + 1), src.getFloat(i + 2), src.getFloat(i + 3));
    }

    void store(float[] local, int base, int stride) {
        local[base] = x;
        local[base + stride] = y;
        local[base + 2 * stride] = z;
        local[base + 3 * stride] = w;
    }
}
