package dev.squall.kernels;

import static dev.squall.kernels.Accuracy.assertClose;
import static dev.squall.kernels.Accuracy.poisoned;
import static dev.squall.kernels.Accuracy.random;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.squall.api.Device;
import dev.squall.api.Devices;
import dev.squall.api.KernelContext;
import dev.squall.api.types.FloatArray;
import dev.squall.api.types.IntArray;
import dev.squall.graph.DataTransferMode;
import dev.squall.graph.ExecutionPlan;
import dev.squall.graph.GridScheduler;
import dev.squall.graph.TaskGraph;
import dev.squall.graph.WorkerGrid1D;
import dev.squall.graph.WorkerGrid2D;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Every kernel of the library through a task graph on the JVM device, against float64 references. */
class KernelLibraryOnJvmTest {

    private final Device jvm = Devices.get("java");
    private final Random rng = new Random();

    @Test
    void vectorAddBothWays() {
        int n = 1000 + rng.nextInt(100);
        FloatArray a = random(rng, n);
        FloatArray b = random(rng, n);
        double[] ref = new double[n];
        for (int i = 0; i < n; i++) {
            ref[i] = (double) a.get(i) + b.get(i);
        }
        FloatArray loop = poisoned(n);
        run(new TaskGraph("g").task("t", VectorKernels::vectorAdd, a, b, loop), null);
        assertClose(loop, ref, 1e-7, "vectorAdd");
        FloatArray spmd = poisoned(n);
        run(new TaskGraph("g").task("t", VectorKernels::vectorAddSpmd, new KernelContext(), a, b, spmd),
                new GridScheduler("g.t", new WorkerGrid1D(roundUp(n, 64)).setLocalWork(64)));
        assertClose(spmd, ref, 1e-7, "vectorAddSpmd");
    }

    @Test
    void saxpyBothWays() {
        int n = 777;
        float alpha = rng.nextFloat() * 4 - 2;
        FloatArray x = random(rng, n);
        FloatArray y0 = random(rng, n);
        double[] ref = new double[n];
        for (int i = 0; i < n; i++) {
            ref[i] = (double) alpha * x.get(i) + y0.get(i);
        }
        FloatArray y = FloatArray.fromArray(y0.toHeapArray());
        run(new TaskGraph("g").task("t", VectorKernels::saxpy, alpha, x, y), null);
        assertClose(y, ref, 1e-6, "saxpy");
        FloatArray y2 = FloatArray.fromArray(y0.toHeapArray());
        // a grid smaller than the array: the grid-stride loop covers the rest
        run(new TaskGraph("g").task("t", VectorKernels::saxpySpmd, new KernelContext(), alpha, x, y2),
                new GridScheduler("g.t", new WorkerGrid1D(128).setLocalWork(32)));
        assertClose(y2, ref, 1e-6, "saxpySpmd");
    }

    @Test
    void reductions() {
        int n = 5000;
        FloatArray input = random(rng, n);
        double ref = 0;
        for (int i = 0; i < n; i++) {
            ref += input.get(i);
        }
        FloatArray result = FloatArray.fromElements(0.25f);
        run(new TaskGraph("g").task("t", Reductions::sum, input, result), null);
        assertEquals(ref + 0.25, result.get(0), 1e-3, "sum keeps the initial value");

        int groups = (n + Reductions.GROUP_SIZE - 1) / Reductions.GROUP_SIZE;
        FloatArray partials = poisoned(groups);
        FloatArray total = poisoned(1);
        run(new TaskGraph("g")
                        .task("partial", Reductions::sumLocal, new KernelContext(), input, partials)
                        .task("finish", Reductions::sumPartials, partials, total),
                new GridScheduler("g.partial", new WorkerGrid1D(groups * Reductions.GROUP_SIZE)
                        .setLocalWork(Reductions.GROUP_SIZE)));
        assertEquals(ref, total.get(0), 1e-3);

        IntArray ints = IntArray.fromArray(rng.ints(n, -100_000, 100_000).toArray());
        long exact = java.util.Arrays.stream(ints.toHeapArray()).asLongStream().sum();
        IntArray intPartials = new IntArray(groups);
        intPartials.init(Integer.MIN_VALUE);
        run(new TaskGraph("g").task("t", Reductions::sumIntLocal, new KernelContext(), ints, intPartials),
                new GridScheduler("g.t", new WorkerGrid1D(groups * Reductions.GROUP_SIZE).setLocalWork(Reductions.GROUP_SIZE)));
        assertEquals(exact, java.util.Arrays.stream(intPartials.toHeapArray()).asLongStream().sum());
        IntArray intTotal = IntArray.fromElements(7);
        run(new TaskGraph("g").task("t", Reductions::sumInt, ints, intTotal), null);
        assertEquals(exact + 7, intTotal.get(0));

        FloatArray max = FloatArray.fromElements(Float.NEGATIVE_INFINITY);
        run(new TaskGraph("g").task("t", Reductions::max, input, max), null);
        double refMax = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < n; i++) {
            refMax = Math.max(refMax, input.get(i));
        }
        assertEquals(refMax, max.get(0));
    }

    @Test
    void matrixMultiplicationBothWaysOnOddShapes() {
        int m = 37;
        int n = 45;
        int k = 29;
        FloatArray a = random(rng, m * k);
        FloatArray b = random(rng, k * n);
        double[] ref = new double[m * n];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double s = 0;
                for (int p = 0; p < k; p++) {
                    s += (double) a.get(i * k + p) * b.get(p * n + j);
                }
                ref[i * n + j] = s;
            }
        }
        FloatArray loop = poisoned(m * n);
        run(new TaskGraph("g").task("t", MatrixMultiplication::matmul, a, b, loop, m, n, k), null);
        assertClose(loop, ref, 1e-5, "matmul");
        FloatArray tiled = poisoned(m * n);
        int tile = MatrixMultiplication.TILE;
        run(new TaskGraph("g").task("t", MatrixMultiplication::matmulTiled, new KernelContext(), a, b, tiled, m, n, k),
                new GridScheduler("g.t", new WorkerGrid2D(roundUp(n, tile), roundUp(m, tile)).setLocalWork(tile, tile)));
        assertClose(tiled, ref, 1e-5, "matmulTiled");
    }

    @Test
    void softmaxBothWaysWithLargeLogits() {
        int rows = 9;
        int cols = 300;
        FloatArray input = random(rng, rows * cols);
        for (int i = 0; i < rows * cols; i++) {
            input.set(i, input.get(i) * 200); // exp(200) overflows float: only the max-shifted form survives
        }
        double[] ref = new double[rows * cols];
        for (int r = 0; r < rows; r++) {
            double max = Double.NEGATIVE_INFINITY;
            for (int j = 0; j < cols; j++) {
                max = Math.max(max, input.get(r * cols + j));
            }
            double sum = 0;
            for (int j = 0; j < cols; j++) {
                sum += Math.exp(input.get(r * cols + j) - max);
            }
            for (int j = 0; j < cols; j++) {
                ref[r * cols + j] = Math.exp(input.get(r * cols + j) - max) / sum;
            }
        }
        FloatArray loop = poisoned(rows * cols);
        run(new TaskGraph("g").task("t", Softmax::softmaxRows, input, loop, rows, cols), null);
        assertClose(loop, ref, 1e-5, "softmaxRows");
        FloatArray spmd = poisoned(rows * cols);
        run(new TaskGraph("g").task("t", Softmax::softmaxRowsSpmd, new KernelContext(), input, spmd, rows, cols),
                new GridScheduler("g.t", new WorkerGrid1D(rows * Softmax.GROUP_SIZE).setLocalWork(Softmax.GROUP_SIZE)));
        assertClose(spmd, ref, 1e-5, "softmaxRowsSpmd");
    }

    private void run(TaskGraph graph, GridScheduler grid) {
        graph.transferToHost(DataTransferMode.EVERY_EXECUTION, new FloatArray(1));
        try (ExecutionPlan plan = new ExecutionPlan(graph.snapshot()).withDevice(jvm)) {
            if (grid != null) {
                plan.withGridScheduler(grid);
            }
            plan.execute();
        }
    }

    private static int roundUp(int value, int multiple) {
        return (value + multiple - 1) / multiple * multiple;
    }
}
