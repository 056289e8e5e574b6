package dev.squall.cli.samples;

import static dev.squall.cli.samples.Measurement.measure;
import static dev.squall.cli.samples.Measurement.random;
import static dev.squall.cli.samples.Measurement.relativeL2;
import static dev.squall.cli.samples.Measurement.roundUp;

import dev.squall.api.KernelContext;
import dev.squall.api.types.FloatArray;
import dev.squall.graph.DataTransferMode;
import dev.squall.graph.GridScheduler;
import dev.squall.graph.TaskGraph;
import dev.squall.graph.WorkerGrid1D;
import dev.squall.graph.WorkerGrid2D;
import dev.squall.kernels.MatrixMultiplication;
import dev.squall.kernels.Reductions;
import dev.squall.kernels.Softmax;
import dev.squall.kernels.VectorKernels;
import java.util.List;
import java.util.Optional;

/** The samples that {@code squall run-sample} and the demo run. */
public final class Samples {

    /** Timed executions per sample, after the checked first one. */
    public static final int TIMED_RUNS = Measurement.TIMED_RUNS;

    private static final int VECTOR = 1 << 20;
    /** Smaller: the JVM device emulates its 2^16 barrier-synchronised work-items with virtual threads. */
    private static final int LOCAL_SUM = 1 << 16;
    private static final int MATRIX = 128;
    private static final int ROWS = 64;
    private static final int COLS = 1000;

    private Samples() {
    }

    public static List<Sample> all() {
        return List.of(
                new Sample("vector-add", "c = a + b over 2^20 floats, a @Parallel loop", (device, rng) -> {
                    FloatArray a = random(rng, VECTOR);
                    FloatArray b = random(rng, VECTOR);
                    FloatArray c = new FloatArray(VECTOR);
                    double[] ref = new double[VECTOR];
                    for (int i = 0; i < VECTOR; i++) {
                        ref[i] = (double) a.get(i) + b.get(i);
                    }
                    TaskGraph g = new TaskGraph("s").transferToDevice(DataTransferMode.EVERY_EXECUTION, a, b)
                            .task("add", VectorKernels::vectorAdd, a, b, c)
                            .transferToHost(DataTransferMode.EVERY_EXECUTION, c);
                    return measure("vector-add", device, g.snapshot(), null, new FloatArray[] {c},
                            () -> relativeL2(c, ref), 1e-6);
                }),
                new Sample("saxpy-spmd", "y = αx + y over 2^20 floats, KernelContext with a grid-stride loop", (device, rng) -> {
                    float alpha = rng.nextFloat() * 4 - 2;
                    FloatArray x = random(rng, VECTOR);
                    FloatArray y = random(rng, VECTOR);
                    double[] ref = new double[VECTOR];
                    for (int i = 0; i < VECTOR; i++) {
                        ref[i] = (double) alpha * x.get(i) + y.get(i);
                    }
                    // y is read and written: the checked first run starts from its random values, so it is not poisoned
                    TaskGraph g = new TaskGraph("s").transferToDevice(DataTransferMode.EVERY_EXECUTION, x, y)
                            .task("saxpy", VectorKernels::saxpySpmd, new KernelContext(), alpha, x, y)
                            .transferToHost(DataTransferMode.EVERY_EXECUTION, y);
                    GridScheduler grid = new GridScheduler("s.saxpy", new WorkerGrid1D(VECTOR / 4).setLocalWork(256));
                    return measure("saxpy-spmd", device, g.snapshot(), grid, new FloatArray[0],
                            () -> relativeL2(y, ref), 1e-6);
                }),
                new Sample("sum-reduce", "Σx over 2^20 floats, a @Reduce loop", (device, rng) -> {
                    FloatArray x = random(rng, VECTOR);
                    FloatArray out = new FloatArray(1); // the reduction adds to its initial value, zero here
                    double ref = 0;
                    double squares = 0;
                    for (int i = 0; i < VECTOR; i++) {
                        ref += x.get(i);
                        squares += (double) x.get(i) * x.get(i);
                    }
                    double expected = ref;
                    double norm = Math.sqrt(squares); // a sum's rounding error scales with ‖x‖, not with |Σx|
                    // The JVM device runs the loop as written, one float sum in order, whose error over 2^20
                    // terms can exceed 1e-5·‖x‖; as in the FlashAttention tests, allow twice that plain
                    // float computation's error (tree reductions on accelerators are well inside it).
                    float naive = 0f;
                    for (int i = 0; i < VECTOR; i++) {
                        naive += x.get(i);
                    }
                    double bound = Math.max(1e-5, 2 * Math.abs(naive - expected) / norm);
                    TaskGraph g = new TaskGraph("s").transferToDevice(DataTransferMode.EVERY_EXECUTION, x, out)
                            .task("sum", Reductions::sum, x, out)
                            .transferToHost(DataTransferMode.EVERY_EXECUTION, out);
                    return measure("sum-reduce", device, g.snapshot(), null, new FloatArray[0],
                            () -> Math.abs(out.get(0) - expected) / norm, bound);
                }),
                new Sample("sum-local", "Σx over 2^16 floats, a work-group tree in local memory + a finishing task",
                        (device, rng) -> {
                    FloatArray x = random(rng, LOCAL_SUM);
                    int groups = LOCAL_SUM / Reductions.GROUP_SIZE;
                    FloatArray partials = new FloatArray(groups);
                    FloatArray out = new FloatArray(1);
                    double ref = 0;
                    double squares = 0;
                    for (int i = 0; i < LOCAL_SUM; i++) {
                        ref += x.get(i);
                        squares += (double) x.get(i) * x.get(i);
                    }
                    double expected = ref;
                    double norm = Math.sqrt(squares); // a sum's rounding error scales with ‖x‖, not with |Σx|
                    TaskGraph g = new TaskGraph("s").transferToDevice(DataTransferMode.EVERY_EXECUTION, x)
                            .task("partial", Reductions::sumLocal, new KernelContext(), x, partials)
                            .task("finish", Reductions::sumPartials, partials, out)
                            .transferToHost(DataTransferMode.EVERY_EXECUTION, out);
                    GridScheduler grid = new GridScheduler("s.partial",
                            new WorkerGrid1D(LOCAL_SUM).setLocalWork(Reductions.GROUP_SIZE));
                    return measure("sum-local", device, g.snapshot(), grid, new FloatArray[] {out, partials},
                            () -> Math.abs(out.get(0) - expected) / norm, 1e-5);
                }),
                new Sample("matmul", "C = A·B, 128³, nested @Parallel loops", (device, rng) -> matmul(device, rng, false)),
                new Sample("matmul-tiled", "C = A·B, 128³, 16×16 tiles in local memory with barriers",
                        (device, rng) -> matmul(device, rng, true)),
                new Sample("softmax", "row softmax of 64×1000 logits, one @Parallel iteration per row",
                        (device, rng) -> softmax(device, rng, false)),
                new Sample("softmax-spmd", "row softmax of 64×1000 logits, one work-group per row",
                        (device, rng) -> softmax(device, rng, true)));
    }

    public static Optional<Sample> named(String name) {
        return all().stream().filter(s -> s.name().equals(name)).findFirst();
    }

    private static SampleResult matmul(dev.squall.api.Device device, java.util.Random rng, boolean tiled) {
        int n = MATRIX;
        FloatArray a = random(rng, n * n);
        FloatArray b = random(rng, n * n);
        FloatArray c = new FloatArray(n * n);
        double[] ref = new double[n * n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                double s = 0;
                for (int p = 0; p < n; p++) {
                    s += (double) a.get(i * n + p) * b.get(p * n + j);
                }
                ref[i * n + j] = s;
            }
        }
        TaskGraph g = new TaskGraph("s").transferToDevice(DataTransferMode.EVERY_EXECUTION, a, b);
        GridScheduler grid = null;
        if (tiled) {
            int t = MatrixMultiplication.TILE;
            g.task("mm", MatrixMultiplication::matmulTiled, new KernelContext(), a, b, c, n, n, n);
            grid = new GridScheduler("s.mm", new WorkerGrid2D(roundUp(n, t), roundUp(n, t)).setLocalWork(t, t));
        } else {
            g.task("mm", MatrixMultiplication::matmul, a, b, c, n, n, n);
        }
        g.transferToHost(DataTransferMode.EVERY_EXECUTION, c);
        return measure(tiled ? "matmul-tiled" : "matmul", device, g.snapshot(), grid, new FloatArray[] {c},
                () -> relativeL2(c, ref), 1e-5);
    }

    private static SampleResult softmax(dev.squall.api.Device device, java.util.Random rng, boolean spmd) {
        FloatArray x = random(rng, ROWS * COLS);
        for (int i = 0; i < ROWS * COLS; i++) {
            x.set(i, x.get(i) * 30);
        }
        FloatArray y = new FloatArray(ROWS * COLS);
        double[] ref = new double[ROWS * COLS];
        for (int r = 0; r < ROWS; r++) {
            double max = Double.NEGATIVE_INFINITY;
            for (int j = 0; j < COLS; j++) {
                max = Math.max(max, x.get(r * COLS + j));
            }
            double sum = 0;
            for (int j = 0; j < COLS; j++) {
                sum += Math.exp(x.get(r * COLS + j) - max);
            }
            for (int j = 0; j < COLS; j++) {
                ref[r * COLS + j] = Math.exp(x.get(r * COLS + j) - max) / sum;
            }
        }
        TaskGraph g = new TaskGraph("s").transferToDevice(DataTransferMode.EVERY_EXECUTION, x);
        GridScheduler grid = null;
        if (spmd) {
            g.task("softmax", Softmax::softmaxRowsSpmd, new KernelContext(), x, y, ROWS, COLS);
            grid = new GridScheduler("s.softmax", new WorkerGrid1D(ROWS * Softmax.GROUP_SIZE).setLocalWork(Softmax.GROUP_SIZE));
        } else {
            g.task("softmax", Softmax::softmaxRows, x, y, ROWS, COLS);
        }
        g.transferToHost(DataTransferMode.EVERY_EXECUTION, y);
        return measure(spmd ? "softmax-spmd" : "softmax", device, g.snapshot(), grid, new FloatArray[] {y},
                () -> relativeL2(y, ref), 1e-5);
    }
}
