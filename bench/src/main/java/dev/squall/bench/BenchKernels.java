package dev.squall.bench;

import dev.squall.api.Parallel;
import dev.squall.api.types.FloatArray;

/** The kernels the device benchmark times: a copy (the bandwidth probe) and a one-element kernel (the overhead probe). */
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
}
