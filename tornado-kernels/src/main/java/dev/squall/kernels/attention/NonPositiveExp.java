package dev.squall.kernels.attention;

/**
 * e^x for x ≤ 0, branch-free and in float only: the online softmax only ever exponentiates
 * s − max ≤ 0 (or −∞), so the overflow and NaN paths of a general exp are dead weight, and on PTX
 * the general {@code KernelMath.exp} expands to branches and float64 rounding. Within about 2 ulp.
 */
final class NonPositiveExp {

    private static final float LOG2_E = 1.44269504f;
    /** ln 2 split so that k·LN2_HIGH is exact for |k| < 2^11. */
    private static final float LN2_HIGH = 0.693145751953125f;
    private static final float LN2_LOW = 1.42860677e-06f;
    /** Below this e^x is under the smallest normal float; the result is then 0. */
    private static final float LOWEST = -87.0f;
    /** 1.5·2^23: adding and subtracting it rounds a float of magnitude < 2^22 to the nearest integer. */
    private static final float ROUNDER = 12582912f;

    private NonPositiveExp() {
    }

    /** e^x for x ≤ 0; 0 for x below −87 and for −∞. */
    static float exp(float x) {
        float y = Math.max(x, LOWEST);
        float k = y * LOG2_E + ROUNDER - ROUNDER; // round(y·log2 e), in [−126, 0]
        float r = Math.fma(-k, LN2_HIGH, y);
        r = Math.fma(-k, LN2_LOW, r); // y − k·ln 2, |r| ≤ ln 2 / 2
        float p = 1.0f / 5040.0f;
        p = Math.fma(p, r, 1.0f / 720.0f);
        p = Math.fma(p, r, 1.0f / 120.0f);
        p = Math.fma(p, r, 1.0f / 24.0f);
        p = Math.fma(p, r, 1.0f / 6.0f);
        p = Math.fma(p, r, 0.5f);
        p = Math.fma(p, r, 1.0f);
        p = Math.fma(p, r, 1.0f);
        float twoToK = Float.intBitsToFloat(((int) k + 127) << 23);
        return x < LOWEST ? 0f : p * twoToK;
    }
}
