package dev.squall.kernels.gemm;

import dev.squall.api.KernelContext;
import dev.squall.api.LaunchBounds;
import dev.squall.api.types.FloatArray;
import dev.squall.api.types.HalfFloatArray;
import dev.squall.api.types.IntArray;

/**
 * {@link FlatGemmMma#f16}'s other choices of where the second activation tile's rows are read, as
 * kernels of their own for the bench to time beside it (in the library's package for the
 * package-private tunable; the bench module only).
 */
public final class FlatGemmMmaVariants {

    private FlatGemmMmaVariants() {
    }

    /** {@link FlatGemmMma#SECOND_ROWS_ALWAYS}. */
    public static void f16UnconditionalSecondRows(KernelContext context, FloatArray x, HalfFloatArray w, FloatArray out,
                                                  int m, int n, int k, int accumulate) {
        FlatGemmMma.f16SecondRows(context, x, w, out, m, n, k, accumulate, FlatGemmMma.SECOND_ROWS_ALWAYS);
    }

    /** {@link FlatGemmMma#SECOND_ROWS_LATE}. */
    public static void f16LateSecondRows(KernelContext context, FloatArray x, HalfFloatArray w, FloatArray out, int m,
                                         int n, int k, int accumulate) {
        FlatGemmMma.f16SecondRows(context, x, w, out, m, n, k, accumulate, FlatGemmMma.SECOND_ROWS_LATE);
    }

    /** {@link FlatGemmMma#f16Stream} with {@link FlatGemmMma#SECOND_ROWS_SELECTED}, bounded to three groups per compute unit. */
    @LaunchBounds(maxGroupSize = FlatGemmMma.THREADS, minGroupsPerComputeUnit = 3)
    public static void f16StreamSelected(KernelContext context, FloatArray x, HalfFloatArray w, FloatArray out, int m,
                                         int n, int k, int accumulate, FloatArray parts, IntArray tickets) {
        FlatGemmMma.f16StreamForm(context, x, w, out, m, n, k, accumulate, parts, tickets,
                FlatGemmMma.SECOND_ROWS_SELECTED, false);
    }

    /** {@link FlatGemmMma#f16Stream} with each span's weights loaded a trip ahead, bounded to two groups per compute unit. */
    @LaunchBounds(maxGroupSize = FlatGemmMma.THREADS, minGroupsPerComputeUnit = 2)
    public static void f16StreamAhead(KernelContext context, FloatArray x, HalfFloatArray w, FloatArray out, int m,
                                      int n, int k, int accumulate, FloatArray parts, IntArray tickets) {
        FlatGemmMma.f16StreamForm(context, x, w, out, m, n, k, accumulate, parts, tickets,
                FlatGemmMma.SECOND_ROWS_SELECTED, true);
    }

    /** {@link #f16StreamAhead} at three groups per compute unit (registers bounded to 80). */
    @LaunchBounds(maxGroupSize = FlatGemmMma.THREADS, minGroupsPerComputeUnit = 3)
    public static void f16StreamAhead3(KernelContext context, FloatArray x, HalfFloatArray w, FloatArray out, int m,
                                       int n, int k, int accumulate, FloatArray parts, IntArray tickets) {
        FlatGemmMma.f16StreamForm(context, x, w, out, m, n, k, accumulate, parts, tickets,
                FlatGemmMma.SECOND_ROWS_SELECTED, true);
    }
}
