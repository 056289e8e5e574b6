package dev.squall.kernels;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.squall.api.types.FloatArray;
import java.util.Arrays;
import java.util.Random;

/** Random inputs, poisoned outputs and the relative-L2 check every kernel test uses. */
public final class Accuracy {

    private Accuracy() {
    }

    /** Uniform in [-1, 1), fresh each call. */
    public static FloatArray random(Random random, int n) {
        FloatArray array = new FloatArray(n);
        for (int i = 0; i < n; i++) {
            array.set(i, random.nextFloat() * 2 - 1);
        }
        return array;
    }

    /** NaN everywhere, so an element the kernel forgets to write fails the check. */
    public static FloatArray poisoned(int n) {
        FloatArray array = new FloatArray(n);
        array.init(Float.NaN);
        return array;
    }

    /** ‖out − ref‖ / ‖ref‖ in float64; NaN anywhere gives NaN, which fails every bound. */
    public static double relativeL2(FloatArray out, double[] reference) {
        double diff = 0;
        double norm = 0;
        for (int i = 0; i < reference.length; i++) {
            double d = out.get(i) - reference[i];
            diff += d * d;
            norm += reference[i] * reference[i];
        }
        return Math.sqrt(diff) / Math.sqrt(norm);
    }

    /**
     * The FlashAttention tests' rule: the largest error of {@code out} against the float64
     * reference is at most twice that of a plain same-precision computation ({@code naive}), plus
     * {@code atol} times the largest |reference| (at least 1). It scales with the problem, unlike a
     * fixed bound. The floor is relative because the naive error is one sample of rounding: on a
     * short sum it can by chance be a fraction of an ulp of large outputs, which a correct kernel
     * summing in another order cannot match (seen once, in a clean-clone ./scripts/test: the 64-column Q4 fused SwiGLU with 32
     * lanes on the JVM, naive error 2.9e-6 against the kernel's 1.7e-5, with a fixed floor of 1e-6).
     */
    public static void assertWithinTwiceNaive(FloatArray out, double[] reference, float[] naive, double atol,
                                              String what) {
        assertWithinTwiceNaive(out, reference, naive, Arrays.stream(reference).map(Math::abs).toArray(), atol, what);
    }

    /**
     * As {@link #assertWithinTwiceNaive(FloatArray, double[], float[], double, String)}, the slack scaled by the
     * largest {@code magnitudes[i]}, the sum of the magnitudes of the terms summed into element i (at least 1):
     * a kernel that sums in another order (lanes, several accumulators) differs from the naive order by rounding
     * that grows with those, not with |ref|, which cancellation can make small.
     */
    public static void assertWithinTwiceNaive(FloatArray out, double[] reference, float[] naive, double[] magnitudes,
                                              double atol, String what) {
        double scale = 1;
        for (double m : magnitudes) {
            scale = Math.max(scale, m);
        }
        double worst = 0;
        double naiveWorst = 0;
        for (int i = 0; i < reference.length; i++) {
            double e = Math.abs(out.get(i) - reference[i]);
            worst = Double.isNaN(e) ? Double.POSITIVE_INFINITY : Math.max(worst, e);
            naiveWorst = Math.max(naiveWorst, Math.abs(naive[i] - reference[i]));
        }
        double bound = 2 * naiveWorst + atol * scale;
        assertTrue(worst <= bound, what + ": max error " + worst + " exceeds 2 × naive float error " + naiveWorst
                + " + " + atol + " × " + scale);
    }

    /** |out − ref| ≤ atol + rtol·|ref| for every element (NaN fails). */
    public static void assertAllClose(FloatArray out, double[] reference, double rtol, double atol, String what) {
        for (int i = 0; i < reference.length; i++) {
            double e = Math.abs(out.get(i) - reference[i]);
            double bound = atol + rtol * Math.abs(reference[i]);
            assertTrue(e <= bound, what + ": element " + i + " is " + out.get(i) + ", reference " + reference[i]
                    + ", error " + e + " exceeds " + bound);
        }
    }

    public static void assertClose(FloatArray out, double[] reference, double tolerance, String what) {
        double error = relativeL2(out, reference);
        assertTrue(error <= tolerance, what + ": relative L2 error " + error + " exceeds " + tolerance);
    }
}
