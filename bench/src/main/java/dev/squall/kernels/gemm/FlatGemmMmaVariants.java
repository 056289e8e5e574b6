package dev.squall.kernels.gemm;

import dev.squall.api.KernelContext;
import dev.squall.api.LaunchBounds;
import dev.squall.api.types.FloatArray;
import dev.squall.api.types.HalfFloatArray;
import dev.squall.api.types.IntArray;

/**
 * {@link FlatGemmMma#f16}'s and {@link FlatGemmMma#f16Stream}'s other forms (steps per trip, warps per
 * work-group, where the second activation tile's rows are read, work-groups per compute unit), as
 * kernels of their own for the bench to time beside them (in the library's package for the
 * package-private tunables; the bench module only).
 */
public final class FlatGemmMmaVariants {

    private FlatGemmMmaVariants() {
    }

    /** The form before four steps per trip: two steps, the second tile's rows selected, no launch bound (72 registers). */
    public static void f16TwoSteps(KernelContext context, FloatArray x, HalfFloatArray w, FloatArray out, int m, int n,
                                   int k, int accumulate) {
        FlatGemmMma.f16SecondRows(context, x, w, out, m, n, k, accumulate, FlatGemmMma.SECOND_ROWS_SELECTED, 2);
    }

    /** {@link FlatGemmMma#f16} with the second tile's rows read late (nothing more loaded up to m = 8). */
    @LaunchBounds(maxGroupSize = FlatGemmMma.THREADS, minGroupsPerComputeUnit = 2)
    public static void f16Unroll4Late(KernelContext context, FloatArray x, HalfFloatArray w, FloatArray out, int m,
                                      int n, int k, int accumulate) {
        FlatGemmMma.f16SecondRows(context, x, w, out, m, n, k, accumulate, FlatGemmMma.SECOND_ROWS_LATE, 4);
    }

    /** {@link #f16Unroll4Late} bounded to three groups per compute unit (80 registers). */
    @LaunchBounds(maxGroupSize = FlatGemmMma.THREADS, minGroupsPerComputeUnit = 3)
    public static void f16Unroll4Late3(KernelContext context, FloatArray x, HalfFloatArray w, FloatArray out, int m,
                                       int n, int k, int accumulate) {
        FlatGemmMma.f16SecondRows(context, x, w, out, m, n, k, accumulate, FlatGemmMma.SECOND_ROWS_LATE, 4);
    }

    /**
     * Sixteen warps per work-group (512 work-items) with two steps per trip, the second tile's rows
     * read late, two groups per compute unit: the same bytes in flight per compute unit as f16, from
     * twice the warps.
     */
    @LaunchBounds(maxGroupSize = 512, minGroupsPerComputeUnit = 2)
    public static void f16Warps16Late(KernelContext context, FloatArray x, HalfFloatArray w, FloatArray out, int m,
                                      int n, int k, int accumulate) {
        float[] partials = context.allocateFloatLocalArray(16 * FlatGemmMma.VALUES);
        FlatGemmMma.f16Form(context, partials, x, w, out, m, n, k, accumulate, FlatGemmMma.SECOND_ROWS_LATE, 16, 2);
    }

    /**
     * {@link FlatGemmMma#f16}'s tile with its weights staged through local memory by asynchronous
     * copies ({@link FlatGemmMma#f16StagedForm}): four steps per trip, a ring of three trips (96 KB), two
     * groups per compute unit: 128 KB of weights in flight per compute unit.
     */
    @LaunchBounds(maxGroupSize = FlatGemmMma.THREADS, minGroupsPerComputeUnit = 2)
    public static void f16Staged4x3(KernelContext context, FloatArray x, HalfFloatArray w, FloatArray out, int m,
                                    int n, int k, int accumulate) {
        staged(context, context.allocateShortLocalArray(3 * 2 * 4 * CHUNKS), x, w, out, m, n, k, accumulate, 4, 3);
    }

    /** Two steps per trip, a ring of four (64 KB), three groups per compute unit: 144 KB in flight. */
    @LaunchBounds(maxGroupSize = FlatGemmMma.THREADS, minGroupsPerComputeUnit = 3)
    public static void f16Staged2x4(KernelContext context, FloatArray x, HalfFloatArray w, FloatArray out, int m,
                                    int n, int k, int accumulate) {
        staged(context, context.allocateShortLocalArray(4 * 2 * 2 * CHUNKS), x, w, out, m, n, k, accumulate, 2, 4);
    }

    /** Halves of one chunk of every lane of an eight-warp group: the ring holds stages · 2 · unroll of them. */
    private static final int CHUNKS = FlatGemmMma.THREADS * 8;

    /** {@code ring}: {@code stages · 2 · unroll · }{@link #CHUNKS} halves (a constant where it is allocated). */
    private static void staged(KernelContext context, short[] ring, FloatArray x, HalfFloatArray w, FloatArray out,
                               int m, int n, int k, int accumulate, int unroll, int stages) {
        float[] partials = context.allocateFloatLocalArray(8 * FlatGemmMma.VALUES);
        FlatGemmMma.f16StagedForm(context, partials, ring, x, w, out, m, n, k, accumulate,
                FlatGemmMma.SECOND_ROWS_SELECTED, 8, unroll, stages);
    }

    /** {@link FlatGemmMma#f16Stream} with {@link FlatGemmMma#SECOND_ROWS_SELECTED}, bounded to three groups per compute unit. */
    @LaunchBounds(maxGroupSize = FlatGemmMma.THREADS, minGroupsPerComputeUnit = 3)
    public static void f16StreamSelected(KernelContext context, FloatArray x, HalfFloatArray w, FloatArray out, int m,
                                         int n, int k, int accumulate, FloatArray parts, IntArray tickets) {
        FlatGemmMma.f16StreamForm(context, x, w, out, m, n, k, accumulate, parts, tickets,
                FlatGemmMma.SECOND_ROWS_SELECTED, false, 2);
    }

    /** {@link FlatGemmMma#f16Stream} with each span's weights loaded a trip ahead, bounded to two groups per compute unit. */
    @LaunchBounds(maxGroupSize = FlatGemmMma.THREADS, minGroupsPerComputeUnit = 2)
    public static void f16StreamAhead(KernelContext context, FloatArray x, HalfFloatArray w, FloatArray out, int m,
                                      int n, int k, int accumulate, FloatArray parts, IntArray tickets) {
        FlatGemmMma.f16StreamForm(context, x, w, out, m, n, k, accumulate, parts, tickets,
                FlatGemmMma.SECOND_ROWS_SELECTED, true, 2);
    }

    /** {@link #f16StreamAhead} at three groups per compute unit (registers bounded to 80). */
    @LaunchBounds(maxGroupSize = FlatGemmMma.THREADS, minGroupsPerComputeUnit = 3)
    public static void f16StreamAhead3(KernelContext context, FloatArray x, HalfFloatArray w, FloatArray out, int m,
                                       int n, int k, int accumulate, FloatArray parts, IntArray tickets) {
        FlatGemmMma.f16StreamForm(context, x, w, out, m, n, k, accumulate, parts, tickets,
                FlatGemmMma.SECOND_ROWS_SELECTED, true, 2);
    }

    /** {@link FlatGemmMma#f16Stream} with four steps per trip (chunks of 1024 columns), two groups per compute unit. */
    @LaunchBounds(maxGroupSize = FlatGemmMma.THREADS, minGroupsPerComputeUnit = 2)
    public static void f16StreamUnroll4(KernelContext context, FloatArray x, HalfFloatArray w, FloatArray out, int m,
                                        int n, int k, int accumulate, FloatArray parts, IntArray tickets) {
        FlatGemmMma.f16StreamForm(context, x, w, out, m, n, k, accumulate, parts, tickets,
                FlatGemmMma.SECOND_ROWS_LATE, false, 4);
    }
}
