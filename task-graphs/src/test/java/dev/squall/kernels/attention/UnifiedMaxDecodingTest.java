package dev.squall.kernels.attention;

import static dev.squall.kernels.Accuracy.assertAllClose;
import static dev.squall.kernels.Accuracy.assertWithinTwiceNaive;
import static dev.squall.kernels.Accuracy.poisoned;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.squall.api.Device;
import dev.squall.api.types.FloatArray;
import dev.squall.api.types.IntArray;
import dev.squall.graph.TestDevices;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * FlashDecoding++ unified-max decoding (partial → merge → fallback partial → fallback merge) on the
 * JVM and every accelerator against float64: calibrated in-window inputs take no fallback and match;
 * rows whose query is scaled up leave the window, are flagged exactly, counted, recomputed by the
 * synchronised path and still match; the fallback merge leaves the flags cleared; length 0 gives 0.
 * The calibration covers the requested fraction of random scores.
 */
class UnifiedMaxDecodingTest {

    private static final double OUT_ATOL = 2e-6;

    private final Random rng = new Random();

    /** {cache F16?, batch, heads, kvHeads, headDim, capacity, length, splits}. */
    static Stream<Arguments> cases() {
        int[][] shapes = {
            {0, 1, 4, 4, 64, 300, 257, 3},     // MHA
            {1, 2, 8, 2, 128, 700, 613, 2},    // GQA 4, batch 2, over a chunk
            {1, 1, 4, 1, 64, 20, 3, 4},        // fewer positions than splits
            {0, 1, 6, 1, 64, 90, 41, 1},       // GQA 6: two head blocks
            {1, 1, 2, 2, 128, 200, 190, 2},    // MHA (the one-head body), head dim 128, over a chunk per split
            {1, 1, 4, 2, 64, 150, 149, 3},     // GQA 2 (a partial head block of the four-head body)
        };
        List<Arguments> cases = new ArrayList<>();
        for (Device device : TestDevices.all().toList()) {
            for (int[] s : shapes) {
                cases.add(Arguments.of(device, s[0] == 1, s[1], s[2], s[3], s[4], s[5], s[6], s[7]));
            }
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0} f16={1} b{2} h{3}/{4} d{5} cap{6} len{7} S{8}")
    @MethodSource("cases")
    void inWindowRowsNeedNoFallbackAndForcedRowsDo(Device device, boolean half, int batch, int heads, int kvHeads,
                                                    int headDim, int capacity, int length, int splits) {
        for (boolean fused : new boolean[] {false, true}) {
            checkForm(device, fused, new DecodeProblem(rng, half, batch, heads, kvHeads, headDim, capacity, length), splits);
        }
    }

    /** The four-launch chain, or (fused) the two-launch one that merges in each kv row's last work-group. */
    private void checkForm(Device device, boolean fused, DecodeProblem p, int splits) {
        UnifiedMax window = UnifiedMax.calibrate(p.allScores(), 1.0);
        Result calm = decode(device, p, splits, window, fused);
        assertEquals(0, calm.fallbacks, "fallbacks of in-window scores, " + p);
        assertMatches(p, calm.out, "in-window " + p + " on " + device.id());

        // Scale some rows' queries up so that their scores leave the window on both sides.
        Set<Integer> forced = p.rows() > 2 ? Set.of(0, p.rows() - 2) : Set.of(0);
        for (int row : forced) {
            p.scaleQuery(row, 4000f);
        }
        Result hot = decode(device, p, splits, window, fused);
        assertEquals(forced.size(), hot.fallbacks, "fallbacks of forced rows, " + p);
        for (int r = 0; r < p.rows(); r++) {
            assertEquals(0, hot.flags.get(r), "flag of row " + r + " not cleared by the fallback merge, " + p);
        }
        // The forced rows' scores are ~4000× larger, so float rounding of a score moves its softmax weight by
        // ~|score|·ε, differently for every summation order: "twice the naive error" is then a coin toss (the
        // naive order can be lucky). They are held to the spec's decode tolerance (rtol = atol = 1e−3).
        double[] refOut = new double[p.rows() * p.headDim];
        p.reference(refOut, new double[p.rows()]);
        assertAllClose(hot.out, refOut, 1e-3, 1e-3, "forced " + p + (fused ? " fused" : "") + " on " + device.id());
        if (fused) {
            return; // the flags of partial alone are checked with the four-launch chain
        }

        // partial alone flags exactly the forced rows.
        IntArray flags = new IntArray(p.rows());
        flags.init(0);
        FloatArray num = poisoned(p.rows() * splits * p.headDim);
        FloatArray den = poisoned(p.rows() * splits);
        DecodeProblem.run(device, DecodeProblem.split(UnifiedMaxDecoding.class, p.half ? "partialF16" : "partial", splits,
                p.kvRows(), p.q, p.kCache, p.vCache, num, den, flags, p.heads, p.kvHeads, p.headDim, p.capacity,
                p.length, splits, window.phi(), window.low(), window.high()));
        for (int r = 0; r < p.rows(); r++) {
            assertEquals(forced.contains(r) ? 1 : 0, flags.get(r), "flag of row " + r + ", " + p);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.squall.graph.TestDevices#all")
    void lengthZeroGivesZeros(Device device) {
        DecodeProblem p = new DecodeProblem(rng, true, 2, 4, 2, 64, 30, 0);
        for (boolean fused : new boolean[] {false, true}) {
            UnifiedMax window = new UnifiedMax(0f, -60f, 60f);
            Result r = decode(device, p, 3, window, fused);
            assertEquals(0, r.fallbacks);
            for (int i = 0; i < p.rows() * p.headDim; i++) {
                assertEquals(0f, r.out.get(i), "out of a fully masked row" + (fused ? ", fused" : ""));
            }
        }
    }

    private static void assertMatches(DecodeProblem p, FloatArray out, String what) {
        double[] refOut = new double[p.rows() * p.headDim];
        float[] naiveOut = new float[refOut.length];
        p.reference(refOut, new double[p.rows()]);
        p.naive(naiveOut, new float[p.rows()]);
        assertWithinTwiceNaive(out, refOut, naiveOut, OUT_ATOL, what);
    }

    private record Result(FloatArray out, IntArray flags, int fallbacks) {
    }

    /**
     * One step as one task graph, flags starting at 0: the four launches partial → merge → fallback
     * partial → fallback merge, or (fused) partialMerge → fallback, after which every ticket must be 0
     * again (the next step relies on it).
     */
    private static Result decode(Device device, DecodeProblem p, int splits, UnifiedMax window, boolean fused) {
        FlashDecoding.requireSupported(p.heads, p.kvHeads, p.headDim);
        int rows = p.rows();
        FloatArray num = poisoned(rows * splits * p.headDim);
        FloatArray den = poisoned(rows * splits);
        FloatArray partialOut = poisoned(rows * splits * p.headDim);
        FloatArray partialLse = poisoned(rows * splits);
        IntArray flags = new IntArray(rows);
        IntArray tickets = new IntArray(p.kvRows());
        IntArray count = new IntArray(1);
        FloatArray out = poisoned(rows * p.headDim);
        String suffix = p.half ? "F16" : "";
        if (fused) {
            DecodeProblem.run(device,
                    DecodeProblem.split(UnifiedMaxDecoding.class, "partialMerge" + suffix, splits, p.kvRows(), p.q,
                            p.kCache, p.vCache, num, den, flags, tickets, out, count, p.heads, p.kvHeads, p.headDim,
                            p.capacity, p.length, splits, window.phi(), window.low(), window.high()),
                    DecodeProblem.split(UnifiedMaxDecoding.class, "fallback" + suffix, splits, p.kvRows(), p.q, p.kCache,
                            p.vCache, partialOut, partialLse, flags, tickets, out, p.heads, p.kvHeads, p.headDim,
                            p.capacity, p.length, splits));
            for (int t = 0; t < tickets.getSize(); t++) {
                assertEquals(0, tickets.get(t), "ticket of kv row " + t + " left set, " + p + " on " + device.id());
            }
        } else {
            DecodeProblem.run(device,
                    DecodeProblem.split(UnifiedMaxDecoding.class, "partial" + suffix, splits, p.kvRows(), p.q, p.kCache,
                            p.vCache, num, den, flags, p.heads, p.kvHeads, p.headDim, p.capacity, p.length, splits,
                            window.phi(), window.low(), window.high()),
                    DecodeProblem.merge(UnifiedMaxDecoding.class, "merge", rows, num, den, flags, out, count, rows,
                            p.headDim, splits),
                    DecodeProblem.split(UnifiedMaxDecoding.class, "fallbackPartial" + suffix, splits, p.kvRows(), p.q,
                            p.kCache, p.vCache, partialOut, partialLse, flags, p.heads, p.kvHeads, p.headDim, p.capacity,
                            p.length, splits),
                    DecodeProblem.merge(UnifiedMaxDecoding.class, "fallbackMerge", rows, partialOut, partialLse, flags,
                            out, rows, p.headDim, splits));
        }
        return new Result(out, flags, count.get(0));
    }

    @Test
    void calibrationCoversTheRequestedFraction() {
        Random random = new Random(7);
        for (double coverage : new double[] {0.9, 0.99, 0.9999, 1.0}) {
            float[] scores = new float[100_000];
            for (int i = 0; i < scores.length; i++) {
                // Heavy-ish tails around an offset, like real post-scale scores.
                scores[i] = (float) (3 + 4 * random.nextGaussian() + (random.nextInt(1000) == 0 ? 6 * random.nextGaussian() : 0));
            }
            UnifiedMax window = UnifiedMax.calibrate(scores, coverage);
            assertTrue(window.coverageOf(scores) >= coverage, coverage + ": covers only " + window.coverageOf(scores));
            assertEquals(-UnifiedMax.SAFE_EXPONENT, window.low());
            assertEquals(UnifiedMax.SAFE_EXPONENT, window.high());
            // e^{high}·length stays far inside fp32 for a 1M-position cache.
            assertTrue(Math.exp(window.high()) * (1 << 20) < 1e33);
        }
        // The paper's Llama2-7B range (−16.8, 6.5): φ in the middle, the whole range inside.
        UnifiedMax llama = UnifiedMax.calibrate(new float[] {-16.8f, 6.5f, 0f, -3f}, 1.0);
        assertEquals(-5.15f, llama.phi(), 1e-5f);
        assertTrue(llama.inside(-16.8f) && llama.inside(6.5f) && !llama.inside(56f) && !llama.inside(-66f));
        // OPT-6.7B's (−496.8, 363.5) cannot be covered: the technique is refused.
        assertThrows(IllegalArgumentException.class, () -> UnifiedMax.calibrate(new float[] {-496.8f, 363.5f}, 1.0));
        assertThrows(IllegalArgumentException.class, () -> UnifiedMax.calibrate(new float[] {1f}, 0.0));
    }
}
