package dev.squall.kernels.gemm;

import dev.squall.api.KernelContext;
import dev.squall.api.LaunchBounds;
import dev.squall.api.types.ByteArray;
import dev.squall.api.types.FloatArray;
import dev.squall.api.types.HalfFloatArray;

/**
 * {@link FlatGemmByLanes#f16}'s other forms (weight rows per lane group × activation rows per pass,
 * work-groups per compute unit) as kernels of their own for the bench to time beside it (in the
 * library's package for the package-private form; the bench module only). Each is launched with
 * {@link FlatGemmByLanes#globalX(int, int, int)} for its weight rows and timed at the m of its pass
 * (bench/results/2026-11-30-h200-flat-gemm-lanes.md): the four- and eight-row forms lost to
 * FlatGemmMma.f16, the narrow one tied with f16 at m = 2 on some shapes only.
 */
public final class FlatGemmByLanesVariants {

    private FlatGemmByLanesVariants() {
    }

    /** Four weight rows × two activation rows per pass (48 registers). */
    public static void f16Narrow(KernelContext context, FloatArray x, HalfFloatArray w, FloatArray out, int m, int n,
                                 int k, int accumulate, int lanes) {
        FlatGemmByLanes.f16Form(context, x, w, out, m, n, k, accumulate, lanes, 4, 2);
    }

    /** Two weight rows × four activation rows per pass, four work-groups per compute unit (64 registers). */
    @LaunchBounds(maxGroupSize = FlatGemmByLanes.THREADS, minGroupsPerComputeUnit = 4)
    public static void f16Four(KernelContext context, FloatArray x, HalfFloatArray w, FloatArray out, int m, int n,
                               int k, int accumulate, int lanes) {
        FlatGemmByLanes.f16Form(context, x, w, out, m, n, k, accumulate, lanes, 2, 4);
    }

    /** Two weight rows × eight activation rows per pass (66 registers). */
    public static void f16Eight(KernelContext context, FloatArray x, HalfFloatArray w, FloatArray out, int m, int n,
                                int k, int accumulate, int lanes) {
        FlatGemmByLanes.f16Form(context, x, w, out, m, n, k, accumulate, lanes, 2, 8);
    }

    /** Four weight rows × one activation row per pass. */
    public static void f16SingleFour(KernelContext context, FloatArray x, HalfFloatArray w, FloatArray out, int m,
                                     int n, int k, int accumulate, int lanes) {
        FlatGemmByLanes.f16Form(context, x, w, out, m, n, k, accumulate, lanes, 4, 1);
    }

    /** {@link FlatGemmByLanes#q8Gemv} with four weight rows per lane group (every activation load shared by four rows). */
    public static void q8Four(KernelContext context, FloatArray x, ByteArray quants, HalfFloatArray scales, FloatArray out,
                              int m, int n, int k, int accumulate, int lanes) {
        FlatGemmByLanes.q8Form(context, x, quants, scales, out, m, n, k, accumulate, lanes, 4);
    }
}
