package dev.squall.kernels.attention;

import static dev.squall.kernels.Accuracy.assertWithinTwiceNaive;
import static dev.squall.kernels.Accuracy.poisoned;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.squall.api.Device;
import dev.squall.api.Devices;
import dev.squall.api.KernelContext;
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
 * the whole capacity, a capacity that is not a multiple of the span, GQA ratios 1, 2, 3, 4, 7 and 8, head
 * dimensions 8, 40, 64, 72, 96, 120 and 128 (from 64 on, the loads made before the queries), merges of one to eight
 * batches of eight splits. Each shape runs twice on the same tickets, which must be back at 0; a sequence runs its
 * steps on the same scratch as it grows and shrinks; and one position far above the rest checks the merge's running
 * maximum.
 */
class GrowingSplitDecodingTest {

    private final Random rng = new Random();

    /** {heads, kvHeads, headDim, capacity, length}. */
    static Stream<Arguments> cases() {
        int[][] shapes = {
            {32, 8, 64, 2048, 1},       // Llama-3.2-1B's heads, the first position: one split, no merge
            {32, 8, 64, 2048, 128},     // exactly one span
            {32, 8, 64, 2048, 129},     // a second split of one position: the merge
            {32, 8, 64, 2048, 700},     // six of sixteen splits active, the last one partly
            {32, 8, 64, 2048, 2048},    // every split full
            {32, 8, 64, 2048, 1200},    // ten splits: the merge's second batch of eight only partly filled
            {4, 4, 128, 300, 300},      // MHA, capacity not a multiple of the span (three splits, the last short)
            {14, 2, 64, 500, 389},      // GQA 7: the second block of four heads
            {8, 1, 40, 150, 77},        // GQA 8, head dim 40 (value work-items idle)
            {16, 2, 128, 400, 300},     // GQA 8, head dim 128 (all of the local arrays), three of four splits merged
            {4, 2, 64, 256, 256},       // GQA 2, two full splits
            {3, 1, 8, 80, 70},          // GQA 3, head dim 8
            {8, 2, 72, 300, 260},       // ahead at 72: one key piece after it, value work-items 252-255 idle
            {16, 2, 96, 500, 389},      // ahead at 96: a 16-dimension trip after it, GQA 8
            {8, 1, 120, 300, 200},      // ahead at 120: 16 + 4 · 3 after it, idle value work-items
            {32, 8, 64, 2048, 1000},    // eight splits: exactly one full merge batch
            {32, 8, 64, 2048, 1025},    // nine: a second batch of one
            {8, 2, 64, 8192, 8000},     // MAX_CAPACITY, 63 of 64 splits: eight batches, the last partly
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
            assertWithinTwiceNaive(out, e.out(), e.naiveOut(), FlashDecodingTest.OUT_ATOL, "out " + what);
            assertWithinTwiceNaive(lse, e.lse(), e.naiveLse(), FlashDecodingTest.LSE_ATOL, "lse " + what);
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
            FlashDecodingTest.assertNaNOnlyIn(p, nanKvRow, out, lse, refOut, " length " + length + " on " + device.id());
        }
    }

    /**
     * The model's use: one step after another on the same tickets and partials while the sequence grows
     * (one active split, then two, then six), each against float64.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.squall.graph.TestDevices#all")
    void stepsOfAGrowingSequenceShareTheirScratch(Device device) {
        int capacity = 1000;
        int splits = GrowingSplitDecoding.splitsFor(capacity);
        IntArray tickets = new IntArray(2);
        FloatArray partialOut = poisoned(8 * splits * 64);
        FloatArray partialLse = poisoned(8 * splits);
        for (int length : new int[] {128, 129, 700, 1000, 129, 2, 700}) {
            DecodeProblem p = new DecodeProblem(rng, false, 1, 8, 2, 64, capacity, length);
            FlashDecodingTest.Expected e = FlashDecodingTest.Expected.of(p);
            FloatArray out = poisoned(p.rows() * p.headDim);
            FloatArray lse = poisoned(p.rows());
            step(device, p, tickets, partialOut, partialLse, out, lse);
            String what = p + " after the shorter steps on " + device.id();
            assertWithinTwiceNaive(out, e.out(), e.naiveOut(), FlashDecodingTest.OUT_ATOL, "out " + what);
            assertWithinTwiceNaive(lse, e.lse(), e.naiveLse(), FlashDecodingTest.LSE_ATOL, "lse " + what);
            assertEquals(0, tickets.get(0) + tickets.get(1), "tickets left set, " + what);
        }
    }

    /**
     * One position scores about 240 above the rest (its split's log-sum-exp far above the other splits'), in the
     * first batch of the merge and with a second batch after it: the merge's running maximum must keep e^(L - top)
     * from overflowing.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.squall.graph.TestDevices#all")
    void aDominantSplitDoesNotOverflowTheMerge(Device device) {
        for (int position : new int[] {5 * 128 + 3, 9 * 128 + 7}) {
            DecodeProblem p = new DecodeProblem(rng, false, 1, 4, 4, 64, 2048, 1200);
            for (int kv = 0; kv < 4; kv++) {
                for (int d = 0; d < 64; d++) {
                    p.setKey(kv, position, d, p.q.get(kv * 64 + d) >= 0 ? 60f : -60f);
                }
            }
            FlashDecodingTest.Expected e = FlashDecodingTest.Expected.of(p);
            FloatArray out = poisoned(p.rows() * 64);
            FloatArray lse = poisoned(p.rows());
            step(device, p, new IntArray(4), out, lse);
            String what = "dominant position " + position + " on " + device.id();
            assertWithinTwiceNaive(out, e.out(), e.naiveOut(), FlashDecodingTest.OUT_ATOL, "out " + what);
            assertWithinTwiceNaive(lse, e.lse(), e.naiveLse(), FlashDecodingTest.LSE_ATOL, "lse " + what);
        }
    }

    /** The softmax gives each query head a warp and each lane four positions of the span. */
    @Test
    void softmaxLayoutFitsTheWorkGroup() {
        assertTrue(GrowingSplitDecoding.THREADS / KernelContext.WARP_SIZE >= GrowingSplitDecoding.MAX_GROUP,
                "a warp per query head");
        assertEquals(4 * KernelContext.WARP_SIZE, GrowingSplitDecoding.SPAN, "four positions a lane");
        assertTrue(GrowingSplitDecoding.LOCAL_BYTES <= 48 * 1024, "NVIDIA OpenCL's 48 KiB");
    }

    @Test
    void sizesItCannotTakeAreNamed() {
        long jvm = Devices.get("java").localMemoryBytes();
        assertNull(GrowingSplitDecoding.unsupported(32, 8, 64, GrowingSplitDecoding.MAX_CAPACITY, jvm));
        assertNotNull(GrowingSplitDecoding.unsupported(32, 8, 64, GrowingSplitDecoding.MAX_CAPACITY + 1, jvm));
        assertNotNull(GrowingSplitDecoding.unsupported(32, 8, 64, 2048, 32 * 1024));
        assertNull(GrowingSplitDecoding.unsupported(32, 8, 64, 2048, 48 * 1024));
        assertNotNull(GrowingSplitDecoding.unsupported(36, 4, 64, 2048, jvm));
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
        int splits = GrowingSplitDecoding.splitsFor(p.capacity);
        step(device, p, tickets, poisoned(p.rows() * splits * p.headDim), poisoned(p.rows() * splits), out, lse);
    }

    /** One step at position length − 1 on the given partials (heads · splitsFor(capacity) rows of them). */
    private static void step(Device device, DecodeProblem p, IntArray tickets, FloatArray partialOut,
                             FloatArray partialLse, FloatArray out, FloatArray lse) {
        assertNull(GrowingSplitDecoding.unsupported(p.heads, p.kvHeads, p.headDim, p.capacity, device.localMemoryBytes()));
        int splits = GrowingSplitDecoding.splitsFor(p.capacity);
        DecodeProblem.run(device, DecodeProblem.split(GrowingSplitDecoding.class, "stepAtPosition", splits, p.kvRows(),
                p.q, p.kCache, p.vCache, partialOut, partialLse, tickets, out, lse, IntArray.fromElements(p.length - 1),
                p.heads, p.kvHeads, p.headDim, p.capacity, splits));
    }
}
