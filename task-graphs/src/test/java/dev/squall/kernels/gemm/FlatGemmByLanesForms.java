package dev.squall.kernels.gemm;

import dev.squall.api.KernelContext;
import dev.squall.api.types.ByteArray;
import dev.squall.api.types.FloatArray;
import dev.squall.api.types.HalfFloatArray;

/**
 * {@link FlatGemmByLanes#f16Form} at its other tunables (weight rows per lane group × activation rows
 * per pass), as kernels for the tests: every combination the form allows besides the library's 2 × 2
 * ({@code f16}) and 2 × 1 ({@code f16Gemv}), and {@link FlatGemmByLanes#q8Form} with four weight rows.
 */
public final class FlatGemmByLanesForms {

    private FlatGemmByLanesForms() {
    }

    /** {@link FlatGemmByLanes#q8Gemv} with four weight rows per lane group. */
    public static void q8Four(KernelContext context, FloatArray x, ByteArray quants, HalfFloatArray scales, FloatArray out,
                              int m, int n, int k, int accumulate, int lanes) {
        FlatGemmByLanes.q8Form(context, x, quants, scales, out, m, n, k, accumulate, lanes, 4);
    }

    public static void twoByFour(KernelContext context, FloatArray x, HalfFloatArray w, FloatArray out, int m, int n,
                                 int k, int accumulate, int lanes) {
        FlatGemmByLanes.f16Form(context, x, w, out, m, n, k, accumulate, lanes, 2, 4);
    }

    public static void twoByEight(KernelContext context, FloatArray x, HalfFloatArray w, FloatArray out, int m, int n,
                                  int k, int accumulate, int lanes) {
        FlatGemmByLanes.f16Form(context, x, w, out, m, n, k, accumulate, lanes, 2, 8);
    }

    public static void fourByTwo(KernelContext context, FloatArray x, HalfFloatArray w, FloatArray out, int m, int n,
                                 int k, int accumulate, int lanes) {
        FlatGemmByLanes.f16Form(context, x, w, out, m, n, k, accumulate, lanes, 4, 2);
    }

    public static void fourByFour(KernelContext context, FloatArray x, HalfFloatArray w, FloatArray out, int m, int n,
                                  int k, int accumulate, int lanes) {
        FlatGemmByLanes.f16Form(context, x, w, out, m, n, k, accumulate, lanes, 4, 4);
    }

    public static void fourByEight(KernelContext context, FloatArray x, HalfFloatArray w, FloatArray out, int m, int n,
                                   int k, int accumulate, int lanes) {
        FlatGemmByLanes.f16Form(context, x, w, out, m, n, k, accumulate, lanes, 4, 8);
    }

    public static void fourByOne(KernelContext context, FloatArray x, HalfFloatArray w, FloatArray out, int m, int n,
                                 int k, int accumulate, int lanes) {
        FlatGemmByLanes.f16Form(context, x, w, out, m, n, k, accumulate, lanes, 4, 1);
    }
}
