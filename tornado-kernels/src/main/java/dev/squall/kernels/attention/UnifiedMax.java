package dev.squall.kernels.attention;

import java.util.Arrays;

/**
 * The unified max φ and safe exponent window (low, high) of {@link UnifiedMaxDecoding}: a score x is
 * handled asynchronously when low < x − φ < high, otherwise its row takes the synchronised fallback.
 *
 * @param phi  the shift subtracted from every post-scale score before exponentiation
 * @param low  lower end of the open window for x − φ
 * @param high upper end of the open window for x − φ
 */
public record UnifiedMax(float phi, float low, float high) {

    /**
     * Largest |x − φ| allowed (spec §5.1 "Implementation [D]"): e^{60}·length·max|v| stays below the
     * fp32 limit 3.4e38 (= e^{88.7}) for length·max|v| up to e^{28} ≈ 1.4e12 (e.g. 16M positions with
     * |v| ≤ 8e4), so neither a split's numerator nor its denominator can overflow; and e^{−60} ≈ 8.8e−27
     * is still a normal float, so in-window terms never flush to zero.
     */
    public static final float SAFE_EXPONENT = 60f;

    public UnifiedMax {
        if (!(low < high) || Float.isNaN(phi)) {
            throw new IllegalArgumentException("need low < high and a number φ: " + phi + ", " + low + ", " + high);
        }
    }

    /**
     * The calibration rule: take the central {@code coverage} fraction of the observed post-scale
     * scores, [lo, hi] = [the ⌊n·(1−coverage)/2⌋-th smallest, the ⌊n·(1−coverage)/2⌋-th largest], put φ at
     * its midpoint and use the full safe window (−{@link #SAFE_EXPONENT}, +SAFE_EXPONENT), so at least
     * {@code coverage} of the scores fall strictly inside (φ + low, φ + high) with an equal margin on
     * both sides. NaN scores are ignored.
     *
     * @throws IllegalArgumentException when there are no scores, coverage is not in (0, 1], or [lo, hi]
     *                                  is too wide for the window (hi − lo ≥ 2·SAFE_EXPONENT; the technique does not
     *                                  apply to such a model, as for OPT-6.7B in the paper: use Flash-Decoding)
     */
    public static UnifiedMax calibrate(float[] observedScores, double coverage) {
        if (!(coverage > 0 && coverage <= 1)) {
            throw new IllegalArgumentException("coverage must be in (0, 1]: " + coverage);
        }
        float[] sorted = new float[observedScores.length];
        int n = 0;
        for (float x : observedScores) {
            if (!Float.isNaN(x)) {
                sorted[n++] = x;
            }
        }
        if (n == 0) {
            throw new IllegalArgumentException("no scores to calibrate from");
        }
        sorted = Arrays.copyOf(sorted, n);
        Arrays.sort(sorted);
        int cut = (int) Math.floor(n * (1 - coverage) / 2);
        double lo = sorted[cut];
        double hi = sorted[n - 1 - cut];
        if (hi - lo >= 2 * SAFE_EXPONENT) {
            throw new IllegalArgumentException("scores span [" + lo + ", " + hi + "], wider than the safe window of "
                    + 2 * SAFE_EXPONENT + ": use the synchronised Flash-Decoding path");
        }
        return new UnifiedMax((float) ((lo + hi) / 2), -SAFE_EXPONENT, SAFE_EXPONENT);
    }

    /** Whether x − φ lies strictly inside (low, high), as the kernels test it. */
    public boolean inside(float score) {
        float shifted = score - phi;
        return shifted > low && shifted < high;
    }

    /** The fraction of {@code scores} inside the window. */
    public double coverageOf(float[] scores) {
        int in = 0;
        for (float x : scores) {
            if (inside(x)) {
                in++;
            }
        }
        return scores.length == 0 ? 1 : (double) in / scores.length;
    }
}
