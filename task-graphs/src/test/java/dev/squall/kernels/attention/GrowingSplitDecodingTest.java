package dev.squall.kernels.attention;

import static dev.squall.kernels.Accuracy.assertWithinTwiceNaive;
import static dev.squall.kernels.Accuracy.poisoned;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.squall.api.Device;
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
 * {@link GrowingSplitDecoding#stepAtPosition} against float64 on fresh random F32 caches (NaN past the
 * length, outputs poisoned with NaN): one active split (no merge) and several, a split with one position,
 * the whole capacity, a capacity that is not a multiple of the span, GQA ratios 1, 3, 4, 7 and 8, head
 * dimensions 8, 40, 64 and 128. Each shape runs twice on the same tickets, which must be back at 0.
 */
class GrowingSplitDecodingTest {

    private static final double OUT_ATOL = 2e-6;
    private static final double LSE_ATOL = 1e-5;

    private final Random rng = new Random();

    /** {heads, kvHeads, headDim, capacity, length}. */
    static Stream<Arguments> cases() {
        int[][] shapes = {
            {32, 8, 64, 2048, 1},       // Llama-3.2-1B's heads, the first position: one split, no merge
            {32, 8, 64, 2048, 128},     // exactly one span
            {32, 8, 64, 2048, 129},     // a second split of one position: the merge
            {32, 8, 64, 2048, 700},     // six of sixteen splits active, the last one partly
            {32, 8, 64, 2048, 2048},    // every split full
            {4, 4, 128, 300, 300},      // MHA, capacity not a multiple of the span (three splits, the last short)
            {14, 2, 64, 500, 389},      // GQA 7: the second block of four heads
            {8, 1, 40, 150, 77},        // GQA 8, head dim 40 (value work-items idle)
            {3, 1, 8, 80, 70},          // GQA 3, head dim 8
        };
        List<Arguments> cases = new ArrayList<>();
        for (Device device : TestDevices.all().toList()) {
            for (int[] s : shapes) {
                cases.add(Arguments.of(device, s[0], s[1], s[2], s[3], s[4]));
            }
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0} h{1}/{2} d{3} cap{4} len{5}")
    @MethodSource("cases")
    void theStepMatchesFloat64(Device device, int heads, int kvHeads, int headDim, int capacity, int length) {
        DecodeProblem p = new DecodeProblem(rng, false, 1, heads, kvHeads, headDim, capacity, length);
        FlashDecodingTest.Expected e = FlashDecodingTest.Expected.of(p);
        IntArray tickets = new IntArray(kvHeads);
        for (int run = 0; run < 2; run++) {
            FloatArray out = poisoned(p.rows() * headDim);
            FloatArray lse = poisoned(p.rows());
            step(device, p, tickets, out, lse);
            String what = p + " run " + run + " on " + device.id();
            assertWithinTwiceNaive(out, e.out(), e.naiveOut(), OUT_ATOL, "out " + what);
            assertWithinTwiceNaive(lse, e.lse(), e.naiveLse(), LSE_ATOL, "lse " + what);
            for (int t = 0; t < tickets.getSize(); t++) {
                assertEquals(0, tickets.get(t), "ticket of kv row " + t + " left set, " + what);
            }
        }
    }

    /**
     * A NaN in one kv row's key (within the length) makes that kv row's outputs and log-sum-exps NaN, as
     * float64 does; the other rows still match. Both with one active split and with the merge.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.squall.graph.TestDevices#all")
    void aNanKeyMakesItsRowsNaN(Device device) {
        for (int length : new int[] {100, 389}) {
            DecodeProblem p = new DecodeProblem(rng, false, 1, 8, 2, 64, 500, length);
            int nanKvRow = 1;
            p.setKey(nanKvRow, 77, 5, Float.NaN);
            double[] refOut = new double[p.rows() * p.headDim];
            double[] refLse = new double[p.rows()];
            p.reference(refOut, refLse);
            FloatArray out = poisoned(p.rows() * p.headDim);
            FloatArray lse = poisoned(p.rows());
            step(device, p, new IntArray(p.kvHeads), out, lse);
            int g = p.heads / p.kvHeads;
            for (int row = 0; row < p.rows(); row++) {
                boolean nanRow = row / g == nanKvRow;
                String what = "row " + row + " length " + length + " on " + device.id();
                assertEquals(nanRow, Float.isNaN(lse.get(row)), "lse NaN? " + what + ": " + lse.get(row));
                for (int d = 0; d < p.headDim; d++) {
                    float o = out.get(row * p.headDim + d);
                    if (nanRow) {
                        assertTrue(Float.isNaN(o), "out " + d + " of " + what + ": " + o);
                    } else {
                        double ref = refOut[row * p.headDim + d];
                        assertTrue(Math.abs(o - ref) <= 1e-3 + 1e-3 * Math.abs(ref), "out " + d + " of " + what
                                + ": " + o + " vs " + ref);
                    }
                }
            }
        }
    }

    @Test
    void sizesItCannotTakeAreNamed() {
        assertNull(GrowingSplitDecoding.unsupported(32, 8, 64));
        assertNotNull(GrowingSplitDecoding.unsupported(36, 4, 64));  // nine query heads per kv head
        assertNotNull(GrowingSplitDecoding.unsupported(8, 8, 12));   // not a multiple of 8
        assertNotNull(GrowingSplitDecoding.unsupported(8, 8, 136));  // over 128
        assertNotNull(GrowingSplitDecoding.unsupported(9, 2, 64));   // not a multiple of kvHeads
        assertEquals(16, GrowingSplitDecoding.splitsFor(2048));
        assertEquals(3, GrowingSplitDecoding.splitsFor(300));
        assertEquals(1, GrowingSplitDecoding.splitsFor(1));
    }

    /** One step at position length − 1 with fresh (poisoned) partials. */
    private static void step(Device device, DecodeProblem p, IntArray tickets, FloatArray out, FloatArray lse) {
        assertNull(GrowingSplitDecoding.unsupported(p.heads, p.kvHeads, p.headDim));
        int splits = GrowingSplitDecoding.splitsFor(p.capacity);
        DecodeProblem.run(device, DecodeProblem.split(GrowingSplitDecoding.class, "stepAtPosition", splits, p.kvRows(),
                p.q, p.kCache, p.vCache, poisoned(p.rows() * splits * p.headDim), poisoned(p.rows() * splits), tickets,
                out, lse, IntArray.fromElements(p.length - 1), p.heads, p.kvHeads, p.headDim, p.capacity, splits));
    }
}
