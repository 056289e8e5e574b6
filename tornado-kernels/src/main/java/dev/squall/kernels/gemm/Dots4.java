package dev.squall.kernels.gemm;

import dev.squall.kernels.vector.Run8;

/**
 * Four running dot products in registers: weight rows 0..3 of a {@link FlatGemmByLanes} work-item,
 * each with the same activation row (a lane group of two weight rows uses r0 and r1).
 */
record Dots4(float r0, float r1, float r2, float r3) {

    static Dots4 zero() {
        return new Dots4(0f, 0f, 0f, 0f);
    }

    /** This plus the dot products of weight runs w0..w3 with the activation run x. */
    Dots4 plus(Run8 w0, Run8 w1, Run8 w2, Run8 w3, Run8 x) {
        return new Dots4(w0.fmaDot(x, r0), w1.fmaDot(x, r1), w2.fmaDot(x, r2), w3.fmaDot(x, r3));
    }

    /** This plus the dot products of weight runs w0, w1 with x in r0, r1 (a lane group of two weight rows). */
    Dots4 plus2(Run8 w0, Run8 w1, Run8 x) {
        return new Dots4(w0.fmaDot(x, r0), w1.fmaDot(x, r1), r2, r3);
    }

    /** This plus one column's products: weights w0..w3 times the activation x. */
    Dots4 plusColumn(float w0, float w1, float w2, float w3, float x) {
        return new Dots4(Math.fma(w0, x, r0), Math.fma(w1, x, r1), Math.fma(w2, x, r2), Math.fma(w3, x, r3));
    }

    /** local[at + i·stride] = r_i for the first {@code weightRows} (2 or 4). */
    void store(float[] local, int at, int stride, int weightRows) {
        local[at] = r0;
        local[at + stride] = r1;
        if (weightRows == 4) {
            local[at + 2 * stride] = r2;
            local[at + 3 * stride] = r3;
        }
    }
}
