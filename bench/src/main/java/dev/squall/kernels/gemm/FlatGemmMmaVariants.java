package dev.squall.kernels.gemm;

import dev.squall.api.KernelContext;
import dev.squall.api.types.FloatArray;
import dev.squall.api.types.HalfFloatArray;

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
}
