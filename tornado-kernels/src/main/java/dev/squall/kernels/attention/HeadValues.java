package dev.squall.kernels.attention;

/**
 * A {@link GrowingSplitDecoding} work-item's weighted value sums in its value pass: four dimensions for
 * each of the kv head's query heads 0 … g − 1 (a0 … a7, up to {@link GrowingSplitDecoding#MAX_GROUP});
 * the heads past g stay zero and are never stored. Head h's weights start at h·{@link GrowingSplitDecoding#SPAN}.
 */
record HeadValues(Float4 a0, Float4 a1, Float4 a2, Float4 a3, Float4 a4, Float4 a5, Float4 a6, Float4 a7) {

    private static final int SPAN = GrowingSplitDecoding.SPAN;

    static HeadValues zero() {
        Float4 z = Float4.of(0f);
        return new HeadValues(z, z, z, z, z, z, z, z);
    }

    /** This plus, for each head h below g, Σ_j weights[h·SPAN + p + j·classes]·v_j over four value rows. */
    HeadValues plusRows(float[] weights, int p, int classes, Float4 v0, Float4 v1, Float4 v2, Float4 v3, int g) {
        return new HeadValues(weigh(weights, p, classes, v0, v1, v2, v3, a0),
                g > 1 ? weigh(weights, SPAN + p, classes, v0, v1, v2, v3, a1) : a1,
                g > 2 ? weigh(weights, 2 * SPAN + p, classes, v0, v1, v2, v3, a2) : a2,
                g > 3 ? weigh(weights, 3 * SPAN + p, classes, v0, v1, v2, v3, a3) : a3,
                g > 4 ? weigh(weights, 4 * SPAN + p, classes, v0, v1, v2, v3, a4) : a4,
                g > 5 ? weigh(weights, 5 * SPAN + p, classes, v0, v1, v2, v3, a5) : a5,
                g > 6 ? weigh(weights, 6 * SPAN + p, classes, v0, v1, v2, v3, a6) : a6,
                g > 7 ? weigh(weights, 7 * SPAN + p, classes, v0, v1, v2, v3, a7) : a7);
    }

    /** This plus, for each head h below g, weights[h·SPAN + p]·value (one value row). */
    HeadValues plusRow(float[] weights, int p, Float4 value, int g) {
        return new HeadValues(a0.fma(weights[p], value),
                g > 1 ? a1.fma(weights[SPAN + p], value) : a1,
                g > 2 ? a2.fma(weights[2 * SPAN + p], value) : a2,
                g > 3 ? a3.fma(weights[3 * SPAN + p], value) : a3,
                g > 4 ? a4.fma(weights[4 * SPAN + p], value) : a4,
                g > 5 ? a5.fma(weights[5 * SPAN + p], value) : a5,
                g > 6 ? a6.fma(weights[6 * SPAN + p], value) : a6,
                g > 7 ? a7.fma(weights[7 * SPAN + p], value) : a7);
    }

    /** Head h's sums (h below g) to local[slot + h·headDim …]. */
    void store(float[] local, int slot, int headDim, int g) {
        a0.store(local, slot, 1);
        if (g > 1) {
            a1.store(local, slot + headDim, 1);
        }
        if (g > 2) {
            a2.store(local, slot + 2 * headDim, 1);
        }
        if (g > 3) {
            a3.store(local, slot + 3 * headDim, 1);
        }
        if (g > 4) {
            a4.store(local, slot + 4 * headDim, 1);
        }
        if (g > 5) {
            a5.store(local, slot + 5 * headDim, 1);
        }
        if (g > 6) {
            a6.store(local, slot + 6 * headDim, 1);
        }
        if (g > 7) {
            a7.store(local, slot + 7 * headDim, 1);
        }
    }

    /** acc + Σ_j weights[at + j·classes]·v_j over the four value rows. */
    private static Float4 weigh(float[] weights, int at, int classes, Float4 v0, Float4 v1, Float4 v2, Float4 v3,
                                Float4 acc) {
        return acc.fma(weights[at], v0).fma(weights[at + classes], v1).fma(weights[at + 2 * classes], v2)
                .fma(weights[at + 3 * classes], v3);
    }
}
