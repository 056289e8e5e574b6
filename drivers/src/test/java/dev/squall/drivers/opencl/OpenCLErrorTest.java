package dev.squall.drivers.opencl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.squall.api.DeviceException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Failures come back as named errors or precise messages, never as crashes or silent results. */
class OpenCLErrorTest {

    private static final String SOURCE = """
            __kernel void copy(__global const int* src, __global int* dst) {
                dst[get_global_id(0)] = src[get_global_id(0)];
            }
            __kernel void two(__global int* dst, int value) {
                dst[get_global_id(0) + get_global_id(1) * get_global_size(0)] = value;
            }
            """;

    private static OpenCLContext context;
    private static OpenCLProgram program;

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

    @Test
    void buildFailureCarriesTheBuildLog() {
        String broken = """
                __kernel void broken(__global int* out) {
                    out[0] = undeclared_thing + 1;
                }
                """;
        int before = context.openObjects();
        DeviceException e = assertThrows(DeviceException.class, () -> context.build(broken, "-DSQUALL_TEST=1"));
        assertEquals("clBuildProgram", e.apiCall());
        assertEquals("CL_BUILD_PROGRAM_FAILURE", e.errorName());
        assertEquals(-11, e.errorCode());
        String message = e.getMessage();
        assertTrue(message.startsWith("clBuildProgram failed: CL_BUILD_PROGRAM_FAILURE (-11)"), message);
        assertTrue(message.contains("build log:"), message);
        assertTrue(message.contains("undeclared_thing"), "the compiler's own words: " + message);
        assertTrue(message.contains("-DSQUALL_TEST=1"), "the options: " + message);
        assertEquals(before, context.openObjects(), "the failed program was released");
    }

    @Test
    void invalidBuildOptionsAreNamed() {
        DeviceException e = assertThrows(DeviceException.class,
                () -> context.build(SOURCE, "-this-is-not-an-option"));
        assertTrue(e.errorName().equals("CL_INVALID_BUILD_OPTIONS") || e.errorName().equals("CL_BUILD_PROGRAM_FAILURE"),
                e.getMessage());
    }

    @Test
    void localSizeNotDividingGlobalSizeIsRefused() {
        try (OpenCLBuffer src = context.allocate(4 * 128);
                OpenCLBuffer dst = context.allocate(4 * 128);
                OpenCLKernel copy = program.kernel("copy")) {
            copy.setBuffer(0, src).setBuffer(1, dst);
            // OpenCL C 1.2 (no -cl-std=CL2.0): work-groups must be uniform
            DeviceException e = assertThrows(DeviceException.class,
                    () -> context.launch(copy, new long[] {100}, new long[] {7}));
            assertEquals("clEnqueueNDRangeKernel", e.apiCall());
            assertEquals("CL_INVALID_WORK_GROUP_SIZE", e.errorName());
            assertTrue(e.getMessage().startsWith("clEnqueueNDRangeKernel failed: CL_INVALID_WORK_GROUP_SIZE (-54)"),
                    e.getMessage());
            assertTrue(e.getMessage().contains("[100] / [7]"), e.getMessage());
        }
    }

    @Test
    void workGroupLargerThanAllowedIsRefused() {
        try (OpenCLKernel two = program.kernel("two")) {
            long kernelMax = two.workGroupInfo().maxWorkGroupSize();
            long maxX = context.device().info().maxWorkItemSizes().get(0);
            long maxY = context.device().info().maxWorkItemSizes().get(1);
            // each dimension within its own limit, the product over the kernel's limit
            long x = Math.min(maxX, kernelMax);
            long grow = 2;
            while (x * grow <= kernelMax) {
                grow *= 2;
            }
            long y = grow;
            assertTrue(y <= maxY, "device allows a " + x + "x" + y + " group per dimension");
            try (OpenCLBuffer dst = context.allocate(4 * x * y)) {
                two.setBuffer(0, dst).setInt(1, 5);
                DeviceException e = assertThrows(DeviceException.class,
                        () -> context.launch(two, new long[] {x, y}, new long[] {x, y}));
                assertEquals("CL_INVALID_WORK_GROUP_SIZE", e.errorName(), e.getMessage());
                assertTrue(e.getMessage().contains("kernel max work-group size " + kernelMax), e.getMessage());
            }
        }
    }

    @Test
    void bufferOverTheAllocationLimitNamesTheLimit() {
        long limit = context.device().maxAllocationBytes();
        DeviceException e = assertThrows(DeviceException.class, () -> context.allocate(limit + 1));
        assertEquals("clCreateBuffer", e.apiCall());
        assertEquals("CL_INVALID_BUFFER_SIZE", e.errorName());
        assertTrue(e.getMessage().contains("CL_DEVICE_MAX_MEM_ALLOC_SIZE = " + limit), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> context.allocate(0));
    }

    @Test
    void unknownKernelNameListsTheKernels() {
        DeviceException e = assertThrows(DeviceException.class, () -> program.kernel("nope"));
        assertEquals("CL_INVALID_KERNEL_NAME", e.errorName());
        assertTrue(e.getMessage().contains("copy") && e.getMessage().contains("two"), e.getMessage());
        assertEquals(java.util.Set.of("copy", "two"), java.util.Set.copyOf(program.kernelNames()));
    }

    @Test
    void argumentMistakesAreNamed() {
        try (OpenCLKernel copy = program.kernel("copy");
                OpenCLKernel two = program.kernel("two");
                OpenCLBuffer dst = context.allocate(64)) {
            assertThrows(IndexOutOfBoundsException.class, () -> copy.setInt(2, 1));
            DeviceException size = assertThrows(DeviceException.class, () -> two.setLong(1, 1L));
            assertEquals("CL_INVALID_ARG_SIZE", size.errorName(), size.getMessage());
            assertTrue(size.getMessage().contains("kernel two argument 1"), size.getMessage());
            // argument 1 never set
            copy.setBuffer(0, dst);
            DeviceException unset = assertThrows(DeviceException.class,
                    () -> context.launch(copy, new long[] {16}, null));
            assertEquals("CL_INVALID_KERNEL_ARGS", unset.errorName(), unset.getMessage());
            assertThrows(IllegalArgumentException.class, () -> context.launch(copy, new long[] {1, 1, 1, 1}, null));
            assertThrows(IllegalArgumentException.class, () -> context.launch(copy, new long[] {16}, new long[] {4, 4}));
        }
    }

    @Test
    void closedObjectsAreRefused() {
        OpenCLKernel copy = program.kernel("copy");
        OpenCLBuffer src = context.allocate(64);
        OpenCLBuffer dst = context.allocate(64);
        copy.setBuffer(0, src).setBuffer(1, dst);
        src.close();
        IllegalStateException stale = assertThrows(IllegalStateException.class,
                () -> context.launch(copy, new long[] {16}, null));
        assertTrue(stale.getMessage().contains("argument 0"), stale.getMessage());
        IllegalStateException closed = assertThrows(IllegalStateException.class,
                () -> src.write(MemorySegment.ofArray(new int[16])));
        assertTrue(closed.getMessage().contains("is closed"), closed.getMessage());
        copy.close();
        dst.close();
        assertThrows(IllegalStateException.class, () -> copy.setBuffer(0, dst));
    }

    @Test
    void hostMemoryMistakesAreRefused() {
        try (Arena arena = Arena.ofConfined(); OpenCLBuffer buffer = context.allocate(64)) {
            IllegalArgumentException heap = assertThrows(IllegalArgumentException.class,
                    () -> buffer.writeAsync(MemorySegment.ofArray(new int[4]), 0));
            assertTrue(heap.getMessage().contains("native"), heap.getMessage());
            assertThrows(IndexOutOfBoundsException.class, () -> buffer.write(arena.allocate(65)));
            assertThrows(IndexOutOfBoundsException.class, () -> buffer.read(arena.allocate(16), 56));
            assertThrows(IllegalArgumentException.class, () -> buffer.read(arena.allocate(16).asReadOnly()));
            assertThrows(IllegalArgumentException.class, () -> buffer.fill(arena.allocate(3), 0, 63));
            assertThrows(IllegalArgumentException.class, () -> buffer.fill(arena.allocate(4), 2, 8));
        }
    }
}
