package dev.squall.kernels.gemm;

import static dev.squall.kernels.gemm.KernelRuns.checkF16;
import static dev.squall.kernels.gemm.KernelRuns.half;
import static dev.squall.kernels.gemm.KernelRuns.run;
import static dev.squall.kernels.gemm.KernelRuns.values;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.squall.api.Device;
import dev.squall.api.DeviceType;
import dev.squall.api.types.FloatArray;
import dev.squall.api.types.HalfFloatArray;
import dev.squall.api.types.IntArray;
import dev.squall.graph.TestDevices;
import dev.squall.graph.WorkerGrid1D;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The tensor-core tiled GEMM in its four forms against float64 by the 2×-naive rule, on the JVM and every
 * accelerator whose local memory holds its ring: k not a multiple of 8 (every column outside the
 * ring), k with a partial chunk at the end of the last split, splits with one chunk, none, and
 * several, m past one tile of activation rows, n past one tile of weight rows and a multiple of
 * nothing; accumulation into random values, an output whose tail must stay NaN, parts poisoned with
 * NaN, every ticket back at zero after each launch, and activations a thousand times smaller.
 */
class TiledGemmMmaTest {

    /** (m, n, k, splits). */
    private static final int[][] SHAPES = {
        {17, 37, 33, 1}, // k % 8 != 0: no ring
        {40, 130, 1032, 3}, // 16 whole chunks and 8 columns: the last split ends in a partial chunk
        {64, 45, 288, 2}, // 4.5 chunks: 3 and 1.5
        {65, 200, 520, 1}, // two tiles of activation rows (wide; three narrow), 8 chunks and 8 columns
        {33, 300, 1000, 4}, // 1000 = 15 chunks + 40 columns, past one narrow tile of weight rows
        {20, 50, 257, 2}, // k odd, split
        {24, 40, 100, 3}, // two chunks over three splits: one split has none
        {100, 260, 2100, 5}, // prefill-like: four tiles of activation rows (narrow), 33 chunks
        {3, 64, 512, 1}, // few activation rows: most of a tile repeats row m − 1
    };

    private static final List<TiledGemmForm> FORMS = List.of(TiledGemmForm.WIDE, TiledGemmForm.NARROW,
            TiledGemmForm.WIDE_TWO_GROUPS, TiledGemmForm.NARROW_TWO_GROUPS);

    private final Random rng = new Random();

    static Stream<Arguments> cases() {
        List<Arguments> cases = new ArrayList<>();
        for (Device d : TestDevices.all().toList()) {
            if (d.type() == DeviceType.CPU) {
                cases.add(Arguments.of(d, TiledGemmForm.WIDE, 40, 130, 1032, 3, 1f)); // skipped, with the reason
                continue;
            }
            for (TiledGemmForm form : FORMS) {
                for (int[] s : SHAPES) {
                    cases.add(Arguments.of(d, form, s[0], s[1], s[2], s[3], 1f));
                }
                // small activations: the remainder part must keep its bits
                cases.add(Arguments.of(d, form, 40, 130, 1032, 3, 1e-3f));
            }
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0} {1} m={2} n={3} k={4} splits={5} activations ×{6}")
    @MethodSource("cases")
    void matchesFloat64(Device device, TiledGemmForm form, int m, int n, int k, int splits, float scale) {
        FlatGemmTest.assumeTensorCoresOrFallback(device);
        org.junit.jupiter.api.Assumptions.assumeFalse(device.type() == DeviceType.CPU, "PoCL spends more than ten"
                + " minutes compiling the 64 emulated mmas of each specialisation; the JVM, the IR interpreter (the"
                + " jit corpus) and CUDA run it");
        org.junit.jupiter.api.Assumptions.assumeTrue(form.localBytes() <= device.localMemoryBytes(), () -> device.id()
                + " has " + device.localMemoryBytes() + " bytes of local memory; TiledGemmMma." + form.kernel()
                + " needs " + form.localBytes());
        check(device, form, m, n, k, splits, scale);
    }

    private void check(Device device, TiledGemmForm form, int m, int n, int k, int splits, float scale) {
        float[] x = values(rng, m * k);
        for (int i = 0; i < x.length; i++) {
            x[i] *= scale;
        }
        HalfFloatArray pairs = new HalfFloatArray((int) TiledGemmMma.pairsLength(m, k));
        FloatArray parts = new FloatArray((int) TiledGemmMma.partsLength(m, n, splits));
        IntArray tickets = new IntArray(form.ticketsLength(m, n));
        String name = "TiledGemmMma." + form.kernel() + " splits=" + splits + " activations ×" + scale;
        // the slack scales with the products; with accumulate on, the start values (of order 1) set it
        checkF16(rng, device, name, x, half(values(rng, n * k)), m, n, k, 1e-6 * scale, (xArray, w, out, accumulate) -> {
            parts.init(Float.NaN); // a part read before it is written shows
            poison(pairs);
            run(device, TiledGemmMma.class, "split",
                    new WorkerGrid1D(TiledGemmMma.splitGlobalX(m, k)).setLocalWork(TiledGemmMma.THREADS), xArray, pairs,
                    m, k);
            run(device, TiledGemmMma.class, form.kernel(),
                    new WorkerGrid1D(form.globalX(m, n, splits)).setLocalWork(TiledGemmMma.THREADS),
                    pairs, w, out, m, n, k, accumulate, splits, parts, tickets);
            for (int t = 0; t < tickets.getSize(); t++) {
                assertEquals(0, tickets.get(t), name + " m=" + m + " n=" + n + " k=" + k + " accumulate " + accumulate
                        + " on " + device.id() + ": ticket " + t + " left set");
            }
        });
    }

    private static void poison(HalfFloatArray a) {
        for (int i = 0; i < a.getSize(); i++) {
            a.setBits(i, (short) 0x7E00); // NaN
        }
    }

    static Stream<Arguments> splitCases() {
        List<Arguments> cases = new ArrayList<>();
        for (Device d : TestDevices.all().toList()) {
            cases.add(Arguments.of(d, 13, 70)); // rows and columns padded
            cases.add(Arguments.of(d, 16, 64)); // neither
        }
        return cases.stream();
    }

    /**
     * {@link TiledGemmMma#split}: element (row, column) of x at run lane 4·(row % 8) + column % 32 / 8 of
     * block (row / 8, column / 32), nearest value plus remainder / 2^11 within 2^-22 of it, and every
     * padding element a zero (the products past m and k rely on it).
     */
    @ParameterizedTest(name = "{0} split m={1} k={2}")
    @MethodSource("splitCases")
    void splitLaysOutFragmentRunsPaddedWithZeros(Device device, int m, int k) {
        float[] x = values(rng, m * k);
        HalfFloatArray pairs = new HalfFloatArray((int) TiledGemmMma.pairsLength(m, k));
        poison(pairs);
        run(device, TiledGemmMma.class, "split",
                new WorkerGrid1D(TiledGemmMma.splitGlobalX(m, k)).setLocalWork(TiledGemmMma.THREADS),
                FloatArray.fromArray(x), pairs, m, k);
        int rows = (m + 7) / 8 * 8;
        int columns = (k + 31) / 32 * 32;
        int blocks = columns / 32;
        for (int row = 0; row < rows; row++) {
            for (int column = 0; column < columns; column++) {
                int lane = 4 * (row % 8) + column % 32 / 8;
                int at = ((row / 8 * blocks + column / 32) * 32 + lane) * 8 + column % 8;
                float nearest = pairs.getFloat(at);
                float rest = pairs.getFloat(rows * columns + at);
                String where = "row " + row + " column " + column + " on " + device.id();
                if (row < m && column < k) {
                    float v = x[row * k + column];
                    assertEquals(v, nearest + rest / 2048f, Math.abs(v) * 0x1p-22 + 1e-12, where);
                } else {
                    assertEquals(0, pairs.getBits(at), "padding " + where);
                    assertEquals(0, pairs.getBits(rows * columns + at), "padding " + where);
                }
            }
        }
    }

    @Test
    void splitsFillOneWaveWhereTilesAreFew() {
        // n = 4096 at m ≤ 64 on 132 compute units: 32 tiles, split four ways (128 work-groups)
        assertEquals(4, TiledGemmMma.splitsFor(64, 4096, 4096, TiledGemmMma.WIDE_ROW_WARPS, 132, 1));
        // 11008 rows: 86 tiles, three ways (258 work-groups, two waves of 132)
        assertEquals(3, TiledGemmMma.splitsFor(64, 11008, 4096, TiledGemmMma.WIDE_ROW_WARPS, 132, 1));
        // 128256 rows: 1002 tiles, enough without splitting
        assertEquals(1, TiledGemmMma.splitsFor(64, 128256, 2048, TiledGemmMma.WIDE_ROW_WARPS, 132, 1));
        // never more splits than chunks
        assertEquals(2, TiledGemmMma.splitsFor(64, 128, 100, TiledGemmMma.WIDE_ROW_WARPS, 132, 1));
        // prefill: plenty of tiles
        assertEquals(1, TiledGemmMma.splitsFor(4096, 4096, 4096, TiledGemmMma.WIDE_ROW_WARPS, 132, 1));
        var e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> TiledGemmMma.splitsFor(0, 4096, 4096, TiledGemmMma.WIDE_ROW_WARPS, 132, 1));
        assertTrue(e.getMessage().contains("m, n, k ≥ 1, got 0, 4096, 4096"), e.getMessage());
        e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> TiledGemmMma.splitsFor(70000, 40000, 4096, TiledGemmMma.WIDE_ROW_WARPS, 132, 1));
        assertTrue(e.getMessage().contains("below 2^31"), e.getMessage());
    }

    /** What a launch is told of each form (local memory, groups per compute unit) is what its kernel compiles to. */
    @Test
    void eachFormDescribesItsKernel() {
        for (TiledGemmForm form : FORMS) {
            var kernel = java.util.Arrays.stream(TiledGemmMma.class.getMethods())
                    .filter(x -> x.getName().equals(form.kernel())).findFirst().orElseThrow();
            var function = dev.squall.jit.KernelCompiler.compile(kernel, java.util.Map.of(),
                    dev.squall.jit.CompileOptions.PTX).function();
            assertEquals(form.localBytes(), function.localMemoryBytes(), form.kernel());
            assertEquals(form.groupsPerUnit(), function.launchBound().minGroupsPerComputeUnit(), form.kernel());
            assertEquals(TiledGemmMma.THREADS, function.launchBound().maxGroupSize(), form.kernel());
        }
    }

    @Test
    void formsFollowTheActivationRowsAndTheTiles() {
        // up to 32 activation rows narrow, above wide; two groups per unit from half as many tiles as units
        assertEquals(TiledGemmForm.NARROW, TiledGemmForm.choose(17, 4096, 132)); // 16 tiles
        assertEquals(TiledGemmForm.NARROW, TiledGemmForm.choose(32, 11008, 132)); // 43 tiles
        assertEquals(TiledGemmForm.NARROW_TWO_GROUPS, TiledGemmForm.choose(32, 128256, 132)); // 501 tiles
        assertEquals(TiledGemmForm.WIDE, TiledGemmForm.choose(33, 4096, 132)); // 32 tiles
        assertEquals(TiledGemmForm.WIDE_TWO_GROUPS, TiledGemmForm.choose(64, 11008, 132)); // 86 tiles
        assertEquals(128, TiledGemmMma.rows(TiledGemmMma.WIDE_ROW_WARPS));
        assertEquals(64, TiledGemmMma.batch(TiledGemmMma.WIDE_ROW_WARPS));
        assertEquals(256, TiledGemmMma.rows(TiledGemmMma.NARROW_ROW_WARPS));
        assertEquals(32, TiledGemmMma.batch(TiledGemmMma.NARROW_ROW_WARPS));
        // three chunks of 16 KB of weights and 16 KB of activation pairs, and the ticket's int (padded)
        assertEquals(3 * 32768 + 16, TiledGemmForm.WIDE.localBytes());
        // two groups of the two-chunk narrow ring fit Hopper's 227 KB per unit
        assertTrue(2 * TiledGemmForm.NARROW_TWO_GROUPS.localBytes() <= 227 * 1024);
        assertTrue(2 * TiledGemmForm.WIDE_TWO_GROUPS.localBytes() <= 227 * 1024);
    }
}
