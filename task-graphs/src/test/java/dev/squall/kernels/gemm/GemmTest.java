package dev.squall.kernels.gemm;

import static dev.squall.kernels.Accuracy.assertWithinTwiceNaive;
import static dev.squall.kernels.gemm.KernelRuns.half;
import static dev.squall.kernels.gemm.KernelRuns.inside;
import static dev.squall.kernels.gemm.KernelRuns.output;
import static dev.squall.kernels.gemm.KernelRuns.reference;
import static dev.squall.kernels.gemm.KernelRuns.run;
import static dev.squall.kernels.gemm.KernelRuns.values;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.squall.api.Device;
import dev.squall.api.types.FloatArray;
import dev.squall.api.types.HalfFloatArray;
import dev.squall.graph.TestDevices;
import dev.squall.graph.WorkerGrid;
import dev.squall.graph.WorkerGrid2D;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * C = A·Bᵀ (+ bias) (+ C), tiled and register-blocked, fp32 and binary16 storage, through task graphs
 * on the JVM and every accelerator, against float64 with the FlashAttention rule (error at most twice a
 * plain float dot product's): shapes that are multiples of no tile (one element; one row; several
 * work-groups in each direction with a k tail), every bias/accumulate combination (accumulation
 * starts from random values), and an output buffer longer than m·n whose tail must stay NaN.
 */
class GemmTest {

    /** The last has k a multiple of 16, so the register-blocked forms take their 16-byte global reads. */
    private static final int[][] SHAPES = {{1, 1, 1}, {3, 17, 33}, {37, 45, 70}, {130, 135, 37}, {130, 135, 64}};

    @Test
    void registerBlockedGeometryIsTheOneProducts8x8Assumes() {
        // Products8x8 reads runs of four at offsets 0 and BM / 2 = 64 and Gemm unrolls BK = 8 slices
        assertEquals(List.of(128, 128, 8, 8, 8), List.of(Gemm.BM, Gemm.BN, Gemm.BK, Gemm.TM, Gemm.TN));
    }

    private final Random rng = new Random();

    static Stream<Arguments> cases() {
        List<Arguments> cases = new ArrayList<>();
        for (Device d : TestDevices.all().toList()) {
            for (String form : List.of("tiled", "registerBlocked")) {
                for (boolean f16 : new boolean[] {false, true}) {
                    for (int[] s : SHAPES) {
                        cases.add(Arguments.of(d, form + (f16 ? "F16" : ""), s[0], s[1], s[2]));
                    }
                }
            }
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0} {1} {2}x{3}x{4}")
    @MethodSource("cases")
    void matchesFloat64(Device device, String kernel, int m, int n, int k) {
        boolean f16 = kernel.endsWith("F16");
        float[] a = values(rng, m * k);
        float[] b = values(rng, n * k);
        Object aArray;
        Object bArray;
        if (f16) {
            HalfFloatArray ha = half(a);
            HalfFloatArray hb = half(b);
            a = ha.toFloatArray();
            b = hb.toFloatArray(); // the values the kernel sees
            aArray = ha;
            bArray = hb;
        } else {
            aArray = FloatArray.fromArray(a);
            bArray = FloatArray.fromArray(b);
        }
        FloatArray bias = FloatArray.fromArray(values(rng, n));
        WorkerGrid grid = kernel.startsWith("tiled")
                ? new WorkerGrid2D(Gemm.tiledGlobalX(n), Gemm.tiledGlobalY(m)).setLocalWork(Gemm.TILE, Gemm.TILE)
                : new WorkerGrid2D(Gemm.blockedGlobalX(n), Gemm.blockedGlobalY(m))
                        .setLocalWork(Gemm.blockedLocalX(), Gemm.blockedLocalY());
        for (int useBias = 0; useBias < 2; useBias++) {
            for (int accumulate = 0; accumulate < 2; accumulate++) {
                float[] start = accumulate != 0 ? values(rng, m * n) : null;
                double[] ref = new double[m * n];
                float[] naive = new float[m * n];
                reference(a, b, useBias != 0 ? bias.toHeapArray() : null, start, m, n, k, ref, naive);
                FloatArray out = output(start, m * n, n + 5);
                run(device, Gemm.class, kernel, grid, aArray, bArray, bias, out, m, n, k, useBias, accumulate);
                String what = kernel + " " + m + "x" + n + "x" + k + " bias " + useBias + " accumulate " + accumulate
                        + " on " + device.id();
                assertWithinTwiceNaive(inside(out, m * n, what), ref, naive, 1e-6, what);
            }
        }
    }
}
