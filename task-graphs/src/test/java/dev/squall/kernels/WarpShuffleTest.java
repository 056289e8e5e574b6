package dev.squall.kernels;

import static dev.squall.kernels.KernelLaunches.runSpmd;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.squall.api.Device;
import dev.squall.api.KernelContext;
import dev.squall.api.LaunchBounds;
import dev.squall.api.types.FloatArray;
import dev.squall.api.types.IntArray;
import dev.squall.graph.TestDevices;
import dev.squall.graph.WorkerGrid1D;
import dev.squall.graph.WorkerGrid2D;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link KernelContext#warpShuffleXor}, {@link KernelContext#warpReduceSum} and
 * {@link KernelContext#warpReduceMax} on every device: each warp's results against float64 and
 * against the butterfly the Javadoc promises, computed here on plain arrays, bit for bit. On the
 * JVM, the IR interpreter's corpus twin and PoCL this checks the local-memory exchange; on CUDA
 * and NVIDIA OpenCL it checks that {@code shfl.sync.bfly} pairs the lanes as documented.
 */
class WarpShuffleTest {

    /** Outputs per work-item of {@link #exchanges}. */
    private static final int SLOTS = 5;

    private final Random rng = new Random();

    static Stream<Device> devices() {
        return TestDevices.all();
    }

    /**
     * Work-item g: its warp's sum and max, its partner's value under a per-lane mask, an int under a
     * runtime mask, and a sum over aligned groups of {@code width} lanes; {@code out[5·g …]}.
     */
    public static void exchanges(KernelContext context, FloatArray values, IntArray ints, FloatArray out,
                                 IntArray intOut, int intMask, int width) {
        int g = context.globalIdx;
        int lane = context.localIdx & 31;
        float v = values.get(g);
        float partial = v;
        for (int mask = width / 2; mask > 0; mask >>= 1) {
            partial = partial + context.warpShuffleXor(partial, mask);
        }
        out.set(SLOTS * g, context.warpReduceSum(v));
        out.set(SLOTS * g + 1, context.warpReduceMax(v));
        out.set(SLOTS * g + 2, context.warpShuffleXor(v, (lane * 5 + 3) & 31));
        out.set(SLOTS * g + 3, partial);
        intOut.set(g, context.warpShuffleXor(ints.get(g), intMask));
    }

    /** {@link #exchanges} allowed work-groups of up to 1024 work-items by its launch bound. */
    @LaunchBounds(maxGroupSize = 1024)
    public static void exchangesWide(KernelContext context, FloatArray values, IntArray ints, FloatArray out,
                                     IntArray intOut, int intMask, int width) {
        exchanges(context, values, ints, out, intOut, intMask, width);
    }

    /**
     * In a 2D grid (row-major over the global x size): the value of lane {@code lane ^ mask} and the warp sum, lanes
     * numbered by local linear id (x fastest), so a warp spans rows of the work-group.
     */
    public static void exchanges2d(KernelContext context, FloatArray values, FloatArray partners, FloatArray sums,
                                   int mask) {
        int g = context.globalIdy * context.globalGroupSizeX + context.globalIdx;
        float v = values.get(g);
        partners.set(g, context.warpShuffleXor(v, mask));
        sums.set(g, context.warpReduceSum(v));
    }

    /** A lane mask past the warp, known when the kernel is compiled. */
    public static void maskPastTheWarp(KernelContext context, FloatArray out) {
        out.set(context.globalIdx, context.warpShuffleXor(out.get(context.globalIdx), 32));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("devices")
    void reducesAndExchangesWithinEachWarp(Device device) {
        // two groups of three warps (warps of a group must not see each other's values), then one of eight
        check(device, "exchanges", 192, 96, 17, 8);
        check(device, "exchanges", 256, 256, 0, 4);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("devices")
    void launchBoundsAllowWiderGroups(Device device) {
        check(device, "exchangesWide", 1024, 1024, 31, 16);
    }

    private void check(Device device, String kernel, int items, int groupSize, int intMask, int width) {
        FloatArray values = new FloatArray(items);
        IntArray ints = new IntArray(items);
        for (int i = 0; i < items; i++) {
            // magnitudes over four decades, so the order of the sums shows in the last bits
            values.set(i, (rng.nextFloat() * 2 - 1) * (float) Math.pow(10, rng.nextInt(4)));
            ints.set(i, rng.nextInt());
        }
        FloatArray out = new FloatArray(SLOTS * items);
        out.init(Float.NaN);
        IntArray intOut = new IntArray(items);
        intOut.init(0x7fc00001);
        runSpmd(device, WarpShuffleTest.class, kernel, new WorkerGrid1D(items).setLocalWork(groupSize), values, ints, out,
                intOut, intMask, width);
        float[] v = values.toHeapArray();
        for (int g = 0; g < items; g++) {
            int warp = g & ~31;
            int lane = g & 31;
            String at = kernel + " work-item " + g + " on " + device.id();
            double sum = 0;
            double size = 0;
            float max = Float.NEGATIVE_INFINITY;
            for (int l = 0; l < 32; l++) {
                sum += v[warp + l];
                size += Math.abs(v[warp + l]);
                max = Math.max(max, v[warp + l]);
            }
            float warpSum = out.get(SLOTS * g);
            assertEquals(sum, warpSum, 32 * Math.ulp((float) size), "warp sum, " + at);
            assertEquals(Float.floatToRawIntBits(butterfly(v, warp, 32)), Float.floatToRawIntBits(warpSum),
                    "warp sum not in the documented order (16, 8, 4, 2, 1), " + at);
            assertEquals(max, out.get(SLOTS * g + 1), "warp max, " + at);
            int partner = warp + (lane ^ ((lane * 5 + 3) & 31));
            assertEquals(Float.floatToRawIntBits(v[partner]), Float.floatToRawIntBits(out.get(SLOTS * g + 2)),
                    "value of lane " + (partner - warp) + ", " + at);
            int first = g - g % width;
            double groupSum = 0;
            double widthSize = 0;
            for (int l = 0; l < width; l++) {
                groupSum += v[first + l];
                widthSize += Math.abs(v[first + l]);
            }
            float partial = out.get(SLOTS * g + 3);
            assertEquals(groupSum, partial, width * Math.ulp((float) widthSize), "sum over " + width + " lanes, " + at);
            assertEquals(Float.floatToRawIntBits(butterfly(v, first, width)), Float.floatToRawIntBits(partial),
                    "sum over " + width + " lanes not in butterfly order, " + at);
            assertEquals(ints.get(warp + (lane ^ intMask)), intOut.get(g), "int of lane " + (lane ^ intMask) + ", " + at);
        }
    }

    /** Lane 0's butterfly sum over {@code width} lanes from {@code first}: masks width/2 … 1, own value first. */
    private static float butterfly(float[] v, int first, int width) {
        float[] lanes = new float[width];
        System.arraycopy(v, first, lanes, 0, width);
        for (int mask = width / 2; mask > 0; mask >>= 1) {
            float[] next = new float[width];
            for (int l = 0; l < width; l++) {
                next[l] = lanes[l] + lanes[l ^ mask];
            }
            lanes = next;
        }
        for (int l = 1; l < width; l++) {
            assertEquals(Float.floatToRawIntBits(lanes[0]), Float.floatToRawIntBits(lanes[l]), "a butterfly's lanes agree");
        }
        return lanes[0];
    }

    /** Work-groups of 16×8: each warp is two rows of 16, so masks 16 and up pair work-items of different rows. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("devices")
    void lanesFollowTheLocalLinearIdInTwoDimensions(Device device) {
        int width = 32;
        int height = 16;
        FloatArray values = new FloatArray(width * height);
        for (int i = 0; i < values.getSize(); i++) {
            values.set(i, rng.nextFloat() * 2 - 1);
        }
        for (int mask : new int[] {1, 16, 21}) {
            FloatArray partners = new FloatArray(width * height);
            FloatArray sums = new FloatArray(width * height);
            partners.init(Float.NaN);
            sums.init(Float.NaN);
            runSpmd(device, WarpShuffleTest.class, "exchanges2d", new WorkerGrid2D(width, height).setLocalWork(16, 8),
                    values, partners, sums, mask);
            for (int y = 0; y < height; y++) {
                for (int x = 0; x < width; x++) {
                    int local = (y % 8) * 16 + x % 16; // local linear id in the 16×8 group
                    int lane = local & 31;
                    double sum = 0;
                    double size = 0;
                    for (int l = 0; l < 32; l++) {
                        int id = (local & ~31) + l;
                        float v = values.get((y - y % 8 + id / 16) * width + x - x % 16 + id % 16);
                        sum += v;
                        size += Math.abs(v);
                    }
                    int partner = (local & ~31) + (lane ^ mask);
                    int px = x - x % 16 + partner % 16;
                    int py = y - y % 8 + partner / 16;
                    String at = "work-item (" + x + ", " + y + ") mask " + mask + " on " + device.id();
                    assertEquals(values.get(py * width + px), partners.get(y * width + x), at);
                    assertEquals(sum, sums.get(y * width + x), 32 * Math.ulp((float) size), "warp sum, " + at);
                }
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("devices")
    void refusesWorkGroupsThatAreNotWholeWarps(Device device) {
        RuntimeException e = assertThrows(RuntimeException.class, () -> runSpmd(device, WarpShuffleTest.class,
                "exchanges", new WorkerGrid1D(48).setLocalWork(48), new FloatArray(48), new IntArray(48),
                new FloatArray(SLOTS * 48), new IntArray(48), 1, 2));
        String message = messages(e);
        assertTrue(message.contains("warpShuffleXor") && message.contains("multiple of 32"), message);
        e = assertThrows(RuntimeException.class, () -> runSpmd(device, WarpShuffleTest.class, "exchanges",
                new WorkerGrid1D(512).setLocalWork(512), new FloatArray(512), new IntArray(512),
                new FloatArray(SLOTS * 512), new IntArray(512), 1, 2));
        message = messages(e);
        assertTrue(message.contains("at most 256") && message.contains("@LaunchBounds"), message);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("devices")
    void refusesLaneMasksPastTheWarp(Device device) {
        // a constant is refused when the kernel is compiled (naming the kernel), the JVM refuses it as it runs
        RuntimeException e = assertThrows(RuntimeException.class, () -> runSpmd(device, WarpShuffleTest.class,
                "maskPastTheWarp", new WorkerGrid1D(32).setLocalWork(32), new FloatArray(32)));
        String message = messages(e);
        assertTrue(message.contains("lane mask 32") && message.contains("31"), message);
        if (device.type() != dev.squall.api.DeviceType.JVM) {
            assertTrue(message.contains("maskPastTheWarp"), message);
        }
        // a runtime mask past the warp on the JVM
        if (device.type() == dev.squall.api.DeviceType.JVM) {
            e = assertThrows(RuntimeException.class, () -> runSpmd(device, WarpShuffleTest.class, "exchanges",
                    new WorkerGrid1D(32).setLocalWork(32), new FloatArray(32), new IntArray(32),
                    new FloatArray(SLOTS * 32), new IntArray(32), 40, 2));
            message = messages(e);
            assertTrue(message.contains("lane mask 40"), message);
        }
    }

    private static String messages(Throwable e) {
        StringBuilder all = new StringBuilder();
        for (Throwable t = e; t != null; t = t.getCause()) {
            all.append(t.getMessage()).append(" | ");
        }
        return all.toString();
    }
}
