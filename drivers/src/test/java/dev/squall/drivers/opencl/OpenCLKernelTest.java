package dev.squall.drivers.opencl;

import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Kernels run on the first OpenCL device, checked exactly against Java. */
class OpenCLKernelTest {

    static final String SOURCE = """
            __kernel void vadd(__global const float* a, __global const float* b, __global float* c, int n) {
                int i = get_global_id(0);
                if (i < n) {
                    c[i] = a[i] + b[i];
                }
            }

            // One partial sum per work-group: a tree reduction in local memory.
            __kernel void reduce(__global const int* in, __global int* partial, __local int* scratch, int n) {
                int lid = get_local_id(0);
                int gid = get_global_id(0);
                scratch[lid] = gid < n ? in[gid] : 0;
                barrier(CLK_LOCAL_MEM_FENCE);
                for (int s = get_local_size(0) / 2; s > 0; s >>= 1) {
                    if (lid < s) {
                        scratch[lid] += scratch[lid + s];
                    }
                    barrier(CLK_LOCAL_MEM_FENCE);
                }
                if (lid == 0) {
                    partial[get_group_id(0)] = scratch[0];
                }
            }

            __kernel void scalars(__global long* out, char c, uchar uc, short s, ushort us, int i, uint ui,
                                  long l, ulong ul, float f) {
                out[0] = c;
                out[1] = uc;
                out[2] = s;
                out[3] = us;
                out[4] = i;
                out[5] = ui;
                out[6] = l;
                out[7] = (long) ul;
                out[8] = as_int(f);
            }

            // Nine ids per work-item, at its linear global index.
            __kernel void ids(__global int* out) {
                size_t x = get_global_id(0), y = get_global_id(1), z = get_global_id(2);
                size_t linear = (z * get_global_size(1) + y) * get_global_size(0) + x;
                __global int* o = out + 9 * linear;
                o[0] = (int) x;             o[1] = (int) y;             o[2] = (int) z;
                o[3] = (int) get_local_id(0); o[4] = (int) get_local_id(1); o[5] = (int) get_local_id(2);
                o[6] = (int) get_group_id(0); o[7] = (int) get_group_id(1); o[8] = (int) get_group_id(2);
            }

            __kernel void scale(__global float* x, float factor, int n) {
                int i = get_global_id(0);
                if (i < n) {
                    x[i] *= factor;
                }
            }
            """;

    static final String FP64_SOURCE = """
            #pragma OPENCL EXTENSION cl_khr_fp64 : enable
            __kernel void dbl(__global long* out, double d) {
                out[0] = as_long(d);
                out[1] = as_long(d * 2.0);
            }
            """;

    private static OpenCLContext context;
    private static OpenCLProgram program;
    private final Random random = new Random();

    @BeforeAll
    static void open() {
        context = OpenCLContext.create(OpenCLTestSupport.device());
        program = context.build(SOURCE, "");
    }

    @AfterAll
    static void close() {
        if (context != null) {
            context.close();
        }
    }

    private static long roundUp(long n, long multiple) {
        return (n + multiple - 1) / multiple * multiple;
    }

    @Test
    void vectorAddIsExact() {
        int n = (1 << 20) + 3;
        float[] a = new float[n];
        float[] b = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = random.nextFloat() * 2000 - 1000;
            b[i] = (float) random.nextGaussian();
        }
        try (Arena arena = Arena.ofConfined();
                OpenCLBuffer da = context.allocate(4L * n, BufferAccess.READ_ONLY);
                OpenCLBuffer db = context.allocate(4L * n, BufferAccess.READ_ONLY);
                OpenCLBuffer dc = context.allocate(4L * n, BufferAccess.WRITE_ONLY);
                OpenCLKernel vadd = program.kernel("vadd")) {
            da.write(OpenCLTestSupport.floats(arena, a));
            db.write(MemorySegment.ofArray(b)); // heap memory goes through a staging copy
            vadd.setBuffer(0, da).setBuffer(1, db).setBuffer(2, dc).setInt(3, n);
            assertEquals(4, vadd.argumentCount());
            try (OpenCLEvent run = context.launch(vadd, new long[] {roundUp(n, 64)}, new long[] {64})) {
                float[] c = new float[n];
                MemorySegment out = arena.allocate(JAVA_FLOAT, n).fill((byte) 0x7f); // poisoned: NaN
                dc.read(out);
                MemorySegment.copy(out, JAVA_FLOAT, 0, c, 0, n);
                for (int i = 0; i < n; i++) {
                    if (Float.floatToRawIntBits(c[i]) != Float.floatToRawIntBits(a[i] + b[i])) {
                        throw new AssertionError("c[" + i + "] = " + c[i] + ", expected " + (a[i] + b[i]));
                    }
                }
                assertTrue(run.isComplete());
                assertTrue(run.durationNanos() > 0, "kernel time " + run.durationNanos());
            }
        }
    }

    @Test
    void localMemoryReductionIsExact() {
        int n = 100_003;
        int group = 128;
        int groups = (int) (roundUp(n, group) / group);
        int[] in = new int[n];
        for (int i = 0; i < n; i++) {
            in[i] = random.nextInt(2001) - 1000;
        }
        try (Arena arena = Arena.ofConfined();
                OpenCLBuffer input = context.allocate(4L * n);
                OpenCLBuffer partial = context.allocate(4L * groups);
                OpenCLKernel reduce = program.kernel("reduce")) {
            input.write(OpenCLTestSupport.ints(arena, in));
            partial.fill(Integer.MIN_VALUE).close();
            reduce.setBuffer(0, input).setBuffer(1, partial).setLocal(2, 4L * group).setInt(3, n);
            context.launch(reduce, new long[] {(long) groups * group}, new long[] {group}).close();
            int[] sums = new int[groups];
            partial.read(MemorySegment.ofArray(sums));
            long total = 0;
            for (int g = 0; g < groups; g++) {
                int expected = 0;
                for (int i = g * group; i < Math.min(n, (g + 1) * group); i++) {
                    expected += in[i];
                }
                assertEquals(expected, sums[g], "group " + g);
                total += sums[g];
            }
            long reference = 0;
            for (int v : in) {
                reference += v;
            }
            assertEquals(reference, total);
            assertTrue(reduce.workGroupInfo().localMemoryBytes() >= 4L * group, "local arg counted");
        }
    }

    @Test
    void everyScalarArgumentTypeArrives() {
        try (Arena arena = Arena.ofConfined();
                OpenCLBuffer out = context.allocate(8 * 9);
                OpenCLKernel kernel = program.kernel("scalars")) {
            float f = -1.5e-3f;
            kernel.setBuffer(0, out)
                    .setByte(1, Byte.MIN_VALUE).setByte(2, (byte) 0xff)
                    .setShort(3, Short.MIN_VALUE).setShort(4, (short) 0xfffe)
                    .setInt(5, Integer.MIN_VALUE + 7).setInt(6, 0xfffffffd)
                    .setLong(7, Long.MIN_VALUE + 11).setLong(8, -2L)
                    .setFloat(9, f);
            context.launch(kernel, new long[] {1}, null).close();
            MemorySegment result = arena.allocate(JAVA_LONG, 9);
            out.read(result);
            long[] expected = {Byte.MIN_VALUE, 0xff, Short.MIN_VALUE, 0xfffe, Integer.MIN_VALUE + 7, 0xfffffffdL,
                    Long.MIN_VALUE + 11, -2L, Float.floatToRawIntBits(f)};
            assertArrayEquals(expected, result.toArray(JAVA_LONG));
        }
    }

    @Test
    void doubleArgumentArrives() {
        Assumptions.assumeTrue(context.device().info().supportsFp64(), "device has no cl_khr_fp64");
        try (Arena arena = Arena.ofConfined();
                OpenCLProgram fp64 = context.build(FP64_SOURCE, "");
                OpenCLBuffer out = context.allocate(16);
                OpenCLKernel kernel = fp64.kernel("dbl")) {
            double d = Math.PI * -1e200;
            kernel.setBuffer(0, out).setDouble(1, d);
            context.launch(kernel, new long[] {1}, new long[] {1}).close();
            MemorySegment result = arena.allocate(JAVA_LONG, 2);
            out.read(result);
            assertEquals(Double.doubleToRawLongBits(d), result.getAtIndex(JAVA_LONG, 0));
            assertEquals(Double.doubleToRawLongBits(d * 2.0), result.getAtIndex(JAVA_LONG, 1));
        }
    }

    @Test
    void ndRangeIdsIn1D2DAnd3D() {
        checkIds(new long[] {24}, new long[] {8});
        checkIds(new long[] {12, 8}, new long[] {4, 2});
        checkIds(new long[] {8, 6, 4}, new long[] {2, 3, 2});
        checkIds(new long[] {16, 4}, null);
    }

    private void checkIds(long[] global, long[] local) {
        long[] g = {1, 1, 1};
        long[] l = {1, 1, 1};
        System.arraycopy(global, 0, g, 0, global.length);
        if (local != null) {
            System.arraycopy(local, 0, l, 0, local.length);
        }
        int items = (int) (g[0] * g[1] * g[2]);
        try (Arena arena = Arena.ofConfined();
                OpenCLBuffer out = context.allocate(4L * 9 * items);
                OpenCLKernel kernel = program.kernel("ids")) {
            out.fill(-1).close();
            kernel.setBuffer(0, out);
            if (local == null) {
                // the driver picks the group size; only global ids are defined for the test
                context.launch(kernel, Arrays.stream(global).mapToInt(v -> (int) v).toArray(), null).close();
            } else {
                context.launch(kernel, global, local).close();
            }
            MemorySegment ids = arena.allocate(JAVA_INT, 9L * items);
            out.read(ids);
            for (int z = 0; z < g[2]; z++) {
                for (int y = 0; y < g[1]; y++) {
                    for (int x = 0; x < g[0]; x++) {
                        long base = 9L * ((z * g[1] + y) * g[0] + x);
                        int[] expected = {x, y, z, (int) (x % l[0]), (int) (y % l[1]), (int) (z % l[2]),
                                (int) (x / l[0]), (int) (y / l[1]), (int) (z / l[2])};
                        for (int k = 0; k < (local == null ? 3 : 9); k++) {
                            assertEquals(expected[k], ids.getAtIndex(JAVA_INT, base + k),
                                    global.length + "D item (" + x + "," + y + "," + z + ") id " + k);
                        }
                    }
                }
            }
        }
    }

    @Test
    void nonBlockingTransfersWithEventsAndProfiling() {
        int n = 1 << 18;
        try (Arena arena = Arena.ofShared();
                OpenCLBuffer x = context.allocate(4L * n);
                OpenCLKernel scale = program.kernel("scale")) {
            MemorySegment host = arena.allocate(JAVA_FLOAT, n);
            for (int i = 0; i < n; i++) {
                host.setAtIndex(JAVA_FLOAT, i, i * 0.25f);
            }
            MemorySegment back = arena.allocate(JAVA_FLOAT, n).fill((byte) 0x7f);
            scale.setBuffer(0, x).setFloat(1, 4f).setInt(2, n);
            try (OpenCLEvent write = x.writeAsync(host, 0);
                    OpenCLEvent run = context.launch(scale, new long[] {n}, new long[] {256});
                    OpenCLEvent read = x.readAsync(back, 0)) {
                context.flush();
                read.waitFor();
                assertEquals(ExecutionStatus.COMPLETE, read.status());
                for (int i = 0; i < n; i++) {
                    assertEquals(i * 1f, back.getAtIndex(JAVA_FLOAT, i), "element " + i);
                }
                EventTiming w = write.timing();
                EventTiming k = run.timing();
                EventTiming r = read.timing();
                for (EventTiming t : new EventTiming[] {w, k, r}) {
                    assertTrue(t.queuedNanos() > 0, t.toString());
                    assertTrue(t.queuedNanos() <= t.submitNanos() && t.submitNanos() <= t.startNanos()
                            && t.startNanos() <= t.endNanos(), t.toString());
                }
                assertTrue(k.durationNanos() > 0, "kernel " + k);
                assertTrue(w.durationNanos() > 0 && r.durationNanos() > 0, "transfers " + w + " " + r);
                // in-order queue: each command starts after the previous one ended
                assertTrue(w.endNanos() <= k.startNanos() && k.endNanos() <= r.startNanos(), w + " " + k + " " + r);
                assertTrue(run.command().contains("scale"), run.command());
            }
        }
    }

    @Test
    void fillAndCopy() {
        int n = 4096;
        try (Arena arena = Arena.ofConfined();
                OpenCLBuffer a = context.allocate(4L * n);
                OpenCLBuffer b = context.allocate(4L * n)) {
            a.fill(2.5f).close();
            b.fill(-7).close();
            // a 16-byte pattern into the second half of b
            MemorySegment pattern = OpenCLTestSupport.ints(arena, new int[] {1, 2, 3, 4});
            b.fill(pattern, 2L * n, 2L * n).close();
            a.copyTo(b, 0, 4 * 8, 4 * 4).close();
            MemorySegment out = arena.allocate(JAVA_INT, n);
            b.read(out);
            for (int i = 0; i < n; i++) {
                int expected = i >= 8 && i < 12 ? Float.floatToRawIntBits(2.5f) : i < n / 2 ? -7 : 1 + i % 4;
                assertEquals(expected, out.getAtIndex(JAVA_INT, i), "element " + i);
            }
            try (OpenCLEvent whole = a.copyTo(b)) {
                whole.waitFor();
                assertTrue(whole.timing().durationNanos() >= 0);
            }
            b.read(out);
            assertEquals(Float.floatToRawIntBits(2.5f), out.getAtIndex(JAVA_INT, n - 1));
            // partial read at an offset
            MemorySegment tail = arena.allocate(JAVA_INT, 2);
            a.read(tail, 4L * (n - 2));
            assertEquals(2.5f, Float.intBitsToFloat(tail.getAtIndex(JAVA_INT, 1)));
        }
    }

    @Test
    void openCL12QueueApiWorks() {
        OpenCLDevice device = context.device();
        try (OpenCLContext legacy = OpenCLContext.create(device, context.programCache(),
                OpenCLContext.QueueApi.OPENCL_1_2)) {
            assertFalse(legacy.queueWithProperties());
            OpenCLKernel scale = legacy.build(SOURCE, "").kernel("scale");
            OpenCLBuffer x = legacy.allocate(4 * 64);
            x.fill(3f).close();
            scale.setBuffer(0, x).setFloat(1, 2f).setInt(2, 64);
            try (OpenCLEvent run = legacy.launch(scale, new long[] {64}, null)) {
                assertTrue(run.durationNanos() >= 0, "profiling works on the 1.2 queue");
            }
            float[] out = new float[64];
            x.read(MemorySegment.ofArray(out));
            for (float v : out) {
                assertEquals(6f, v);
            }
            assertEquals(3, legacy.openObjects(), "program, kernel, buffer, and nothing else");
        }
        assertEquals(device.info().deviceVersion().atLeast(OpenCLVersion.V2_0), context.queueWithProperties());
    }
}
