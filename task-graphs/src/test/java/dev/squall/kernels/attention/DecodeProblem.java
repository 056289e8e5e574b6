package dev.squall.kernels.attention;

import dev.squall.api.Device;
import dev.squall.api.KernelContext;
import dev.squall.api.types.FloatArray;
import dev.squall.api.types.HalfFloatArray;
import dev.squall.api.types.NativeArray;
import dev.squall.graph.DataTransferMode;
import dev.squall.graph.ExecutionPlan;
import dev.squall.graph.GridScheduler;
import dev.squall.graph.TaskGraph;
import dev.squall.graph.WorkerGrid;
import dev.squall.graph.WorkerGrid1D;
import dev.squall.graph.WorkerGrid2D;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Random;
import java.util.Set;

/**
 * One decode-attention problem for the tests: random q and KV cache (F32 or F16) with NaN past
 * {@code length}, and its float64 reference and plain-float ("naive") results per query row.
 */
final class DecodeProblem {

    final int batch;
    final int heads;
    final int kvHeads;
    final int headDim;
    final int capacity;
    final int length;
    final boolean half;
    final FloatArray q;
    final NativeArray kCache;
    final NativeArray vCache;
    /** The cache as the kernels see it (fp16-rounded for F16), in float. */
    private final float[] k;
    private final float[] v;

    DecodeProblem(Random random, boolean half, int batch, int heads, int kvHeads, int headDim, int capacity, int length) {
        this.batch = batch;
        this.heads = heads;
        this.kvHeads = kvHeads;
        this.headDim = headDim;
        this.capacity = capacity;
        this.length = length;
        this.half = half;
        int rows = batch * heads;
        q = new FloatArray(rows * headDim);
        for (int i = 0; i < rows * headDim; i++) {
            q.set(i, random.nextFloat() * 2 - 1);
        }
        int cacheSize = batch * kvHeads * capacity * headDim;
        k = new float[cacheSize];
        v = new float[cacheSize];
        for (int i = 0; i < cacheSize; i++) {
            boolean valid = i / headDim % capacity < length;
            // Keys scaled up a little, so the softmax is not flat; garbage beyond length must be ignored.
            k[i] = valid ? (random.nextFloat() * 2 - 1) * 2 : Float.NaN;
            v[i] = valid ? random.nextFloat() * 2 - 1 : Float.NaN;
        }
        if (half) {
            HalfFloatArray kh = new HalfFloatArray(cacheSize);
            HalfFloatArray vh = new HalfFloatArray(cacheSize);
            for (int i = 0; i < cacheSize; i++) {
                kh.setFloat(i, k[i]);
                vh.setFloat(i, v[i]);
                k[i] = kh.getFloat(i);
                v[i] = vh.getFloat(i);
            }
            kCache = kh;
            vCache = vh;
        } else {
            kCache = FloatArray.fromArray(k);
            vCache = FloatArray.fromArray(v);
        }
    }

    int rows() {
        return batch * heads;
    }

    int kvRows() {
        return batch * kvHeads;
    }

    /** Sets key {@code position} of cache row {@code kvRow} to {@code factor}·(query row {@code row}) (its score with that row then grows with the factor). */
    void alignKey(int kvRow, int position, int row, float factor) {
        for (int d = 0; d < headDim; d++) {
            setKey(kvRow, position, d, factor * q.get(row * headDim + d));
        }
    }

    /** Sets element d of key {@code position} of cache row {@code kvRow}, in the cache and in the reference's copy. */
    void setKey(int kvRow, int position, int d, float value) {
        int i = (kvRow * capacity + position) * headDim + d;
        if (kCache instanceof HalfFloatArray kh) {
            kh.setFloat(i, value);
            k[i] = kh.getFloat(i);
        } else {
            ((FloatArray) kCache).set(i, value);
            k[i] = value;
        }
    }

    /** Multiplies query row {@code row} by {@code factor} (to push its scores out of a window). */
    void scaleQuery(int row, float factor) {
        for (int d = 0; d < headDim; d++) {
            q.set(row * headDim + d, q.get(row * headDim + d) * factor);
        }
    }

    private int cacheRow(int row) {
        int b = row / heads;
        int h = row % heads;
        return b * kvHeads + h / (heads / kvHeads);
    }

    /** The post-scale scores q·k/√headDim of {@code row} in float64. */
    double[] scores(int row) {
        double[] s = new double[length];
        int base = cacheRow(row) * capacity * headDim;
        for (int t = 0; t < length; t++) {
            double dot = 0;
            for (int d = 0; d < headDim; d++) {
                dot += (double) q.get(row * headDim + d) * k[base + t * headDim + d];
            }
            s[t] = dot / Math.sqrt(headDim);
        }
        return s;
    }

    /** Every valid score of every row, as floats (what a calibration would observe). */
    float[] allScores() {
        float[] all = new float[rows() * length];
        for (int r = 0; r < rows(); r++) {
            double[] s = scores(r);
            for (int t = 0; t < length; t++) {
                all[r * length + t] = (float) s[t];
            }
        }
        return all;
    }

    /** float64 outputs (rows·headDim) and log-sum-exps (rows); a row with no positions: 0 and −∞. */
    void reference(double[] out, double[] lse) {
        for (int r = 0; r < rows(); r++) {
            double[] s = scores(r);
            double max = Double.NEGATIVE_INFINITY;
            for (double x : s) {
                max = Math.max(max, x);
            }
            double sum = 0;
            double[] acc = new double[headDim];
            int base = cacheRow(r) * capacity * headDim;
            for (int t = 0; t < length; t++) {
                double e = Math.exp(s[t] - max);
                sum += e;
                for (int d = 0; d < headDim; d++) {
                    acc[d] += e * v[base + t * headDim + d];
                }
            }
            for (int d = 0; d < headDim; d++) {
                out[r * headDim + d] = sum > 0 ? acc[d] / sum : 0;
            }
            lse[r] = sum > 0 ? max + Math.log(sum) : Double.NEGATIVE_INFINITY;
        }
    }

    /** The same in plain float arithmetic, in the textbook order (the FlashAttention tests' "naive"). */
    void naive(float[] out, float[] lse) {
        float scale = (float) (1.0 / Math.sqrt(headDim));
        for (int r = 0; r < rows(); r++) {
            int base = cacheRow(r) * capacity * headDim;
            float[] s = new float[length];
            float max = Float.NEGATIVE_INFINITY;
            for (int t = 0; t < length; t++) {
                float dot = 0f;
                for (int d = 0; d < headDim; d++) {
                    dot += q.get(r * headDim + d) * k[base + t * headDim + d];
                }
                s[t] = dot * scale;
                max = Math.max(max, s[t]);
            }
            float sum = 0f;
            float[] acc = new float[headDim];
            for (int t = 0; t < length; t++) {
                float e = (float) Math.exp(s[t] - max);
                sum += e;
                for (int d = 0; d < headDim; d++) {
                    acc[d] += e * v[base + t * headDim + d];
                }
            }
            for (int d = 0; d < headDim; d++) {
                out[r * headDim + d] = sum > 0 ? acc[d] / sum : 0f;
            }
            lse[r] = sum > 0 ? max + (float) Math.log(sum) : Float.NEGATIVE_INFINITY;
        }
    }

    @Override
    public String toString() {
        return (half ? "F16" : "F32") + " batch " + batch + " heads " + heads + "/" + kvHeads + " d " + headDim
                + " capacity " + capacity + " length " + length;
    }

    // ---- launching -------------------------------------------------------------------------------

    /** One kernel launch of a test graph: an SPMD kernel (the context is added) on {@code grid}. */
    record Launch(Class<?> owner, String kernel, WorkerGrid grid, Object... args) {
    }

    static Launch split(Class<?> owner, String kernel, int splits, int kvRows, Object... args) {
        return new Launch(owner, kernel, new WorkerGrid2D(FlashDecoding.splitGlobalX(splits), kvRows)
                .setLocalWork(FlashDecoding.THREADS, 1), args);
    }

    static Launch merge(Class<?> owner, String kernel, int rows, Object... args) {
        return new Launch(owner, kernel, new WorkerGrid1D(FlashDecoding.mergeGlobalX(rows))
                .setLocalWork(FlashDecoding.THREADS), args);
    }

    /** Runs the launches in order as one task graph on {@code device}, every array copied in and out. */
    static void run(Device device, Launch... launches) {
        Set<Object> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        List<Object> arrays = new ArrayList<>();
        for (Launch launch : launches) {
            for (Object a : launch.args()) {
                if (a instanceof NativeArray && seen.add(a)) {
                    arrays.add(a);
                }
            }
        }
        TaskGraph graph = new TaskGraph("g").transferToDevice(DataTransferMode.EVERY_EXECUTION, arrays.toArray());
        GridScheduler grids = new GridScheduler();
        for (int i = 0; i < launches.length; i++) {
            Launch launch = launches[i];
            Object[] args = new Object[launch.args().length + 1];
            args[0] = new KernelContext();
            System.arraycopy(launch.args(), 0, args, 1, launch.args().length);
            graph.task("t" + i, kernel(launch.owner(), launch.kernel()), args);
            grids.addWorkerGrid("g.t" + i, launch.grid());
        }
        graph.transferToHost(DataTransferMode.EVERY_EXECUTION, arrays.toArray());
        try (ExecutionPlan plan = new ExecutionPlan(graph.snapshot()).withDevice(device).withGridScheduler(grids)) {
            plan.execute();
        }
    }

    private static Method kernel(Class<?> owner, String name) {
        return Arrays.stream(owner.getDeclaredMethods()).filter(m -> m.getName().equals(name)).findFirst().orElseThrow();
    }
}
