package dev.squall.bench;

import dev.squall.api.Parallel;
import dev.squall.api.types.FloatArray;

/**
 * The kernels the device benchmark times: a copy (the bandwidth probe) and a one-element kernel (the
 * overhead probe); and the kernel that keeps the GPU busy while a timed launch is issued.
 */
public final class BenchKernels {

    private BenchKernels() {
    }

    public static void copy(FloatArray src, FloatArray dst) {
        for (@Parallel int i = 0; i < dst.getSize(); i++) {
            dst.set(i, src.get(i));
        }
    }

    public static void touch(FloatArray x) {
        for (@Parallel int i = 0; i < x.getSize(); i++) {
            x.set(i, x.get(i) + 1f);
        }
    }

    /**
     * A chain of {@code iterations} dependent multiply-adds per element: hundreds of microseconds of GPU
     * time for one element and 100000 iterations, during which the host issues the timed launches
     * behind it, so their events time the GPU's work and not the host's launch latency.
     */
    public static void spin(FloatArray x, int iterations) {
        for (@Parallel int i = 0; i < x.getSize(); i++) {
            float v = x.get(i);
            for (int k = 0; k < iterations; k++) {
                v = v * 0.999f + 0.001f;
            }
            x.set(i, v);
        }
    }
}
