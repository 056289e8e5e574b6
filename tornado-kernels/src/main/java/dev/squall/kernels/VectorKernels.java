package dev.squall.kernels;

import dev.squall.api.KernelContext;
import dev.squall.api.Parallel;
import dev.squall.api.types.FloatArray;

/** Element-wise kernels: the "hello world" of data parallelism, each as a loop and as SPMD code. */
public final class VectorKernels {

    private VectorKernels() {
    }

    /** c = a + b. */
    public static void vectorAdd(FloatArray a, FloatArray b, FloatArray c) {
        for (@Parallel int i = 0; i < c.getSize(); i++) {
            c.set(i, a.get(i) + b.get(i));
        }
    }

    /** y = alpha·x + y (BLAS saxpy; two roundings, no fused multiply-add, as Java computes it). */
    public static void saxpy(float alpha, FloatArray x, FloatArray y) {
        for (@Parallel int i = 0; i < y.getSize(); i++) {
            y.set(i, alpha * x.get(i) + y.get(i));
        }
    }

    /** c = a + b, one work-item per element; the grid may be larger than the arrays. */
    public static void vectorAddSpmd(KernelContext context, FloatArray a, FloatArray b, FloatArray c) {
        int i = context.globalIdx;
        if (i < c.getSize()) {
            c.set(i, a.get(i) + b.get(i));
        }
    }

    /** y = alpha·x + y with a grid-stride loop, so any grid size covers any array size. */
    public static void saxpySpmd(KernelContext context, float alpha, FloatArray x, FloatArray y) {
        for (int i = context.globalIdx; i < y.getSize(); i += context.globalGroupSizeX) {
            y.set(i, alpha * x.get(i) + y.get(i));
        }
    }
}
