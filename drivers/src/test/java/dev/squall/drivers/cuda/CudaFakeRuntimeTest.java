package dev.squall.drivers.cuda;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.squall.api.DeviceException;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The runtime layer (contexts, memory, modules, launches, events, graphs, ownership) against the
 * fake driver: what Squall passes to the driver and how it handles what comes back. The fake's
 * "device memory" is host memory and its kernels run on the host; the GPU tests check the real thing.
 */
class CudaFakeRuntimeTest {

    private CudaDevice device;
    private long liveBefore;

    @BeforeEach
    void fake() {
        device = FakeCuda.healthy().devices().getFirst();
        liveBefore = FakeCuda.live();
    }

    private CudaContext context() {
        return CudaContext.create(device, CubinCache.disabled());
    }

    private static float[] random(Random rnd, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = rnd.nextFloat() * 200 - 100;
        }
        return v;
    }

    @Test
    void contextRetainsThePrimaryContextAndReleasesEverything() {
        long primary = FakeCuda.count("primary");
        CudaContext cuda = context();
        assertEquals(primary + 1, FakeCuda.count("primary"));
        assertEquals(liveBefore + 2, FakeCuda.live(), "primary context and stream");
        CudaBuffer buffer = cuda.allocate(4096);
        CudaHostBuffer pinned = cuda.allocateHost(4096);
        CudaEvent event = cuda.recordEvent();
        CudaModule module = cuda.load(TestPtx.VADD);
        assertEquals(4, cuda.openObjects());
        buffer.close();
        buffer.close(); // released once: a second cuMemFree_v2 would fail in the fake
        assertTrue(buffer.isClosed());
        assertEquals(3, cuda.openObjects());
        cuda.close();
        assertTrue(cuda.isClosed());
        assertTrue(pinned.isClosed() && event.isClosed() && module.isClosed(), "leftovers closed by the context");
        assertEquals(0, cuda.openObjects());
        assertEquals(liveBefore, FakeCuda.live(), "nothing left in the driver");
        cuda.close();
        pinned.close();
        IllegalStateException closed = assertThrows(IllegalStateException.class, () -> cuda.allocate(16));
        assertEquals("the CUDA context of cuda:0 (Squall Fake H100 #0) is closed", closed.getMessage());
        assertThrows(IllegalStateException.class, () -> buffer.fill((byte) 0));
        assertThrows(IllegalStateException.class, pinned::segment);
    }

    @Test
    void blockingTransfersTakeNativeAndHeapSegments() {
        try (CudaContext cuda = context(); Arena arena = Arena.ofConfined()) {
            // heap: larger than the staging buffer, so it goes in chunks
            int n = (int) (CudaContext.STAGING_BYTES / 4 * 2 + 1234);
            float[] values = random(new Random(1), n);
            CudaBuffer buffer = cuda.allocate(4L * n);
            buffer.write(MemorySegment.ofArray(values));
            float[] back = new float[n];
            buffer.read(MemorySegment.ofArray(back));
            assertArrayEquals(values, back);
            assertEquals(1, FakeCuda.count("host"), "one pinned staging buffer, reused");

            MemorySegment nativeSrc = arena.allocateFrom(JAVA_INT, 1, 2, 3, 4);
            buffer.write(nativeSrc, 8);
            MemorySegment nativeDst = arena.allocate(JAVA_INT, 6);
            buffer.read(nativeDst);
            assertEquals(Float.floatToRawIntBits(values[0]), nativeDst.getAtIndex(JAVA_INT, 0));
            assertEquals(Float.floatToRawIntBits(values[1]), nativeDst.getAtIndex(JAVA_INT, 1));
            assertArrayEquals(new int[] {1, 2, 3, 4}, nativeDst.asSlice(8, 16).toArray(JAVA_INT));

            IndexOutOfBoundsException range = assertThrows(IndexOutOfBoundsException.class,
                    () -> buffer.write(MemorySegment.ofArray(new byte[16]), 4L * n - 8));
            assertEquals("write: 16 bytes at offset " + (4L * n - 8) + " do not fit in CudaBuffer of " + 4L * n
                    + " bytes on cuda:0", range.getMessage());
            assertThrows(IllegalArgumentException.class,
                    () -> buffer.read(MemorySegment.ofArray(new byte[4]).asReadOnly()));
        }
        assertEquals(liveBefore, FakeCuda.live());
    }

    @Test
    void asynchronousTransfersNeedNativeMemory() {
        try (CudaContext cuda = context(); CudaHostBuffer pinned = cuda.allocateHost(64)) {
            CudaBuffer buffer = cuda.allocate(64);
            MemorySegment host = pinned.segment();
            for (int i = 0; i < 16; i++) {
                host.setAtIndex(JAVA_INT, i, i * i);
            }
            buffer.writeAsync(host, 0);
            host.fill((byte) 0);
            buffer.readAsync(host.asSlice(0, 32), 32);
            cuda.synchronize();
            for (int i = 0; i < 8; i++) {
                assertEquals((i + 8) * (i + 8), host.getAtIndex(JAVA_INT, i));
            }
            IllegalArgumentException heap = assertThrows(IllegalArgumentException.class,
                    () -> buffer.writeAsync(MemorySegment.ofArray(new int[4]), 0));
            assertTrue(heap.getMessage().startsWith("writeAsync needs a native (off-heap) segment"), heap.getMessage());
            assertThrows(IllegalArgumentException.class, () -> buffer.readAsync(MemorySegment.ofArray(new int[4]), 0));
        }
    }

    @Test
    void fillsAndDeviceCopies() {
        try (CudaContext cuda = context(); Arena arena = Arena.ofConfined()) {
            CudaBuffer a = cuda.allocate(64);
            CudaBuffer b = cuda.allocate(64);
            a.fill((byte) 0x5a);
            a.fill(0x01020304, 16, 16);
            a.copyTo(b);
            b.fill(2.5f, 48, 16);
            MemorySegment host = arena.allocate(64);
            b.read(host);
            assertEquals((byte) 0x5a, host.get(JAVA_BYTE, 0));
            assertEquals(0x01020304, host.get(JAVA_INT, 16));
            assertEquals(0x01020304, host.get(JAVA_INT, 28));
            assertEquals((byte) 0x5a, host.get(JAVA_BYTE, 32));
            assertEquals(2.5f, host.get(JAVA_FLOAT, 60));
            a.copyTo(b, 16, 0, 4);
            b.read(host);
            assertEquals(0x01020304, host.get(JAVA_INT, 0));
            IllegalArgumentException unaligned = assertThrows(IllegalArgumentException.class, () -> a.fill(7, 2, 8));
            assertEquals("fill: offset 2 and byte count 8 must be multiples of the 4-byte value",
                    unaligned.getMessage());
            assertThrows(IndexOutOfBoundsException.class, () -> a.copyTo(b, 32, 40, 32));
            try (CudaContext other = context()) {
                CudaBuffer foreign = other.allocate(64);
                assertThrows(IllegalArgumentException.class, () -> a.copyTo(foreign));
            }
        }
    }

    @Test
    void everyCallMakesTheContextCurrentOnItsThread() throws Exception {
        try (CudaContext cuda = context()) {
            CudaBuffer buffer = cuda.allocate(16);
            AtomicReference<Throwable> failure = new AtomicReference<>();
            int[] seen = new int[4];
            // a fresh thread has no current context: the fake refuses calls unless Squall sets it
            Thread worker = new Thread(() -> {
                try (CudaBuffer more = cuda.allocate(16)) {
                    buffer.write(MemorySegment.ofArray(new int[] {9, 8, 7, 6}));
                    buffer.copyTo(more);
                    more.read(MemorySegment.ofArray(seen));
                } catch (Throwable t) {
                    failure.set(t);
                }
            });
            worker.start();
            worker.join();
            assertNull(failure.get(), () -> "worker thread: " + failure.get());
            assertArrayEquals(new int[] {9, 8, 7, 6}, seen);
        }
    }

    @Test
    void modulesCompileWithLogsAndNameTheirFunctions() {
        try (CudaContext cuda = context()) {
            CudaModule module = cuda.load(TestPtx.VADD);
            assertFalse(module.fromCache());
            assertEquals("ptxas info    : fake JIT compiled " + TestPtx.VADD.length() + " bytes of PTX",
                    module.infoLog());
            assertEquals(1.5f, module.jitMillis());
            CudaFunction vadd = module.function("vadd_f32");
            assertSame(vadd, module.function("vadd_f32"));
            assertEquals("vadd_f32", vadd.name());
            FunctionAttributes attributes = vadd.attributes();
            assertEquals(new FunctionAttributes(10, 0, 0, 1024, 0, 49152, 80, 90), attributes);

            DeviceException missing = assertThrows(DeviceException.class, () -> module.function("vsub_f32"));
            assertEquals("cuModuleGetFunction", missing.apiCall());
            assertEquals("CUDA_ERROR_NOT_FOUND", missing.errorName());
            assertTrue(missing.getMessage().contains("kernel 'vsub_f32' in CudaModule (module with .entry vadd_f32)"),
                    missing.getMessage());
        }
    }

    @Test
    void compileErrorsCarryTheJitLogOnBothPaths(@TempDir Path dir) {
        String expectedLog = "ptxas application ptx input, line " + TestPtx.brokenLine()
                + "; error   : syntax error (fake)";
        try (CudaContext direct = context()) {
            PtxJitException e = assertThrows(PtxJitException.class, () -> direct.load(TestPtx.VADD_BROKEN));
            assertEquals("cuModuleLoadDataEx", e.apiCall());
            assertEquals("CUDA_ERROR_INVALID_PTX", e.errorName());
            assertEquals(218, e.errorCode());
            assertEquals(expectedLog, e.errorLog());
            assertTrue(e.getMessage().startsWith("cuModuleLoadDataEx failed: CUDA_ERROR_INVALID_PTX (218)\n"
                    + "fake driver description of error 218; PTX of module with .entry vadd_f32 ("),
                    e.getMessage());
            assertTrue(e.getMessage().endsWith("\nJIT error log:\n" + expectedLog), e.getMessage());
            assertEquals(0, direct.openObjects());
        }
        try (CudaContext cached = CudaContext.create(device, CubinCache.at(dir))) {
            PtxJitException e = assertThrows(PtxJitException.class, () -> cached.load(TestPtx.VADD_BROKEN));
            assertEquals("cuLinkAddData_v2", e.apiCall());
            assertEquals(expectedLog, e.errorLog());
            assertEquals(0, FakeCuda.count("links"), "the link state is destroyed after a failure");
            assertEquals(new CubinCache.Stats(0, 1, 0, 0), cached.cubinCache().stats());
        }
        assertEquals(liveBefore, FakeCuda.live());
    }

    @Test
    void cubinsAreCachedAndDamagedOnesRebuilt(@TempDir Path dir) throws IOException {
        CubinCache first = CubinCache.at(dir);
        try (CudaContext cuda = CudaContext.create(device, first)) {
            CudaModule module = cuda.load(TestPtx.VADD);
            assertFalse(module.fromCache());
            assertTrue(module.infoLog().contains("fake JIT compiled"), module.infoLog());
            assertEquals(new CubinCache.Stats(0, 1, 1, 0), first.stats());
            module.function("vadd_f32");
        }
        CubinCacheKey key = CubinCacheKey.of(TestPtx.VADD, JitOptions.defaults(), device);
        Path file = first.entryFile(key).orElseThrow();
        assertTrue(new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1).contains("FAKECUBIN"));

        // a new cache object over the same folder is what another process sees
        CubinCache second = CubinCache.at(dir);
        try (CudaContext cuda = CudaContext.create(device, second)) {
            CudaModule module = cuda.load(TestPtx.VADD);
            assertTrue(module.fromCache());
            assertEquals("", module.infoLog(), "loading a cubin compiles nothing");
            module.function("vadd_f32");
            assertEquals(new CubinCache.Stats(1, 0, 0, 0), second.stats());
            assertFalse(cuda.load(TestPtx.VADD, JitOptions.defaults().withMaxRegisters(32)).fromCache(),
                    "other options are another key");

            // a flipped byte: the checksum catches it, the PTX is compiled again and stored again
            byte[] bytes = Files.readAllBytes(file);
            bytes[bytes.length - 5] ^= 0x20;
            Files.write(file, bytes);
            assertFalse(cuda.load(TestPtx.VADD).fromCache());
            assertTrue(cuda.load(TestPtx.VADD).fromCache());

            // an intact entry the driver refuses (a "cubin" that is broken PTX): rejected, rebuilt
            second.store(key, (TestPtx.VADD_BROKEN + "\0").getBytes(StandardCharsets.UTF_8));
            CudaModule rebuilt = cuda.load(TestPtx.VADD);
            assertFalse(rebuilt.fromCache());
            assertEquals(2, second.stats().rejected());
            assertTrue(cuda.load(TestPtx.VADD).fromCache());
        }
    }

    @Test
    void vectorAddRunsEndToEnd() {
        int n = 10_000;
        Random rnd = new Random(42);
        float[] a = random(rnd, n);
        float[] b = random(rnd, n);
        try (CudaContext cuda = context(); Arena arena = Arena.ofConfined()) {
            CudaBuffer da = cuda.allocate(4L * n);
            CudaBuffer db = cuda.allocate(4L * n);
            CudaBuffer dc = cuda.allocate(4L * n);
            da.write(MemorySegment.ofArray(a));
            db.write(MemorySegment.ofArray(b));
            dc.fill(Float.NaN);
            CudaFunction vadd = cuda.load(TestPtx.VADD).function("vadd_f32");
            cuda.launch(vadd, new int[] {(n + 255) / 256}, new int[] {256}, 0,
                    KernelArgs.in(arena).pointer(da).pointer(db).pointer(dc).i32(n));
            float[] c = new float[n];
            dc.read(MemorySegment.ofArray(c));
            for (int i = 0; i < n; i++) {
                assertEquals(a[i] + b[i], c[i], "element " + i);
            }
            FakeCuda.Launch launch = FakeCuda.lastLaunch();
            assertArrayEquals(new int[] {40, 1, 1, 256, 1, 1, 0}, launch.dims());
            assertEquals(da.address(), launch.params()[0]);
            assertEquals(dc.address(), launch.params()[2]);
            assertEquals(n, (int) launch.params()[3]);
        }
    }

    @Test
    void launchesAfterThePreviousKernelPassTheConfigAndTheAttribute() {
        int n = 1000;
        try (CudaContext cuda = context(); Arena arena = Arena.ofConfined()) {
            CudaFunction inc = cuda.load(TestPtx.INC).function("inc_i32");
            CudaBuffer x = cuda.allocate(4L * n);
            x.fill(0);
            KernelArgs args = KernelArgs.in(arena).pointer(x).i32(n);
            long before = FakeCuda.count("programmaticLaunches");
            // the fake reads cuda.h's CUlaunchConfig and CUlaunchAttribute and refuses any other attribute
            cuda.launchAfterPrevious(inc, new int[] {4, 2}, new int[] {256}, 64, args);
            assertEquals(before + 1, FakeCuda.count("programmaticLaunches"));
            FakeCuda.Launch launch = FakeCuda.lastLaunch();
            assertArrayEquals(new int[] {4, 2, 1, 256, 1, 1, 64}, launch.dims());
            assertEquals(cuda.stream().address(), FakeCuda.lastStream(), "the context's stream");
            assertEquals(x.address(), launch.params()[0]);
            assertEquals(n, (int) launch.params()[1]);
            CudaGraphExec graph = cuda.capture(() -> {
                cuda.launch(inc, new int[] {(n + 127) / 128}, new int[] {128}, 0, args);
                cuda.launchAfterPrevious(inc, new int[] {(n + 127) / 128}, new int[] {128}, 0, args);
            });
            assertEquals(before + 2, FakeCuda.count("programmaticLaunches"));
            graph.launch();
            int[] host = new int[n];
            x.read(MemorySegment.ofArray(host));
            for (int i = 0; i < n; i++) {
                assertEquals(3, host[i], "element " + i);
            }
            DeviceException refused = assertThrows(DeviceException.class,
                    () -> cuda.launchAfterPrevious(inc, new int[] {1}, new int[] {2048}, 0, args));
            assertEquals("cuLaunchKernelEx", refused.apiCall());
        }
        assertEquals(liveBefore, FakeCuda.live());
    }

    @Test
    void everyArgumentKindReachesTheDriver() {
        try (CudaContext cuda = context(); Arena arena = Arena.ofConfined()) {
            CudaFunction probe = cuda.load(TestPtx.ARGS_PROBE).function("args_probe");
            CudaBuffer out = cuda.allocate(64);
            FakeCuda.expectParams(7);
            cuda.launch(probe, new int[] {1, 2, 3}, new int[] {4, 5}, 128, KernelArgs.in(arena).pointer(out)
                    .i8((byte) -7).i16((short) 30000).i32(-123456).i64(1L << 40).f32(0.1f).f64(Math.PI));
            FakeCuda.Launch launch = FakeCuda.lastLaunch();
            assertArrayEquals(new int[] {1, 2, 3, 4, 5, 1, 128}, launch.dims());
            long[] p = launch.params();
            assertEquals(out.address(), p[0]);
            assertEquals(0xf9L, p[1]);
            assertEquals(30000L, p[2]);
            assertEquals(-123456L & 0xffff_ffffL, p[3]);
            assertEquals(1L << 40, p[4]);
            assertEquals(Float.floatToRawIntBits(0.1f), p[5]);
            assertEquals(Double.doubleToRawLongBits(Math.PI), p[6]);
        } finally {
            FakeCuda.expectParams(0);
        }
    }

    @Test
    void launchErrorsAreNamedWithTheLimits() {
        try (CudaContext cuda = context(); Arena arena = Arena.ofConfined()) {
            CudaFunction inc = cuda.load(TestPtx.INC).function("inc_i32");
            CudaBuffer x = cuda.allocate(4096);
            KernelArgs args = KernelArgs.in(arena).pointer(x).i32(1024);
            DeviceException tooBig = assertThrows(DeviceException.class,
                    () -> cuda.launch(inc, new int[] {1}, new int[] {2048}, 0, args));
            assertEquals("cuLaunchKernel", tooBig.apiCall());
            assertEquals("CUDA_ERROR_INVALID_VALUE", tooBig.errorName());
            assertTrue(tooBig.getMessage().contains("kernel inc_i32 grid [1, 1, 1] block [2048, 1, 1] shared 0 bytes,"
                    + " 2 arguments on cuda:0"), tooBig.getMessage());
            assertTrue(tooBig.getMessage().contains("function max threads per block 1024"), tooBig.getMessage());
            assertTrue(tooBig.getMessage().contains("device max threads per block 1024"), tooBig.getMessage());

            // dynamic shared memory above 48 KiB needs the opt-in
            assertThrows(DeviceException.class, () -> cuda.launch(inc, new int[] {1}, new int[] {32}, 100_000, args));
            inc.setMaxDynamicShared(100_000);
            assertEquals(100_000, inc.attributes().maxDynamicSharedBytes());
            cuda.launch(inc, new int[] {4}, new int[] {256}, 100_000, args);
            DeviceException optIn = assertThrows(DeviceException.class, () -> inc.setMaxDynamicShared(300_000));
            assertEquals("cuFuncSetAttribute", optIn.apiCall());
            assertTrue(optIn.getMessage().endsWith("CU_FUNC_ATTRIBUTE_MAX_DYNAMIC_SHARED_SIZE_BYTES = 300000 for "
                    + "kernel inc_i32 of CudaModule (module with .entry inc_i32) on cuda:0; static shared memory 0 bytes,"
                    + " device opt-in limit 232448 bytes per block"), optIn.getMessage());

            IllegalArgumentException dims = assertThrows(IllegalArgumentException.class,
                    () -> cuda.launch(inc, new int[] {1, 1, 1, 1}, new int[] {1}, 0, args));
            assertEquals("kernel inc_i32: grid has 4 dimensions; CUDA takes 1 to 3", dims.getMessage());
            assertThrows(IllegalArgumentException.class, () -> cuda.launch(inc, new int[] {0}, new int[] {1}, 0, args));

            x.close();
            IllegalStateException closed = assertThrows(IllegalStateException.class,
                    () -> cuda.launch(inc, new int[] {1}, new int[] {1}, 0, args));
            assertEquals("kernel inc_i32 argument 0 is CudaBuffer of 4096 bytes on cuda:0, which was closed; pass a"
                    + " live buffer", closed.getMessage());
        }
    }

    @Test
    void eventsTimeTheStream() {
        try (CudaContext cuda = context()) {
            CudaEvent start = cuda.recordEvent();
            CudaEvent end = cuda.createEvent();
            end.record();
            assertEquals(0.25f, start.elapsedMillisTo(end), "the fake's clock ticks a quarter ms per record");
            end.record();
            assertEquals(0.5f, start.elapsedMillisTo(end));
            assertEquals(2, cuda.openObjects());
        }
        assertEquals(liveBefore, FakeCuda.live());
    }

    @Test
    void capturedLaunchesReplayAsAGraph() {
        int n = 1000;
        try (CudaContext cuda = context(); Arena arena = Arena.ofConfined()) {
            CudaFunction inc = cuda.load(TestPtx.INC).function("inc_i32");
            CudaBuffer x = cuda.allocate(4L * n);
            x.fill(0);
            long launchesBefore = FakeCuda.count("launches");
            KernelArgs args = KernelArgs.in(arena).pointer(x).i32(n);
            CudaGraphExec graph = cuda.capture(() -> {
                for (int i = 0; i < 100; i++) {
                    cuda.launch(inc, new int[] {(n + 127) / 128}, new int[] {128}, 0, args);
                }
            });
            assertEquals(launchesBefore, FakeCuda.count("launches"), "captured, not run");
            assertEquals(0, FakeCuda.count("graphs"), "the graph is destroyed once instantiated");
            graph.launch();
            graph.launch();
            int[] host = new int[n];
            x.read(MemorySegment.ofArray(host));
            for (int i = 0; i < n; i++) {
                assertEquals(200, host[i], "element " + i);
            }
            assertEquals(3, cuda.openObjects(), "module, buffer, graph");
        }
        assertEquals(liveBefore, FakeCuda.live());
    }

    @Test
    void captureFailuresEndTheCapture() {
        try (CudaContext cuda = context()) {
            IllegalStateException thrown = assertThrows(IllegalStateException.class, () -> cuda.capture(() -> {
                throw new IllegalStateException("from the launches");
            }));
            assertEquals("from the launches", thrown.getMessage());

            // a blocking call while capturing: the driver refuses it and the capture is invalidated
            DeviceException sync = assertThrows(DeviceException.class, () -> cuda.capture(cuda::synchronize));
            assertEquals("cuStreamSynchronize", sync.apiCall());
            assertEquals("CUDA_ERROR_STREAM_CAPTURE_UNSUPPORTED", sync.errorName());

            // the stream works normally afterwards
            cuda.synchronize();
            try (CudaGraphExec empty = cuda.capture(() -> { })) {
                empty.launch();
            }
            assertEquals(0, FakeCuda.count("graphs"));
        }
        assertEquals(liveBefore, FakeCuda.live());
    }

    @Test
    void thousandsOfCyclesLeakNothing() {
        try (CudaContext cuda = context(); Arena arena = Arena.ofConfined()) {
            CudaFunction inc = cuda.load(TestPtx.INC).function("inc_i32");
            MemoryInfo before = cuda.memoryInfo();
            long liveNow = FakeCuda.live();
            for (int i = 0; i < 3000; i++) {
                try (CudaBuffer x = cuda.allocate(4096 + 4L * i)) {
                    x.fill(i);
                    cuda.launch(inc, new int[] {4}, new int[] {256}, 0, KernelArgs.in(arena).pointer(x).i32(1024));
                    if (i % 100 == 0) {
                        try (CudaEvent e = cuda.recordEvent()) {
                            e.synchronize();
                        }
                    }
                }
            }
            assertEquals(before, cuda.memoryInfo());
            assertEquals(liveNow, FakeCuda.live());
            assertEquals(1, cuda.openObjects());
        }
        assertEquals(liveBefore, FakeCuda.live());
    }

    @Test
    void allocationFailuresAreNamed() {
        try (CudaContext cuda = context()) {
            DeviceException oom = assertThrows(DeviceException.class, () -> cuda.allocate(1L << 50));
            assertEquals("cuMemAlloc_v2", oom.apiCall());
            assertEquals("CUDA_ERROR_OUT_OF_MEMORY", oom.errorName());
            assertTrue(oom.getMessage().contains((1L << 50) + " bytes on cuda:0 (Squall Fake H100 #0), "
                    + (80L << 30) + " of " + (80L << 30) + " bytes free"), oom.getMessage());
            assertThrows(IllegalArgumentException.class, () -> cuda.allocate(0));
            MemoryInfo info = cuda.memoryInfo();
            assertEquals(80L << 30, info.totalBytes());
            assertEquals(0, info.usedBytes());
        }
    }

    @Test
    void pinnedSegmentsDieWithTheirBuffer() {
        try (CudaContext cuda = context()) {
            CudaHostBuffer pinned = cuda.allocateHost(256);
            MemorySegment segment = pinned.segment();
            segment.set(JAVA_INT, 252, 77);
            assertEquals(256, segment.byteSize());
            pinned.close();
            IllegalStateException stale = assertThrows(IllegalStateException.class, () -> segment.get(JAVA_INT, 0));
            assertInstanceOf(IllegalStateException.class, stale);
        }
    }
}
