package dev.squall.models.llama;

import dev.squall.api.Backend;
import dev.squall.api.Device;
import dev.squall.api.DeviceType;
import dev.squall.api.KernelContext;
import dev.squall.api.types.ByteArray;
import dev.squall.api.types.FloatArray;
import dev.squall.api.types.HalfFloatArray;
import dev.squall.api.types.IntArray;
import dev.squall.api.types.NativeArray;
import dev.squall.api.types.Q8_0Array;
import dev.squall.graph.DataTransferMode;
import dev.squall.graph.ExecutionPlan;
import dev.squall.graph.ExecutionProfile;
import dev.squall.graph.ExecutionResult;
import dev.squall.graph.GridScheduler;
import dev.squall.graph.ProfilerMode;
import dev.squall.graph.TaskGraph;
import dev.squall.graph.WorkerGrid;
import dev.squall.graph.WorkerGrid1D;
import dev.squall.graph.WorkerGrid2D;
import dev.squall.kernels.attention.FlashDecoding;
import dev.squall.kernels.attention.GrowingSplitDecoding;
import dev.squall.kernels.gemm.FlatGemmByLanes;
import dev.squall.kernels.gemm.NormGemvByLanes;
import dev.squall.kernels.transformer.Activations;
import dev.squall.kernels.transformer.ArgMax;
import dev.squall.kernels.transformer.DecodeAttention;
import dev.squall.kernels.transformer.MatVec;
import dev.squall.kernels.transformer.RmsNorm;
import dev.squall.kernels.transformer.RotaryEmbedding;
import dev.squall.models.gguf.GgmlType;
import java.lang.foreign.ValueLayout;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;

/**
 * A Llama-family decoder step as one task graph on a device: the weights go to the device once
 * and stay there, the KV cache lives there, and one execution plan runs every token. Per token the
 * host sends only the token's embedding row, the position and the RoPE cosines and sines (a few
 * kilobytes) and reads back two ints, the logits' argmax taken on the device, which is all greedy
 * decoding needs ({@link #forwardGreedy}); the logits (4 bytes per vocabulary entry) come back only for
 * {@link #forward}. {@link #advance} (a prompt token) reads back the two ints too: the vocabulary product
 * and the argmax run either way, the plan being one.
 *
 * <p>Per layer: RMSNorm, the Q, K and V products (plus biases for Qwen2), RoPE fused with the KV-cache
 * write, attention over the cache (in the work-group forms {@code FlashDecoding}'s split-KV over a
 * head-major cache: many work-groups per kv head, the last of them merging, in one launch), the output product accumulated into the residual stream,
 * RMSNorm, the gate and up products with SwiGLU, and the down product accumulated into the residual.
 * Then the final norm, the vocabulary product and its argmax. In the work-group forms each of the two norms is
 * taken into the launch after it: RMSNorm with Q, K and V is one launch, RMSNorm with gate, up and
 * SwiGLU another.
 *
 * <p>Kernel forms: on GPUs the work-group forms ({@code …Spmd}, several work-items per row
 * combining partial sums in local memory); on the JVM and CPUs the loop forms (one work-item per
 * row), which suit a few cores. With f16 and Q8_0 weights the work-group forms are {@code FlatGemmByLanes}'
 * GEMVs ({@code f16Gemv}, {@code q8Gemv}) for the plain products (attention output, down, vocabulary) and
 * {@code NormGemvByLanes}' forms for the two fused RMSNorm launches; the other types use {@code MatVec}'s. On
 * CUDA the plan replays as a CUDA graph, whose kernels overlap the launch of the one before them on compute
 * capability 9.0 and newer. Kernels are not timed
 * unless {@link #profileKernels} asks for it (on OpenCL a timing event per launch doubled the host's
 * time per token).
 */
public final class DeviceLlama implements LanguageModel {

    /** Which form of each kernel the graph uses. */
    public enum KernelForms {
        /** Work-group forms on GPUs, loop forms elsewhere. */
        AUTO,
        /** One work-item per row ({@code @Parallel} loops). */
        LOOPS,
        /** Several work-items per row (KernelContext). */
        WORK_GROUPS
    }

    private static final String GRAPH = "decode";

    private final LlamaWeights weights;
    private final LlamaConfig c;
    private final Device device;
    private final int capacity;
    private final boolean workGroups;
    private final float[] ropeFactors;
    private final ExecutionPlan plan;
    /**
     * Host arrays made for the device (Q8_0 matrices split into quants and scales): their host memory is released
     * after the first step on a device with its own memory, and {@link #close} frees them.
     */
    private final List<NativeArray> owned = new ArrayList<>();
    // per-token inputs and the output
    private final FloatArray x;
    private final IntArray state;
    private final FloatArray rotation;
    private final FloatArray logits;
    /** The device's argmax of the logits: {index, lowest NaN index or −1} (see {@link ArgMax}). */
    private final IntArray choice;
    private final float[] embeddingRow;
    private final long weightBytes;
    private int length;
    /** The last execution, whose profile is built only if {@link #lastProfile()} asks (it costs host time per token). */
    private ExecutionResult lastResult;
    /** Host time spent in forward() and, within it, in the plan's execution (launch, transfers, wait). */
    private long forwardNanos;
    private long executeNanos;
    private long forwardCalls;
    private long releasedHostBytes;

    public DeviceLlama(LlamaWeights weights, Device device, int maxSequenceLength) {
        this(weights, device, maxSequenceLength, KernelForms.AUTO);
    }

    /**
     * @param maxSequenceLength positions the KV cache holds (at most the model's context length)
     */
    public DeviceLlama(LlamaWeights weights, Device device, int maxSequenceLength, KernelForms forms) {
        this.weights = weights;
        this.c = weights.config();
        this.device = device;
        if (maxSequenceLength <= 0 || maxSequenceLength > c.contextLength()) {
            throw new IllegalArgumentException("maxSequenceLength " + maxSequenceLength + " must be in 1.." + c.contextLength());
        }
        this.capacity = maxSequenceLength;
        this.workGroups = forms == KernelForms.WORK_GROUPS || (forms == KernelForms.AUTO && device.type() == DeviceType.GPU);
        if (workGroups && c.headDim() > DecodeAttention.GROUP_SIZE) {
            throw new IncompatibleModelException("head dimension " + c.headDim() + " exceeds the " + DecodeAttention.GROUP_SIZE
                    + " the work-group attention kernel handles; use KernelForms.LOOPS");
        }
        this.ropeFactors = weights.ropeFreqs() != null ? weights.ropeFreqs().toFloats() : null;
        this.x = new FloatArray(c.dim());
        this.state = new IntArray(1);
        this.rotation = new FloatArray(c.ropeDim());
        this.logits = new FloatArray(c.vocabSize());
        this.choice = new IntArray(2);
        this.embeddingRow = new float[c.dim()];
        Builder b = new Builder();
        // kernel times cost host time per launch on OpenCL (an event each); profileKernels(true) turns them on
        this.plan = b.build().withProfiler(ProfilerMode.OFF);
        this.weightBytes = b.weightBytes;
    }

    /** Builds the graph: buffers, tasks and the grids of the work-group kernels. */
    private final class Builder {
        /** A task, with the parameters (Java indices) compiled as constants: the model's sizes. */
        private record TaskSpec(String name, Method kernel, Object[] args, int[] constants) {
        }

        private final List<TaskSpec> tasks = new ArrayList<>();
        private final GridScheduler grids = new GridScheduler();
        private final Set<NativeArray> resident = Collections.newSetFromMap(new IdentityHashMap<>());
        private final List<Object> residentOrder = new ArrayList<>();
        /** The arrays each weight matrix goes to the device as ({@link #deviceWeight}), made once per matrix. */
        private final java.util.Map<Weight, Object[]> deviceWeights = new IdentityHashMap<>();
        private long weightBytes;
        /** Scratch that must be zero on the device before the first execution (tickets); kernels leave it so. */
        private final List<Object> zeroed = new ArrayList<>();

        ExecutionPlan build() {
            int d = c.dim();
            FloatArray h = new FloatArray(d);
            FloatArray q = new FloatArray(c.qDim());
            FloatArray k = new FloatArray(c.kvDim());
            FloatArray v = new FloatArray(c.kvDim());
            FloatArray attention = new FloatArray(c.qDim());
            FloatArray gate = new FloatArray(c.ffnDim());
            FloatArray up = new FloatArray(c.ffnDim());
            // Split-KV attention on work-group devices where the split kernels take the head sizes: splits of a
            // head-major cache and their merge in one launch (GrowingSplitDecoding's fixed-span splits where it
            // takes the head sizes, the capacity and the device's local memory, else FlashDecoding's). Otherwise one
            // work-group (or work-item) per head over a position-major cache.
            boolean growing = workGroups
                    && GrowingSplitDecoding.unsupported(c.heads(), c.kvHeads(), c.headDim(), capacity,
                    device.localMemoryBytes()) == null;
            boolean splitKv = growing
                    || workGroups && FlashDecoding.unsupported(c.heads(), c.kvHeads(), c.headDim()) == null;
            FloatArray scores = splitKv ? null : new FloatArray(c.heads() * capacity);
            int splits = growing ? GrowingSplitDecoding.splitsFor(capacity)
                    : FlashDecoding.splitsFor(1, c.heads(), c.kvHeads(), capacity, device.computeUnits());
            FloatArray partialOut = splitKv ? new FloatArray(c.heads() * splits * c.headDim()) : null;
            FloatArray partialLse = splitKv ? new FloatArray(c.heads() * splits) : null;
            FloatArray headLse = splitKv ? new FloatArray(c.heads()) : null;
            int positionStride = splitKv ? c.headDim() : c.kvDim();
            int headStride = splitKv ? capacity * c.headDim() : c.headDim();
            int halfRotation = c.ropeStyle() == RopeStyle.HALF_SPLIT ? 1 : 0;
            for (int l = 0; l < c.layers(); l++) {
                LayerWeights w = weights.layers().get(l);
                String p = "l" + l + "_";
                FloatArray keyCache = new FloatArray(Math.multiplyExact(capacity, c.kvDim()));
                FloatArray valueCache = new FloatArray(Math.multiplyExact(capacity, c.kvDim()));
                boolean fusedQkv = workGroups && w.wq().type() == w.wk().type() && w.wk().type() == w.wv().type();
                // RoPE and the cache write taken into the QKV launch too, where each rotated pair is two neighbouring
                // rows (the two-halves layout's are not) and no bias comes between
                boolean ropeInQkv = fusedQkv && !w.hasQkvBias() && c.ropeStyle() == RopeStyle.ADJACENT_PAIRS
                        && c.headDim() % 2 == 0;
                if (fusedQkv) {
                    // the attention RMSNorm is taken in
                    qkv(p + "norm_qkv", w, x, q, k, v, keyCache, valueCache, positionStride, headStride, ropeInQkv);
                } else {
                    rmsNorm(p + "attn_norm", x, vector(w.attnNorm()), h);
                    matVec(p + "q", w.wq(), h, q, false);
                    matVec(p + "k", w.wk(), h, k, false);
                    matVec(p + "v", w.wv(), h, v, false);
                }
                if (w.hasQkvBias()) {
                    add(p + "q_bias", q, vector(w.bq()));
                    add(p + "k_bias", k, vector(w.bk()));
                    add(p + "v_bias", v, vector(w.bv()));
                }
                if (!ropeInQkv) {
                    task(p + "rope", method(RotaryEmbedding.class, "ropeAndCache"), q, k, v, keyCache, valueCache,
                            rotation, state, c.heads(), c.kvHeads(), c.headDim(), c.ropeDim(), halfRotation,
                            (c.heads() + c.kvHeads()) * c.headDim() / 2, positionStride, headStride);
                }
                if (splitKv) {
                    IntArray tickets = new IntArray(c.kvHeads());
                    zeroed.add(tickets);
                    // the sizes as constants: the growing kernel's head-count branches fold away, and FlashDecoding
                    // gets one body of SplitKvCore, its loops bounded at compile time
                    spmdTask(p + "attention", growing ? GrowingSplitDecoding.class : FlashDecoding.class,
                            growing ? "stepAtPosition" : "splitKvMergeAtPosition", new WorkerGrid2D(
                            FlashDecoding.splitGlobalX(splits), c.kvHeads()).setLocalWork(FlashDecoding.THREADS, 1), true, q,
                            keyCache, valueCache, partialOut, partialLse, tickets, attention, headLse, state, c.heads(),
                            c.kvHeads(), c.headDim(), capacity, splits);
                } else {
                    Object[] attentionArgs = {q, keyCache, valueCache, scores, attention, state, c.heads(), c.kvHeads(),
                        c.headDim(), capacity};
                    if (workGroups) {
                        spmd(p + "attention", DecodeAttention.class, "attentionSpmd",
                                c.heads() * DecodeAttention.GROUP_SIZE, DecodeAttention.GROUP_SIZE, attentionArgs);
                    } else {
                        task(p + "attention", method(DecodeAttention.class, "attention"), attentionArgs);
                    }
                }
                matVec(p + "o", w.wo(), attention, x, true);
                if (workGroups && w.ffnGate().type() == w.ffnUp().type()) {
                    // the feed-forward RMSNorm is taken in
                    Object[] args = concat(deviceWeight(w.ffnGate()), deviceWeight(w.ffnUp()),
                            new Object[] {x, vector(w.ffnNorm()), gate, c.ffnDim(), d, c.rmsEps()});
                    if (byLanes(w.ffnGate())) {
                        int lanes = normGemvLanes(w.ffnGate(), 2 * c.ffnDim(), d);
                        spmd(p + "norm_gate_up", NormGemvByLanes.class, typePrefix(w.ffnGate()) + "SwiGlu",
                                NormGemvByLanes.swiGluGlobalX(c.ffnDim(), lanes), NormGemvByLanes.THREADS,
                                concat(args, new Object[] {lanes}));
                    } else {
                        int lanes = MatVec.lanesFor(c.ffnDim(), d);
                        spmd(p + "norm_gate_up", MatVec.class, "rmsNormSwiGlu" + suffix(w.ffnGate()) + "Spmd",
                                MatVec.spmdGlobalSize(c.ffnDim(), lanes), MatVec.GROUP_SIZE, concat(args, new Object[] {lanes}));
                    }
                } else {
                    rmsNorm(p + "ffn_norm", x, vector(w.ffnNorm()), h);
                    matVec(p + "gate", w.ffnGate(), h, gate, false);
                    matVec(p + "up", w.ffnUp(), h, up, false);
                    task(p + "swiglu", method(Activations.class, "swiGlu"), gate, up, c.ffnDim());
                }
                matVec(p + "down", w.ffnDown(), gate, x, true);
            }
            rmsNorm("output_norm", x, vector(weights.outputNorm()), h);
            matVec("output", weights.output(), h, logits, false);
            argmax();
            // Transfers first: weights once, the per-token inputs every time (CUDA graphs need copies before tasks).
            TaskGraph graph = new TaskGraph(GRAPH)
                    .transferToDevice(DataTransferMode.FIRST_EXECUTION, residentOrder.toArray())
                    .transferToDevice(DataTransferMode.EVERY_EXECUTION, x, state, rotation);
            if (!zeroed.isEmpty()) {
                graph.transferToDevice(DataTransferMode.FIRST_EXECUTION, zeroed.toArray());
            }
            for (TaskSpec t : tasks) {
                graph.task(t.name(), t.kernel(), t.args());
                if (t.constants().length > 0) {
                    graph.specialize(t.name(), t.constants());
                }
            }
            // the next token's choice every time; the logits (half a megabyte for a 128k vocabulary) when asked
            graph.transferToHost(DataTransferMode.EVERY_EXECUTION, choice);
            graph.transferToHost(DataTransferMode.UNDER_DEMAND, logits);
            ExecutionPlan built = new ExecutionPlan(graph.snapshot()).withDevice(device).withGridScheduler(grids);
            if (device.backend() == Backend.CUDA) {
                built.withCudaGraph();
            }
            return built;
        }

        private FloatArray vector(Weight w) {
            FloatArray values = w.array() instanceof FloatArray f ? f : FloatArray.fromArray(w.toFloats());
            keep(values);
            return values;
        }

        private void keep(NativeArray array) {
            if (resident.add(array)) {
                residentOrder.add(array);
                weightBytes += array.getSize() == 0 ? 0 : array.segment().byteSize();
            }
        }

        private void rmsNorm(String name, FloatArray in, FloatArray weight, FloatArray out) {
            if (workGroups) {
                spmd(name, RmsNorm.class, "rmsNormSpmd", RmsNorm.GROUP_SIZE, RmsNorm.GROUP_SIZE, in, weight, out, 1,
                        c.dim(), c.rmsEps());
            } else {
                task(name, method(RmsNorm.class, "rmsNorm"), in, weight, out, 1, c.dim(), c.rmsEps());
            }
        }

        private void matVec(String name, Weight w, FloatArray in, FloatArray out, boolean accumulate) {
            String kernel = "matVec" + suffix(w);
            if (workGroups && byLanes(w)) {
                // the GEMV form of the flat GEMM, two rows per lane group sharing each run of activations, one-step
                // reduction, sizes as constants. On an H200, f16Gemv took 6-13% less time than matVecF16Spmd in the
                // Llama-3.2-1B step (Nsight Compute: 2048×2048 6.8 → 6.0 µs, 2048×8192 13.1 → 12.1, 128256×2048
                // 141.6 → 123.4; unspecialised 2048×8192 took 13.4; bench/results/2026-11-30-h200-llama-step-host.md),
                // and q8Gemv 16-42% less than matVecQ8Spmd on the step's shapes (down 2048×8192 14.8 → 11.5 µs,
                // vocabulary 156 → 90; bench/results/2026-12-01-h200-q8-fused-norms.md)
                int lanes = w.type() == GgmlType.F16 ? FlatGemmByLanes.gemvLanesFor(w.rows(), w.cols())
                        : FlatGemmByLanes.q8GemvLanesFor(w.rows(), w.cols());
                spmdTask(name, FlatGemmByLanes.class, typePrefix(w) + "Gemv", new WorkerGrid1D(FlatGemmByLanes.globalX(
                        w.rows(), lanes)).setLocalWork(FlatGemmByLanes.THREADS), true, concat(new Object[] {in},
                        deviceWeight(w), new Object[] {out, 1, w.rows(), w.cols(), accumulate ? 1 : 0, lanes}));
            } else if (workGroups) {
                int lanes = MatVec.lanesFor(w.rows(), w.cols());
                // not specialised: the plain mat-vec measured 1-3 µs slower per launch with its sizes as constants
                // (H200, Nsight Compute: 2048×2048 7.0 → 8.0 µs, 2048×8192 13.1 → 16.1 µs)
                spmdTask(name, MatVec.class, kernel + "Spmd", new WorkerGrid1D(MatVec.spmdGlobalSize(w.rows(), lanes))
                        .setLocalWork(MatVec.GROUP_SIZE), false,
                        concat(deviceWeight(w), new Object[] {in, out, w.rows(), w.cols(), accumulate ? 1 : 0, lanes}));
            } else {
                keep(w.array());
                task(name, method(MatVec.class, kernel), w.array(), in, out, w.rows(), w.cols(), accumulate ? 1 : 0);
            }
        }

        /**
         * A weight matrix as the work-group kernels take it, kept on the device: its array, or for Q8_0 its quants
         * and scales split apart once (the Q8_0 GEMVs read 16 quants per load that way, {@code Q8Runs}; a block's
         * 34 bytes are only 2-byte aligned). The split copies' host memory (as many bytes as the Q8_0 weights, beside
         * the file's mapping) is released once the first step has put them on the device ({@link #step}), except on
         * the JVM device, whose kernels read them there (then {@link #close} frees them).
         */
        private Object[] deviceWeight(Weight w) {
            Object[] arrays = deviceWeights.computeIfAbsent(w, weight -> {
                if (weight.array() instanceof Q8_0Array q) {
                    ByteArray quants = q.quants();
                    HalfFloatArray scales = q.scales();
                    owned.add(quants);
                    owned.add(scales);
                    return new Object[] {quants, scales};
                }
                return new Object[] {weight.array()};
            });
            for (Object array : arrays) {
                keep((NativeArray) array);
            }
            return arrays;
        }

        private static Object[] concat(Object[]... parts) {
            return Arrays.stream(parts).flatMap(Arrays::stream).toArray();
        }

        /** The logits' argmax on the device, so greedy decoding reads back two ints. */
        private void argmax() {
            int n = c.vocabSize();
            if (workGroups) {
                int groups = ArgMax.globalSize(n) / ArgMax.GROUP_SIZE;
                IntArray tickets = new IntArray(1);
                zeroed.add(tickets);
                spmd("argmax", ArgMax.class, "argmaxSpmd", ArgMax.globalSize(n), ArgMax.GROUP_SIZE, logits, n,
                        new FloatArray(groups), new IntArray(groups), new IntArray(groups), tickets, choice);
            } else {
                task("argmax", method(ArgMax.class, "argmax"), logits, n, choice);
            }
        }

        /** Q, K and V of RMSNorm(x) in one launch (the work-group form). */
        private void qkv(String name, LayerWeights w, FloatArray x, FloatArray q, FloatArray k, FloatArray v,
                         FloatArray keyCache, FloatArray valueCache, int positionStride, int headStride, boolean rope) {
            int rows = c.qDim() + 2 * c.kvDim();
            Object[] weights = concat(deviceWeight(w.wq()), deviceWeight(w.wk()), deviceWeight(w.wv()));
            Object[] inputs = {x, vector(w.attnNorm()), q, k, v, c.qDim(), c.kvDim(), c.dim(), c.rmsEps()};
            Object[] rest = {keyCache, valueCache, rotation, state, c.headDim(), c.ropeDim(), positionStride, headStride,
                rope ? 1 : 0};
            // the by-lanes form's lane groups take pairs of rows, so none may straddle Q, K and V
            if (byLanes(w.wq()) && c.qDim() % 2 == 0 && c.kvDim() % 2 == 0) {
                int lanes = normGemvLanes(w.wq(), rows, c.dim());
                spmd(name, NormGemvByLanes.class, typePrefix(w.wq()) + "Qkv", NormGemvByLanes.qkvGlobalX(rows, lanes),
                        NormGemvByLanes.THREADS, concat(weights, inputs, new Object[] {lanes}, rest));
            } else {
                int lanes = MatVec.lanesFor(rows, c.dim());
                if (rope) {
                    lanes = Math.min(lanes, MatVec.GROUP_SIZE / 2); // a rotated pair's two rows in one work-group
                }
                spmd(name, MatVec.class, "rmsNormQkv" + suffix(w.wq()) + "Spmd", MatVec.spmdGlobalSize(rows, lanes),
                        MatVec.GROUP_SIZE, concat(weights, inputs, new Object[] {lanes}, rest));
            }
        }

        /**
         * Whether the products of this weight type run by lanes: {@link FlatGemmByLanes}' GEMVs and
         * {@link NormGemvByLanes}' fused RMSNorm forms (binary16 and Q8_0: two rows per lane group sharing each run
         * of the input, one reduction step); the other types keep MatVec's. For the fused forms, on an H200
         * (Llama-3.2-1B shapes, sizes as constants) the Q8_0 ones took 28% (gate/up 28.8 → 20.6 µs) and 17% (Q/K/V
         * 10.6 → 8.8) less time than MatVec's; the f16 ones about as much as MatVec's (23.2 against 23.5, 10.3
         * against 9.8) and keep one structure for both types (bench/results/2026-12-01-h200-q8-fused-norms.md).
         */
        private static boolean byLanes(Weight w) {
            return w.type() == GgmlType.F16 || w.type() == GgmlType.Q8_0;
        }

        /** The by-lanes kernels' name prefix for this weight type ({@link #byLanes}). */
        private static String typePrefix(Weight w) {
            return w.type() == GgmlType.F16 ? "f16" : "q8";
        }

        private static int normGemvLanes(Weight w, int weightRows, int cols) {
            return w.type() == GgmlType.F16 ? NormGemvByLanes.f16LanesFor(weightRows, cols)
                    : NormGemvByLanes.q8LanesFor(weightRows, cols);
        }

        private void task(String name, Method kernel, Object... args) {
            tasks.add(new TaskSpec(name, kernel, args, new int[0]));
        }

        private void add(String name, FloatArray acc, FloatArray delta) {
            task(name, method(Activations.class, "addInPlace"), acc, delta, acc.getSize());
        }

        /**
         * A work-group task with its int arguments (the model's sizes, lanes, flags; fixed for the plan anyway)
         * compiled as constants: divisions by lanes become shifts, loop bounds are known, dead branches go. On an
         * H200 (Nsight Compute, Llama-3.2-1B shapes) that took the fused gate/up launch from 29.8 to 25.0 µs.
         */
        private void spmd(String name, Class<?> owner, String kernel, int global, int local, Object... args) {
            spmdTask(name, owner, kernel, new WorkerGrid1D(global).setLocalWork(local), true, args);
        }

        private void spmdTask(String name, Class<?> owner, String kernel, WorkerGrid grid, boolean constants,
                              Object... args) {
            Object[] withContext = new Object[args.length + 1];
            withContext[0] = new KernelContext();
            System.arraycopy(args, 0, withContext, 1, args.length);
            int[] bound = constants ? IntStream.range(1, withContext.length)
                    .filter(i -> withContext[i] instanceof Integer).toArray() : new int[0];
            tasks.add(new TaskSpec(name, method(owner, kernel), withContext, bound));
            grids.addWorkerGrid(GRAPH + "." + name, grid);
        }
    }

    /** The kernel-name suffix of a weight's storage type. */
    private static String suffix(Weight w) {
        return switch (w.type()) {
            case F32 -> "F32";
            case F16 -> "F16";
            case BF16 -> "BF16";
            case Q8_0 -> "Q8";
            case Q4_0 -> "Q4";
            default -> throw new IncompatibleModelException("tensor '" + w.name() + "' has type " + w.type()
                    + ", which has no mat-vec kernel (supported: F32, F16, BF16, Q8_0, Q4_0)");
        };
    }

    private static Method method(Class<?> owner, String name) {
        return Arrays.stream(owner.getMethods()).filter(m -> m.getName().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalStateException(owner.getSimpleName() + "." + name + " is missing"));
    }

    @Override
    public float[] forward(int token, int position) {
        long forwardStart = System.nanoTime();
        ExecutionResult result = step(token, position);
        result.transferToHost(logits);
        float[] values = logits.toHeapArray();
        count(forwardStart);
        return values;
    }

    /** Picks the next token on the device: only two ints come back instead of the logits. */
    @Override
    public int forwardGreedy(int token, int position) {
        long forwardStart = System.nanoTime();
        step(token, position);
        if (choice.get(1) >= 0) {
            throw new IllegalArgumentException("logit of token " + choice.get(1) + " is NaN");
        }
        int next = choice.get(0);
        count(forwardStart);
        return next;
    }

    @Override
    public void advance(int token, int position) {
        long forwardStart = System.nanoTime();
        step(token, position);
        count(forwardStart);
    }

    /** Adds a step's whole host time; the first step is left out, as in {@link #step}. */
    private void count(long forwardStart) {
        if (forwardCalls > 1) {
            forwardNanos += System.nanoTime() - forwardStart;
        }
    }

    /** One decoding step on the device: the logits and their argmax are left there. */
    private ExecutionResult step(int token, int position) {
        LanguageModel.checkStep(c, token, position, length, capacity);
        weights.tokenEmbedding().row(token, embeddingRow);
        java.lang.foreign.MemorySegment.copy(embeddingRow, 0, x.segment(), ValueLayout.JAVA_FLOAT, 0, c.dim());
        state.set(0, position);
        int half = c.ropeDim() / 2;
        for (int i = 0; i < half; i++) {
            double angle = Rope.angle(position, i, c.ropeDim(), c.ropeBase(), ropeFactors);
            rotation.set(i, (float) Math.cos(angle));
            rotation.set(half + i, (float) Math.sin(angle));
        }
        long executeStart = System.nanoTime();
        ExecutionResult result = plan.execute();
        if (++forwardCalls > 1) { // the first call also compiles the kernels and uploads the weights
            executeNanos += System.nanoTime() - executeStart;
        }
        lastResult = result;
        length = position + 1;
        if (forwardCalls == 1 && !owned.isEmpty() && device.backend() != Backend.JAVA) {
            // the split copies are on the device now, and the plan never copies them again
            plan.releaseHostCopies(owned.toArray(NativeArray[]::new));
            releasedHostBytes = owned.stream().mapToLong(NativeArray::byteSize).sum();
        }
        return result;
    }

    /**
     * Bytes of host memory released after the first step: the Q8_0 matrices' split copies, once on a device with
     * its own memory (0 before the first step, for other weight types, and on the JVM device).
     */
    public long releasedHostBytes() {
        return releasedHostBytes;
    }

    @Override
    public LlamaConfig config() {
        return c;
    }

    @Override
    public int capacity() {
        return capacity;
    }

    @Override
    public int length() {
        return length;
    }

    @Override
    public void reset() {
        length = 0;
    }

    public Device device() {
        return device;
    }

    /** Bytes of the weights the device holds (the vectors widened to float). */
    public long weightBytes() {
        return weightBytes;
    }

    /**
     * Where a token's host time goes, averaged over every step after the first ({@link #forward},
     * {@link #forwardGreedy} and {@link #advance} alike): the whole call, and the plan's execution within it
     * (launches, the per-token transfers and the wait for the device; {@link #forward}'s copy of the logits
     * comes after it and is not counted there).
     */
    public String hostTimes() {
        if (forwardCalls < 2) {
            return "host per token: fewer than two tokens so far";
        }
        long steady = forwardCalls - 1;
        return String.format(java.util.Locale.ROOT, "host per token: forward %.3f ms, of which plan execution %.3f ms"
                + " (%d tokens after the first)", forwardNanos / 1e6 / steady, executeNanos / 1e6 / steady, steady);
    }

    /**
     * Whether each token's kernels are timed (off by default: on OpenCL a timing event per launch costs
     * host time); {@link #lastProfile()} has per-task times only while on.
     */
    public DeviceLlama profileKernels(boolean on) {
        plan.withProfiler(on ? ProfilerMode.SILENT : ProfilerMode.OFF);
        return this;
    }

    /** The profile of the last token's execution (per-task times; with CUDA graphs, one total), or null. */
    public ExecutionProfile lastProfile() {
        return lastResult == null ? null : lastResult.profile();
    }

    @Override
    public String describe() {
        return "task graphs on " + device.id() + " (" + device.name() + "), " + (workGroups ? "work-group" : "loop")
                + " kernels" + (device.backend() == Backend.CUDA ? ", CUDA graph" : "");
    }

    @Override
    public void close() {
        try {
            plan.close();
        } finally {
            owned.forEach(NativeArray::free);
        }
    }
}
