package dev.squall.kernels.gemm;

import dev.squall.kernels.vector.Run8;

/**
 * Sixteen running dot products in registers: weight rows 0..3 (first digit) times activation rows
 * 0..3 (second digit), as one work-item of {@link FlatGemmByLanes} accumulates them.
 */
record Products4x4(float p00, float p01, float p02, float p03, float p10, float p11, float p12, float p13,
                   float p20, float p21, float p22, float p23, float p30, float p31, float p32, float p33) {

    static Products4x4 zero() {
        return new Products4x4(0f, 0f, 0f, 0f, 0f, 0f, 0f, 0f, 0f, 0f, 0f, 0f, 0f, 0f, 0f, 0f);
    }

    /** This plus the dot products of weight runs w0..w3 with activation runs x0..x3. */
    Products4x4 add(Run8 w0, Run8 w1, Run8 w2, Run8 w3, Run8 x0, Run8 x1, Run8 x2, Run8 x3) {
        return new Products4x4(p00 + w0.dot(x0), p01 + w0.dot(x1), p02 + w0.dot(x2), p03 + w0.dot(x3),
                p10 + w1.dot(x0), p11 + w1.dot(x1), p12 + w1.dot(x2), p13 + w1.dot(x3),
                p20 + w2.dot(x0), p21 + w2.dot(x1), p22 + w2.dot(x2), p23 + w2.dot(x3),
                p30 + w3.dot(x0), p31 + w3.dot(x1), p32 + w3.dot(x2), p33 + w3.dot(x3));
    }

    /** This plus one column's products: weights w0..w3 times activations x0..x3. */
    Products4x4 addColumn(float w0, float w1, float w2, float w3, float x0, float x1, float x2, float x3) {
        return new Products4x4(Math.fma(w0, x0, p00), Math.fma(w0, x1, p01), Math.fma(w0, x2, p02), Math.fma(w0, x3, p03),
                Math.fma(w1, x0, p10), Math.fma(w1, x1, p11), Math.fma(w1, x2, p12), Math.fma(w1, x3, p13),
                Math.fma(w2, x0, p20), Math.fma(w2, x1, p21), Math.fma(w2, x2, p22), Math.fma(w2, x3, p23),
                Math.fma(w3, x0, p30), Math.fma(w3, x1, p31), Math.fma(w3, x2, p32), Math.fma(w3, x3, p33));
    }

    /** local[(4·i + j)·stride + at] = p_ij: value v = 4·weight row + activation row. */
    void store(float[] local, int at, int stride) {
        local[at] = p00;
        local[stride + at] = p01;
        local[2 * stride + at] = p02;
        local[3 * stride + at] = p03;
        local[4 * stride + at] = p10;
        local[5 * stride + at] = p11;
        local[6 * stride + at] = p12;
        local[7 * stride + at] = p13;
        local[8 * stride + at] = p20;
        local[9 * stride + at] = p21;
        local[10 * stride + at] = p22;
        local[11 * stride + at] = p23;
        local[12 * stride + at] = p30;
        local[13 * stride + at] = p31;
        local[14 * stride + at] = p32;
        local[15 * stride + at] = p33;
    }
}
