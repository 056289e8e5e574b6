package dev.squall.kernels.attention;

import static dev.squall.kernels.Accuracy.assertAllClose;
import static dev.squall.kernels.Accuracy.assertWithinTwiceNaive;
import static dev.squall.kernels.Accuracy.poisoned;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import dev.squall.api.Device;
import dev.squall.api.DeviceType;
import dev.squall.api.types.FloatArray;
import dev.squall.api.types.IntArray;
import dev.squall.graph.TestDevices;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * FlashDecoding++ unified-max decoding in its three forms (four, two and one launch per step) on the
 * JVM and every accelerator against float64: calibrated in-window inputs take no fallback and match;
 * rows whose query is scaled up leave the window, are flagged exactly, counted, recomputed by the
 * synchronised path and still match; the fallback merge leaves the flags cleared; length 0 gives 0.
 * The calibration covers the requested fraction of random scores.
 */
class UnifiedMaxDecodingTest {

    private static final double OUT_ATOL = 2e-6;

    private final long seed = System.nanoTime();
    private final Random rng = new Random(seed);

    UnifiedMaxDecodingTest() {
        System.out.println("UnifiedMaxDecodingTest: random seed " + seed); // in the surefire report of a failure
    }

    /**
     * The shapes PoCL runs the one-launch form on. Its kernel holds the split body twice, which PoCL
     * takes about 40 s to compile on a two-core CPU, once per set of argument facts (which sizes are
     * even): these two cover both cache types and both unified bodies, and the mixed-splits test uses
     * the same sizes, so PoCL compiles the kernel twice. The JVM and the GPUs run it on every shape.
     */
    private static final int[][] POCL_ONE_LAUNCH_SHAPES = {
        {0, 1, 4, 4, 64, 300, 257, 3},     // MHA
        {1, 2, 8, 2, 128, 700, 613, 2},    // GQA 4, batch 2, over a chunk
    };

    /** {cache F16?, batch, heads, kvHeads, headDim, capacity, length, splits}. */
    static Stream<Arguments> cases() {
        int[][] shapes = {
            POCL_ONE_LAUNCH_SHAPES[0],
            POCL_ONE_LAUNCH_SHAPES[1],
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
        int[] shape = {half ? 1 : 0, batch, heads, kvHeads, headDim, capacity, length, splits};
        for (Form form : Form.values()) {
            if (form == Form.ONE_LAUNCH && device.type() == DeviceType.CPU
                    && Arrays.stream(POCL_ONE_LAUNCH_SHAPES).noneMatch(s -> Arrays.equals(s, shape))) {
                continue; // see POCL_ONE_LAUNCH_SHAPES
            }
            if (form == Form.ONE_LAUNCH_STAGED && (!half || device.type() == DeviceType.CPU
                    || !UnifiedMaxDecoding.stagedStepFits(device))) {
                continue; // an F16 cache only; PoCL: see POCL_ONE_LAUNCH_SHAPES; NVIDIA OpenCL has 48 KB
            }
            if (form == Form.ONE_LAUNCH_MMA) {
                continue; // its own test, theTensorCoreStepMatchesFloat64
            }
            checkForm(device, form, new DecodeProblem(rng, half, batch, heads, kvHeads, headDim, capacity, length), splits);
        }
    }

    /** {batch, heads, kvHeads, capacity, length, splits} for the tensor-core step (F16 cache, head dim 128). */
    static Stream<Arguments> mmaCases() {
        int[][] shapes = {
            {2, 8, 2, 700, 613, 2},   // GQA 4, batch 2: several trips of 64 positions per split, a partial last one
            {2, 8, 2, 700, 613, 7},   // the same over 7 splits: the unified sums added into rowSums
            {2, 8, 2, 700, 613, 4},   // and over 4, the threshold: the partials walked
            {1, 16, 2, 300, 261, 5},  // GQA 8: one full pass of eight heads, sums added
            {1, 12, 1, 150, 37, 2},   // GQA 12: passes of eight and four heads; fewer positions than a trip
            {1, 16, 1, 300, 261, 2},  // GQA 16: two full passes, each over trips and a partial one
            {1, 12, 1, 150, 37, 6},   // GQA 12 over 6 splits: both passes add into the sums
            {2, 32, 2, 300, 261, 5},  // GQA 16, batch 2: two passes into the sums of two kv rows each
            {1, 4, 4, 40, 5, 8},      // MHA (one head per pass), more splits than positions
            {1, 8, 2, 5, 5, 8},       // GQA 4, a full cache of 5 over 8 splits: empty splits start at the capacity
        };
        List<Arguments> cases = new ArrayList<>();
        for (Device device : TestDevices.all().toList()) {
            for (int[] s : shapes) {
                cases.add(Arguments.of(device, s[0], s[1], s[2], s[3], s[4], s[5]));
                if (device.type() == DeviceType.CPU) {
                    break; // one case, skipped: see MMA_ON_POCL
                }
            }
        }
        return cases.stream();
    }

    static final String MMA_ON_POCL = "PoCL spends more than seven minutes compiling the tensor-core step's 48 emulated"
            + " mmas (one specialisation, two cores); the JVM, the IR interpreter (corpus) and the GPUs run it";

    /**
     * {@link UnifiedMaxDecoding#stepF16Mma}: in-window rows on tensor cores, forced rows recomputed on CUDA
     * cores, flags cleared. Its weights are rounded to TF32 (11 significant bits, as binary16), so it is
     * held to the spec's decode tolerance (rtol = atol = 1e−3) rather than to twice the naive float error.
     */
    @ParameterizedTest(name = "{0} b{1} h{2}/{3} cap{4} len{5} S{6}")
    @MethodSource("mmaCases")
    void theTensorCoreStepMatchesFloat64(Device device, int batch, int heads, int kvHeads, int capacity, int length,
                                         int splits) {
        assumeFalse(device.type() == DeviceType.CPU, MMA_ON_POCL);
        checkForm(device, Form.ONE_LAUNCH_MMA,
                new DecodeProblem(rng, true, batch, heads, kvHeads, MmaDecodeCore.HEAD_DIM, capacity, length), splits);

    }

    /**
     * The tensor-core step divides its summed rows only above {@link UnifiedMaxDecoding#SUMMED_ABOVE_SPLITS}
     * splits: started from row sums that are not zero (against its contract, to see which path ran), it
     * ignores and keeps them at the threshold, and above it reads them (every denominator 10^30 larger:
     * outputs near 0) and leaves them at 0. GQA 12, so two head passes add into the sums.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.squall.graph.TestDevices#all")
    void theTensorCoreStepSumsOnlyAboveTheThreshold(Device device) {
        assumeFalse(device.type() == DeviceType.CPU, MMA_ON_POCL);
        DecodeProblem p = new DecodeProblem(rng, true, 1, 12, 1, MmaDecodeCore.HEAD_DIM, 300, 261);
        UnifiedMax window = UnifiedMax.calibrate(p.allScores(), 1.0);
        int stride = MmaDecodeCore.HEAD_DIM + 1;
        for (int splits : new int[] {UnifiedMaxDecoding.SUMMED_ABOVE_SPLITS, UnifiedMaxDecoding.SUMMED_ABOVE_SPLITS + 1}) {
            FloatArray preloaded = new FloatArray(UnifiedMaxDecoding.rowSumsLength(p.rows(), MmaDecodeCore.HEAD_DIM));
            for (int row = 0; row < p.rows(); row++) {
                preloaded.set(row * stride + MmaDecodeCore.HEAD_DIM, 1e30f);
            }
            Result r = decode(device, p, splits, window, Form.ONE_LAUNCH_MMA, preloaded);
            assertEquals(0, r.fallbacks);
            boolean summed = splits > UnifiedMaxDecoding.SUMMED_ABOVE_SPLITS;
            for (int i = 0; i < r.rowSums.getSize(); i++) {
                float expected = !summed && i % stride == MmaDecodeCore.HEAD_DIM ? 1e30f : 0f;
                assertEquals(expected, r.rowSums.get(i), "row sum " + i + " at " + splits + " splits on " + device.id());
            }
            if (summed) {
                for (int i = 0; i < p.rows() * p.headDim; i++) {
                    assertTrue(Math.abs(r.out.get(i)) < 1e-20, "out " + i + " did not come from the sums: " + r.out.get(i));
                }
            } else {
                assertWithinDecodeTolerance(p, r.out, splits + " splits (the walk) on " + device.id());
            }
        }
    }

    /** The launches of one step. */
    enum Form {
        /** partial → merge → fallback partial → fallback merge. */
        FOUR_LAUNCHES,
        /** partialMerge → fallback: each kv row's last work-group merges. */
        TWO_LAUNCHES,
        /** step: a split that left the window is recomputed at once, and the last work-group merges. */
        ONE_LAUNCH,
        /** {@link UnifiedMaxDecoding#stepF16Staged}: the step with the rows staged through local memory by asynchronous copies. */
        ONE_LAUNCH_STAGED,
        /** {@link UnifiedMaxDecoding#stepF16Mma}: the step's unified path on tensor cores. */
        ONE_LAUNCH_MMA
    }

    private void checkForm(Device device, Form form, DecodeProblem p, int splits) {
        UnifiedMax window = UnifiedMax.calibrate(p.allScores(), 1.0);
        Result calm = decode(device, p, splits, window, form);
        assertEquals(0, calm.fallbacks, "fallbacks of in-window scores, " + p);
        assertMatches(p, calm.out, form, "in-window " + p + " " + form + " on " + device.id());

        // Scale some rows' queries up so that their scores leave the window on both sides.
        Set<Integer> forced = p.rows() > 2 ? Set.of(0, p.rows() - 2) : Set.of(0);
        for (int row : forced) {
            p.scaleQuery(row, 4000f);
        }
        Result hot = decode(device, p, splits, window, form);
        assertEquals(forced.size(), hot.fallbacks, "fallbacks of forced rows, " + p);
        for (int r = 0; r < p.rows(); r++) {
            assertEquals(0, hot.flags.get(r), "flag of row " + r + " not cleared by the fallback merge, " + p);
        }
        // The forced rows' scores are ~4000× larger, so float rounding of a score moves its softmax weight by
        // ~|score|·ε, differently for every summation order: "twice the naive error" is then a coin toss (the
        // naive order can be lucky). They are held to the spec's decode tolerance (rtol = atol = 1e−3).
        assertWithinDecodeTolerance(p, hot.out, "forced " + p + " " + form + " on " + device.id());
        if (form != Form.FOUR_LAUNCHES) {
            return; // the flags of partial alone are checked once
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

    /**
     * A window so narrow that roughly half the rows have a score outside it, usually in one or two of
     * their splits: the one-launch step recomputes just those splits and merges them with the row's
     * unified ones (a common max across both kinds), counts exactly the rows that left the window, and
     * still matches float64. The window's edge lies in a gap between scores, so float rounding cannot
     * move a score across it.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.squall.graph.TestDevices#all")
    void oneLaunchMergesRecomputedSplitsWithUnifiedOnes(Device device) {
        for (Form form : oneLaunchForms(device)) {
            mergesRecomputedSplitsWithUnifiedOnes(device, form);
        }
    }

    /**
     * The one-launch forms the mixed-window tests run on {@code device}: the plain step everywhere, and
     * the tensor-core step (on the F16 shape of head dimension 128) where it compiles in reasonable time
     * (not PoCL, see {@link #MMA_ON_POCL}).
     */
    private static List<Form> oneLaunchForms(Device device) {
        return device.type() == DeviceType.CPU ? List.of(Form.ONE_LAUNCH) : List.of(Form.ONE_LAUNCH, Form.ONE_LAUNCH_MMA);
    }

    private void mergesRecomputedSplitsWithUnifiedOnes(Device device, Form form) {
        for (int[] s : POCL_ONE_LAUNCH_SHAPES) {
            if (form == Form.ONE_LAUNCH_MMA && (s[0] != 1 || s[4] != MmaDecodeCore.HEAD_DIM)) {
                continue; // the tensor-core step's shape: an F16 cache, head dimension 128
            }
            for (int splits : splitCounts(form, s[7])) {
                mergesRecomputedSplitsWithUnifiedOnes(device, form, s, splits);
            }
        }
    }

    /**
     * The split counts a one-launch form is checked at: the shape's own, and for the tensor-core step also
     * one above {@link UnifiedMaxDecoding#SUMMED_ABOVE_SPLITS}, where its unified sums are added into
     * rowSums rather than walked.
     */
    private static int[] splitCounts(Form form, int splits) {
        return form == Form.ONE_LAUNCH_MMA ? new int[] {splits, UnifiedMaxDecoding.SUMMED_ABOVE_SPLITS + 2}
                : new int[] {splits};
    }

    private void mergesRecomputedSplitsWithUnifiedOnes(Device device, Form form, int[] s, int splits) {
        DecodeProblem p = new DecodeProblem(rng, s[0] == 1, s[1], s[2], s[3], s[4], s[5], s[6]);
        double[] rowMax = new double[p.rows()];
        double[] all = new double[p.rows() * p.length];
        for (int r = 0; r < p.rows(); r++) {
            double[] scores = p.scores(r);
            for (int t = 0; t < p.length; t++) {
                rowMax[r] = Math.max(rowMax[r], Math.abs(scores[t]));
                all[r * p.length + t] = Math.abs(scores[t]);
            }
        }
        double edge = edgeInAGap(all, median(rowMax));
        UnifiedMax window = new UnifiedMax(0f, (float) -edge, (float) edge);
        int expected = 0;
        for (double m : rowMax) {
            expected += m > edge ? 1 : 0;
        }
        Result r = decode(device, p, splits, window, form);
        assertEquals(expected, r.fallbacks, "rows that left the window, " + p + ", " + form);
        assertTrue(expected > 0 && expected < p.rows(), "the window should split the rows: " + expected);
        for (int row = 0; row < p.rows(); row++) {
            assertEquals(0, r.flags.get(row), "flag of row " + row + " not cleared, " + p);
        }
        assertMatches(p, r.out, form, "mixed splits " + p + " " + form + " on " + device.id());
        // Exactly the splits holding a score past the edge were recomputed (partialDen = −1), and at
        // least one row has both kinds.
        boolean mixed = false;
        for (int row = 0; row < p.rows(); row++) {
            double[] scores = p.scores(row);
            int recomputed = 0;
            for (int split = 0; split < splits; split++) {
                boolean out = false;
                for (int t = SplitKvCore.splitStart(p.length, splits, split);
                        t < SplitKvCore.splitEnd(p.length, splits, split); t++) {
                    out |= Math.abs(scores[t]) > edge;
                }
                assertEquals(out, r.den.get(row * splits + split) == -1f,
                        "split " + split + " of row " + row + " recomputed? " + p + " on " + device.id());
                recomputed += out ? 1 : 0;
            }
            mixed |= recomputed > 0 && recomputed < splits;
        }
        assertTrue(mixed, "no row mixes recomputed and unified splits, " + p);
    }

    /**
     * A row whose one key scores about 70 above φ (the window's high edge is 60): its split is
     * recomputed with a log-sum-exp far above φ, its other splits stay unified and are weighted
     * e^{φ−M} ≈ e^{−70} in the merge; the row still matches float64. A NaN in another kv row's key makes
     * that kv row's outputs NaN (as the reference), never a quiet 0; the other rows are untouched.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.squall.graph.TestDevices#all")
    void oneLaunchMixesSplitsFarFromPhiAndPassesNaN(Device device) {
        for (Form form : oneLaunchForms(device)) {
            for (int splits : splitCounts(form, POCL_ONE_LAUNCH_SHAPES[1][7])) {
                mixesSplitsFarFromPhiAndPassesNaN(device, form, splits);
            }
        }
    }

    private void mixesSplitsFarFromPhiAndPassesNaN(Device device, Form form, int splits) {
        int[] s = POCL_ONE_LAUNCH_SHAPES[1]; // F16, batch 2, 8 heads over 2 kv heads, head dim 128
        DecodeProblem p = new DecodeProblem(rng, s[0] == 1, s[1], s[2], s[3], s[4], s[5], s[6]);
        UnifiedMax window = UnifiedMax.calibrate(p.allScores(), 1.0);
        int g = p.heads / p.kvHeads;
        int row = 1; // kv row 0, query head 1
        double norm = 0;
        for (int d = 0; d < p.headDim; d++) {
            norm += (double) p.q.get(row * p.headDim + d) * p.q.get(row * p.headDim + d);
        }
        // score = factor·|q|²/√d: put it 70 above φ
        float factor = (float) ((window.phi() + 70) * Math.sqrt(p.headDim) / norm);
        p.alignKey(0, 5, row, factor);
        int nanKvRow = p.kvRows() - 1;
        p.setKey(nanKvRow, p.length - 1, 3, Float.NaN);
        Result r = decode(device, p, splits, window, form);
        double[] refOut = new double[p.rows() * p.headDim];
        p.reference(refOut, new double[p.rows()]);
        for (int i = 0; i < p.rows() * p.headDim; i++) {
            int kvRow = i / p.headDim / g;
            if (kvRow == nanKvRow) {
                assertTrue(Float.isNaN(r.out.get(i)), "out " + i + " of a row with a NaN key: " + r.out.get(i));
            } else {
                double err = Math.abs(r.out.get(i) - refOut[i]);
                assertTrue(err <= 1e-3 + 1e-3 * Math.abs(refOut[i]), "out " + i + ": " + r.out.get(i) + " vs "
                        + refOut[i] + ", " + p + " " + form + " on " + device.id());
            }
        }
        assertEquals(-1f, r.den.get(row * splits), "the split with the high score was recomputed");
        assertTrue(r.den.get(row * splits + 1) >= 0f, "another split stayed unified");
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }

    /**
     * The midpoint of the first gap below {@code near} (one of the |scores|) wider than 1e−4 relative:
     * the rows whose largest |score| is at least {@code near} then lie outside the window, by a margin
     * no float rounding of a score can cross.
     */
    private static double edgeInAGap(double[] absScores, double near) {
        double[] sorted = absScores.clone();
        Arrays.sort(sorted);
        int at = Arrays.binarySearch(sorted, near);
        while (at > 1 && sorted[at] - sorted[at - 1] < 1e-4 * Math.max(1, sorted[at])) {
            at--;
        }
        return (sorted[at] + sorted[at - 1]) / 2;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.squall.graph.TestDevices#all")
    void lengthZeroGivesZeros(Device device) {
        DecodeProblem p = new DecodeProblem(rng, true, 2, 4, 2, 64, 30, 0);
        DecodeProblem wide = new DecodeProblem(rng, true, 2, 4, 2, MmaDecodeCore.HEAD_DIM, 30, 0);
        for (Form form : Form.values()) {
            if ((form == Form.ONE_LAUNCH || form == Form.ONE_LAUNCH_STAGED || form == Form.ONE_LAUNCH_MMA)
                    && device.type() == DeviceType.CPU
                    || form == Form.ONE_LAUNCH_STAGED && !UnifiedMaxDecoding.stagedStepFits(device)) {
                continue; // one more compile of a slow kernel on PoCL (see POCL_ONE_LAUNCH_SHAPES); NVIDIA OpenCL: 48 KB
            }
            UnifiedMax window = new UnifiedMax(0f, -60f, 60f);
            DecodeProblem problem = form == Form.ONE_LAUNCH_MMA ? wide : p; // the tensor-core body's head dim
            Result r = decode(device, problem, 5, window, form); // 5: the tensor-core step adds its sums
            assertEquals(0, r.fallbacks);
            for (int i = 0; i < problem.rows() * problem.headDim; i++) {
                assertEquals(0f, r.out.get(i), "out of a fully masked row, " + form);
            }
        }
    }

    /**
     * Outputs against float64: within twice the naive float error, except the tensor-core step, whose
     * weights are rounded to TF32 (11 significant bits, as binary16) and which is held to the spec's
     * decode tolerance.
     */
    private static void assertMatches(DecodeProblem p, FloatArray out, Form form, String what) {
        if (form == Form.ONE_LAUNCH_MMA) {
            assertWithinDecodeTolerance(p, out, what);
        } else {
            assertMatches(p, out, what);
        }
    }

    /** Outputs against float64 within the spec's decode tolerance (rtol = atol = 1e−3). */
    private static void assertWithinDecodeTolerance(DecodeProblem p, FloatArray out, String what) {
        double[] refOut = new double[p.rows() * p.headDim];
        p.reference(refOut, new double[p.rows()]);
        assertAllClose(out, refOut, 1e-3, 1e-3, what);
    }

    private static void assertMatches(DecodeProblem p, FloatArray out, String what) {
        double[] refOut = new double[p.rows() * p.headDim];
        float[] naiveOut = new float[refOut.length];
        p.reference(refOut, new double[p.rows()]);
        p.naive(naiveOut, new float[p.rows()]);
        assertWithinTwiceNaive(out, refOut, naiveOut, OUT_ATOL, what);
    }

    private record Result(FloatArray out, IntArray flags, int fallbacks, FloatArray den, FloatArray rowSums) {
    }

    /**
     * One step as one task graph in the given form, flags starting at 0; after the forms with tickets
     * every ticket must be 0 again (the next step relies on it).
     */
    private static Result decode(Device device, DecodeProblem p, int splits, UnifiedMax window, Form form) {
        Result r = decode(device, p, splits, window, form, null);
        if (r.rowSums != null) {
            for (int i = 0; i < r.rowSums.getSize(); i++) {
                assertEquals(0f, r.rowSums.get(i), "row sum " + i + " left set, " + p + " on " + device.id());
            }
        }
        return r;
    }

    /**
     * {@link #decode}; the tensor-core step starts from {@code rowSums} (zeros when null, as its contract
     * asks), which the result returns as the step left them.
     */
    private static Result decode(Device device, DecodeProblem p, int splits, UnifiedMax window, Form form,
                                 FloatArray rowSums) {
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
        FloatArray sums = null;
        if (form == Form.ONE_LAUNCH || form == Form.ONE_LAUNCH_STAGED || form == Form.ONE_LAUNCH_MMA) {
            String kernel = form == Form.ONE_LAUNCH_STAGED ? "stepF16Staged"
                    : form == Form.ONE_LAUNCH_MMA ? "stepF16Mma" : "step" + suffix;
            List<Object> args = new ArrayList<>(List.of(p.q, p.kCache, p.vCache, num, den, partialOut, partialLse, flags,
                    tickets));
            if (form == Form.ONE_LAUNCH_MMA) { // its unified sums go into rowSums, after the tickets
                sums = rowSums != null ? rowSums : new FloatArray(UnifiedMaxDecoding.rowSumsLength(rows, p.headDim));
                args.add(sums);
            }
            args.addAll(List.of(out, count, p.heads, p.kvHeads, p.headDim, p.capacity, p.length, splits, window.phi(),
                    window.low(), window.high()));
            DecodeProblem.run(device, DecodeProblem.split(UnifiedMaxDecoding.class, kernel, splits, p.kvRows(),
                    args.toArray()));
        } else if (form == Form.TWO_LAUNCHES) {
            DecodeProblem.run(device,
                    DecodeProblem.split(UnifiedMaxDecoding.class, "partialMerge" + suffix, splits, p.kvRows(), p.q,
                            p.kCache, p.vCache, num, den, flags, tickets, out, count, p.heads, p.kvHeads, p.headDim,
                            p.capacity, p.length, splits, window.phi(), window.low(), window.high()),
                    DecodeProblem.split(UnifiedMaxDecoding.class, "fallback" + suffix, splits, p.kvRows(), p.q, p.kCache,
                            p.vCache, partialOut, partialLse, flags, tickets, out, p.heads, p.kvHeads, p.headDim,
                            p.capacity, p.length, splits));
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
        for (int t = 0; t < tickets.getSize(); t++) {
            assertEquals(0, tickets.get(t), "ticket of kv row " + t + " left set, " + form + ", " + p + " on " + device.id());
        }
        return new Result(out, flags, count.get(0), den, sums);
    }

    /** The tensor-core step for grouped queries of head dimension 128 on tensor cores; else the staged step for GQA where its local memory fits; the plain step for MHA and on small local memories. */
    @Test
    void theStepIsChosenByGroupingHeadDimensionAndDevice() {
        long fits = UnifiedMaxDecoding.STAGED_LOCAL_BYTES;
        assertEquals("stepF16Staged", UnifiedMaxDecoding.stepF16For(fits, 32, 8, 128, false));
        assertEquals("stepF16", UnifiedMaxDecoding.stepF16For(fits, 32, 32, 128, false));
        assertEquals("stepF16", UnifiedMaxDecoding.stepF16For(48 * 1024, 32, 8, 128, false)); // NVIDIA OpenCL
        assertEquals("stepF16", UnifiedMaxDecoding.stepF16For(fits - 1, 32, 8, 128, false));
        // tensor cores: grouped queries of head dimension 128 only (NVIDIA OpenCL's 48 KiB holds the step)
        assertEquals("stepF16Mma", UnifiedMaxDecoding.stepF16For(fits, 32, 8, 128, true));
        assertEquals("stepF16Mma", UnifiedMaxDecoding.stepF16For(48 * 1024, 32, 8, 128, true));
        assertEquals("stepF16", UnifiedMaxDecoding.stepF16For(fits, 32, 32, 128, true));
        assertEquals("stepF16Staged", UnifiedMaxDecoding.stepF16For(fits, 32, 8, 64, true));
        // too little local memory for the tensor-core step (and so for the staged one, which takes more)
        assertTrue(UnifiedMaxDecoding.MMA_LOCAL_BYTES < fits);
        assertEquals("stepF16", UnifiedMaxDecoding.stepF16For(UnifiedMaxDecoding.MMA_LOCAL_BYTES - 1, 32, 8, 128, true));
        assertTrue(UnifiedMaxDecoding.MMA_LOCAL_BYTES <= 48 * 1024, "the tensor-core step fits NVIDIA OpenCL");
        // the step's local arrays, as the compiler lays them out
        var kernel = Arrays.stream(UnifiedMaxDecoding.class.getMethods()).filter(m -> m.getName().equals("stepF16Mma"))
                .findFirst().orElseThrow();
        assertEquals(UnifiedMaxDecoding.MMA_LOCAL_BYTES, dev.squall.jit.KernelCompiler.compile(kernel, java.util.Map.of(),
                dev.squall.jit.CompileOptions.PTX).function().localMemoryBytes());
        assertTrue(MmaDecodeCore.MERGE_FLOATS <= SplitKvCore.PARTIAL_FLOATS
                && MmaDecodeCore.SUM_FLOATS <= SplitKvCore.PROB_FLOATS, "the merge fits the step's arrays");
        assertTrue(fits > 48 * 1024 && fits < 227 * 1024, "the ring and the step's arrays: " + fits);
        assertEquals("splitKvF16Staged", FlashDecoding.splitF16For(FlashDecoding.STAGED_LOCAL_BYTES, 32, 8));
        assertEquals("splitKvF16", FlashDecoding.splitF16For(FlashDecoding.STAGED_LOCAL_BYTES, 8, 8));
        assertEquals("splitKvF16", FlashDecoding.splitF16For(FlashDecoding.STAGED_LOCAL_BYTES - 1, 32, 8));
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
