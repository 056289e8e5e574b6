package dev.squall.drivers.jvm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.squall.api.Devices;
import dev.squall.api.KernelContext;
import dev.squall.api.KernelExecutionException;
import dev.squall.api.types.FloatArray;
import dev.squall.api.types.IntArray;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.Random;
import org.junit.jupiter.api.Test;

class SpmdLauncherTest {

    private static final int TILE = 8;
    private final SpmdLauncher launcher = ((JavaDevice) Devices.get("java")).launcher();
    private final Random random = new Random();

    // ---- kernels -------------------------------------------------------------------------------

    static void tiledMatmul(KernelContext ctx, FloatArray a, FloatArray b, FloatArray c, int n) {
        float[] ta = ctx.allocateFloatLocalArray(TILE * TILE);
        float[] tb = ctx.allocateFloatLocalArray(TILE * TILE);
        int tx = ctx.localIdx;
        int ty = ctx.localIdy;
        int row = ctx.globalIdy;
        int col = ctx.globalIdx;
        float sum = 0;
        for (int t = 0; t < n; t += TILE) {
            ta[ty * TILE + tx] = a.get(row * n + t + tx);
            tb[ty * TILE + tx] = b.get((t + ty) * n + col);
            ctx.localBarrier();
            for (int p = 0; p < TILE; p++) {
                sum += ta[ty * TILE + p] * tb[p * TILE + tx];
            }
            ctx.localBarrier();
        }
        c.set(row * n + col, sum);
    }

    /** The same kernel without the second barrier: the next tiles overwrite data still being read. */
    static void tiledMatmulMissingBarrier(KernelContext ctx, FloatArray a, FloatArray b, FloatArray c, int n) {
        float[] ta = ctx.allocateFloatLocalArray(TILE * TILE);
        float[] tb = ctx.allocateFloatLocalArray(TILE * TILE);
        int tx = ctx.localIdx;
        int ty = ctx.localIdy;
        int row = ctx.globalIdy;
        int col = ctx.globalIdx;
        float sum = 0;
        for (int t = 0; t < n; t += TILE) {
            ta[ty * TILE + tx] = a.get(row * n + t + tx);
            tb[ty * TILE + tx] = b.get((t + ty) * n + col);
            ctx.localBarrier();
            for (int p = 0; p < TILE; p++) {
                sum += ta[ty * TILE + p] * tb[p * TILE + tx];
            }
        }
        c.set(row * n + col, sum);
    }

    static void groupSum(KernelContext ctx, IntArray in, IntArray out) {
        int[] scratch = ctx.allocateIntLocalArray(64);
        int l = ctx.localIdx;
        scratch[l] = in.get(ctx.globalIdx);
        ctx.localBarrier();
        for (int s = ctx.localGroupSizeX / 2; s > 0; s >>= 1) {
            if (l < s) {
                scratch[l] += scratch[l + s];
            }
            ctx.localBarrier();
        }
        if (l == 0) {
            out.set(ctx.groupIdx, scratch[0]);
        }
    }

    /** Reads a neighbour's local slot with no barrier between the write and the read. */
    static void groupSumNoBarrier(KernelContext ctx, IntArray in, IntArray out) {
        int[] scratch = ctx.allocateIntLocalArray(64);
        int l = ctx.localIdx;
        scratch[l] = in.get(ctx.globalIdx);
        for (int s = ctx.localGroupSizeX / 2; s > 0; s >>= 1) {
            if (l < s) {
                scratch[l] += scratch[l + s];
            }
        }
        if (l == 0) {
            out.set(ctx.groupIdx, scratch[0]);
        }
    }

    static void divergentBarrier(KernelContext ctx, IntArray out) {
        if (ctx.localIdx == 3) {
            return;
        }
        ctx.localBarrier();
        out.set(ctx.globalIdx, 1);
    }

    static void outOfBounds(KernelContext ctx, IntArray out) {
        out.set(ctx.globalIdx + 1, ctx.globalIdx);
    }

    static void recordIds(KernelContext ctx, IntArray ids) {
        int linear = ctx.globalIdx + ctx.globalGroupSizeX * (ctx.globalIdy + ctx.globalGroupSizeY * ctx.globalIdz);
        int base = linear * 9;
        ids.set(base, ctx.localIdx);
        ids.set(base + 1, ctx.localIdy);
        ids.set(base + 2, ctx.localIdz);
        ids.set(base + 3, ctx.groupIdx);
        ids.set(base + 4, ctx.groupIdy);
        ids.set(base + 5, ctx.groupIdz);
        ids.set(base + 6, ctx.localGroupSizeX * 100 + ctx.localGroupSizeY * 10 + ctx.localGroupSizeZ);
        ids.set(base + 7, ctx.globalGroupSizeX * 10000 + ctx.globalGroupSizeY * 100 + ctx.globalGroupSizeZ);
        ids.set(base + 8, ctx.localLinearId());
    }

    static void threadKind(KernelContext ctx, IntArray virtual, int useBarrier) {
        if (useBarrier == 1) {
            ctx.localBarrier();
        }
        virtual.set(ctx.globalIdx, Thread.currentThread().isVirtual() ? 1 : 0);
    }

    static void mismatchedLocal(KernelContext ctx) {
        if (ctx.localIdx == 0) {
            ctx.allocateFloatLocalArray(16);
        } else {
            ctx.allocateFloatLocalArray(32);
        }
    }

    // ---- tests ---------------------------------------------------------------------------------

    @Test
    void tiledMatmulWithBarriersIsExact() throws Exception {
        int n = 32;
        FloatArray a = smallIntegers(n * n);
        FloatArray b = smallIntegers(n * n);
        FloatArray c = poisoned(n * n);
        launch("tiledMatmul", new Object[] {null, a, b, c, n}, new int[] {n, n, 1}, new int[] {TILE, TILE, 1});
        assertArrayEquals(referenceMatmul(a, b, n), c.toHeapArray());
    }

    @Test
    void aMissingBarrierGivesAWrongResultEveryTime() throws Exception {
        int n = 32;
        FloatArray a = smallIntegers(n * n);
        FloatArray b = smallIntegers(n * n);
        float[] expected = referenceMatmul(a, b, n);
        for (int run = 0; run < 3; run++) {
            FloatArray c = poisoned(n * n);
            launch("tiledMatmulMissingBarrier", new Object[] {null, a, b, c, n}, new int[] {n, n, 1},
                    new int[] {TILE, TILE, 1});
            assertFalse(java.util.Arrays.equals(expected, c.toHeapArray()), "run " + run);
        }
        IntArray in = IntArray.fromArray(random.ints(256, -1000, 1000).toArray());
        IntArray out = new IntArray(4);
        launch("groupSumNoBarrier", new Object[] {null, in, out}, new int[] {256, 1, 1}, new int[] {64, 1, 1});
        assertNotEquals(groupSums(in, 64)[0], out.get(0));
    }

    @Test
    void localMemoryReductionIsExact() throws Exception {
        IntArray in = IntArray.fromArray(random.ints(64 * 37, -1_000_000, 1_000_000).toArray());
        IntArray out = IntArray.fromArray(new int[37]);
        out.init(Integer.MIN_VALUE);
        launch("groupSum", new Object[] {null, in, out}, new int[] {64 * 37, 1, 1}, new int[] {64, 1, 1});
        assertArrayEquals(groupSums(in, 64), out.toHeapArray());
    }

    @Test
    void idsAndSizesFollowOpenCl() throws Exception {
        int[] global = {6, 4, 2};
        int[] local = {3, 2, 1};
        IntArray ids = new IntArray(6 * 4 * 2 * 9);
        ids.init(-1);
        launch("recordIds", new Object[] {null, ids}, global, local);
        for (int z = 0; z < 2; z++) {
            for (int y = 0; y < 4; y++) {
                for (int x = 0; x < 6; x++) {
                    int base = (x + 6 * (y + 4 * z)) * 9;
                    int[] expected = {x % 3, y % 2, 0, x / 3, y / 2, z, 321, 60402, x % 3 + 3 * (y % 2)};
                    int[] actual = new int[9];
                    for (int i = 0; i < 9; i++) {
                        actual[i] = ids.get(base + i);
                    }
                    assertArrayEquals(expected, actual, "work-item " + x + "," + y + "," + z);
                }
            }
        }
    }

    @Test
    void barrierDivergenceIsReported() {
        KernelExecutionException e = assertThrows(KernelExecutionException.class,
                () -> launch("divergentBarrier", new Object[] {null, new IntArray(16)}, new int[] {16, 1, 1},
                        new int[] {8, 1, 1}));
        assertTrue(e.getMessage().contains("barrier divergence in work-group ("), e.getMessage());
        assertTrue(e.getMessage().contains("(3,0,0)"), e.getMessage());
    }

    @Test
    void anExceptionInAWorkItemNamesIt() {
        KernelExecutionException e = assertThrows(KernelExecutionException.class,
                () -> launch("outOfBounds", new Object[] {null, new IntArray(16)}, new int[] {16, 1, 1},
                        new int[] {4, 1, 1}));
        assertTrue(e.getMessage().contains("(3,0,0) of work-group (3,0,0) threw"), e.getMessage());
        assertInstanceOf(ArrayIndexOutOfBoundsException.class, e.getCause());
    }

    @Test
    void mismatchedLocalAllocationsAreReported() {
        KernelExecutionException e = assertThrows(KernelExecutionException.class,
                () -> launch("mismatchedLocal", new Object[] {null}, new int[] {4, 1, 1}, new int[] {4, 1, 1}));
        assertTrue(e.getMessage().contains("every work-item must allocate the same local arrays"), e.getMessage());
    }

    @Test
    void kernelsWithoutBarriersRunInPlace() throws Exception {
        IntArray virtual = new IntArray(64);
        launch("threadKind", new Object[] {null, virtual, 0}, new int[] {64, 1, 1}, new int[] {16, 1, 1});
        assertEquals(0, java.util.Arrays.stream(virtual.toHeapArray()).sum());
        launch("threadKind", new Object[] {null, virtual, 1}, new int[] {64, 1, 1}, new int[] {16, 1, 1});
        assertEquals(4 * 15, java.util.Arrays.stream(virtual.toHeapArray()).sum(),
                "with a barrier, all but work-item 0 of each group run on virtual threads");
    }

    @Test
    void geometryIsChecked() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> launch("threadKind", new Object[] {null, new IntArray(10), 0}, new int[] {10, 1, 1},
                        new int[] {4, 1, 1}));
        assertTrue(e.getMessage().contains("global size 10 in dimension x is not a multiple of local size 4"));
    }

    @Test
    void contextOutsideALaunchExplainsItself() {
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> new KernelContext().localBarrier());
        assertTrue(e.getMessage().contains("outside a kernel launch"));
    }

    // ---- helpers -------------------------------------------------------------------------------

    private void launch(String kernel, Object[] args, int[] global, int[] local) throws Exception {
        MethodType type = null;
        for (var m : SpmdLauncherTest.class.getDeclaredMethods()) {
            if (m.getName().equals(kernel)) {
                type = MethodType.methodType(void.class, m.getParameterTypes());
            }
        }
        MethodHandle handle = MethodHandles.lookup().findStatic(SpmdLauncherTest.class, kernel, type);
        args[0] = new KernelContext();
        launcher.launch(kernel, handle, args, 0, global, local);
    }

    private FloatArray smallIntegers(int n) {
        FloatArray array = new FloatArray(n);
        for (int i = 0; i < n; i++) {
            array.set(i, random.nextInt(-8, 9));
        }
        return array;
    }

    private static FloatArray poisoned(int n) {
        FloatArray array = new FloatArray(n);
        array.init(Float.NaN);
        return array;
    }

    private static float[] referenceMatmul(FloatArray a, FloatArray b, int n) {
        float[] c = new float[n * n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                double s = 0;
                for (int k = 0; k < n; k++) {
                    s += (double) a.get(i * n + k) * b.get(k * n + j);
                }
                c[i * n + j] = (float) s;
            }
        }
        return c;
    }

    private static int[] groupSums(IntArray in, int group) {
        int[] sums = new int[in.getSize() / group];
        for (int i = 0; i < in.getSize(); i++) {
            sums[i / group] += in.get(i);
        }
        return sums;
    }
}
