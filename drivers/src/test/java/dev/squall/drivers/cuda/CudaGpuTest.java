package dev.squall.drivers.cuda;

import static java.lang.foreign.ValueLayout.JAVA_DOUBLE;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.squall.api.DeviceException;
import dev.squall.api.Devices;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The CUDA driver on a real GPU: hand-written PTX loaded, launched and checked exactly on fresh
 * random inputs; JIT error logs; transfers; events; graphs; dynamic shared memory; leaks; the cubin
 * cache. Tagged {@code gpu}: excluded from the default build, skipped with the reason where no CUDA
 * device is usable.
 */
@Tag("gpu")
class CudaGpuTest {

    private static CudaDevice device;
    private static CudaContext cuda;
    private static String missing;
    private static final long SEED = System.nanoTime();

    @BeforeAll
    static void gpu() {
        CudaRuntime runtime;
        try {
            runtime = CudaRuntime.system();
        } catch (DeviceException e) {
            missing = "no CUDA driver: " + e.getMessage();
            return;
        }
        if (runtime.devices().isEmpty()) {
            missing = "no usable CUDA device: " + runtime.problems();
            return;
        }
        device = runtime.devices().getFirst();
        System.out.println("CUDA device " + device + ": " + device.details() + "; random seed " + SEED);
        cuda = CudaContext.create(device, CubinCache.disabled());
    }

    /** Each test is reported as skipped, with the reason, where there is no GPU. */
    @BeforeEach
    void requireGpu() {
        Assumptions.assumeTrue(missing == null, missing);
    }

    @AfterAll
    static void close() {
        if (cuda != null) {
            cuda.close();
        }
    }

    private static Random random() {
        return new Random(SEED);
    }

    private static float[] randomFloats(Random rnd, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (rnd.nextFloat() - 0.5f) * (float) Math.pow(2, rnd.nextInt(40) - 20);
        }
        return v;
    }

    @Test
    void deviceAttributesAreSane() {
        CudaDeviceInfo info = device.info();
        assertTrue(info.computeCapability().atLeast(8, 0), "Squall's PTX targets sm_80+: " + info.computeCapability());
        assertTrue(device.computeUnits() > 0);
        assertEquals(32, info.warpSize());
        assertEquals(1024, device.maxWorkGroupSize());
        assertEquals(49152, info.sharedMemoryPerBlock());
        assertEquals(info.sharedMemoryPerBlockOptIn(), device.localMemoryBytes()); // Squall opts in above 48 KiB
        assertTrue(info.sharedMemoryPerBlockOptIn() > info.sharedMemoryPerBlock(), "opt-in " + info
                .sharedMemoryPerBlockOptIn());
        assertTrue(info.sharedMemoryPerMultiprocessor() >= info.sharedMemoryPerBlockOptIn());
        assertTrue(device.globalMemoryBytes() > 1L << 30);
        assertTrue(info.l2CacheBytes() > 1 << 20);
        assertTrue(info.unifiedAddressing());
        assertTrue(info.asyncEngines() >= 1);
        assertTrue(device.driverVersion() >= 12000, "driver " + device.driverVersion());
        assertTrue(device.ptxIsaVersion().compareTo(new PtxIsaVersion(8, 0)) >= 0, device.ptxIsaVersion().toString());
        assertEquals("sm_" + info.computeCapability().major() + info.computeCapability().minor(), device.ptxTarget());
        assertTrue(device.peakBandwidthBytesPerSecond() > 1e11, device.details());
        if (device.name().contains("H100") || device.name().contains("H200")) {
            assertEquals(new ComputeCapability(9, 0), info.computeCapability());
            assertTrue(device.computeUnits() >= 114, device.computeUnits() + " SMs");
            assertTrue(device.peakBandwidthBytesPerSecond() > 1e12, "peak " + device.peakBandwidthBytesPerSecond());
            assertEquals(232448, info.sharedMemoryPerBlockOptIn());
        }
        assertSame(device, Devices.get("cuda:0"), "the service-loaded provider hands out the system runtime's devices");
    }

    @Test
    void vectorAddIsExactOnRandomInputs() {
        Random rnd = random();
        CudaFunction vadd = cuda.load(TestPtx.VADD).function("vadd_f32");
        for (int n : new int[] {1, 1000, (1 << 20) + 3}) {
            float[] a = randomFloats(rnd, n);
            float[] b = randomFloats(rnd, n);
            try (Arena arena = Arena.ofConfined(); CudaBuffer da = cuda.allocate(4L * n);
                    CudaBuffer db = cuda.allocate(4L * n); CudaBuffer dc = cuda.allocate(4L * n)) {
                da.write(MemorySegment.ofArray(a));
                db.write(MemorySegment.ofArray(b));
                dc.fill(Float.NaN); // an unwritten element fails
                cuda.launch(vadd, new int[] {(n + 255) / 256}, new int[] {256}, 0,
                        KernelArgs.in(arena).pointer(da).pointer(db).pointer(dc).i32(n));
                float[] c = new float[n];
                dc.read(MemorySegment.ofArray(c));
                for (int i = 0; i < n; i++) {
                    if (Float.floatToRawIntBits(a[i] + b[i]) != Float.floatToRawIntBits(c[i])) {
                        throw new AssertionError("n=" + n + " element " + i + ": " + a[i] + " + " + b[i] + " = "
                                + (a[i] + b[i]) + ", GPU " + c[i] + " (seed " + SEED + ")");
                    }
                }
            }
        }
        FunctionAttributes attributes = vadd.attributes();
        assertTrue(attributes.registers() > 0 && attributes.registers() <= 255, attributes.toString());
        assertEquals(1024, attributes.maxThreadsPerBlock());
        assertEquals(0, attributes.staticSharedBytes());
        assertEquals(0, attributes.localBytes());
        assertEquals(80, attributes.ptxVersion(), "the PTX says sm_80");
        assertEquals(device.computeCapability().major() * 10 + device.computeCapability().minor(),
                attributes.binaryVersion());
    }

    @Test
    void everyArgumentKindArrivesExactly() {
        try (Arena arena = Arena.ofConfined(); CudaBuffer out = cuda.allocate(48)) {
            CudaFunction probe = cuda.load(TestPtx.ARGS_PROBE).function("args_probe");
            out.fill((byte) 0xff);
            cuda.launch(probe, new int[] {1}, new int[] {1}, 0, KernelArgs.in(arena).pointer(out).i8((byte) -7)
                    .i16((short) -30000).i32(-123456789).i64(-(1L << 40) - 5).f32(0.1f).f64(-Math.PI));
            MemorySegment host = arena.allocate(48);
            out.read(host);
            assertEquals(-7L, host.get(JAVA_LONG, 0));
            assertEquals(-30000L, host.get(JAVA_LONG, 8));
            assertEquals(-123456789L, host.get(JAVA_LONG, 16));
            assertEquals(-(1L << 40) - 5, host.get(JAVA_LONG, 24));
            assertEquals(0.1f, host.get(JAVA_FLOAT, 32));
            assertEquals(-Math.PI, host.get(JAVA_DOUBLE, 40));
        }
    }

    @Test
    void brokenPtxRaisesTheJitErrorLog(@TempDir Path dir) {
        String line = "line " + TestPtx.brokenLine();
        PtxJitException direct = assertThrows(PtxJitException.class, () -> cuda.load(TestPtx.VADD_BROKEN));
        assertEquals("cuModuleLoadDataEx", direct.apiCall());
        assertEquals("CUDA_ERROR_INVALID_PTX", direct.errorName());
        assertTrue(direct.errorLog().contains(line), direct.errorLog());
        assertTrue(direct.getMessage().contains("JIT error log:\n") && direct.getMessage().contains(line),
                direct.getMessage());
        try (CudaContext cached = CudaContext.create(device, CubinCache.at(dir))) {
            PtxJitException linked = assertThrows(PtxJitException.class, () -> cached.load(TestPtx.VADD_BROKEN));
            assertEquals("cuLinkAddData_v2", linked.apiCall());
            assertEquals("CUDA_ERROR_INVALID_PTX", linked.errorName());
            assertTrue(linked.errorLog().contains(line), linked.errorLog());
            assertEquals(0, cached.openObjects());
        }
    }

    @Test
    void pinnedAndPageableCopiesRoundTrip() {
        int n = 16 << 20; // 64 MiB of ints
        int[] values = random().ints(n).toArray();
        try (CudaBuffer buffer = cuda.allocate(4L * n); CudaHostBuffer pinned = cuda.allocateHost(4L * n);
                Arena arena = Arena.ofConfined()) {
            MemorySegment heap = MemorySegment.ofArray(values);
            MemorySegment pageable = arena.allocate(4L * n, 64).copyFrom(heap);
            MemorySegment pin = pinned.segment().copyFrom(heap);
            String report = "";
            for (MemorySegment[] pair : new MemorySegment[][] {{heap, MemorySegment.ofArray(new int[n])},
                {pageable, arena.allocate(4L * n, 64)}, {pin, cuda.allocateHost(4L * n).segment()}}) {
                buffer.fill(0);
                long t0 = System.nanoTime();
                buffer.write(pair[0]);
                long t1 = System.nanoTime();
                buffer.read(pair[1]);
                long t2 = System.nanoTime();
                assertEquals(-1, pair[0].mismatch(pair[1]), "round trip");
                report += String.format(Locale.ROOT, " %s: write %.1f GB/s, read %.1f GB/s;",
                        pair[0].isNative() ? (pair[0] == pin ? "pinned" : "pageable") : "heap",
                        4.0 * n / (t1 - t0), 4.0 * n / (t2 - t1));
            }
            System.out.println("host transfers of 64 MiB:" + report);

            // the synchronous driver copies and fills are bound too
            CudaLibrary cu = device.library();
            cuda.synchronize();
            cu.check(cu.memsetD32(buffer.address(), 0x3f800000, n), "cuMemsetD32_v2", null);
            cu.check(cu.memcpyDtoH(pin, buffer.address(), 4L * n), "cuMemcpyDtoH_v2", null);
            assertEquals(1f, pin.getAtIndex(JAVA_FLOAT, n - 1));
            pin.setAtIndex(JAVA_INT, 5, 12345);
            cu.check(cu.memcpyHtoD(buffer.address(), pin, 4L * n), "cuMemcpyHtoD_v2", null);
            cu.check(cu.memsetD8(buffer.address(), (byte) 0, 4), "cuMemsetD8_v2", null);
            try (CudaBuffer copy = cuda.allocate(4L * n)) {
                cu.check(cu.memcpyDtoD(copy.address(), buffer.address(), 4L * n), "cuMemcpyDtoD_v2", null);
                // those calls ran on the legacy default stream, which the context's non-blocking stream does not wait for
                cu.check(cu.ctxSynchronize(), "cuCtxSynchronize", null);
                int[] back = new int[8];
                copy.read(MemorySegment.ofArray(back));
                assertArrayEquals(new int[] {0, 0x3f800000, 0x3f800000, 0x3f800000, 0x3f800000, 12345, 0x3f800000,
                    0x3f800000}, back);
            }
        }
    }

    @Test
    void asyncCopiesAreTimedByEvents() {
        long bytes = 256L << 20;
        try (CudaHostBuffer pinned = cuda.allocateHost(bytes); CudaBuffer a = cuda.allocate(bytes);
                CudaBuffer b = cuda.allocate(bytes); CudaEvent start = cuda.createEvent();
                CudaEvent written = cuda.createEvent(); CudaEvent copied = cuda.createEvent();
                CudaEvent readStart = cuda.createEvent(); CudaEvent read = cuda.createEvent()) {
            MemorySegment host = pinned.segment();
            for (long i = 0; i < bytes / 8; i += 4096) {
                host.setAtIndex(JAVA_LONG, i, i * 31 + 7);
            }
            start.record();
            a.writeAsync(host, 0);
            written.record();
            a.copyTo(b);
            copied.record();
            copied.synchronize(); // the host may touch the pinned memory only once the stream has passed the write
            host.fill((byte) 0);
            readStart.record();
            b.readAsync(host, 0);
            read.record();
            read.synchronize();
            for (long i = 0; i < bytes / 8; i += 4096) {
                assertEquals(i * 31 + 7, host.getAtIndex(JAVA_LONG, i), "word " + i);
            }
            float h2d = start.elapsedMillisTo(written);
            float d2d = written.elapsedMillisTo(copied);
            float d2h = readStart.elapsedMillisTo(read);
            assertTrue(h2d > 0 && d2d > 0 && d2h > 0, h2d + " " + d2d + " " + d2h);
            System.out.printf(Locale.ROOT, "256 MiB: pinned H2D %.2f ms (%.1f GB/s), D2D %.3f ms (%.0f GB/s read+write),"
                    + " pinned D2H %.2f ms (%.1f GB/s)%n", h2d, bytes / h2d / 1e6, d2d, 2.0 * bytes / d2d / 1e6, d2h,
                    bytes / d2h / 1e6);
        }
    }

    @Test
    void aCapturedGraphReplaysHundredLaunches() {
        int n = 100_000;
        CudaFunction inc = cuda.load(TestPtx.INC).function("inc_i32");
        int[] start = random().ints(n, -1000, 1000).toArray();
        try (Arena arena = Arena.ofConfined(); CudaBuffer plain = cuda.allocate(4L * n);
                CudaBuffer graphed = cuda.allocate(4L * n)) {
            plain.write(MemorySegment.ofArray(start));
            graphed.write(MemorySegment.ofArray(start));
            int[] grid = {(n + 255) / 256};
            int[] block = {256};
            KernelArgs onPlain = KernelArgs.in(arena).pointer(plain).i32(n);
            for (int i = 0; i < 300; i++) {
                cuda.launch(inc, grid, block, 0, onPlain);
            }
            KernelArgs onGraphed = KernelArgs.in(arena).pointer(graphed).i32(n);
            try (CudaGraphExec graph = cuda.capture(() -> {
                for (int i = 0; i < 100; i++) {
                    cuda.launch(inc, grid, block, 0, onGraphed);
                }
            })) {
                int[] before = new int[n];
                graphed.read(MemorySegment.ofArray(before));
                assertArrayEquals(start, before, "capturing runs nothing");
                for (int r = 0; r < 3; r++) {
                    graph.launch();
                }
                int[] expected = new int[n];
                plain.read(MemorySegment.ofArray(expected));
                int[] actual = new int[n];
                graphed.read(MemorySegment.ofArray(actual));
                assertArrayEquals(expected, actual);
                assertEquals(start[n - 1] + 300, actual[n - 1]);
            }
        }
    }

    @Test
    void launchesAfterThePreviousKernelKeepTheStreamsOrder() {
        Assumptions.assumeTrue(device.info().computeCapability().major() >= 9,
                "programmatic dependent launch needs compute capability 9.0");
        int n = 1 << 20;
        CudaFunction inc = cuda.load(TestPtx.INC_AFTER_PREVIOUS).function("inc_after_i32");
        int[] start = random().ints(n, -1000, 1000).toArray();
        try (Arena arena = Arena.ofConfined(); CudaBuffer streamed = cuda.allocate(4L * n);
                CudaBuffer graphed = cuda.allocate(4L * n)) {
            streamed.write(MemorySegment.ofArray(start));
            graphed.write(MemorySegment.ofArray(start));
            int[] grid = {(n + 255) / 256};
            int[] block = {256};
            // each launch reads what the one before wrote: any overlap past griddepcontrol.wait loses increments
            KernelArgs onStreamed = KernelArgs.in(arena).pointer(streamed).i32(n);
            cuda.launch(inc, grid, block, 0, onStreamed);
            for (int i = 1; i < 300; i++) {
                cuda.launchAfterPrevious(inc, grid, block, 0, onStreamed);
            }
            KernelArgs onGraphed = KernelArgs.in(arena).pointer(graphed).i32(n);
            try (CudaGraphExec graph = cuda.capture(() -> {
                cuda.launch(inc, grid, block, 0, onGraphed);
                for (int i = 1; i < 100; i++) {
                    cuda.launchAfterPrevious(inc, grid, block, 0, onGraphed);
                }
            })) {
                for (int r = 0; r < 3; r++) {
                    graph.launch();
                }
                int[] expected = Arrays.stream(start).map(v -> v + 300).toArray();
                int[] actual = new int[n];
                streamed.read(MemorySegment.ofArray(actual));
                assertArrayEquals(expected, actual, "stream");
                graphed.read(MemorySegment.ofArray(actual));
                assertArrayEquals(expected, actual, "graph");
            }
        }
    }

    /**
     * The case the wait is for: a kernel that lets the next one launch at its entry and then writes for a long
     * time, followed, overlapped, by one that waits for it first. The waiting kernel must see every write. The
     * same sequence with a kernel that does not wait is run too, and its lost increments printed (a race, so not
     * asserted), to show what the wait prevents.
     */
    @Test
    void aKernelThatWaitsSeesAllOfAnEarlyTriggeringPredecessor() {
        Assumptions.assumeTrue(device.info().computeCapability().major() >= 9,
                "programmatic dependent launch needs compute capability 9.0");
        int n = 1 << 20;
        int times = 200;
        int rounds = 20;
        CudaFunction early = cuda.load(TestPtx.INC_MANY_EARLY).function("inc_many_early");
        CudaFunction waits = cuda.load(TestPtx.INC_AFTER_PREVIOUS).function("inc_after_i32");
        CudaFunction plain = cuda.load(TestPtx.INC).function("inc_i32");
        int[] grid = {(n + 255) / 256};
        int[] block = {256};
        long[] lost = new long[2];
        for (int variant = 0; variant < 2; variant++) {
            try (Arena arena = Arena.ofConfined(); CudaBuffer x = cuda.allocate(4L * n)) {
                x.fill(0);
                KernelArgs many = KernelArgs.in(arena).pointer(x).i32(n).i32(times);
                KernelArgs once = KernelArgs.in(arena).pointer(x).i32(n);
                cuda.launch(early, grid, block, 0, many);
                for (int r = 0; r < rounds; r++) {
                    cuda.launchAfterPrevious(variant == 0 ? waits : plain, grid, block, 0, once);
                    cuda.launchAfterPrevious(early, grid, block, 0, many);
                }
                int[] host = new int[n];
                x.read(MemorySegment.ofArray(host));
                int expected = (rounds + 1) * times + rounds;
                for (int v : host) {
                    lost[variant] += expected - v;
                }
                if (variant == 0) {
                    assertEquals(0, lost[0], "increments lost by the kernels that wait");
                }
            }
        }
        System.out.println("overlapped launches: 0 increments lost with the wait, " + lost[1] + " without it (a racing"
                + " read-modify-write can lose up to " + times + " of the other kernel's at once)");
    }

    @Test
    void dynamicSharedMemoryAbove48KiBAfterOptIn() {
        CudaFunction reverse = cuda.load(TestPtx.SHARED_REVERSE).function("shared_reverse");
        int bytes = device.info().sharedMemoryPerBlockOptIn() - reverse.attributes().staticSharedBytes();
        assertTrue(bytes > 48 << 10, "opt-in limit " + bytes);
        int words = bytes / 4;
        try (Arena arena = Arena.ofConfined(); CudaBuffer out = cuda.allocate(4L * words)) {
            KernelArgs args = KernelArgs.in(arena).pointer(out).i32(words);
            DeviceException refused = assertThrows(DeviceException.class,
                    () -> cuda.launch(reverse, new int[] {1}, new int[] {512}, bytes, args));
            assertEquals("cuLaunchKernel", refused.apiCall());
            reverse.setMaxDynamicShared(bytes);
            assertEquals(bytes, reverse.attributes().maxDynamicSharedBytes());
            out.fill(-1);
            cuda.launch(reverse, new int[] {1}, new int[] {512}, bytes, args);
            int[] host = new int[words];
            out.read(MemorySegment.ofArray(host));
            for (int j = 0; j < words; j++) {
                assertEquals(3 * (words - 1 - j) + 1, host[j], "word " + j + " of " + words);
            }
            DeviceException tooMuch = assertThrows(DeviceException.class, () -> reverse.setMaxDynamicShared(bytes
                    + 4096));
            assertEquals("cuFuncSetAttribute", tooMuch.apiCall());
        }
    }

    @Test
    void callsFromAnotherThreadFindTheirContext() throws Exception {
        CudaFunction inc = cuda.load(TestPtx.INC).function("inc_i32");
        AtomicReference<Throwable> failure = new AtomicReference<>();
        int[] result = new int[256];
        Thread worker = new Thread(() -> {
            try (Arena arena = Arena.ofConfined(); CudaBuffer x = cuda.allocate(1024)) {
                x.fill(41);
                cuda.launch(inc, new int[] {1}, new int[] {256}, 0, KernelArgs.in(arena).pointer(x).i32(256));
                x.read(MemorySegment.ofArray(result));
            } catch (Throwable t) {
                failure.set(t);
            }
        });
        worker.start();
        worker.join();
        assertNull(failure.get(), () -> "worker thread: " + failure.get());
        for (int v : result) {
            assertEquals(42, v);
        }
    }

    @Test
    void thousandsOfCyclesReturnTheMemory() {
        CudaFunction inc = cuda.load(TestPtx.INC).function("inc_i32");
        int open = cuda.openObjects();
        try (Arena arena = Arena.ofConfined(); CudaBuffer warm = cuda.allocate(1 << 20)) {
            // with lazy module loading the first launch loads the code: not a leak, so before the baseline
            cuda.launch(inc, new int[] {1024}, new int[] {256}, 0, KernelArgs.in(arena).pointer(warm).i32(1 << 18));
        }
        cuda.synchronize();
        MemoryInfo before = cuda.memoryInfo();
        try (Arena arena = Arena.ofConfined()) {
            for (int i = 0; i < 5000; i++) {
                long bytes = (1L << 20) + 4096L * (i % 64);
                try (CudaBuffer x = cuda.allocate(bytes)) {
                    x.fill(i);
                    int n = (int) (bytes / 4);
                    cuda.launch(inc, new int[] {(n + 255) / 256}, new int[] {256}, 0,
                            KernelArgs.in(arena).pointer(x).i32(n));
                    if (i % 500 == 0) {
                        try (CudaEvent e = cuda.recordEvent()) {
                            e.synchronize();
                        }
                    }
                }
            }
        }
        cuda.synchronize();
        MemoryInfo after = cuda.memoryInfo();
        assertEquals(open, cuda.openObjects());
        assertTrue(Math.abs(after.freeBytes() - before.freeBytes()) <= 2L << 20,
                "free memory " + before.freeBytes() + " before, " + after.freeBytes() + " after 5000 cycles");
    }

    @Test
    void theSecondLoadComesFromTheCubinCache(@TempDir Path dir) {
        String ptx = TestPtx.VADD.replace(".address_size 64", ".address_size 64\n// cache test " + SEED);
        try (CudaContext first = CudaContext.create(device, CubinCache.at(dir))) {
            CudaModule module = first.load(ptx);
            assertFalse(module.fromCache());
            assertTrue(module.infoLog().contains("registers"), "verbose JIT info log: " + module.infoLog());
            assertEquals(new CubinCache.Stats(0, 1, 1, 0), first.cubinCache().stats());
        }
        try (CudaContext second = CudaContext.create(device, CubinCache.at(dir)); Arena arena = Arena.ofConfined()) {
            CudaModule module = second.load(ptx);
            assertTrue(module.fromCache());
            assertEquals(new CubinCache.Stats(1, 0, 0, 0), second.cubinCache().stats());
            float[] a = randomFloats(random(), 1000);
            try (CudaBuffer da = second.allocate(4000); CudaBuffer dc = second.allocate(4000)) {
                da.write(MemorySegment.ofArray(a));
                second.launch(module.function("vadd_f32"), new int[] {4}, new int[] {256}, 0,
                        KernelArgs.in(arena).pointer(da).pointer(da).pointer(dc).i32(1000));
                float[] c = new float[1000];
                dc.read(MemorySegment.ofArray(c));
                for (int i = 0; i < 1000; i++) {
                    assertEquals(a[i] + a[i], c[i], "element " + i);
                }
            }
            System.out.printf(Locale.ROOT, "cubin cache: JIT load %.1f ms vs cached load %.1f ms%n",
                    module.jitMillis(), module.loadNanos() / 1e6);
        }
    }
}
