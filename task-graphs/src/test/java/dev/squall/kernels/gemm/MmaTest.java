package dev.squall.kernels.gemm;

import static dev.squall.kernels.gemm.KernelRuns.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.squall.api.Device;
import dev.squall.api.KernelContext;
import dev.squall.api.LaunchBounds;
import dev.squall.api.MmaAccumulator;
import dev.squall.api.spi.MmaSemantics;
import dev.squall.api.types.FloatArray;
import dev.squall.api.types.HalfFloatArray;
import dev.squall.graph.TestDevices;
import dev.squall.graph.WorkerGrid1D;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link KernelContext#mma16x8x16} and {@link KernelContext#mma16x8x8Tf32} against float64 on every
 * device: each warp of the grid gets its own random A (16×16; TF32: 16×8), B (16×8; TF32: 8×8) and C
 * (16×8), gathers its fragments from them by the layout the
 * Javadoc documents (written out here independently of every implementation), multiplies twice (so
 * the accumulator of one call feeds the next), and scatters D back by the same layout. On the JVM,
 * the IR interpreter behind it and PoCL this checks the local-memory fallback; on a GPU it checks
 * that the documented layout is the tensor cores' own.
 */
class MmaTest {

    private static final int WARPS = 6;

    private final Random rng = new Random();

    static Stream<Device> devices() {
        return TestDevices.all();
    }

    /** Warp w: A at w·256 (row-major 16×16), B at w·128 (row-major 16×8), C and D at w·128 (row-major 16×8). */
    public static void twoProducts(KernelContext context, HalfFloatArray a, HalfFloatArray b, FloatArray c, FloatArray d) {
        int lane = context.localIdx & 31;
        int warp = context.globalIdx / 32;
        int group = lane / 4;
        int pair = 2 * (lane % 4);
        int aBase = warp * 256;
        int bBase = warp * 128;
        int a0 = bits(a, aBase + group * 16 + pair, aBase + group * 16 + pair + 1);
        int a1 = bits(a, aBase + (group + 8) * 16 + pair, aBase + (group + 8) * 16 + pair + 1);
        int a2 = bits(a, aBase + group * 16 + pair + 8, aBase + group * 16 + pair + 9);
        int a3 = bits(a, aBase + (group + 8) * 16 + pair + 8, aBase + (group + 8) * 16 + pair + 9);
        int b0 = bits(b, bBase + pair * 8 + group, bBase + (pair + 1) * 8 + group);
        int b1 = bits(b, bBase + (pair + 8) * 8 + group, bBase + (pair + 9) * 8 + group);
        int low = bBase + group * 8 + pair;
        int high = bBase + (group + 8) * 8 + pair;
        MmaAccumulator acc = new MmaAccumulator(c.get(low), c.get(low + 1), c.get(high), c.get(high + 1));
        acc = context.mma16x8x16(a0, a1, a2, a3, b0, b1, acc);
        acc = context.mma16x8x16(a0, a1, a2, a3, b0, b1, acc);
        d.set(low, acc.c0());
        d.set(low + 1, acc.c1());
        d.set(high, acc.c2());
        d.set(high + 1, acc.c3());
    }

    /** Warp w: A at w·128 (row-major 16×8), B at w·64 (row-major 8×8), C and D at w·128 (row-major 16×8). */
    public static void twoProductsTf32(KernelContext context, FloatArray a, FloatArray b, FloatArray c, FloatArray d) {
        int lane = context.localIdx & 31;
        int warp = context.globalIdx / 32;
        int group = lane / 4;
        int quad = lane % 4;
        int aBase = warp * 128;
        int bBase = warp * 64;
        int a0 = Float.floatToRawIntBits(a.get(aBase + group * 8 + quad));
        int a1 = Float.floatToRawIntBits(a.get(aBase + (group + 8) * 8 + quad));
        int a2 = Float.floatToRawIntBits(a.get(aBase + group * 8 + quad + 4));
        int a3 = Float.floatToRawIntBits(a.get(aBase + (group + 8) * 8 + quad + 4));
        int b0 = Float.floatToRawIntBits(b.get(bBase + quad * 8 + group));
        int b1 = Float.floatToRawIntBits(b.get(bBase + (quad + 4) * 8 + group));
        int low = aBase + group * 8 + 2 * quad;
        int high = aBase + (group + 8) * 8 + 2 * quad;
        MmaAccumulator acc = new MmaAccumulator(c.get(low), c.get(low + 1), c.get(high), c.get(high + 1));
        acc = context.mma16x8x8Tf32(a0, a1, a2, a3, b0, b1, acc);
        acc = context.mma16x8x8Tf32(a0, a1, a2, a3, b0, b1, acc);
        d.set(low, acc.c0());
        d.set(low + 1, acc.c1());
        d.set(high, acc.c2());
        d.set(high + 1, acc.c3());
    }

    private static int bits(HalfFloatArray h, int first, int second) {
        return (h.getBits(first) & 0xFFFF) | (h.getBits(second) << 16);
    }

    /** {@link #twoProducts} allowed work-groups of up to 1024 work-items by its launch bound. */
    @LaunchBounds(maxGroupSize = 1024)
    public static void twoProductsWide(KernelContext context, HalfFloatArray a, HalfFloatArray b, FloatArray c,
                                       FloatArray d) {
        twoProducts(context, a, b, c, d);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("devices")
    void computesTwiceAbPlusC(Device device) {
        // two work-groups of three warps: the warps of a group must not see each other's operands
        checkTwoProducts(device, "twoProducts", WARPS, 96);
    }

    /** A launch bound above 256 lets the warp-wide operations run in work-groups of up to that many work-items. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("devices")
    void launchBoundsAllowWiderGroups(Device device) {
        checkTwoProducts(device, "twoProductsWide", 64, 1024);
        checkTwoProducts(device, "twoProductsWide", 32, 512);
    }

    private void checkTwoProducts(Device device, String kernel, int warps, int groupSize) {
        FlatGemmTest.assumeTensorCoresOrFallback(device);
        HalfFloatArray a = new HalfFloatArray(warps * 256);
        HalfFloatArray b = new HalfFloatArray(warps * 128);
        FloatArray c = new FloatArray(warps * 128);
        for (int i = 0; i < a.getSize(); i++) {
            a.setFloat(i, rng.nextFloat() * 4 - 2);
        }
        for (int i = 0; i < b.getSize(); i++) {
            b.setFloat(i, rng.nextFloat() * 4 - 2);
            c.set(i, rng.nextFloat() * 8 - 4);
        }
        FloatArray d = new FloatArray(warps * 128);
        d.init(Float.NaN);
        run(device, MmaTest.class, kernel, new WorkerGrid1D(warps * 32).setLocalWork(groupSize), a, b, c, d);
        for (int w = 0; w < warps; w++) {
            for (int i = 0; i < 16; i++) {
                for (int j = 0; j < 8; j++) {
                    double sum = 0;
                    for (int p = 0; p < 16; p++) {
                        sum += (double) a.getFloat(w * 256 + i * 16 + p) * b.getFloat(w * 128 + p * 8 + j);
                    }
                    double expected = c.get(w * 128 + i * 8 + j) + 2 * sum;
                    float actual = d.get(w * 128 + i * 8 + j);
                    // 16 products of up to 4 each, summed twice in fp32: a few ulp of 130
                    assertEquals(expected, actual, 1e-4, "warp " + w + " D[" + i + "][" + j + "] on " + device.id());
                }
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("devices")
    void tf32ComputesTwiceAbPlusC(Device device) {
        FlatGemmTest.assumeTensorCoresOrFallback(device);
        // TF32 values over a wide range of magnitudes (the tensor cores take only those)
        FloatArray a = tf32Values(WARPS * 128);
        FloatArray b = tf32Values(WARPS * 64);
        FloatArray c = new FloatArray(WARPS * 128);
        for (int i = 0; i < c.getSize(); i++) {
            c.set(i, rng.nextFloat() * 8 - 4);
        }
        FloatArray d = new FloatArray(WARPS * 128);
        d.init(Float.NaN);
        run(device, MmaTest.class, "twoProductsTf32", new WorkerGrid1D(WARPS * 32).setLocalWork(96), a, b, c, d);
        for (int w = 0; w < WARPS; w++) {
            for (int i = 0; i < 16; i++) {
                for (int j = 0; j < 8; j++) {
                    double sum = 0;
                    double size = Math.abs(c.get(w * 128 + i * 8 + j));
                    for (int p = 0; p < 8; p++) {
                        double product = (double) a.get(w * 128 + i * 8 + p) * b.get(w * 64 + p * 8 + j);
                        sum += product;
                        size += 2 * Math.abs(product);
                    }
                    double expected = c.get(w * 128 + i * 8 + j) + 2 * sum;
                    float actual = d.get(w * 128 + i * 8 + j);
                    // exact products, 17 fp32 additions: a few ulp of the magnitudes summed
                    assertEquals(expected, actual, 1e-6 * size, "warp " + w + " D[" + i + "][" + j + "] on " + device.id());
                }
            }
        }
    }

    private FloatArray tf32Values(int n) {
        FloatArray values = new FloatArray(n);
        for (int i = 0; i < n; i++) {
            float v = (rng.nextFloat() * 4 - 2) * (float) Math.pow(2, rng.nextInt(41) - 20);
            values.set(i, MmaSemantics.tf32(Float.floatToRawIntBits(v)));
        }
        return values;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("devices")
    void refusesWorkGroupsThatAreNotWholeWarps(Device device) {
        FlatGemmTest.assumeTensorCoresOrFallback(device);
        HalfFloatArray a = new HalfFloatArray(256);
        HalfFloatArray b = new HalfFloatArray(128);
        FloatArray c = new FloatArray(128);
        FloatArray d = new FloatArray(128);
        RuntimeException e = assertThrows(RuntimeException.class, () ->
                run(device, MmaTest.class, "twoProducts", new WorkerGrid1D(48).setLocalWork(48), a, b, c, d));
        String message = messages(e);
        assertTrue(message.contains("mma16x8x16") && message.contains("multiple of 32"), message);
        FloatArray wide = new FloatArray(128);
        e = assertThrows(RuntimeException.class, () -> run(device, MmaTest.class, "twoProductsTf32",
                new WorkerGrid1D(48).setLocalWork(48), wide, new FloatArray(64), wide, new FloatArray(128)));
        message = messages(e);
        assertTrue(message.contains("mma16x8x8Tf32") && message.contains("multiple of 32"), message);
    }

    /** Without a launch bound, work-groups of more than 256 work-items are refused, naming the way out. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("devices")
    void refusesWideGroupsWithoutLaunchBounds(Device device) {
        FlatGemmTest.assumeTensorCoresOrFallback(device);
        HalfFloatArray a = new HalfFloatArray(16 * 256);
        HalfFloatArray b = new HalfFloatArray(16 * 128);
        FloatArray c = new FloatArray(16 * 128);
        FloatArray d = new FloatArray(16 * 128);
        RuntimeException e = assertThrows(RuntimeException.class, () ->
                run(device, MmaTest.class, "twoProducts", new WorkerGrid1D(512).setLocalWork(512), a, b, c, d));
        String message = messages(e);
        assertTrue(message.contains("at most 256") && message.contains("@LaunchBounds"), message);
    }

    private static String messages(Throwable e) {
        StringBuilder all = new StringBuilder();
        for (Throwable t = e; t != null; t = t.getCause()) {
            all.append(t.getMessage()).append(" | ");
        }
        return all.toString();
    }
}
