package dev.squall.kernels.attention;

import static dev.squall.kernels.Accuracy.assertWithinTwiceNaive;
import static dev.squall.kernels.Accuracy.poisoned;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.squall.api.Device;
import dev.squall.api.DeviceType;
import dev.squall.api.types.FloatArray;
import dev.squall.api.types.IntArray;
import dev.squall.graph.TestDevices;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Flash-Decoding (split-KV + merge) through task graphs on the JVM and every accelerator, against
 * float64 references with the FlashAttention rule (error ≤ 2 × a plain float computation's + atol),
 * outputs poisoned with NaN: one split vs several, length 1, odd lengths and lengths over a chunk,
 * fewer positions than splits, length 0 (out 0, lse −∞), NaN garbage past length, GQA ratios 1, 4 and
 * 6 (a partly filled head block) and 8, head dims 40, 64 and 128, F32 and F16 caches, batch 1 and 2.
 */
class FlashDecodingTest {

    /** Absolute parts of the tolerances (beyond twice the plain float computation's error); GrowingSplitDecodingTest's too. */
    static final double OUT_ATOL = 2e-6;
    static final double LSE_ATOL = 1e-5;

    private final Random rng = new Random();

    /** {cache F16?, batch, heads, kvHeads, headDim, capacity, length, splits...}. */
    static Stream<Arguments> cases() {
        int[][] shapes = {
            {0, 1, 4, 4, 64, 300, 300, 1, 3},        // MHA, capacity = length
            {1, 2, 8, 2, 128, 700, 613, 1, 2},       // GQA 4, odd length over one chunk, batch 2
            {0, 1, 4, 1, 128, 10, 1, 1, 4},          // length 1, fewer positions than splits
            {1, 1, 4, 1, 64, 50, 3, 5},              // length 3 with 5 splits: empty splits
            {0, 2, 4, 2, 64, 40, 0, 1, 3},           // length 0: fully masked rows
            {1, 1, 6, 1, 64, 200, 131, 2},           // GQA 6: a full and a half head block
            {0, 1, 8, 1, 40, 150, 77, 1, 2},         // GQA 8, head dim 40 (idle value work-items)
            {1, 1, 1, 1, 64, 1600, 1531, 1, 3},      // several chunks per split
            {1, 2, 3, 3, 40, 100, 99, 1, 4},         // MHA (the one-head body) with head dim 40: runs past the row weighted 0
            {0, 1, 3, 1, 8, 80, 70, 1, 2},           // GQA 3 (a partial head block), head dim 8: one run per row
        };
        List<Arguments> cases = new ArrayList<>();
        for (Device device : TestDevices.all().toList()) {
            for (int[] s : shapes) {
                cases.add(Arguments.of(device, s[0] == 1, s[1], s[2], s[3], s[4], s[5], s[6],
                        java.util.Arrays.copyOfRange(s, 7, s.length)));
            }
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0} f16={1} b{2} h{3}/{4} d{5} cap{6} len{7}")
    @MethodSource("cases")
    void splitAndMergeMatchFloat64(Device device, boolean half, int batch, int heads, int kvHeads, int headDim,
                                   int capacity, int length, int[] splitCounts) {
        DecodeProblem p = new DecodeProblem(rng, half, batch, heads, kvHeads, headDim, capacity, length);
        Expected e = Expected.of(p);
        double[] refOut = e.out();
        double[] refLse = e.lse();
        float[] naiveOut = e.naiveOut();
        float[] naiveLse = e.naiveLse();
        FloatArray first = null;
        // the F16 split staged through local memory on devices with room for it (PoCL: one compile fewer)
        boolean staged = half && device.type() != DeviceType.CPU && FlashDecoding.stagedSplitFits(device);
        for (int run = 0; run < 3 * splitCounts.length; run++) {
            int splits = splitCounts[run / 3];
            // each split count as split + merge, as one fused launch, and as the staged split + merge
            boolean fused = run % 3 == 1;
            if (run % 3 == 2 && !staged) {
                continue;
            }
            FloatArray out = poisoned(p.rows() * headDim);
            FloatArray lse = poisoned(p.rows());
            if (fused) {
                decodeFused(device, p, splits, out, lse);
            } else {
                decode(device, p, splits, out, lse, run % 3 == 2);
            }
            String what = p + " splits " + splits + (fused ? " fused" : run % 3 == 2 ? " staged" : "") + " on "
                    + device.id();
            assertWithinTwiceNaive(out, refOut, naiveOut, OUT_ATOL, "out " + what);
            if (length == 0) {
                for (int r = 0; r < p.rows(); r++) {
                    assertEquals(Float.NEGATIVE_INFINITY, lse.get(r), "lse of a fully masked row, " + what);
                    for (int d = 0; d < headDim; d++) {
                        assertEquals(0f, out.get(r * headDim + d), "out of a fully masked row, " + what);
                    }
                }
            } else {
                assertWithinTwiceNaive(lse, refLse, naiveLse, LSE_ATOL, "lse " + what);
            }
            if (first == null) {
                first = out;
            } else {
                // S = 1 and S = many agree with each other as closely as each agrees with float64.
                double worst = 0;
                double naiveWorst = 0;
                for (int i = 0; i < refOut.length; i++) {
                    worst = Math.max(worst, Math.abs(out.get(i) - first.get(i)));
                    naiveWorst = Math.max(naiveWorst, Math.abs(naiveOut[i] - refOut[i]));
                }
                assertTrue(worst <= 4 * naiveWorst + 2 * OUT_ATOL, "splits " + splitCounts[0] + " vs " + splits
                        + (fused ? " fused" : "") + " differ by " + worst + ", " + what);
            }
        }
    }

    /**
     * A NaN in one kv row's key (within length) makes the outputs and log-sum-exps of that kv row's
     * query rows NaN, as the float64 reference gives, in both forms; the other rows still match. (The
     * split body once wrote a NaN split as an empty one, and the merge then dropped it: a quiet wrong
     * answer.) The GQA-4 shape of {@link #cases}, so PoCL compiles nothing new.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.squall.graph.TestDevices#all")
    void aNanKeyMakesItsRowsNaN(Device device) {
        DecodeProblem p = new DecodeProblem(rng, true, 2, 8, 2, 128, 700, 613);
        int nanKvRow = 1;
        p.setKey(nanKvRow, 400, 7, Float.NaN);
        double[] refOut = new double[p.rows() * p.headDim];
        double[] refLse = new double[p.rows()];
        p.reference(refOut, refLse);
        for (boolean fused : new boolean[] {false, true}) {
            FloatArray out = poisoned(p.rows() * p.headDim);
            FloatArray lse = poisoned(p.rows());
            if (fused) {
                decodeFused(device, p, 2, out, lse);
            } else {
                decode(device, p, 2, out, lse, false);
            }
            assertNaNOnlyIn(p, nanKvRow, out, lse, refOut, (fused ? " fused" : "") + " on " + device.id());
        }
    }

    /**
     * The query rows of kv row {@code nanKvRow} have NaN outputs and log-sum-exps; every other row's outputs
     * are within 1e-3 (absolute and relative) of {@code refOut}.
     */
    static void assertNaNOnlyIn(DecodeProblem p, int nanKvRow, FloatArray out, FloatArray lse, double[] refOut, String what) {
        int g = p.heads / p.kvHeads;
        for (int row = 0; row < p.rows(); row++) {
            boolean nanRow = row / g == nanKvRow;
            String where = "row " + row + what;
            assertEquals(nanRow, Float.isNaN(lse.get(row)), "lse NaN? " + where + ": " + lse.get(row));
            for (int d = 0; d < p.headDim; d++) {
                float o = out.get(row * p.headDim + d);
                if (nanRow) {
                    assertTrue(Float.isNaN(o), "out " + d + " of " + where + ": " + o);
                } else {
                    double ref = refOut[row * p.headDim + d];
                    assertTrue(Math.abs(o - ref) <= 1e-3 + 1e-3 * Math.abs(ref), "out " + d + " of " + where
                            + ": " + o + " vs " + ref);
                }
            }
        }
    }

    static Stream<Arguments> atPositionCases() {
        // MHA with capacity = length, and GQA 8 with head dim 40 (idle value work-items)
        return cases().filter(a -> !(boolean) a.get()[1] && (int) a.get()[2] == 1 && ((int) a.get()[6] == 300
                || (int) a.get()[6] == 150));
    }

    /**
     * splitKvMergeAtPosition, the model's form, which reads the position from the device: two batch-1 F32
     * shapes of {@link #cases}, at each of their split counts, against float64; tickets back at 0.
     */
    @ParameterizedTest(name = "{0} f16={1} b{2} h{3}/{4} d{5} cap{6} len{7}")
    @MethodSource("atPositionCases")
    void theStepAtTheDevicesPositionMatchesFloat64(Device device, boolean half, int batch, int heads, int kvHeads,
                                                   int headDim, int capacity, int length, int[] splitCounts) {
        DecodeProblem p = new DecodeProblem(rng, false, 1, heads, kvHeads, headDim, capacity, length);
        Expected e = Expected.of(p);
        for (int splits : splitCounts) {
            FloatArray out = poisoned(p.rows() * headDim);
            FloatArray lse = poisoned(p.rows());
            IntArray tickets = new IntArray(p.kvRows());
            DecodeProblem.run(device, DecodeProblem.split(FlashDecoding.class, "splitKvMergeAtPosition", splits, p.kvRows(),
                    p.q, p.kCache, p.vCache, poisoned(p.rows() * splits * headDim), poisoned(p.rows() * splits), tickets, out,
                    lse, IntArray.fromElements(length - 1), heads, kvHeads, headDim, capacity, splits));
            String what = p + " splits " + splits + " at position " + (length - 1) + " on " + device.id();
            assertWithinTwiceNaive(out, e.out(), e.naiveOut(), OUT_ATOL, "out " + what);
            assertWithinTwiceNaive(lse, e.lse(), e.naiveLse(), LSE_ATOL, "lse " + what);
            for (int t = 0; t < tickets.getSize(); t++) {
                assertEquals(0, tickets.get(t), "ticket of kv row " + t + " left set, " + what);
            }
        }
    }

    /** A problem's float64 outputs and log-sum-exps, and the plain float computation's (the error yardstick). */
    record Expected(double[] out, double[] lse, float[] naiveOut, float[] naiveLse) {
        static Expected of(DecodeProblem p) {
            Expected e = new Expected(new double[p.rows() * p.headDim], new double[p.rows()], new float[p.rows() * p.headDim],
                    new float[p.rows()]);
            p.reference(e.out, e.lse);
            p.naive(e.naiveOut, e.naiveLse);
            return e;
        }
    }

    /** splitKv (or splitKvF16, or with {@code staged} splitKvF16Staged) then merge, as one task graph. */
    static void decode(Device device, DecodeProblem p, int splits, FloatArray out, FloatArray lse, boolean staged) {
        FlashDecoding.requireSupported(p.heads, p.kvHeads, p.headDim);
        FloatArray partialOut = poisoned(p.rows() * splits * p.headDim);
        FloatArray partialLse = poisoned(p.rows() * splits);
        DecodeProblem.run(device,
                DecodeProblem.split(FlashDecoding.class, staged ? "splitKvF16Staged" : p.half ? "splitKvF16" : "splitKv",
                        splits, p.kvRows(), p.q,
                        p.kCache, p.vCache, partialOut, partialLse, p.heads, p.kvHeads, p.headDim, p.capacity, p.length,
                        splits),
                DecodeProblem.merge(FlashDecoding.class, "merge", p.rows(), partialOut, partialLse, out, lse, p.rows(),
                        p.headDim, splits));
    }

    /** splitKvMerge (or its F16 form): one launch; every ticket must be 0 again afterwards. */
    static void decodeFused(Device device, DecodeProblem p, int splits, FloatArray out, FloatArray lse) {
        FlashDecoding.requireSupported(p.heads, p.kvHeads, p.headDim);
        FloatArray partialOut = poisoned(p.rows() * splits * p.headDim);
        FloatArray partialLse = poisoned(p.rows() * splits);
        IntArray tickets = new IntArray(p.kvRows());
        DecodeProblem.run(device,
                DecodeProblem.split(FlashDecoding.class, p.half ? "splitKvMergeF16" : "splitKvMerge", splits, p.kvRows(),
                        p.q, p.kCache, p.vCache, partialOut, partialLse, tickets, out, lse, p.heads, p.kvHeads, p.headDim,
                        p.capacity, p.length, splits));
        for (int t = 0; t < tickets.getSize(); t++) {
            assertEquals(0, tickets.get(t), "ticket of kv row " + t + " left set, " + p + " on " + device.id());
        }
    }

    /**
     * The merge alone on made-up partials: split counts whose weights fit the merge's local memory
     * (700 for two rows a group) and do not (1500: weights per dimension), with every fifth split empty
     * (L = −∞) and an odd row count (the last group merges one row), against float64.
     */
    @ParameterizedTest(name = "{0} splits {1}")
    @MethodSource("mergeCases")
    void mergeMatchesFloat64(Device device, int splits) {
        int rows = 3;
        int headDim = 72;
        FloatArray partialOut = new FloatArray(rows * splits * headDim);
        FloatArray partialLse = new FloatArray(rows * splits);
        for (int i = 0; i < partialOut.getSize(); i++) {
            partialOut.set(i, rng.nextFloat() * 2 - 1);
        }
        for (int i = 0; i < partialLse.getSize(); i++) {
            partialLse.set(i, i % 5 == 2 ? Float.NEGATIVE_INFINITY : rng.nextFloat() * 20 - 10);
        }
        FloatArray out = poisoned(rows * headDim);
        FloatArray lse = poisoned(rows);
        DecodeProblem.run(device, DecodeProblem.merge(FlashDecoding.class, "merge", rows, partialOut, partialLse, out, lse,
                rows, headDim, splits));
        for (int r = 0; r < rows; r++) {
            double max = Double.NEGATIVE_INFINITY;
            for (int s = 0; s < splits; s++) {
                max = Math.max(max, partialLse.get(r * splits + s));
            }
            double sum = 0;
            double[] value = new double[headDim];
            for (int s = 0; s < splits; s++) {
                double w = Math.exp(partialLse.get(r * splits + s) - max);
                sum += w;
                for (int d = 0; d < headDim; d++) {
                    value[d] += w * partialOut.get((r * splits + s) * headDim + d);
                }
            }
            String what = "row " + r + ", splits " + splits + " on " + device.id();
            assertEquals(max + Math.log(sum), lse.get(r), 1e-4, "lse " + what);
            for (int d = 0; d < headDim; d++) {
                assertEquals(value[d] / sum, out.get(r * headDim + d), 1e-5, "out[" + d + "] " + what);
            }
        }
    }

    static Stream<Arguments> mergeCases() {
        return TestDevices.all().flatMap(d -> Stream.of(Arguments.of(d, 700), Arguments.of(d, 1500)));
    }

    @Test
    void requireSupportedNamesTheSizeItCannotTake() {
        FlashDecoding.requireSupported(32, 8, 128);
        FlashDecoding.requireSupported(4, 4, 40);
        IllegalArgumentException odd = assertThrows(IllegalArgumentException.class,
                () -> FlashDecoding.requireSupported(4, 4, 36));
        assertTrue(odd.getMessage().contains("multiple of 8") && odd.getMessage().contains("36"), odd.getMessage());
        assertThrows(IllegalArgumentException.class, () -> FlashDecoding.requireSupported(4, 4, 136));
        IllegalArgumentException ratio = assertThrows(IllegalArgumentException.class,
                () -> FlashDecoding.requireSupported(6, 4, 64));
        assertTrue(ratio.getMessage().contains("multiple of kvHeads"), ratio.getMessage());
        assertThrows(IllegalArgumentException.class, () -> FlashDecoding.requireSupported(64, 1, 64));
    }

    @Test
    void splitsForFillsTheMachineButKeepsSplitsLong() {
        // 132 CUs, two resident groups of the four-head body each: one wave is 264 groups. B=1, 8 kv heads: 33 splits.
        assertEquals(33, FlashDecoding.splitsFor(1, 32, 8, 131072, 132));
        // One query head per kv head: three resident groups, 396 / 32 = 12.4, rounded.
        assertEquals(12, FlashDecoding.splitsFor(1, 32, 32, 32768, 132));
        // B=8, 8 kv heads: 4.125, rounded.
        assertEquals(4, FlashDecoding.splitsFor(8, 32, 8, 131072, 132));
        // Rows that fill a wave by themselves still get MIN_SPLITS.
        assertEquals(FlashDecoding.MIN_SPLITS, FlashDecoding.splitsFor(8, 32, 32, 131072, 32));
        // Short caches: each split keeps at least MIN_SPLIT_POSITIONS positions, and S ≥ 1.
        assertEquals(32, FlashDecoding.splitsFor(1, 32, 8, 4096, 132));
        assertEquals(8, FlashDecoding.splitsFor(1, 32, 8, 1024, 132));
        assertEquals(2, FlashDecoding.splitsFor(1, 32, 32, 256, 132));
        assertEquals(1, FlashDecoding.splitsFor(1, 32, 8, 0, 132));
        assertEquals(1, FlashDecoding.splitsFor(1, 32, 8, 100, 132));
        assertEquals(FlashDecoding.THREADS * 3, FlashDecoding.splitGlobalX(3));
        // the merge: one work-item per (row, dimension < MAX_HEAD_DIM), rounded up to whole work-groups
        assertEquals(Math.ceilDiv(FlashDecoding.MAX_HEAD_DIM, FlashDecoding.THREADS) * FlashDecoding.THREADS,
                FlashDecoding.mergeGlobalX(1));
        assertEquals(Math.ceilDiv(5 * FlashDecoding.MAX_HEAD_DIM, FlashDecoding.THREADS) * FlashDecoding.THREADS,
                FlashDecoding.mergeGlobalX(5));
    }
}
