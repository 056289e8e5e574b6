package dev.squall.models.llama;

/**
 * Rotary position embedding as llama.cpp applies it: pair i of a head (i < ropeDim/2) is rotated
 * by the angle {@code position · base^(−2i/ropeDim) / factor[i]}; dimensions at or beyond ropeDim
 * are left alone. The angle is computed in double, its cosine and sine rounded to float.
 */
public final class Rope {

    private Rope() {
    }

    /** The angle of pair {@code i} at {@code position}; {@code factors} may be null. */
    public static double angle(int position, int i, int ropeDim, float base, float[] factors) {
        double theta = position * Math.pow(base, -2.0 * i / ropeDim);
        return factors != null ? theta / factors[i] : theta;
    }

    /**
     * Rotates each of {@code heads} consecutive heads of width {@code headDim} in {@code x},
     * starting at {@code offset}.
     */
    public static void apply(float[] x, int offset, int heads, int headDim, int ropeDim, int position, float base,
            RopeStyle style, float[] factors) {
        int half = ropeDim / 2;
        for (int i = 0; i < half; i++) {
            double angle = angle(position, i, ropeDim, base, factors);
            float cos = (float) Math.cos(angle);
            float sin = (float) Math.sin(angle);
            for (int h = 0; h < heads; h++) {
                int base0 = offset + h * headDim;
                // (a, b) → (a cos − b sin, a sin + b cos)
                int a = style == RopeStyle.ADJACENT_PAIRS ? base0 + 2 * i : base0 + i;
                int b = style == RopeStyle.ADJACENT_PAIRS ? a + 1 : a + half;
                float x0 = x[a];
                float x1 = x[b];
                x[a] = x0 * cos - x1 * sin;
                x[b] = x0 * sin + x1 * cos;
            }
        }
    }
}
