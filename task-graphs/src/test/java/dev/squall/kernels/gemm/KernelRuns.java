package dev.squall.kernels.gemm;

import dev.squall.kernels.Accuracy;
import dev.squall.kernels.KernelLaunches;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.squall.api.Device;
import dev.squall.api.KernelContext;
import dev.squall.api.types.FloatArray;
import dev.squall.api.types.HalfFloatArray;
import dev.squall.graph.WorkerGrid;
import java.util.Random;

/** Launching one SPMD kernel through a task graph, and the inputs and checks the GEMM tests share. */
final class KernelRuns {

    private KernelRuns() {
    }

    /** Runs {@code owner.name} once on {@code device} over {@code grid}; a KernelContext is prepended to {@code args}. */
    static void run(Device device, Class<?> owner, String name, WorkerGrid grid, Object... args) {
        KernelLaunches.runSpmd(device, owner, name, grid, args);
    }

    /** Uniform values in [-1, 1). */
    static float[] values(Random random, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = random.nextFloat() * 2 - 1;
        }
        return v;
    }

    static HalfFloatArray half(float[] values) {
        HalfFloatArray h = new HalfFloatArray(values.length);
        for (int i = 0; i < values.length; i++) {
            h.setFloat(i, values[i]);
        }
        return h;
    }

    /** An output of {@code size + extra} floats: {@code start} (or NaN) in the first {@code size}, NaN after. */
    static FloatArray output(float[] start, int size, int extra) {
        FloatArray out = new FloatArray(size + extra);
        out.init(Float.NaN);
        if (start != null) {
            for (int i = 0; i < size; i++) {
                out.set(i, start[i]);
            }
        }
        return out;
    }

    /** The first {@code size} elements of {@code out}, and a check that the ones after them are still NaN. */
    static FloatArray inside(FloatArray out, int size, String what) {
        for (int i = size; i < out.getSize(); i++) {
            assertTrue(Float.isNaN(out.get(i)), what + ": wrote element " + i + " outside the " + size + "-element output");
        }
        FloatArray head = new FloatArray(size);
        for (int i = 0; i < size; i++) {
            head.set(i, out.get(i));
        }
        return head;
    }

    /**
     * out = A·Bᵀ (+ bias[col]) (+ start) for row-major A (m×k) and B (n×k): in float64 into ref, and
     * as plain float sums (the naive baseline of the 2×-naive rule) into naive. bias and start may be null.
     */
    static void reference(float[] a, float[] b, float[] bias, float[] start, int m, int n, int k, double[] ref,
                          float[] naive) {
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double sum = 0;
                float sumF = 0f;
                for (int p = 0; p < k; p++) {
                    sum += (double) a[i * k + p] * b[j * k + p];
                    sumF += a[i * k + p] * b[j * k + p];
                }
                if (bias != null) {
                    sum += bias[j];
                    sumF += bias[j];
                }
                if (start != null) {
                    sum += start[i * n + j];
                    sumF += start[i * n + j];
                }
                ref[i * n + j] = sum;
                naive[i * n + j] = sumF;
            }
        }
    }

    /** Runs one GEMM of the activations {@code x} into {@code out} (its weights are the caller's). */
    interface Launch {
        void run(FloatArray x, FloatArray out, int accumulate);
    }

    /** Runs one binary16-weight GEMM into {@code out}. */
    interface F16Launch {
        void run(FloatArray x, HalfFloatArray w, FloatArray out, int accumulate);
    }

    /**
     * out = x·wᵀ with accumulate off and on (into random values), each against float64 by the 2×-naive
     * rule (slack {@code productSlack} without accumulation, 1e-6 with), with an output longer than m·n
     * whose tail must stay NaN; {@code weights} are the values the kernel sees.
     */
    static void checkLinear(Random random, Device device, String name, float[] x, float[] weights, int m, int n,
                            int k, double productSlack, Launch launch) {
        FloatArray xArray = FloatArray.fromArray(x);
        for (int accumulate = 0; accumulate < 2; accumulate++) {
            float[] start = accumulate != 0 ? values(random, m * n) : null;
            double[] ref = new double[m * n];
            float[] naive = new float[m * n];
            reference(x, weights, null, start, m, n, k, ref, naive);
            FloatArray out = output(start, m * n, 2 * n + 3);
            launch.run(xArray, out, accumulate);
            String what = name + " m=" + m + " n=" + n + " k=" + k + " accumulate " + accumulate + " on " + device.id();
            Accuracy.assertWithinTwiceNaive(inside(out, m * n, what), ref, naive, accumulate != 0 ? 1e-6 : productSlack,
                    what);
        }
    }

    /** {@link #checkLinear} for binary16 weights {@code w}, handed to the launch. */
    static void checkF16(Random random, Device device, String name, float[] x, HalfFloatArray w, int m, int n, int k,
                         double productSlack, F16Launch launch) {
        checkLinear(random, device, name, x, w.toFloatArray(), m, n, k, productSlack,
                (xArray, out, accumulate) -> launch.run(xArray, w, out, accumulate));
    }
}
