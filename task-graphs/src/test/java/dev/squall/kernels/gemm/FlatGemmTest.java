package dev.squall.kernels.gemm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static dev.squall.kernels.gemm.KernelRuns.half;
import static dev.squall.kernels.gemm.KernelRuns.run;
import static dev.squall.kernels.gemm.KernelRuns.values;

import dev.squall.api.Device;
import dev.squall.api.DeviceType;
import dev.squall.api.KernelContext;
import dev.squall.api.LaunchBounds;
import dev.squall.api.types.ByteArray;
import dev.squall.api.types.FloatArray;
import dev.squall.api.types.HalfFloatArray;
import dev.squall.api.types.IntArray;
import dev.squall.api.types.NativeArray;
import dev.squall.api.types.Q8_0Array;
import dev.squall.graph.TestDevices;
import dev.squall.graph.WorkerGrid1D;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Flat GEMM out = X·Wᵀ (+ out) for fp32, binary16 and Q8_0 weights, through task graphs on the JVM
 * and every accelerator, against float64 with the FlashAttention rule: m of 1, 3, 8, 9, 17 and 64 (one
 * partial chunk of 8 rows, exactly one, one and a row, several, the largest), n below and above one
 * work-group's 32 rows and a multiple of nothing, k with a partial chunk (k a multiple of 32 for
 * Q8_0), accumulation into random values, and an output longer than m·n whose tail must stay NaN.
 */
class FlatGemmTest {

    /** (m, n, k); Q8_0 rounds k up to a multiple of 32. */
    private static final int[][] SHAPES = {{1, 45, 300}, {3, 7, 96}, {8, 70, 257}, {9, 41, 160}, {17, 37, 33}, {64, 45, 288}};
    /**
     * FlatGemmByLanesForms' kernels: the form's tunables besides the library's two weight rows × two
     * ({@code f16}) or one ({@code f16Gemv}) activation rows.
     */
    private static final String[] FORMS = {"twoByFour", "twoByEight", "fourByOne", "fourByTwo", "fourByFour", "fourByEight"};

    private final Random rng = new Random();

    static Stream<Arguments> cases() {
        List<Arguments> cases = new ArrayList<>();
        for (Device d : TestDevices.all().toList()) {
            for (String type : List.of("F32", "F16", "Q8")) {
                for (int[] s : SHAPES) {
                    int k = type.equals("Q8") ? (s[2] + 31) / 32 * 32 : s[2];
                    cases.add(Arguments.of(d, type, s[0], s[1], k));
                }
            }
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0} {1} m={2} n={3} k={4}")
    @MethodSource("cases")
    void matchesFloat64(Device device, String type, int m, int n, int k) {
        float[] x = values(rng, m * k);
        float[] raw = values(rng, n * k);
        NativeArray w = switch (type) {
            case "F32" -> FloatArray.fromArray(raw);
            case "F16" -> half(raw);
            case "Q8" -> Q8_0Array.quantize(raw);
            default -> throw new IllegalArgumentException(type);
        };
        float[] weights = switch (w) { // the values the kernel sees
            case FloatArray f -> f.toHeapArray();
            case HalfFloatArray h -> h.toFloatArray();
            case Q8_0Array q -> q.toFloatArray();
            default -> throw new IllegalArgumentException(type);
        };
        KernelRuns.checkLinear(rng, device, "flatGemm" + type, x, weights, m, n, k, 1e-6, (xArray, out, accumulate) ->
                run(device, FlatGemm.class, "flatGemm" + type,
                        new WorkerGrid1D(FlatGemm.globalX(n)).setLocalWork(FlatGemm.THREADS), xArray, w, out, m, n, k,
                        accumulate));
    }

    static Stream<Arguments> laneCases() {
        Set<List<Object>> cases = new LinkedHashSet<>(); // (Arguments have no equals: distinct by their values)
        for (Device d : TestDevices.all().toList()) {
            for (int[] s : SHAPES) {
                for (int lanes : new int[] {32, 64, 256}) {
                    cases.add(List.of(d, "f16", s[0], s[1], s[2], lanes));
                }
                cases.add(List.of(d, "f16Gemv", 1, s[1], s[2], FlatGemmByLanes.gemvLanesFor(s[1], s[2])));
                cases.add(List.of(d, "f16Gemv", s[0], s[1], s[2], 64)); // a pass per activation row
                // the form's other tunables ({weight rows}×{activation rows}): one or more passes, rows past n
                for (String form : FORMS) {
                    cases.add(List.of(d, form, s[0], s[1], s[2], 64));
                }
            }
            // several runs per lane (k above 8·lanes) and tail columns, for every form
            for (String form : Stream.concat(Stream.of("f16", "f16Gemv"), Arrays.stream(FORMS)).toList()) {
                cases.add(List.of(d, form, 9, 41, 1100, 64));
                cases.add(List.of(d, form, 5, 13, 2051, 32));
            }
            cases.add(List.of(d, "f16", 3, 11, 1100, 64));
            cases.add(List.of(d, "f16Gemv", 1, 4099, 2056, FlatGemmByLanes.gemvLanesFor(4099, 2056)));
            cases.add(List.of(d, "f16Gemv", 1, 37, 4099, 32)); // a tail
            for (int lanes : new int[] {128, 256}) { // the one-row forms at the lanes gemvLanesFor gives short rows
                for (String form : new String[] {"f16Gemv", "fourByOne"}) {
                    cases.add(List.of(d, form, 1, 21, 4099, lanes));
                    cases.add(List.of(d, form, 3, 9, 5003, lanes));
                }
            }
            cases.add(List.of(d, "f16", 2, 37, 4099, FlatGemmByLanes.lanesFor(4099))); // the default lanes, a tail
            cases.add(List.of(d, "f16", 2, 9, 5000, 128)); // long rows
            cases.add(List.of(d, "f16", 2, 4099, 2056, FlatGemmByLanes.lanesFor(2056))); // many groups, n odd
        }
        return cases.stream().map(c -> Arguments.of(c.toArray()));
    }

    @ParameterizedTest(name = "{0} by lanes {1} m={2} n={3} k={4} lanes={5}")
    @MethodSource("laneCases")
    void byLanesMatchesFloat64(Device device, String form, int m, int n, int k, int lanes) {
        float[] x = values(rng, m * k);
        boolean library = form.startsWith("f16");
        Class<?> owner = library ? FlatGemmByLanes.class : FlatGemmByLanesForms.class;
        int weightRows = library ? FlatGemmByLanes.WEIGHT_ROWS : form.startsWith("two") ? 2 : 4;
        checkF16(device, "FlatGemmByLanes." + form + " lanes=" + lanes, x, half(values(rng, n * k)), m, n, k, 1e-6,
                (xArray, w, out, accumulate) -> run(device, owner, form,
                        new WorkerGrid1D(FlatGemmByLanes.globalX(n, lanes, weightRows)).setLocalWork(FlatGemmByLanes.THREADS),
                        xArray, w, out, m, n, k, accumulate, lanes));
    }

    static Stream<Arguments> q8LaneCases() {
        Set<List<Object>> cases = new LinkedHashSet<>();
        for (Device d : TestDevices.all().toList()) {
            for (String form : new String[] {"q8Gemv", "q8Four"}) {
                for (int[] s : SHAPES) {
                    int k = (s[2] + 31) / 32 * 32;
                    for (int lanes : new int[] {32, 64, 256}) {
                        cases.add(List.of(d, form, s[0], s[1], k, lanes)); // one pass per activation row
                    }
                    cases.add(List.of(d, form, 1, s[1], k, FlatGemmByLanes.q8GemvLanesFor(s[1], k)));
                }
                // several runs per lane, the last run of the row shared by only some lanes, rows past n
                cases.add(List.of(d, form, 1, 4099, 2080, FlatGemmByLanes.q8GemvLanesFor(4099, 2080)));
                cases.add(List.of(d, form, 2, 37, 4128, 64));
                cases.add(List.of(d, form, 3, 9, 5024, 128));
                cases.add(List.of(d, form, 1, 21, 4096, 256));
                cases.add(List.of(d, form, 1, 37, 8192, 256)); // 256 lanes with two runs each, as 2048×8192 gets
            }
        }
        return cases.stream().map(c -> Arguments.of(c.toArray()));
    }

    /** The Q8_0 GEMV (quants and scales split) against float64 of the dequantised weights. */
    @ParameterizedTest(name = "{0} by lanes {1} m={2} n={3} k={4} lanes={5}")
    @MethodSource("q8LaneCases")
    void q8ByLanesMatchesFloat64(Device device, String form, int m, int n, int k, int lanes) {
        float[] x = values(rng, m * k);
        Q8_0Array q = Q8_0Array.quantize(values(rng, n * k));
        ByteArray quants = q.quants();
        HalfFloatArray scales = q.scales();
        Class<?> owner = form.equals("q8Gemv") ? FlatGemmByLanes.class : FlatGemmByLanesForms.class;
        int weightRows = form.equals("q8Gemv") ? FlatGemmByLanes.WEIGHT_ROWS : 4;
        KernelRuns.checkLinear(rng, device, "FlatGemmByLanes." + form + " lanes=" + lanes, x, q.toFloatArray(), m, n, k,
                1e-6, (xArray, out, accumulate) -> run(device, owner, form,
                        new WorkerGrid1D(FlatGemmByLanes.globalX(n, lanes, weightRows)).setLocalWork(FlatGemmByLanes.THREADS),
                        xArray, quants, scales, out, m, n, k, accumulate, lanes));
    }

    static Stream<Arguments> mmaCases() {
        List<Arguments> cases = new ArrayList<>();
        int[][] shapes = {{1, 45, 300}, {3, 7, 96}, {8, 70, 257}, {9, 41, 160}, {16, 33, 512}, {17, 37, 33},
            {12, 20, 1000}, {40, 18, 1032}, {5, 19, 2100}, {9, 21, 3072}};
        for (Device d : TestDevices.all().toList()) {
            if (d.type() == DeviceType.CPU) {
                // OpenCL on a CPU runs the mmas through local memory, two barriers each, and PoCL takes
                // minutes to compile that per specialisation (f16 with four steps per trip: three and a half):
                // one shape, through the two-step form (mmaMatchesFloat64), while the JVM and GPUs take
                // them all (the IR interpreter runs f16 in the jit module's corpus)
                cases.add(Arguments.of(d, 11, 37, 600, 1f));
                cases.add(Arguments.of(d, 11, 37, 600, 1e-3f));
                continue;
            }
            for (int[] s : shapes) {
                cases.add(Arguments.of(d, s[0], s[1], s[2], 1f));
            }
            // small activations: the remainder part must keep its bits (it is scaled before rounding)
            cases.add(Arguments.of(d, 11, 37, 600, 1e-3f));
        }
        return cases.stream();
    }

    /** CUDA devices below compute capability 8.0 have no mma.sync; the compiler refuses them (see MmaTest). */
    static void assumeTensorCoresOrFallback(Device device) {
        org.junit.jupiter.api.Assumptions.assumeFalse(device instanceof dev.squall.drivers.cuda.CudaDevice cuda
                && cuda.computeCapability().major() < 8, device.id() + " has no mma.sync (compute capability below 8.0)");
    }

    /**
     * The tensor-core flat GEMM: the shapes above plus k below one group span of 1024 (512, 1000), one
     * span with a tail (1032), spans with a tail (2100) and without (3072), and m past one batch of 16
     * (40: two full passes and half a tile); and
     * activations a thousand times smaller, whose error must shrink with them.
     */
    @ParameterizedTest(name = "{0} mma m={1} n={2} k={3} activations ×{4}")
    @MethodSource("mmaCases")
    void mmaMatchesFloat64(Device device, int m, int n, int k, float scale) {
        assumeTensorCoresOrFallback(device);
        float[] x = values(rng, m * k);
        for (int i = 0; i < x.length; i++) {
            x[i] *= scale;
        }
        // PoCL: the tile code with two steps per trip (see mmaCases)
        boolean cpu = device.type() == DeviceType.CPU;
        Class<?> owner = cpu ? FlatGemmTest.class : FlatGemmMma.class;
        String kernel = cpu ? "mmaTwoSteps" : "f16";
        // the slack scales with the products; with accumulate on, the start values (of order 1) set it
        checkF16(device, owner.getSimpleName() + "." + kernel + " activations ×" + scale, x, half(values(rng, n * k)),
                m, n, k, 1e-6 * scale, (xArray, w, out, accumulate) -> run(device, owner, kernel,
                        new WorkerGrid1D(FlatGemmMma.globalX(n)).setLocalWork(FlatGemmMma.THREADS),
                        xArray, w, out, m, n, k, accumulate));
    }

    /** {@link FlatGemmMma#f16} reading the second tile's rows with the first's on every trip. */
    public static void mmaSecondRowsAlways(KernelContext context, FloatArray x, HalfFloatArray w, FloatArray out, int m,
                                           int n, int k, int accumulate) {
        FlatGemmMma.f16SecondRows(context, x, w, out, m, n, k, accumulate, FlatGemmMma.SECOND_ROWS_ALWAYS, 4);
    }

    /** {@link FlatGemmMma#f16} reading the second tile's rows inside its branch. */
    public static void mmaSecondRowsLate(KernelContext context, FloatArray x, HalfFloatArray w, FloatArray out, int m,
                                         int n, int k, int accumulate) {
        FlatGemmMma.f16SecondRows(context, x, w, out, m, n, k, accumulate, FlatGemmMma.SECOND_ROWS_LATE, 2);
    }

    /** {@link FlatGemmMma#f16} with two steps per trip (the stream form's), the second tile's rows selected. */
    public static void mmaTwoSteps(KernelContext context, FloatArray x, HalfFloatArray w, FloatArray out, int m, int n,
                                   int k, int accumulate) {
        FlatGemmMma.f16SecondRows(context, x, w, out, m, n, k, accumulate, FlatGemmMma.SECOND_ROWS_SELECTED, 2);
    }

    static Stream<Arguments> secondRowCases() {
        List<Arguments> cases = new ArrayList<>();
        for (Device d : TestDevices.all().filter(d -> d.type() != DeviceType.CPU).toList()) { // PoCL: see mmaCases
            for (String kernel : new String[] {"mmaSecondRowsAlways", "mmaSecondRowsLate", "mmaTwoSteps"}) {
                for (int[] s : new int[][] {{3, 7, 96}, {12, 20, 1000}, {17, 37, 33}, {9, 21, 2100}}) {
                    cases.add(Arguments.of(d, kernel, s[0], s[1], s[2]));
                }
            }
        }
        return cases.stream();
    }

    /** The flat GEMM's other compile-time choices of where the second tile's rows load give the same products. */
    @ParameterizedTest(name = "{0} {1} m={2} n={3} k={4}")
    @MethodSource("secondRowCases")
    void mmaSecondRowChoicesMatchFloat64(Device device, String kernel, int m, int n, int k) {
        assumeTensorCoresOrFallback(device);
        checkF16(device, "FlatGemmTest." + kernel, values(rng, m * k), half(values(rng, n * k)), m, n, k, 1e-6,
                (xArray, w, out, accumulate) -> run(device, FlatGemmTest.class, kernel,
                        new WorkerGrid1D(FlatGemmMma.globalX(n)).setLocalWork(FlatGemmMma.THREADS),
                        xArray, w, out, m, n, k, accumulate));
    }

    /** {@link FlatGemmMma#f16Form} with sixteen warps per work-group. */
    @LaunchBounds(maxGroupSize = 512)
    public static void mmaWarps16(KernelContext context, FloatArray x, HalfFloatArray w, FloatArray out, int m, int n,
                                  int k, int accumulate) {
        float[] partials = context.allocateFloatLocalArray(16 * FlatGemmMma.VALUES);
        FlatGemmMma.f16Form(context, partials, x, w, out, m, n, k, accumulate, FlatGemmMma.SECOND_ROWS_SELECTED, 16, 2);
    }

    /** {@link FlatGemmMma#f16Form} with thirty-two warps per work-group, the second tile's rows read late. */
    @LaunchBounds(maxGroupSize = 1024)
    public static void mmaWarps32(KernelContext context, FloatArray x, HalfFloatArray w, FloatArray out, int m, int n,
                                  int k, int accumulate) {
        float[] partials = context.allocateFloatLocalArray(32 * FlatGemmMma.VALUES);
        FlatGemmMma.f16Form(context, partials, x, w, out, m, n, k, accumulate, FlatGemmMma.SECOND_ROWS_LATE, 32, 2);
    }

    /** {@link FlatGemmMma#f16Form} with sixteen warps loading four steps per trip, the second tile's rows late. */
    @LaunchBounds(maxGroupSize = 512)
    public static void mmaWarps16Unroll4(KernelContext context, FloatArray x, HalfFloatArray w, FloatArray out, int m,
                                         int n, int k, int accumulate) {
        float[] partials = context.allocateFloatLocalArray(16 * FlatGemmMma.VALUES);
        FlatGemmMma.f16Form(context, partials, x, w, out, m, n, k, accumulate, FlatGemmMma.SECOND_ROWS_LATE, 16, 4);
    }

    static Stream<Arguments> wideCases() {
        // {kernel, warps}; shapes with k below one span, spans with tails, m past one batch of 16
        return kernelCases(new Object[][] {{"mmaWarps16", 16}, {"mmaWarps32", 32}, {"mmaWarps16Unroll4", 16}},
                new int[][] {{3, 7, 96}, {12, 20, 1000}, {17, 37, 33}, {9, 41, 2100}, {1, 45, 4100}});
    }

    /** (device, kernel[0], kernel[1], m, n, k) for every GPU and the JVM (PoCL: see mmaCases), kernel and shape. */
    private static Stream<Arguments> kernelCases(Object[][] kernels, int[][] shapes) {
        List<Arguments> cases = new ArrayList<>();
        for (Device d : TestDevices.all().filter(d -> d.type() != DeviceType.CPU).toList()) {
            for (Object[] kernel : kernels) {
                for (int[] s : shapes) {
                    cases.add(Arguments.of(d, kernel[0], kernel[1], s[0], s[1], s[2]));
                }
            }
        }
        return cases.stream();
    }

    /** The flat GEMM with more warps per work-group, or more steps per trip, gives the same products. */
    @ParameterizedTest(name = "{0} {1} m={3} n={4} k={5}")
    @MethodSource("wideCases")
    void mmaWideFormsMatchFloat64(Device device, String kernel, int warps, int m, int n, int k) {
        assumeTensorCoresOrFallback(device);
        int threads = warps * KernelContext.WARP_SIZE;
        checkF16(device, "FlatGemmTest." + kernel, values(rng, m * k), half(values(rng, n * k)), m, n, k, 1e-6,
                (xArray, w, out, accumulate) -> run(device, FlatGemmTest.class, kernel,
                        new WorkerGrid1D(Math.ceilDiv(n, FlatGemmMma.ROWS) * threads).setLocalWork(threads),
                        xArray, w, out, m, n, k, accumulate));
    }

    /**
     * {@link FlatGemmMma#f16StagedForm}: four steps per trip, a ring of three (104 KB of local memory with
     * the partials: dynamic shared memory on CUDA).
     */
    @LaunchBounds(maxGroupSize = FlatGemmMma.THREADS, minGroupsPerComputeUnit = 2)
    public static void mmaStaged4x3(KernelContext context, FloatArray x, HalfFloatArray w, FloatArray out, int m, int n,
                                    int k, int accumulate) {
        float[] partials = context.allocateFloatLocalArray(8 * FlatGemmMma.VALUES);
        short[] ring = context.allocateShortLocalArray(3 * 2 * 4 * FlatGemmMma.THREADS * 8);
        FlatGemmMma.f16StagedForm(context, partials, ring, x, w, out, m, n, k, accumulate,
                FlatGemmMma.SECOND_ROWS_SELECTED, 8, 4, 3);
    }

    /** Two steps per trip, a ring of two (40 KB of local memory: fits every GPU's static limit). */
    public static void mmaStaged2x2(KernelContext context, FloatArray x, HalfFloatArray w, FloatArray out, int m, int n,
                                    int k, int accumulate) {
        float[] partials = context.allocateFloatLocalArray(8 * FlatGemmMma.VALUES);
        short[] ring = context.allocateShortLocalArray(2 * 2 * 2 * FlatGemmMma.THREADS * 8);
        FlatGemmMma.f16StagedForm(context, partials, ring, x, w, out, m, n, k, accumulate,
                FlatGemmMma.SECOND_ROWS_SELECTED, 8, 2, 2);
    }

    static Stream<Arguments> stagedCases() {
        // {kernel, local bytes}; k below a span, k not a multiple of 8 (all columns through the tail), spans
        // with and without a tail, more trips than the ring holds, and m past one batch (the ring reused)
        return kernelCases(new Object[][] {{"mmaStaged4x3", 8 * 1024 + 3 * 2 * 4 * 256 * 16},
            {"mmaStaged2x2", 8 * 1024 + 2 * 2 * 2 * 256 * 16}}, new int[][] {{3, 7, 96}, {12, 20, 1000}, {17, 37, 33},
                {9, 41, 2100}, {9, 41, 4104}, {1, 45, 8200}, {40, 18, 3072}});
    }

    /**
     * The flat GEMM with its weights staged through local memory by asynchronous copies gives the
     * same products (the JVM lands each copy only when it is waited for, so a read too early fails here).
     */
    @ParameterizedTest(name = "{0} {1} m={3} n={4} k={5}")
    @MethodSource("stagedCases")
    void mmaStagedFormsMatchFloat64(Device device, String kernel, int localBytes, int m, int n, int k) {
        assumeTensorCoresOrFallback(device);
        org.junit.jupiter.api.Assumptions.assumeTrue(localBytes <= device.localMemoryBytes(), () -> device.id()
                + " has " + device.localMemoryBytes() + " bytes of local memory per work-group; " + kernel + " needs "
                + localBytes);
        checkF16(device, "FlatGemmTest." + kernel, values(rng, m * k), half(values(rng, n * k)), m, n, k, 1e-6,
                (xArray, w, out, accumulate) -> run(device, FlatGemmTest.class, kernel,
                        new WorkerGrid1D(FlatGemmMma.globalX(n)).setLocalWork(FlatGemmMma.THREADS),
                        xArray, w, out, m, n, k, accumulate));
    }

    static Stream<Arguments> streamCases() {
        List<Arguments> cases = new ArrayList<>();
        // {m, n, k, groups}: more groups than units, one group for all, groups that split blocks unevenly
        // (a block shared by up to four groups), a k tail chunk, and two passes of 16 activation rows
        int[][] shapes = {{1, 45, 300, 1}, {1, 45, 300, 5}, {9, 41, 1000, 4}, {3, 41, 1000, 5}, {17, 37, 1032, 2},
            {17, 37, 1032, 7}, {16, 70, 2048, 3}, {8, 70, 2048, 11}, {12, 70, 2048, 20}, {5, 70, 2048, 80},
            {40, 70, 2048, 11}, {33, 300, 600, 13}}; // three passes; 19 blocks over 13 groups
        for (Device d : TestDevices.all().filter(d -> d.type() != DeviceType.CPU).toList()) { // PoCL: see mmaCases
            for (int[] s : shapes) {
                cases.add(Arguments.of(d, "f16Stream", s[0], s[1], s[2], s[3]));
            }
            for (int[] s : new int[][] {{9, 41, 1000, 4}, {17, 37, 1032, 7}, {8, 70, 2048, 11}, {5, 45, 300, 9}}) {
                cases.add(Arguments.of(d, "streamAhead", s[0], s[1], s[2], s[3]));
            }
            for (int[] s : new int[][] {{9, 41, 1000, 4}, {17, 37, 2100, 7}, {8, 70, 4096, 11}, {5, 45, 300, 9}}) {
                cases.add(Arguments.of(d, "streamUnroll4", s[0], s[1], s[2], s[3]));
            }
        }
        return cases.stream();
    }

    /** {@link FlatGemmMma#f16Stream} with each span's weights loaded a trip ahead. */
    public static void streamAhead(KernelContext context, FloatArray x, HalfFloatArray w, FloatArray out, int m, int n,
                                   int k, int accumulate, FloatArray parts, IntArray tickets) {
        FlatGemmMma.f16StreamForm(context, x, w, out, m, n, k, accumulate, parts, tickets,
                FlatGemmMma.SECOND_ROWS_SELECTED, true, 2);
    }

    /** {@link FlatGemmMma#f16Stream} loading four steps per trip (chunks of 1024 columns). */
    public static void streamUnroll4(KernelContext context, FloatArray x, HalfFloatArray w, FloatArray out, int m,
                                     int n, int k, int accumulate, FloatArray parts, IntArray tickets) {
        FlatGemmMma.f16StreamForm(context, x, w, out, m, n, k, accumulate, parts, tickets,
                FlatGemmMma.SECOND_ROWS_LATE, false, 4);
    }

    /**
     * The stream-K flat GEMM over a fixed number of work-groups: the same products whatever the split,
     * and every ticket back at zero after each launch (the next launch relies on it).
     */
    @ParameterizedTest(name = "{0} {1} m={2} n={3} k={4} groups={5}")
    @MethodSource("streamCases")
    void streamMatchesFloat64(Device device, String kernel, int m, int n, int k, int groups) {
        assumeTensorCoresOrFallback(device);
        FloatArray parts = new FloatArray((int) FlatGemmMma.streamPartsLength(groups, m));
        IntArray tickets = new IntArray(FlatGemmMma.streamTicketsLength(n, m));
        String name = kernel + " groups=" + groups;
        Class<?> owner = kernel.equals("f16Stream") ? FlatGemmMma.class : FlatGemmTest.class;
        checkF16(device, name, values(rng, m * k), half(values(rng, n * k)), m, n, k, 1e-6,
                (xArray, w, out, accumulate) -> {
                    parts.init(Float.NaN); // a part read before it is written shows
                    run(device, owner, kernel,
                            new WorkerGrid1D(groups * FlatGemmMma.THREADS).setLocalWork(FlatGemmMma.THREADS),
                            xArray, w, out, m, n, k, accumulate, parts, tickets);
                    for (int t = 0; t < tickets.getSize(); t++) {
                        assertEquals(0, tickets.get(t), name + ": ticket " + t + " left set on " + device.id());
                    }
                });
    }

    private void checkF16(Device device, String name, float[] x, HalfFloatArray w, int m, int n, int k,
                          double productSlack, KernelRuns.F16Launch launch) {
        KernelRuns.checkF16(rng, device, name, x, w, m, n, k, productSlack, launch);
    }
}
