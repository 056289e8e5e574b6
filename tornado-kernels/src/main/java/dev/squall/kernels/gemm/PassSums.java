package dev.squall.kernels.gemm;

import dev.squall.api.types.FloatArray;
import dev.squall.kernels.vector.Run8;

/**
 * A {@link FlatGemmByLanes} work-item's sums over one pass: its weight rows times activation rows
 * 0 … rows − 1 (d0 … d7, of which a pass of {@code rows} = 1, 2, 4 or 8 uses the first {@code rows}, each
 * over {@code weightRows} = 2 or 4 weight rows; callers pass both as compile-time constants, so the
 * unused sums fold away).
 */
record PassSums(Dots4 d0, Dots4 d1, Dots4 d2, Dots4 d3, Dots4 d4, Dots4 d5, Dots4 d6, Dots4 d7) {

    static PassSums zero() {
        Dots4 z = Dots4.zero();
        return new PassSums(z, z, z, z, z, z, z, z);
    }

    /** These sums with d0 replaced: a pass of one activation row whose sums were kept as plain floats. */
    PassSums withFirst(Dots4 first) {
        return new PassSums(first, d1, d2, d3, d4, d5, d6, d7);
    }

    /** This plus weight runs w0..w3 (columns c … c + 7) times each activation row's run at c. */
    PassSums plus(Run8 w0, Run8 w1, Run8 w2, Run8 w3, FloatArray x, ActivationRows a, int c, int weightRows, int rows) {
        Dots4 e0 = add(d0, w0, w1, w2, w3, Run8.of(x, a.x0() + c), weightRows);
        if (rows == 1) {
            return new PassSums(e0, d1, d2, d3, d4, d5, d6, d7);
        }
        Dots4 e1 = add(d1, w0, w1, w2, w3, Run8.of(x, a.x1() + c), weightRows);
        if (rows == 2) {
            return new PassSums(e0, e1, d2, d3, d4, d5, d6, d7);
        }
        Dots4 e2 = add(d2, w0, w1, w2, w3, Run8.of(x, a.x2() + c), weightRows);
        Dots4 e3 = add(d3, w0, w1, w2, w3, Run8.of(x, a.x3() + c), weightRows);
        if (rows == 4) {
            return new PassSums(e0, e1, e2, e3, d4, d5, d6, d7);
        }
        return new PassSums(e0, e1, e2, e3, add(d4, w0, w1, w2, w3, Run8.of(x, a.x4() + c), weightRows),
                add(d5, w0, w1, w2, w3, Run8.of(x, a.x5() + c), weightRows),
                add(d6, w0, w1, w2, w3, Run8.of(x, a.x6() + c), weightRows),
                add(d7, w0, w1, w2, w3, Run8.of(x, a.x7() + c), weightRows));
    }

    private static Dots4 add(Dots4 d, Run8 w0, Run8 w1, Run8 w2, Run8 w3, Run8 x, int weightRows) {
        return weightRows == 4 ? d.plus(w0, w1, w2, w3, x) : d.plus2(w0, w1, x);
    }

    /** This plus one column t: weights w0..w3 times each activation row's value there. */
    PassSums plusColumn(float w0, float w1, float w2, float w3, FloatArray x, ActivationRows a, int t, int weightRows,
                        int rows) {
        // two weight rows: rows 2 and 3 get the first two's products and are never stored
        Dots4 e0 = d0.plusColumn(w0, w1, w2, w3, x.get(a.x0() + t));
        if (rows == 1) {
            return new PassSums(e0, d1, d2, d3, d4, d5, d6, d7);
        }
        Dots4 e1 = d1.plusColumn(w0, w1, w2, w3, x.get(a.x1() + t));
        if (rows == 2) {
            return new PassSums(e0, e1, d2, d3, d4, d5, d6, d7);
        }
        Dots4 e2 = d2.plusColumn(w0, w1, w2, w3, x.get(a.x2() + t));
        Dots4 e3 = d3.plusColumn(w0, w1, w2, w3, x.get(a.x3() + t));
        if (rows == 4) {
            return new PassSums(e0, e1, e2, e3, d4, d5, d6, d7);
        }
        return new PassSums(e0, e1, e2, e3, d4.plusColumn(w0, w1, w2, w3, x.get(a.x4() + t)),
                d5.plusColumn(w0, w1, w2, w3, x.get(a.x5() + t)), d6.plusColumn(w0, w1, w2, w3, x.get(a.x6() + t)),
                d7.plusColumn(w0, w1, w2, w3, x.get(a.x7() + t)));
    }

    /**
     * Value v = weightRows·(activation row) + weight row to local[v·stride + at], for the first
     * {@code rows} activation rows.
     */
    void store(float[] local, int at, int stride, int weightRows, int rows) {
        d0.store(local, at, stride, weightRows);
        if (rows >= 2) {
            d1.store(local, weightRows * stride + at, stride, weightRows);
        }
        if (rows >= 4) {
            d2.store(local, 2 * weightRows * stride + at, stride, weightRows);
            d3.store(local, 3 * weightRows * stride + at, stride, weightRows);
        }
        if (rows == 8) {
            d4.store(local, 4 * weightRows * stride + at, stride, weightRows);
            d5.store(local, 5 * weightRows * stride + at, stride, weightRows);
            d6.store(local, 6 * weightRows * stride + at, stride, weightRows);
            d7.store(local, 7 * weightRows * stride + at, stride, weightRows);
        }
    }
}
