package dev.squall.bench;

import dev.squall.api.Device;
import dev.squall.api.types.ByteArray;
import dev.squall.api.types.FloatArray;
import dev.squall.api.types.HalfFloatArray;
import dev.squall.api.types.IntArray;
import dev.squall.api.types.Q8_0Array;
import dev.squall.graph.DataTransferMode;
import dev.squall.graph.ExecutionPlan;
import dev.squall.graph.GridScheduler;
import dev.squall.graph.TaskGraph;
import dev.squall.graph.WorkerGrid;
import dev.squall.graph.WorkerGrid1D;
import dev.squall.graph.WorkerGrid2D;
import dev.squall.kernels.attention.DecodeSplits;
import dev.squall.kernels.attention.FlashAttention2;
import dev.squall.kernels.attention.FlashDecoding;
import dev.squall.kernels.attention.UnifiedMaxDecoding;
import dev.squall.kernels.attention.UnifiedMaxDecodingVariants;
import dev.squall.kernels.gemm.FlatGemm;
import dev.squall.kernels.gemm.FlatGemmByLanes;
import dev.squall.kernels.gemm.FlatGemmByLanesVariants;
import dev.squall.kernels.gemm.FlatGemmMma;
import dev.squall.kernels.gemm.FlatGemmMmaVariants;
import dev.squall.kernels.gemm.Gemm;
import dev.squall.kernels.gemm.NormGemvByLanes;
import dev.squall.kernels.gemm.NormGemvByLanesVariants;
import dev.squall.kernels.gemm.TiledGemmForm;
import dev.squall.kernels.gemm.TiledGemmMma;
import dev.squall.kernels.transformer.MatVec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.IntToDoubleFunction;
import java.util.function.Supplier;
import java.util.stream.IntStream;

/**
 * The shapes of the IO-aware kernel benchmark (issue 6), per group: {@code flat_gemm} (M = 1…64
 * activation rows against fp16 weights of decode shapes; the GEMV at M = 1, the register-blocked
 * GEMM from M = 8 and the tensor-core tiled GEMM from M = 16, for the dataflow thresholds),
 * {@code gemm} (4096³ fp32 and fp16 storage, and the tiled GEMM's fp32 × fp16), {@code prefill}
 * (FlashAttention-2, B = 1, H = 32, D = 128) and {@code decode} (Flash-Decoding and FlashDecoding++
 * over fp16 caches). Keys match bench/peers/peers.py.
 */
final class BenchCases {

    private static final int[][] FLAT_SHAPES = {{4096, 4096}, {11008, 4096}, {4096, 11008}, {14336, 4096}, {128256, 2048}};
    private static final int[][] DECODER_GEMV_SHAPES = {{3072, 2048}, {2048, 2048}, {8192, 2048}, {2048, 8192}};

    private final Device device;
    private final Ceilings ceilings;
    private final boolean quick;
    private final BenchSelection selection;
    private final int computeUnits;
    private final DecodeSplits decodeSplits;

    BenchCases(Device device, Ceilings ceilings, boolean quick) {
        this(device, ceilings, quick, BenchSelection.issue());
    }

    /** {@code selection}: shapes instead of the issue's. */
    BenchCases(Device device, Ceilings ceilings, boolean quick, BenchSelection selection) {
        this.device = device;
        this.ceilings = ceilings;
        this.quick = quick;
        this.selection = selection;
        this.computeUnits = device.computeUnits();
        this.decodeSplits = DecodeSplits.forDevice(device.name(), computeUnits);
    }

    List<BenchCase> group(String group) {
        return switch (group) {
            case "flat_gemm" -> flatGemm();
            case "gemm" -> gemm();
            case "prefill" -> prefill();
            case "decode" -> decode();
            default -> throw new IllegalArgumentException("no benchmark group '" + group
                    + "'; groups: flat_gemm, gemm, prefill, decode");
        };
    }

    private int runs() {
        return quick ? 10 : 50;
    }

    /** Enough copies that three L2s' worth of inputs rotate (at most 8). */
    private int copiesFor(double bytesPerCopy) {
        return (int) Math.max(1, Math.min(8, Math.ceil(3.0 * ceilings.l2Bytes() / bytesPerCopy)));
    }

    /**
     * A plan: inputs copied once, {@link BenchCase#QUEUE_TASK} (untimed: the GPU is busy with it while
     * the host issues the timed launches), the launches in order, outputs read back on request.
     */
    private ExecutionPlan plan(Object[] inputs, Object[] outputs, Launch... launches) {
        FloatArray spinning = FloatArray.fromArray(new float[] {1f});
        Object[] resident = Arrays.copyOf(inputs, inputs.length + 1);
        resident[inputs.length] = spinning;
        TaskGraph graph = new TaskGraph("b").transferToDevice(DataTransferMode.FIRST_EXECUTION, resident)
                .task(BenchCase.QUEUE_TASK, BenchKernels::spin, spinning, BenchCase.QUEUE_SPIN_ITERATIONS);
        GridScheduler grids = new GridScheduler();
        for (Launch l : launches) {
            graph.task(l.name(), l.kernel(), l.args());
            if (l.constants().length > 0) {
                graph.specialize(l.name(), l.constants());
            }
            if (l.grid() != null) {
                grids.addWorkerGrid("b." + l.name(), l.grid());
            }
        }
        graph.transferToHost(DataTransferMode.UNDER_DEMAND, outputs);
        return new ExecutionPlan(graph.snapshot()).withDevice(device).withGridScheduler(grids);
    }

    private static void executeAndRead(ExecutionPlan plan, Object... outputs) {
        plan.execute().transferToHost(outputs);
    }

    // ---- the read floor ----------------------------------------------------------------------------

    /** The kernel name of the read-floor rows. */
    static final String READ_FLOOR = "read floor";
    /** Their group: apart from the kernels' groups, whose tables (dataflow, decode splits) read those rows. */
    static final String READ_GROUP = "read";

    /**
     * The read floor of {@code bytes}: {@link BenchKernels#readUpFront} over that many bytes of binary16
     * values (whole work-groups, so up to 16 KB more), rotated past L2 and queued like every case: the
     * least a kernel that reads those bytes once takes, its launch included. Below about 100 MB it is
     * well above bytes ÷ copy speed, and it is what a latency-bound kernel's time should be held to.
     * The check: each group's stored sum (work-item groupIdx % 256's pieces) against the host's, where the
     * first value of each group's checked piece is set apart from the filler's repeating pattern (it
     * repeats every 128 groups), so a group or work-item reading the wrong place fails.
     */
    BenchCase readFloor(double bytes) {
        long groups = (long) Math.ceil(bytes / BenchKernels.READ_GROUP_BYTES);
        long halves = groups * BenchKernels.READ_GROUP_BYTES / 2;
        String key = String.format(Locale.ROOT, "read %.1f MB", bytes / 1e6);
        if (halves > Integer.MAX_VALUE) {
            return skipped(READ_GROUP, READ_FLOOR, key, 0, bytes, "more than 2^31 - 1 binary16 values; Squall arrays"
                    + " are int-indexed");
        }
        int pieces = (int) (halves / 8);
        int threads = BenchKernels.READ_THREADS;
        return new BenchCase(READ_GROUP, READ_FLOOR, key, 0, bytes, copiesFor(bytes), runs(), i -> {
            HalfFloatArray src = Fill.halves(halves, 41 + i);
            for (int g = 0; g < groups; g++) {
                src.setFloat(8 * checkedPiece(g, 0, pieces), (g % 2039) / 2039f);
            }
            FloatArray sink = new FloatArray((int) groups);
            sink.init(Float.NaN); // on the device from the first run: a group that never stores stays NaN
            Launch read = Launch.spmd("read", BenchKernels.class, "readUpFront",
                    new WorkerGrid1D((int) groups * threads).setLocalWork(threads), src, sink, pieces);
            return new BenchCase.Instance(plan(new Object[] {src, sink}, new Object[] {sink}, read), plan -> {
                executeAndRead(plan, sink);
                double worst = 0;
                for (int g = 0; g < groups; g++) {
                    double sum = 0;
                    for (int k = 0; k < BenchKernels.READ_PIECES; k++) {
                        int piece = checkedPiece(g, k, pieces);
                        for (int e = 0; e < 8; e++) {
                            sum += src.getFloat(8 * piece + e);
                        }
                    }
                    worst = Math.max(worst, Math.abs(sink.get(g) - sum));
                }
                return verdict(worst, 1e-4);
            });
        });
    }

    /** Piece k of the work-item whose sum group g stores ({@link BenchKernels#readUpFront}). */
    private static int checkedPiece(long g, int k, int pieces) {
        int threads = BenchKernels.READ_THREADS;
        return (int) Math.min(g * BenchKernels.READ_PIECES * threads + g % threads + (long) k * threads, pieces - 1);
    }

    // ---- flat GEMM, GEMV, and the tiled GEMM at small M ----------------------------------------

    private List<BenchCase> flatGemm() {
        List<BenchCase> cases = new ArrayList<>();
        int[] ms = selection.flatMs() != null ? selection.flatMs() : quick ? new int[] {1, 8} : new int[] {1, 2, 4, 8, 16, 32, 64};
        for (int[] shape : FLAT_SHAPES) {
            int n = shape[0];
            int k = shape[1];
            HalfFloatArray w = Fill.halves((long) n * k, n + k);
            for (int m : ms) {
                FloatArray x = Fill.floats(m * k, m);
                String key = String.format(Locale.ROOT, "flat_gemm f16 M=%d N=%d K=%d", m, n, k);
                double bytes = 2.0 * n * k + 4.0 * m * k + 4.0 * m * n;
                double flops = 2.0 * m * n * k;
                int copies = copiesFor(2.0 * n * k);
                FloatArray out = new FloatArray(m * n);
                cases.add(new BenchCase("flat_gemm", "FlatGemm.flatGemmF16", key, flops, bytes, copies, runs(), i -> {
                    Launch l = Launch.spmd("k", FlatGemm.class, "flatGemmF16",
                            new WorkerGrid1D(FlatGemm.globalX(n)).setLocalWork(FlatGemm.THREADS), x, w, out, m, n, k, 0);
                    return new BenchCase.Instance(plan(poisonedOnDevice(new Object[] {x, w}, out), new Object[] {out}, l),
                            p -> checkLinear(p, out, x, w, m, n, k));
                }));
                cases.add(new BenchCase("flat_gemm", "FlatGemmMma.f16", key, flops, bytes, copies, runs(), i -> {
                    Launch l = Launch.spmd("k", FlatGemmMma.class, "f16",
                            new WorkerGrid1D(FlatGemmMma.globalX(n)).setLocalWork(FlatGemmMma.THREADS), x, w, out, m, n, k, 0);
                    return new BenchCase.Instance(plan(poisonedOnDevice(new Object[] {x, w}, out), new Object[] {out}, l),
                            p -> checkLinear(p, out, x, w, m, n, k));
                }));
                // stream-K over a fixed grid of groups per compute unit: the library's form and the bench's variants
                Object[][] streams = {{FlatGemmMma.class, "f16Stream", FlatGemmMma.STREAM_GROUPS_PER_UNIT},
                    {FlatGemmMmaVariants.class, "f16StreamSelected", 3}, {FlatGemmMmaVariants.class, "f16StreamAhead", 2},
                    {FlatGemmMmaVariants.class, "f16StreamAhead3", 3},
                    {FlatGemmMmaVariants.class, "f16StreamUnroll4", 2}};
                for (Object[] form : streams) {
                    int groups = (int) form[2] * computeUnits;
                    FloatArray parts = new FloatArray((int) FlatGemmMma.streamPartsLength(groups, m));
                    IntArray tickets = new IntArray(FlatGemmMma.streamTicketsLength(n, m));
                    cases.add(new BenchCase("flat_gemm", "FlatGemmMma." + form[1], key, flops, bytes, copies, runs(), i -> {
                        Launch l = Launch.spmd("k", (Class<?>) form[0], (String) form[1],
                                new WorkerGrid1D(groups * FlatGemmMma.THREADS).setLocalWork(FlatGemmMma.THREADS),
                                x, w, out, m, n, k, 0, parts, tickets);
                        return new BenchCase.Instance(plan(poisonedOnDevice(new Object[] {x, w, parts, tickets}, out), new Object[] {out}, l),
                                p -> checkLinear(p, out, x, w, m, n, k));
                    }));
                }
                // the plain kernel's other forms: {name, work-items per group}
                Object[][] variants = {{"f16TwoSteps", 256}, {"f16Unroll4Late", 256},
                    {"f16Unroll4Late3", 256}, {"f16Warps16Late", 512}, {"f16Staged4x3", 256},
                    {"f16Staged2x4", 256}};
                for (Object[] form : variants) {
                    String variant = (String) form[0];
                    int threads = (int) form[1];
                    cases.add(new BenchCase("flat_gemm", "FlatGemmMma." + variant, key, flops, bytes, copies, runs(), i -> {
                        Launch l = Launch.spmd("k", FlatGemmMmaVariants.class, variant,
                                new WorkerGrid1D(Math.ceilDiv(n, FlatGemmMma.ROWS) * threads).setLocalWork(threads),
                                x, w, out, m, n, k, 0);
                        return new BenchCase.Instance(plan(poisonedOnDevice(new Object[] {x, w}, out), new Object[] {out}, l),
                                p -> checkLinear(p, out, x, w, m, n, k));
                    }));
                }
                if (m >= 16) { // below, the flat GEMM reads the weights once and the tiled GEMM never wins
                    cases.addAll(tiledGemm(x, w, out, m, n, k, key, flops, bytes, copies));
                }
                cases.addAll(byLanes(x, w, out, m, n, k, key, flops, bytes, copies));
                if (m == 1) {
                    cases.addAll(gemvLanes(w, x, out, n, k, key, flops, bytes, copies));
                }
                if (m >= 8) {
                    HalfFloatArray a = Fill.halves(x);
                    FloatArray seen = FloatArray.fromArray(a.toFloatArray()); // the activations as the kernel reads them
                    FloatArray bias = Fill.floats(n, 7);
                    cases.add(new BenchCase("flat_gemm", "Gemm.registerBlockedF16", key, flops, bytes, copies, runs(),
                            i -> new BenchCase.Instance(plan(poisonedOnDevice(new Object[] {a, w, bias}, out), new Object[] {out},
                                    blockedF16(a, w, bias, out, m, n, k)), p -> checkLinear(p, out, seen, w, m, n, k))));
                }
            }
        }
        cases.addAll(decoderGemvs());
        return cases;
    }

    /**
     * {@link FlatGemmByLanes#f16} at m = 2 … 4 and its other forms ({@link FlatGemmByLanesVariants}) at the
     * m they were measured at, each at 32 and 64 lanes (what {@link FlatGemmByLanes#lanesFor} chooses from).
     */
    private List<BenchCase> byLanes(FloatArray x, HalfFloatArray w, FloatArray out, int m, int n, int k, String key,
                                    double flops, double bytes, int copies) {
        // {name, class, weight rows per lane group, the m it runs at}
        Object[][] forms = {{"f16", FlatGemmByLanes.class, FlatGemmByLanes.WEIGHT_ROWS, new int[] {2, 3, 4}},
            {"f16SingleFour", FlatGemmByLanesVariants.class, 4, new int[] {1}},
            {"f16Narrow", FlatGemmByLanesVariants.class, 4, new int[] {2}},
            {"f16Four", FlatGemmByLanesVariants.class, 2, new int[] {4}},
            {"f16Eight", FlatGemmByLanesVariants.class, 2, new int[] {8}}};
        List<BenchCase> cases = new ArrayList<>();
        for (Object[] form : forms) {
            if (Arrays.stream((int[]) form[3]).noneMatch(v -> v == m)) {
                continue;
            }
            for (int lanes : new int[] {32, 64}) {
                cases.add(byLanesCase("FlatGemmByLanes." + form[0] + " (lanes=" + lanes + ")", (Class<?>) form[1],
                        (String) form[0], (int) form[2], lanes, x, w, out, m, n, k, key, flops, bytes, copies));
            }
        }
        return cases;
    }

    /**
     * A {@link FlatGemmByLanes} form {@code owner.method} with {@code weightRows} weight rows per lane group,
     * its lanes compiled as a constant, as a tuned model would.
     */
    private BenchCase byLanesCase(String name, Class<?> owner, String method, int weightRows, int lanes, FloatArray x,
                                  HalfFloatArray w, FloatArray out, int m, int n, int k, String key, double flops,
                                  double bytes, int copies) {
        return new BenchCase("flat_gemm", name, key, flops, bytes, copies, runs(), i -> {
            Launch l = Launch.spmd("k", owner, method, new WorkerGrid1D(FlatGemmByLanes.globalX(n, lanes, weightRows))
                    .setLocalWork(FlatGemmByLanes.THREADS), x, w, out, m, n, k, 0, lanes).specialized(8);
            return new BenchCase.Instance(plan(poisonedOnDevice(new Object[] {x, w}, out), new Object[] {out}, l),
                    p -> checkLinear(p, out, x, w, m, n, k));
        });
    }

    /**
     * MatVec at every lane count from 8 to 256 and {@link FlatGemmByLanes#f16Gemv} at every one from 32 (the
     * defaults named plainly), so that {@link MatVec#lanesFor} and {@link FlatGemmByLanes#gemvLanesFor} are
     * checked against their neighbours on every run.
     */
    private List<BenchCase> gemvLanes(HalfFloatArray w, FloatArray x, FloatArray out, int n, int k, String key, double flops,
                                      double bytes, int copies) {
        List<BenchCase> cases = new ArrayList<>();
        for (int lanes = 8; lanes <= MatVec.GROUP_SIZE; lanes *= 2) {
            int l = lanes;
            String name = "MatVec.matVecF16Spmd" + (lanes == MatVec.lanesFor(n, k) ? "" : " (lanes=" + lanes + ")");
            cases.add(new BenchCase("flat_gemm", name, key, flops, bytes, copies, runs(), i -> {
                Launch launch = Launch.spmd("k", MatVec.class, "matVecF16Spmd",
                        new WorkerGrid1D(MatVec.spmdGlobalSize(n, l)).setLocalWork(MatVec.GROUP_SIZE), w, x, out, n, k, 0, l);
                return new BenchCase.Instance(plan(poisonedOnDevice(new Object[] {x, w}, out), new Object[] {out}, launch),
                        p -> checkLinear(p, out, x, w, 1, n, k));
            }));
        }
        for (int lanes = 32; lanes <= FlatGemmByLanes.THREADS; lanes *= 2) {
            String name = "FlatGemmByLanes.f16Gemv" + (lanes == FlatGemmByLanes.gemvLanesFor(n, k) ? "" : " (lanes=" + lanes + ")");
            cases.add(byLanesCase(name, FlatGemmByLanes.class, "f16Gemv", FlatGemmByLanes.WEIGHT_ROWS, lanes, x, w, out, 1,
                    n, k, key, flops, bytes, copies));
        }
        return cases;
    }

    /**
     * Plain GEMVs of the shapes of a Llama-3.2-1B decode step (QKV 3072×2048, O 2048×2048, gate or up
     * 8192×2048, down 2048×8192), smaller than the flat GEMM shapes. Decoding runs QKV and gate/up as
     * the fused RMSNorm forms, which these cases do not time.
     */
    private List<BenchCase> decoderGemvs() {
        List<BenchCase> cases = new ArrayList<>();
        for (int[] shape : quick ? new int[0][] : DECODER_GEMV_SHAPES) {
            int n = shape[0];
            int k = shape[1];
            HalfFloatArray w = Fill.halves((long) n * k, n + k);
            FloatArray x = Fill.floats(k, 1);
            FloatArray out = new FloatArray(n);
            String key = String.format(Locale.ROOT, "flat_gemm f16 M=1 N=%d K=%d", n, k);
            cases.addAll(gemvLanes(w, x, out, n, k, key, 2.0 * n * k, 2.0 * n * k + 4.0 * k + 4.0 * n,
                    copiesFor(2.0 * n * k)));
            cases.addAll(q8Gemvs(n, k, x, out));
        }
        if (!quick) { // the vocabulary product, the largest Q8_0 launch of a step
            cases.addAll(q8Gemvs(128256, 2048, Fill.floats(2048, 1), new FloatArray(128256)));
            cases.addAll(fusedNorms(false));
            cases.addAll(fusedNorms(true));
        }
        return cases;
    }

    /**
     * MatVec's Q8_0 GEMV (the weights split into quants and scales, as DeviceLlama runs it) and
     * {@link FlatGemmByLanes#q8Gemv} with two and four weight rows, at every lane count from 32 to 256 with the
     * sizes as constants and at the default lanes without, the defaults named plainly: 34 bytes per 32 weights.
     */
    private List<BenchCase> q8Gemvs(int n, int k, FloatArray x, FloatArray out) {
        Q8_0Array q8 = Q8_0Array.quantize(Fill.floats(n * k, n + 3L * k).toHeapArray());
        ByteArray quants = q8.quants();
        HalfFloatArray scales = q8.scales();
        double weightBytes = (double) n * k * Q8_0Array.BLOCK_BYTES / Q8_0Array.BLOCK_ELEMENTS;
        String key = String.format(Locale.ROOT, "flat_gemm q8_0 M=1 N=%d K=%d", n, k);
        // one case: the launch (made per instance, as the other cases do) on these arrays, checked against float64
        BiFunction<String, Supplier<Launch>, BenchCase> q8Case = (name, launch) -> new BenchCase("flat_gemm", name, key,
                2.0 * n * k, weightBytes + 4.0 * k + 4.0 * n, copiesFor(weightBytes), runs(),
                i -> new BenchCase.Instance(plan(poisonedOnDevice(new Object[] {x, quants, scales}, out), new Object[] {out},
                        launch.get()),
                        p -> checkLinear(p, out, x, q8::getFloat, 1, n, k)));
        List<BenchCase> cases = new ArrayList<>();
        for (int lanes = 32; lanes <= MatVec.GROUP_SIZE; lanes *= 2) {
            int l = lanes;
            cases.add(q8Case.apply("MatVec.matVecQ8Spmd" + (lanes == MatVec.lanesFor(n, k) ? "" : " (lanes=" + lanes + ")"),
                    () -> Launch.spmd("k", MatVec.class, "matVecQ8Spmd", new WorkerGrid1D(MatVec.spmdGlobalSize(n, l))
                            .setLocalWork(MatVec.GROUP_SIZE), quants, scales, x, out, n, k, 0, l)));
        }
        // FlatGemmByLanes' Q8 GEMV with two and four weight rows per lane group, its sizes and lanes compiled as
        // constants (as DeviceLlama runs f16Gemv), and once more at the default lanes with only the lanes constant
        for (Object[] form : new Object[][] {{FlatGemmByLanes.class, "q8Gemv", FlatGemmByLanes.WEIGHT_ROWS},
            {FlatGemmByLanesVariants.class, "q8Four", 4}}) {
            int weightRows = (int) form[2];
            int chosen = FlatGemmByLanes.q8GemvLanesFor(n, k);
            Function<Integer, Launch> launch = l -> Launch.spmd("k", (Class<?>) form[0], (String) form[1],
                    new WorkerGrid1D(FlatGemmByLanes.globalX(n, l, weightRows)).setLocalWork(FlatGemmByLanes.THREADS),
                    x, quants, scales, out, 1, n, k, 0, l);
            for (int lanes = 32; lanes <= FlatGemmByLanes.THREADS; lanes *= 2) {
                int l = lanes;
                cases.add(q8Case.apply("FlatGemmByLanes." + form[1] + (lanes == chosen ? "" : " (lanes=" + lanes + ")"),
                        () -> launch.apply(l).specialized(5, 6, 7, 8, 9)));
            }
            cases.add(q8Case.apply("FlatGemmByLanes." + form[1] + " (sizes not constant)",
                    () -> launch.apply(chosen).specialized(9)));
        }
        return cases;
    }

    /**
     * The fused RMSNorm launches of a Llama-3.2-1B step, binary16 or Q8_0 weights (split as DeviceLlama keeps
     * them), every int compiled as a constant as there: the gate and up products with SwiGLU (2 × 8192×2048) and
     * Q/K/V (2048 + 2 × 512 rows of 2048), each in MatVec's form (DeviceLlama's lanes) and NormGemvByLanes' at
     * every lane count from 32 to 256, the default named plainly. Q/K/V runs without RoPE (rope = 0), so that q, k
     * and v can be checked as products; RoPE adds a few operations per pair in one lane.
     */
    private List<BenchCase> fusedNorms(boolean q8) {
        int dim = 2048;
        int ffn = 8192;
        int qRows = 2048;
        int kvRows = 512;
        float eps = 1e-5f;
        String type = q8 ? "q8_0" : "f16";
        FloatArray x = Fill.floats(dim, 11);
        FloatArray norm = Fill.floats(dim, 12);
        for (int i = 0; i < dim; i++) {
            norm.set(i, 1f + 0.5f * norm.get(i)); // around 1, as trained norms are
        }
        Matrix gate = Matrix.of(q8, ffn, dim, 13);
        Matrix up = Matrix.of(q8, ffn, dim, 14);
        Matrix wq = Matrix.of(q8, qRows, dim, 15);
        Matrix wk = Matrix.of(q8, kvRows, dim, 16);
        Matrix wv = Matrix.of(q8, kvRows, dim, 17);
        FloatArray hidden = new FloatArray(ffn);
        FloatArray q = new FloatArray(qRows);
        FloatArray k = new FloatArray(kvRows);
        FloatArray v = new FloatArray(kvRows);
        // the unused RoPE arguments of rope = 0
        FloatArray cache = new FloatArray(kvRows);
        FloatArray rotation = new FloatArray(64);
        IntArray state = new IntArray(1);
        List<BenchCase> cases = new ArrayList<>();
        String swiGluKey = String.format(Locale.ROOT, "rmsnorm_swiglu %s N=2x%d K=%d", type, ffn, dim);
        double swiGluBytes = gate.bytes() + up.bytes() + 8.0 * dim + 4.0 * ffn;
        Object[] swiGluArgs = concat(gate.arrays(), up.arrays(), new Object[] {x, norm, hidden, ffn, dim, eps});
        Object[] swiGluInputs = concat(gate.arrays(), up.arrays(), new Object[] {x, norm});
        Function<Launch, BenchCase.Instance> swiGluInstance = l -> new BenchCase.Instance(
                plan(poisonedOnDevice(swiGluInputs, hidden), new Object[] {hidden}, l.intsConstant()),
                p -> checkSwiGlu(p, hidden, x, norm, gate, up, ffn, dim, eps));
        String qkvKey = String.format(Locale.ROOT, "rmsnorm_qkv %s N=%d+2x%d K=%d", type, qRows, kvRows, dim);
        double qkvBytes = wq.bytes() + wk.bytes() + wv.bytes() + 8.0 * dim + 4.0 * (qRows + 2 * kvRows);
        Object[] qkvInputs = concat(wq.arrays(), wk.arrays(), wv.arrays(), new Object[] {x, norm});
        Function<Integer, Object[]> qkvArgs = lanes -> concat(wq.arrays(), wk.arrays(), wv.arrays(), new Object[] {x,
            norm, q, k, v, qRows, kvRows, dim, eps, lanes, cache, cache, rotation, state, 64, 64, 64, 64, 0});
        Function<Launch, BenchCase.Instance> qkvInstance = l -> new BenchCase.Instance(
                plan(poisonedOnDevice(qkvInputs, q, k, v), new Object[] {q, k, v}, l.intsConstant()),
                p -> checkQkv(p, q, k, v, x, norm, wq, wk, wv, dim, eps));
        String suffix = q8 ? "Q8" : "F16";
        int matVecSwiGluLanes = MatVec.lanesFor(ffn, dim);
        cases.add(new BenchCase("flat_gemm", "MatVec.rmsNormSwiGlu" + suffix + "Spmd", swiGluKey, 4.0 * ffn * dim, swiGluBytes,
                copiesFor(swiGluBytes), runs(), i -> swiGluInstance.apply(Launch.spmd("k", MatVec.class,
                        "rmsNormSwiGlu" + suffix + "Spmd", new WorkerGrid1D(MatVec.spmdGlobalSize(ffn, matVecSwiGluLanes))
                                .setLocalWork(MatVec.GROUP_SIZE), concat(swiGluArgs, new Object[] {matVecSwiGluLanes})))));
        int matVecQkvLanes = Math.min(MatVec.lanesFor(qRows + 2 * kvRows, dim), MatVec.GROUP_SIZE / 2); // as with RoPE
        cases.add(new BenchCase("flat_gemm", "MatVec.rmsNormQkv" + suffix + "Spmd", qkvKey, 2.0 * (qRows + 2 * kvRows) * dim,
                qkvBytes, copiesFor(qkvBytes), runs(), i -> qkvInstance.apply(Launch.spmd("k", MatVec.class,
                        "rmsNormQkv" + suffix + "Spmd", new WorkerGrid1D(MatVec.spmdGlobalSize(qRows + 2 * kvRows,
                                matVecQkvLanes)).setLocalWork(MatVec.GROUP_SIZE), qkvArgs.apply(matVecQkvLanes)))));
        if (q8) { // the bench's forms that widen quants by their bits, at the library form's lanes
            int l = NormGemvByLanes.q8LanesFor(2 * ffn, dim);
            Object[] words = {IntArray.fromSegment(((ByteArray) gate.arrays()[0]).segment()), gate.arrays()[1],
                IntArray.fromSegment(((ByteArray) up.arrays()[0]).segment()), up.arrays()[1], x, norm, hidden, ffn, dim,
                eps, l};
            Object[] wordInputs = Arrays.copyOf(words, 6);
            cases.add(new BenchCase("flat_gemm", "NormGemvByLanesVariants.q8SwiGluBits", swiGluKey, 4.0 * ffn * dim,
                    swiGluBytes, copiesFor(swiGluBytes), runs(), i -> swiGluInstance.apply(Launch.spmd("k",
                            NormGemvByLanesVariants.class, "q8SwiGluBits", new WorkerGrid1D(NormGemvByLanes.swiGluGlobalX(ffn,
                                    l)).setLocalWork(NormGemvByLanes.THREADS), concat(swiGluArgs, new Object[] {l})))));
            cases.add(new BenchCase("flat_gemm", "NormGemvByLanesVariants.q8SwiGluWords", swiGluKey, 4.0 * ffn * dim,
                    swiGluBytes, copiesFor(swiGluBytes), runs(), i -> new BenchCase.Instance(plan(poisonedOnDevice(wordInputs, hidden),
                            new Object[] {hidden}, Launch.spmd("k", NormGemvByLanesVariants.class, "q8SwiGluWords",
                                    new WorkerGrid1D(NormGemvByLanes.swiGluGlobalX(ffn, l)).setLocalWork(NormGemvByLanes.THREADS),
                                    words).intsConstant()), p -> checkSwiGlu(p, hidden, x, norm, gate, up, ffn, dim, eps))));
        }
        // the bench's forms that issue the first run's weight loads before the norm (at the library form's lanes)
        int preloadLanes = q8 ? NormGemvByLanes.q8LanesFor(2 * ffn, dim) : NormGemvByLanes.f16LanesFor(2 * ffn, dim);
        for (String bounds : new String[] {"", "6", "8"}) {
            String name = (q8 ? "q8" : "f16") + "SwiGluPreload" + bounds;
            cases.add(new BenchCase("flat_gemm", "NormGemvByLanesVariants." + name, swiGluKey, 4.0 * ffn * dim,
                    swiGluBytes, copiesFor(swiGluBytes), runs(), i -> swiGluInstance.apply(Launch.spmd("k",
                            NormGemvByLanesVariants.class, name, new WorkerGrid1D(NormGemvByLanes.swiGluGlobalX(ffn,
                                    preloadLanes)).setLocalWork(NormGemvByLanes.THREADS),
                            concat(swiGluArgs, new Object[] {preloadLanes})))));
        }
        String prefix = q8 ? "q8" : "f16";
        int swiGluLanes = q8 ? NormGemvByLanes.q8LanesFor(2 * ffn, dim) : NormGemvByLanes.f16LanesFor(2 * ffn, dim);
        int qkvLanes = q8 ? NormGemvByLanes.q8LanesFor(qRows + 2 * kvRows, dim)
                : NormGemvByLanes.f16LanesFor(qRows + 2 * kvRows, dim);
        for (int lanes = 32; lanes <= NormGemvByLanes.THREADS; lanes *= 2) {
            int l = lanes;
            cases.add(new BenchCase("flat_gemm", "NormGemvByLanes." + prefix + "SwiGlu" + (l == swiGluLanes ? "" : " (lanes=" + l
                    + ")"), swiGluKey, 4.0 * ffn * dim, swiGluBytes, copiesFor(swiGluBytes), runs(),
                    i -> swiGluInstance.apply(Launch.spmd("k", NormGemvByLanes.class, prefix + "SwiGlu",
                            new WorkerGrid1D(NormGemvByLanes.swiGluGlobalX(ffn, l)).setLocalWork(NormGemvByLanes.THREADS),
                            concat(swiGluArgs, new Object[] {l})))));
            cases.add(new BenchCase("flat_gemm", "NormGemvByLanes." + prefix + "Qkv" + (l == qkvLanes ? "" : " (lanes=" + l
                    + ")"), qkvKey, 2.0 * (qRows + 2 * kvRows) * dim, qkvBytes, copiesFor(qkvBytes), runs(),
                    i -> qkvInstance.apply(Launch.spmd("k", NormGemvByLanes.class, prefix + "Qkv",
                            new WorkerGrid1D(NormGemvByLanes.qkvGlobalX(qRows + 2 * kvRows, l))
                                    .setLocalWork(NormGemvByLanes.THREADS), qkvArgs.apply(l)))));
        }
        return cases;
    }

    /**
     * The inputs and the outputs, the outputs filled with NaN: made resident, they go to the device so with the
     * first run, and an output the kernel never stores stays NaN for the check (a fresh device buffer may hold the
     * right values from an earlier case of the same shape).
     */
    private static Object[] poisonedOnDevice(Object[] inputs, FloatArray... outputs) {
        for (FloatArray o : outputs) {
            o.init(Float.NaN);
        }
        return concat(inputs, outputs);
    }

    /** {@link #poisonedOnDevice(Object[], FloatArray...)} for a binary16 output. */
    private static Object[] poisonedOnDevice(Object[] inputs, HalfFloatArray output) {
        output.init(Float.NaN);
        return concat(inputs, new Object[] {output});
    }

    private static Object[] concat(Object[]... parts) {
        return Arrays.stream(parts).flatMap(Arrays::stream).toArray();
    }

    /** A weight matrix of a fused bench row: binary16, or Q8_0 split into quants and scales as DeviceLlama keeps it. */
    private record Matrix(Object[] arrays, IntToDoubleFunction value, double bytes) {

        static Matrix of(boolean q8, int rows, int cols, long seed) {
            if (q8) {
                Q8_0Array w = Q8_0Array.quantize(Fill.floats(rows * cols, seed).toHeapArray());
                return new Matrix(new Object[] {w.quants(), w.scales()}, w::getFloat,
                        (double) rows * cols * Q8_0Array.BLOCK_BYTES / Q8_0Array.BLOCK_ELEMENTS);
            }
            HalfFloatArray w = Fill.halves((long) rows * cols, seed);
            return new Matrix(new Object[] {w}, w::getFloat, 2.0 * rows * cols);
        }

        /** Row r of this matrix (cols columns) times h, in float64, and the sum of the products' magnitudes. */
        double[] dot(int r, int cols, double[] h) {
            double sum = 0;
            double magnitude = 0;
            for (int c = 0; c < cols; c++) {
                double t = value.applyAsDouble(r * cols + c) * h[c];
                sum += t;
                magnitude += Math.abs(t);
            }
            return new double[] {sum, magnitude};
        }
    }

    /** RMSNorm(x) ⊙ norm in float64. */
    private static double[] normalised(FloatArray x, FloatArray norm, int cols, float eps) {
        double squares = 0;
        for (int c = 0; c < cols; c++) {
            squares += (double) x.get(c) * x.get(c);
        }
        double inverse = 1 / Math.sqrt(squares / cols + eps);
        double[] h = new double[cols];
        for (int c = 0; c < cols; c++) {
            h[c] = x.get(c) * inverse * norm.get(c);
        }
        return h;
    }

    /** silu(gate·h)·(up·h) at three rows against float64, the error relative to the products' magnitudes. */
    private static String checkSwiGlu(ExecutionPlan plan, FloatArray out, FloatArray x, FloatArray norm, Matrix gate,
                                      Matrix up, int n, int cols, float eps) {
        out.init(Float.NaN);
        executeAndRead(plan, out);
        double[] h = normalised(x, norm, cols, eps);
        double worst = 0;
        for (int r : new int[] {0, n / 2, n - 1}) {
            double[] g = gate.dot(r, cols, h);
            double[] u = up.dot(r, cols, h);
            double silu = g[0] / (1 + Math.exp(-g[0]));
            // first-order bound: silu' ≤ 1.1, so the products' magnitudes bound how far rounding moves the result
            double scale = 1.1 * g[1] * Math.abs(u[0]) + Math.abs(silu) * u[1];
            worst = Math.max(worst, Math.abs(out.get(r) - silu * u[0]) / scale);
        }
        return verdict(worst, 1e-4);
    }

    /** q, k and v at their first, middle and last rows against float64 products of RMSNorm(x) ⊙ norm. */
    private static String checkQkv(ExecutionPlan plan, FloatArray q, FloatArray k, FloatArray v, FloatArray x,
                                   FloatArray norm, Matrix wq, Matrix wk, Matrix wv, int cols, float eps) {
        q.init(Float.NaN);
        k.init(Float.NaN);
        v.init(Float.NaN);
        executeAndRead(plan, q, k, v);
        double[] h = normalised(x, norm, cols, eps);
        double worst = 0;
        FloatArray[] outs = {q, k, v};
        Matrix[] ws = {wq, wk, wv};
        for (int m = 0; m < 3; m++) {
            int rows = outs[m].getSize();
            for (int r : new int[] {0, rows / 2, rows - 1}) {
                double[] d = ws[m].dot(r, cols, h);
                worst = Math.max(worst, Math.abs(outs[m].get(r) - d[0]) / d[1]);
            }
        }
        return verdict(worst, 1e-4);
    }

    private static Launch blockedF16(HalfFloatArray a, HalfFloatArray b, FloatArray bias, FloatArray out, int m, int n, int k) {
        return Launch.spmd("k", Gemm.class, "registerBlockedF16", blockedGrid(m, n), a, b, bias, out, m, n, k, 0, 0);
    }

    private static WorkerGrid blockedGrid(int m, int n) {
        return new WorkerGrid2D(Gemm.blockedGlobalX(n), Gemm.blockedGlobalY(m))
                .setLocalWork(Gemm.blockedLocalX(), Gemm.blockedLocalY());
    }

    /** out[r][c] against Σ x[r]·w[c] in float64, at the corners and the middle. */
    private static String checkLinear(ExecutionPlan plan, FloatArray out, FloatArray x, HalfFloatArray w, int m, int n, int k) {
        return checkLinear(plan, out, x, w::getFloat, m, n, k);
    }

    /** {@link #checkLinear(ExecutionPlan, FloatArray, FloatArray, HalfFloatArray, int, int, int)} for weights as values. */
    private static String checkLinear(ExecutionPlan plan, FloatArray out, FloatArray x, IntToDoubleFunction w, int m, int n,
                                      int k) {
        out.init(Float.NaN);
        executeAndRead(plan, out);
        double worst = 0;
        for (int r : new int[] {0, m / 2, m - 1}) {
            for (int c : new int[] {0, n / 2, n - 1}) {
                double sum = 0;
                double magnitude = 0;
                for (int p = 0; p < k; p++) {
                    double t = x.get(r * k + p) * w.applyAsDouble(c * k + p);
                    sum += t;
                    magnitude += Math.abs(t);
                }
                worst = Math.max(worst, Math.abs(out.get(r * n + c) - sum) / magnitude);
            }
        }
        return verdict(worst, 1e-4);
    }

    private static String verdict(double worst, double bound) {
        if (!(worst <= bound)) {
            throw new IllegalStateException(String.format(Locale.ROOT, "wrong result: error %.3g > %.1g", worst, bound));
        }
        return String.format(Locale.ROOT, "ok (err %.1e)", worst);
    }

    /**
     * The tensor-core tiled GEMM: its four forms at the splits {@link TiledGemmForm#splits} picks, and
     * the form {@link TiledGemmForm#choose} picks also at half and twice those splits (to check both
     * picks). Each time is two launches': {@code split}, then the product.
     */
    private List<BenchCase> tiledGemm(FloatArray x, HalfFloatArray w, FloatArray out, int m, int n, int k, String key,
                                      double flops, double bytes, int copies) {
        List<BenchCase> cases = new ArrayList<>();
        TiledGemmForm picked = TiledGemmForm.choose(m, n, computeUnits);
        for (TiledGemmForm form : List.of(TiledGemmForm.WIDE, TiledGemmForm.NARROW, TiledGemmForm.WIDE_TWO_GROUPS,
                TiledGemmForm.NARROW_TWO_GROUPS)) {
            int chosen = form.splits(m, n, k, computeUnits);
            List<Integer> splitCounts = new ArrayList<>(List.of(chosen));
            if (form.equals(picked)) {
                for (int other : new int[] {Math.max(1, chosen / 2), Math.min(TiledGemmMma.MAX_SPLITS, 2 * chosen)}) {
                    if (!splitCounts.contains(other)) {
                        splitCounts.add(other);
                    }
                }
            }
            for (int splits : splitCounts) {
                String name = "TiledGemmMma." + form.kernel() + (splits == chosen ? "" : " (splits=" + splits + ")");
                FloatArray parts = new FloatArray((int) TiledGemmMma.partsLength(m, n, splits));
                IntArray tickets = new IntArray(form.ticketsLength(m, n));
                cases.add(new BenchCase("flat_gemm", name, key, flops, bytes, copies, runs(), i -> {
                    HalfFloatArray pairs = new HalfFloatArray((int) TiledGemmMma.pairsLength(m, k));
                    return new BenchCase.Instance(plan(poisonedOnDevice(new Object[] {x, w, pairs, parts, tickets}, out), new Object[] {out},
                            tiledLaunches(form, x, pairs, w, out, m, n, k, splits, parts, tickets)),
                            p -> checkLinear(p, out, x, w, m, n, k));
                }));
            }
        }
        return cases;
    }

    /** {@link TiledGemmMma#split}, then the product in {@code form}. */
    private static Launch[] tiledLaunches(TiledGemmForm form, FloatArray x, HalfFloatArray pairs, HalfFloatArray w,
                                          FloatArray out, int m, int n, int k, int splits, FloatArray parts,
                                          IntArray tickets) {
        return new Launch[] {splitLaunch(x, pairs, m, k), Launch.spmd("k", TiledGemmMma.class, form.kernel(),
                new WorkerGrid1D(form.globalX(m, n, splits)).setLocalWork(TiledGemmMma.THREADS), pairs, w, out, m, n, k,
                0, splits, parts, tickets)};
    }

    /** {@link TiledGemmMma#split}'s launch for m rows of k columns. */
    private static Launch splitLaunch(FloatArray x, HalfFloatArray pairs, int m, int k) {
        return Launch.spmd("split", TiledGemmMma.class, "split",
                new WorkerGrid1D(TiledGemmMma.splitGlobalX(m, k)).setLocalWork(TiledGemmMma.THREADS), x, pairs, m, k);
    }

    // ---- GEMM 4096³ ------------------------------------------------------------------------------

    private List<BenchCase> gemm() {
        List<BenchCase> cases = new ArrayList<>();
        int m = 4096;
        int n = 4096;
        int k = 4096;
        double flops = 2.0 * m * n * k;
        FloatArray a = Fill.floats(m * k, 1);
        FloatArray b = Fill.floats(n * k, 2);
        FloatArray bias = Fill.floats(n, 3);
        FloatArray out = new FloatArray(m * n);
        HalfFloatArray a16 = Fill.halves(a);
        HalfFloatArray b16 = Fill.halves(b);
        String f32 = "gemm f32 M=4096 N=4096 K=4096";
        String f16 = "gemm f16 M=4096 N=4096 K=4096";
        double bytes32 = 4.0 * (m * k + n * k + m * n);
        double bytes16 = 2.0 * (m * k + n * k) + 4.0 * m * n;
        cases.add(new BenchCase("gemm", "Gemm.registerBlocked", f32, flops, bytes32, 1, quick ? 5 : 20, i ->
                new BenchCase.Instance(plan(poisonedOnDevice(new Object[] {a, b, bias}, out), new Object[] {out},
                        Launch.spmd("k", Gemm.class, "registerBlocked", blockedGrid(m, n), a, b, bias, out, m, n, k, 0, 0)),
                        p -> checkGemm(p, out, a, b, m, n, k))));
        cases.add(new BenchCase("gemm", "Gemm.tiled", f32, flops, bytes32, 1, quick ? 3 : 10, i ->
                new BenchCase.Instance(plan(poisonedOnDevice(new Object[] {a, b, bias}, out), new Object[] {out},
                        Launch.spmd("k", Gemm.class, "tiled", new WorkerGrid2D(Gemm.tiledGlobalX(n), Gemm.tiledGlobalY(m))
                                .setLocalWork(Gemm.TILE, Gemm.TILE), a, b, bias, out, m, n, k, 0, 0)),
                        p -> checkGemm(p, out, a, b, m, n, k))));
        cases.add(new BenchCase("gemm", "Gemm.registerBlockedF16", f16, flops, bytes16, 1, quick ? 5 : 20, i ->
                new BenchCase.Instance(plan(poisonedOnDevice(new Object[] {a16, b16, bias}, out), new Object[] {out},
                        blockedF16(a16, b16, bias, out, m, n, k)), p -> checkGemm(p, out, a16, b16, m, n, k))));
        // the tensor-core tiled GEMM: fp32 activations (as nearest and remainder halves), fp16 weights; in the
        // fp16 row, beside the peers' fp16×fp16 products
        double bytesTiled = 4.0 * m * k + 2.0 * n * k + 4.0 * m * n;
        TiledGemmForm form = TiledGemmForm.choose(m, n, computeUnits);
        int splits = form.splits(m, n, k, computeUnits);
        FloatArray parts = new FloatArray((int) TiledGemmMma.partsLength(m, n, splits));
        IntArray tickets = new IntArray(form.ticketsLength(m, n));
        HalfFloatArray pairs = new HalfFloatArray((int) TiledGemmMma.pairsLength(m, k));
        cases.add(new BenchCase("gemm", "TiledGemmMma." + form.kernel(), f16, flops, bytesTiled, 1, quick ? 5 : 20, i ->
                new BenchCase.Instance(plan(poisonedOnDevice(new Object[] {a, b16, pairs, parts, tickets}, out), new Object[] {out},
                        tiledLaunches(form, a, pairs, b16, out, m, n, k, splits, parts, tickets)),
                        p -> checkGemm(p, out, a, b16, m, n, k))));
        return cases;
    }

    private static String checkGemm(ExecutionPlan plan, FloatArray out, Object a, Object b, int m, int n, int k) {
        out.init(Float.NaN);
        executeAndRead(plan, out);
        double worst = 0;
        for (int[] rc : new int[][] {{0, 0}, {m - 1, n - 1}, {123, 4000}, {m / 2, 7}}) {
            double sum = 0;
            double magnitude = 0;
            for (int p = 0; p < k; p++) {
                double t = (double) value(a, rc[0] * k + p) * value(b, rc[1] * k + p);
                sum += t;
                magnitude += Math.abs(t);
            }
            worst = Math.max(worst, Math.abs(out.get(rc[0] * n + rc[1]) - sum) / magnitude);
        }
        return verdict(worst, 1e-4);
    }

    private static float value(Object array, int index) {
        return array instanceof HalfFloatArray h ? h.getFloat(index) : ((FloatArray) array).get(index);
    }

    // ---- FlashAttention-2 prefill ------------------------------------------------------------------

    private List<BenchCase> prefill() {
        List<BenchCase> cases = new ArrayList<>();
        int heads = 32;
        int d = 128;
        for (int s : quick ? new int[] {1024} : new int[] {1024, 4096}) {
            HalfFloatArray q = Fill.halves((long) heads * s * d, 11);
            HalfFloatArray k = Fill.halves((long) heads * s * d, 12);
            HalfFloatArray v = Fill.halves((long) heads * s * d, 13);
            HalfFloatArray o = new HalfFloatArray(heads * s * d);
            FloatArray lse = new FloatArray(heads * s);
            for (int causal : new int[] {0, 1}) {
                String key = String.format(Locale.ROOT, "prefill f16 B=1 H=32 D=128 S=%d causal=%d", s, causal);
                double flops = 4.0 * s * s * d * heads / (causal == 1 ? 2 : 1);
                double bytes = 2.0 * 4 * heads * s * d;
                cases.add(new BenchCase("prefill", "FlashAttention2.forwardF16", key, flops, bytes, 1, quick ? 5 : 20, i ->
                        new BenchCase.Instance(plan(poisonedOnDevice(poisonedOnDevice(new Object[] {q, k, v}, o), lse), new Object[] {o, lse},
                                Launch.spmd("k", FlashAttention2.class, "forwardF16", new WorkerGrid2D(FlashAttention2.globalX(s), heads)
                                        .setLocalWork(FlashAttention2.THREADS, 1), q, k, v, o, lse, s, heads, heads, d,
                                        causal)), p -> checkPrefill(p, q, k, v, o, s, heads, d, causal == 1))));
            }
        }
        return cases;
    }

    private static String checkPrefill(ExecutionPlan plan, HalfFloatArray q, HalfFloatArray k, HalfFloatArray v,
                                       HalfFloatArray o, int s, int heads, int d, boolean causal) {
        o.init(Float.NaN);
        executeAndRead(plan, o);
        double worst = 0;
        for (int[] hi : new int[][] {{0, 0}, {heads - 1, s - 1}, {5, s / 2 + 3}}) {
            int base = hi[0] * s * d;
            double[] ref = attentionRow(i -> q.getFloat(base + hi[1] * d + i), j -> base + j * d, k::getFloat, v::getFloat,
                    causal ? hi[1] + 1 : s, d);
            for (int i = 0; i < d; i++) {
                worst = Math.max(worst, Math.abs(o.getFloat(base + hi[1] * d + i) - ref[i]));
            }
        }
        return verdict(worst, 4e-3);
    }

    interface Element {
        float at(int index);
    }

    interface RowBase {
        int of(int position);
    }

    /** softmax(q·Kᵀ/√d)·V over positions 0..length-1 in float64. */
    private static double[] attentionRow(Element q, RowBase row, Element k, Element v, int length, int d) {
        double[] scores = new double[length];
        double max = Double.NEGATIVE_INFINITY;
        for (int j = 0; j < length; j++) {
            double dot = 0;
            for (int i = 0; i < d; i++) {
                dot += (double) q.at(i) * k.at(row.of(j) + i);
            }
            scores[j] = dot / Math.sqrt(d);
            max = Math.max(max, scores[j]);
        }
        double sum = 0;
        for (int j = 0; j < length; j++) {
            scores[j] = Math.exp(scores[j] - max);
            sum += scores[j];
        }
        double[] out = new double[d];
        for (int j = 0; j < length; j++) {
            for (int i = 0; i < d; i++) {
                out[i] += scores[j] / sum * v.at(row.of(j) + i);
            }
        }
        return out;
    }

    // ---- decode attention --------------------------------------------------------------------------

    private List<BenchCase> decode() {
        List<BenchCase> cases = new ArrayList<>();
        int heads = 32;
        int d = 128;
        int[] batches = selection.decodeBatches() != null ? selection.decodeBatches() : quick ? new int[] {1} : new int[] {1, 8};
        for (int batch : batches) {
            for (int kvHeads : new int[] {32, 8}) {
                int[] lengths = selection.decodeLengths() != null ? selection.decodeLengths()
                        : quick ? new int[] {4096} : new int[] {4096, 32768, 131072};
                for (int length : lengths) {
                    String key = String.format(Locale.ROOT, "decode f16 B=%d Hq=32 Hkv=%d D=128 L=%d", batch, kvHeads, length);
                    long elements = (long) batch * kvHeads * length * d;
                    double bytes = 2.0 * 2 * elements + 2.0 * 4 * batch * heads * d;
                    double flops = 4.0 * batch * heads * length * d;
                    if (elements > Integer.MAX_VALUE) {
                        cases.add(skipped("decode", "FlashDecoding", key, flops, bytes, "the cache has " + elements
                                + " elements; Squall arrays are int-indexed (at most 2^31 - 1)"));
                        continue;
                    }
                    HalfFloatArray kc = Fill.halves(elements, 21 + length);
                    HalfFloatArray vc = Fill.halves(elements, 22 + length);
                    FloatArray q = Fill.floats(batch * heads * d, 23);
                    int copies = copiesFor(2.0 * 2 * elements);
                    FlashDecoding.requireSupported(heads, kvHeads, d);
                    int splits = decodeSplits.splits(batch, heads, kvHeads, d, length);
                    int heuristic = FlashDecoding.splitsFor(batch, heads, kvHeads, length, computeUnits);
                    cases.add(new BenchCase("decode", "FlashDecoding (S=" + splits + ")", key, flops, bytes, copies, runs(),
                            i -> flashDecoding(q, kc, vc, batch, heads, kvHeads, d, length, splits, true)));
                    cases.add(new BenchCase("decode", "FlashDecoding (S=" + splits + ", 2 launches)", key, flops, bytes, copies,
                            runs(), i -> flashDecoding(q, kc, vc, batch, heads, kvHeads, d, length, splits, false)));
                    if (FlashDecoding.stagedSplitFits(device)) {
                        cases.add(new BenchCase("decode", "FlashDecoding.splitKvF16Staged (S=" + splits + ", 2 launches)", key,
                                flops, bytes, copies, runs(),
                                i -> flashDecoding(q, kc, vc, batch, heads, kvHeads, d, length, splits, false, true)));
                    }
                    cases.add(new BenchCase("decode", "UnifiedMaxDecoding (S=" + splits + ")", key, flops, bytes, copies,
                            runs(), i -> unifiedMax(q, kc, vc, batch, heads, kvHeads, d, length, splits, true, 1, 0f)));
                    cases.add(new BenchCase("decode", "UnifiedMaxDecoding (S=" + splits + ", 2 launches)", key, flops, bytes,
                            copies, runs(), i -> unifiedMax(q, kc, vc, batch, heads, kvHeads, d, length, splits, true, 2, 0f)));
                    cases.add(new BenchCase("decode", "UnifiedMaxDecoding (S=" + splits + ", 4 launches)", key, flops, bytes,
                            copies, runs(), i -> unifiedMax(q, kc, vc, batch, heads, kvHeads, d, length, splits, true, 4, 0f)));
                    // the step with its key and value rows staged through local memory (cp.async), where it fits
                    if (UnifiedMaxDecoding.stagedStepFits(device)) {
                        cases.add(new BenchCase("decode", "UnifiedMaxDecoding.stepF16Staged (S=" + splits + ")", key, flops,
                                bytes, copies, runs(), i -> unifiedMax(q, kc, vc, batch, heads, kvHeads, d, length, splits,
                                        true, 1, 0f, UnifiedMaxDecoding.class, "stepF16Staged")));
                        cases.add(new BenchCase("decode", "UnifiedMaxDecoding.stepF16StagedUnbounded (S=" + splits + ")", key,
                                flops, bytes, copies, runs(), i -> unifiedMax(q, kc, vc, batch, heads, kvHeads, d, length,
                                        splits, true, 1, 0f, UnifiedMaxDecodingVariants.class, "stepF16StagedUnbounded")));
                    }
                    // the step's unified path on tensor cores, at DecodeSplits' S, half and twice it (or
                    // DecodeSplits' S and --decode-splits)
                    int[] mmaSplits = selection.decodeSplits() != null
                            ? IntStream.concat(IntStream.of(splits), Arrays.stream(selection.decodeSplits())).distinct().toArray()
                            : quick ? new int[] {splits} : new int[] {splits, splits / 2, 2 * splits};
                    for (int s : mmaSplits) {
                        if (s >= 1 && length / s >= FlashDecoding.MIN_SPLIT_POSITIONS) {
                            cases.add(new BenchCase("decode", "UnifiedMaxDecoding.stepF16Mma (S=" + s
                                    + (s == splits ? "" : ", sweep") + ")", key, flops, bytes, copies, runs(),
                                    i -> unifiedMax(q, kc, vc, batch, heads, kvHeads, d, length, s, true, 1, 0f,
                                            UnifiedMaxDecoding.class, "stepF16Mma")));
                        }
                    }
                    cases.add(new BenchCase("decode", "UnifiedMaxDecoding.stepF16Mma (S=" + splits
                            + ", every split recomputed)", key, flops, bytes, copies, runs(),
                            i -> unifiedMax(q, kc, vc, batch, heads, kvHeads, d, length, splits, true, 1, 1000f,
                                    UnifiedMaxDecoding.class, "stepF16Mma")));
                    // φ far above every score: each split leaves the window and is recomputed (the worst case)
                    cases.add(new BenchCase("decode", "UnifiedMaxDecoding (S=" + splits + ", every split recomputed)", key,
                            flops, bytes, copies, runs(),
                            i -> unifiedMax(q, kc, vc, batch, heads, kvHeads, d, length, splits, true, 1, 1000f)));
                    if (heuristic != splits) { // the device's table chose S: the heuristic's S beside it
                        cases.add(new BenchCase("decode", "UnifiedMaxDecoding (S=" + heuristic + ", heuristic)", key, flops,
                                bytes, copies, runs(),
                                i -> unifiedMax(q, kc, vc, batch, heads, kvHeads, d, length, heuristic, true, 1, 0f)));
                    }
                    // the same kernels compiled without the model's sizes as constants
                    cases.add(new BenchCase("decode", "UnifiedMaxDecoding (S=" + splits + ", generic)", key, flops, bytes,
                            copies, runs(), i -> unifiedMax(q, kc, vc, batch, heads, kvHeads, d, length, splits, false, 1, 0f)));
                    // a quarter, half, twice and four times the splits that DecodeSplits picks (or --decode-splits)
                    int[] sweep = selection.decodeSplits() != null ? selection.decodeSplits()
                            : quick ? new int[0] : new int[] {splits / 4, splits / 2, 2 * splits, 4 * splits};
                    for (int other : sweep) {
                        // DecodeSplits gives no count with fewer positions per split, so none is timed
                        if (other >= 1 && other != splits && other != heuristic
                                && length / other >= FlashDecoding.MIN_SPLIT_POSITIONS) {
                            cases.add(new BenchCase("decode", "UnifiedMaxDecoding (S=" + other + ", sweep)", key, flops, bytes,
                                    copies, runs(), i -> unifiedMax(q, kc, vc, batch, heads, kvHeads, d, length, other, true, 1, 0f)));
                        }
                    }
                }
            }
        }
        return cases;
    }

    private static BenchCase skipped(String group, String kernel, String key, double flops, double bytes, String why) {
        return new BenchCase(group, kernel, key, flops, bytes, 1, 1, i -> {
            throw new IllegalStateException("skipped: " + why);
        });
    }

    /** A Flash-Decoding step: {@code fused}, one splitKvMerge launch; otherwise split then merge. */
    private BenchCase.Instance flashDecoding(FloatArray q, HalfFloatArray kc, HalfFloatArray vc, int batch, int heads,
                                             int kvHeads, int d, int length, int splits, boolean fused) {
        return flashDecoding(q, kc, vc, batch, heads, kvHeads, d, length, splits, fused, false);
    }

    /** {@link #flashDecoding} with, when {@code staged}, the split staged through local memory ({@code splitKvF16Staged}). */
    private BenchCase.Instance flashDecoding(FloatArray q, HalfFloatArray kc, HalfFloatArray vc, int batch, int heads,
                                             int kvHeads, int d, int length, int splits, boolean fused, boolean staged) {
        int rows = batch * heads;
        FloatArray partialOut = new FloatArray(rows * splits * d);
        FloatArray partialLse = new FloatArray(rows * splits);
        FloatArray out = new FloatArray(rows * d);
        FloatArray lse = new FloatArray(rows);
        int threads = FlashDecoding.THREADS;
        WorkerGrid splitGrid = new WorkerGrid2D(FlashDecoding.splitGlobalX(splits), batch * kvHeads).setLocalWork(threads, 1);
        if (fused) {
            IntArray tickets = new IntArray(batch * kvHeads);
            Launch step = Launch.spmd("split_merge", FlashDecoding.class, "splitKvMergeF16", splitGrid, q, kc, vc, partialOut,
                    partialLse, tickets, out, lse, heads, kvHeads, d, length, length, splits).specialized(9, 10, 11);
            return new BenchCase.Instance(plan(poisonedOnDevice(new Object[] {q, kc, vc, tickets}, out), new Object[] {out}, step),
                    p -> checkDecode(p, out, q, kc, vc, batch, heads, kvHeads, d, length));
        }
        Launch split = Launch.spmd("split", FlashDecoding.class, staged ? "splitKvF16Staged" : "splitKvF16", splitGrid, q,
                kc, vc, partialOut, partialLse,
                heads, kvHeads, d, length, length, splits).specialized(6, 7, 8); // heads, kvHeads, headDim: a model's fixed sizes
        Launch merge = Launch.spmd("merge", FlashDecoding.class, "merge", new WorkerGrid1D(FlashDecoding.mergeGlobalX(rows))
                .setLocalWork(threads), partialOut, partialLse, out, lse, rows, d, splits);
        return new BenchCase.Instance(plan(poisonedOnDevice(new Object[] {q, kc, vc}, out), new Object[] {out}, split, merge),
                p -> checkDecode(p, out, q, kc, vc, batch, heads, kvHeads, d, length));
    }

    /**
     * A FlashDecoding++ step in {@code launches} launches: 1, step (a split that leaves the window is
     * recomputed at once; each kv row's last work-group merges); 2, partialMerge → fallback; 4, partial →
     * merge → fallback partial → fallback merge. {@code phi} = 0 keeps every score in the window (they
     * lie within a few units of 0); φ = 1000 sends every split to the synchronised path.
     */
    private BenchCase.Instance unifiedMax(FloatArray q, HalfFloatArray kc, HalfFloatArray vc, int batch, int heads,
                                          int kvHeads, int d, int length, int splits, boolean constantSizes,
                                          int launchCount, float phi) {
        return unifiedMax(q, kc, vc, batch, heads, kvHeads, d, length, splits, constantSizes, launchCount, phi,
                UnifiedMaxDecoding.class, "stepF16");
    }

    /** {@link #unifiedMax} with the one-launch step's kernel named: the library's {@code stepF16[Staged]} or a bench form. */
    private BenchCase.Instance unifiedMax(FloatArray q, HalfFloatArray kc, HalfFloatArray vc, int batch, int heads,
                                          int kvHeads, int d, int length, int splits, boolean constantSizes,
                                          int launchCount, float phi, Class<?> owner, String stepKernel) {
        int rows = batch * heads;
        FloatArray num = new FloatArray(rows * splits * d);
        FloatArray den = new FloatArray(rows * splits);
        IntArray flags = new IntArray(rows);
        IntArray tickets = new IntArray(batch * kvHeads);
        IntArray fallbacks = new IntArray(1);
        FloatArray out = new FloatArray(rows * d);
        // the fp32-safe window around φ (scores here are q·k/√d of values in [-1, 1))
        float low = -60f;
        float high = 60f;
        int threads = FlashDecoding.THREADS;
        WorkerGrid splitGrid = new WorkerGrid2D(FlashDecoding.splitGlobalX(splits), batch * kvHeads).setLocalWork(threads, 1);
        // The synchronised path for flagged rows: its work-groups return at once when no row of their kv
        // head is flagged, which is what the timing then includes.
        FloatArray partialOut = new FloatArray(rows * splits * d);
        FloatArray partialLse = new FloatArray(rows * splits);
        FloatArray rowSums = new FloatArray(UnifiedMaxDecoding.rowSumsLength(rows, d)); // stepF16Mma's, zero
        List<Launch> launches = new ArrayList<>();
        // the kernels over the cache get heads, kvHeads and headDim as constants when constantSizes
        if (launchCount == 1) {
            List<Object> args = new ArrayList<>(List.of(q, kc, vc, num, den, partialOut, partialLse, flags, tickets));
            if (stepKernel.equals("stepF16Mma")) { // its unified sums go into rowSums, after the tickets
                args.add(rowSums);
            }
            // the kernel's parameters: the context, these, out and fallbacks, then heads, kvHeads and headDim
            int sizes = 1 + args.size() + 2;
            args.addAll(List.of(out, fallbacks, heads, kvHeads, d, length, length, splits, phi, low, high));
            Launch step = Launch.spmd("step", owner, stepKernel, splitGrid, args.toArray());
            launches.add(constantSizes ? step.specialized(sizes, sizes + 1, sizes + 2) : step);
        } else if (launchCount == 2) {
            Launch partialMerge = Launch.spmd("partial_merge", UnifiedMaxDecoding.class, "partialMergeF16", splitGrid, q, kc,
                    vc, num, den, flags, tickets, out, fallbacks, heads, kvHeads, d, length, length, splits, phi, low, high);
            Launch fallback = Launch.spmd("fallback", UnifiedMaxDecoding.class, "fallbackF16", splitGrid, q, kc, vc,
                    partialOut, partialLse, flags, tickets, out, heads, kvHeads, d, length, length, splits);
            launches.add(constantSizes ? partialMerge.specialized(10, 11, 12) : partialMerge);
            launches.add(constantSizes ? fallback.specialized(9, 10, 11) : fallback);
        } else {
            Launch partial = Launch.spmd("partial", UnifiedMaxDecoding.class, "partialF16", splitGrid, q, kc, vc, num, den,
                    flags, heads, kvHeads, d, length, length, splits, phi, low, high);
            Launch fallbackPartial = Launch.spmd("fallback_partial", UnifiedMaxDecoding.class, "fallbackPartialF16",
                    splitGrid, q, kc, vc, partialOut, partialLse, flags, heads, kvHeads, d, length, length, splits);
            launches.add(constantSizes ? partial.specialized(7, 8, 9) : partial);
            launches.add(Launch.spmd("merge", UnifiedMaxDecoding.class, "merge", new WorkerGrid1D(FlashDecoding.mergeGlobalX(rows))
                    .setLocalWork(threads), num, den, flags, out, fallbacks, rows, d, splits));
            launches.add(constantSizes ? fallbackPartial.specialized(7, 8, 9) : fallbackPartial);
            launches.add(Launch.spmd("fallback_merge", UnifiedMaxDecoding.class, "fallbackMerge",
                    new WorkerGrid1D(FlashDecoding.mergeGlobalX(rows)).setLocalWork(threads),
                    partialOut, partialLse, flags, out, rows, d, splits));
        }
        return new BenchCase.Instance(plan(poisonedOnDevice(new Object[] {q, kc, vc, flags, tickets, rowSums, fallbacks}, out), new Object[] {out, fallbacks},
                launches.toArray(new Launch[0])), p -> {
                    String check = checkDecode(p, out, q, kc, vc, batch, heads, kvHeads, d, length);
                    p.execute().transferToHost(fallbacks);
                    return check + ", rows on the fallback path so far: " + fallbacks.get(0);
                });
    }

    private static String checkDecode(ExecutionPlan plan, FloatArray out, FloatArray q, HalfFloatArray kc, HalfFloatArray vc,
                                      int batch, int heads, int kvHeads, int d, int length) {
        out.init(Float.NaN);
        executeAndRead(plan, out);
        double worst = 0;
        for (int[] bh : new int[][] {{0, 0}, {batch - 1, heads - 1}}) {
            int row = bh[0] * heads + bh[1];
            int kvRow = bh[0] * kvHeads + bh[1] / (heads / kvHeads);
            long base = (long) kvRow * length * d;
            double[] ref = attentionRow(i -> q.get(row * d + i), j -> (int) (base + (long) j * d), kc::getFloat,
                    vc::getFloat, length, d);
            for (int i = 0; i < d; i++) {
                worst = Math.max(worst, Math.abs(out.get(row * d + i) - ref[i]));
            }
        }
        return verdict(worst, 1e-3);
    }
}
