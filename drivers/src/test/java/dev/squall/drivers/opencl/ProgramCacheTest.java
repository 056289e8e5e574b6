package dev.squall.drivers.opencl;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProgramCacheTest {

    /** A source unique to this class, so no other test's cache entry can answer for it. */
    private static final String SOURCE = """
            // ProgramCacheTest
            __kernel void twice(__global int* x) {
                x[get_global_id(0)] *= 2;
            }
            """;

    // ---- the file format, no device needed ---------------------------------------------------

    @Test
    void entriesRoundTripAndDamageIsDetected() {
        ProgramCacheKey key = ProgramCacheKey.of("a", "b");
        byte[] binary = "some binary bytes".getBytes(StandardCharsets.UTF_8);
        byte[] entry = ProgramCache.encode(key, binary);
        assertEquals(ProgramCache.HEADER_BYTES + binary.length, entry.length);
        assertNull(ProgramCache.validate(key, entry));

        byte[] flipped = entry.clone();
        flipped[entry.length - 3] ^= 0x10;
        assertTrue(ProgramCache.validate(key, flipped).contains("checksum"));

        byte[] truncated = Arrays.copyOf(entry, entry.length - 1);
        assertTrue(ProgramCache.validate(key, truncated).contains("truncated"));
        assertTrue(ProgramCache.validate(key, Arrays.copyOf(entry, 10)).contains("truncated"));

        byte[] badMagic = entry.clone();
        badMagic[0] = 'X';
        assertTrue(ProgramCache.validate(key, badMagic).contains("magic"));

        assertTrue(ProgramCache.validate(ProgramCacheKey.of("a", "c"), entry).contains("another key"));
    }

    @Test
    void keysSeparateTheirParts() {
        assertNotEquals(ProgramCacheKey.of("ab", "c"), ProgramCacheKey.of("a", "bc"));
        assertEquals(ProgramCacheKey.of("x", "y"), ProgramCacheKey.of("x", "y"));
        assertEquals(64, ProgramCacheKey.of("x").sha256().length());
    }

    @Test
    void storeIsAtomicAndLeavesNoTemporaryFiles(@TempDir Path dir) throws IOException {
        ProgramCache cache = ProgramCache.at(dir.resolve("nested"));
        ProgramCacheKey key = ProgramCacheKey.of("k");
        cache.store(key, new byte[] {1, 2, 3});
        cache.store(key, new byte[] {4, 5});
        assertArrayEquals(new byte[] {4, 5}, cache.load(key).orElseThrow());
        try (Stream<Path> files = Files.list(dir.resolve("nested"))) {
            assertEquals(List.of(key.sha256() + ".bin"), files.map(p -> p.getFileName().toString()).toList());
        }
        assertEquals(new ProgramCache.Stats(1, 0, 2, 0), cache.stats());
        assertTrue(ProgramCache.disabled().load(key).isEmpty());
    }

    @Test
    void defaultCacheFollowsTheProperty() {
        String configured = System.getProperty(ProgramCache.CACHE_DIR_PROPERTY);
        Path expected = configured == null ? Path.of(System.getProperty("user.home"), ".cache", "squall", "opencl")
                : Path.of(configured, "opencl");
        assertEquals(expected.toAbsolutePath(), ProgramCache.defaultCache().directory().orElseThrow());
    }

    // ---- with the device ---------------------------------------------------------------------

    private static void runTwice(OpenCLContext context, OpenCLProgram program) {
        try (Arena arena = Arena.ofConfined();
                OpenCLKernel twice = program.kernel("twice");
                OpenCLBuffer x = context.allocate(4 * 64)) {
            MemorySegment host = arena.allocate(JAVA_INT, 64);
            for (int i = 0; i < 64; i++) {
                host.setAtIndex(JAVA_INT, i, i - 20);
            }
            x.write(host);
            twice.setBuffer(0, x);
            context.launch(twice, new long[] {64}, null).close();
            x.read(host);
            for (int i = 0; i < 64; i++) {
                assertEquals(2 * (i - 20), host.getAtIndex(JAVA_INT, i));
            }
        }
    }

    @Test
    void secondBuildLoadsTheBinary(@TempDir Path dir) {
        OpenCLDevice device = OpenCLTestSupport.device();
        ProgramCache first = ProgramCache.at(dir);
        try (OpenCLContext context = OpenCLContext.create(device, first)) {
            OpenCLProgram program = context.build(SOURCE, "");
            assertFalse(program.fromCache());
            assertEquals(new ProgramCache.Stats(0, 1, 1, 0), first.stats());
            runTwice(context, program);
        }
        // a fresh cache object over the same folder is what a new process sees
        ProgramCache second = ProgramCache.at(dir);
        try (OpenCLContext context = OpenCLContext.create(device, second)) {
            OpenCLProgram program = context.build(SOURCE, "");
            assertTrue(program.fromCache());
            assertEquals(new ProgramCache.Stats(1, 0, 0, 0), second.stats());
            runTwice(context, program);
            // other options are another key
            assertFalse(context.build(SOURCE, "-cl-mad-enable").fromCache());
        }
    }

    @Test
    void anotherProcessSkipsTheBuild(@TempDir Path dir) throws Exception {
        OpenCLDevice device = OpenCLTestSupport.device();
        ProgramCache cache = ProgramCache.at(dir);
        try (OpenCLContext context = OpenCLContext.create(device, cache)) {
            assertFalse(context.build(SOURCE, "").fromCache());
        }
        OpenCLTestSupport.ChildResult child = OpenCLTestSupport.runJava(java.util.Map.of(), ProgramCacheProbe.class,
                dir.toString(), SOURCE);
        assertEquals(0, child.exitCode(), child.output());
        assertTrue(child.output().contains("fromCache=true hits=1 misses=0 stores=0 kernels=[twice]"),
                child.output());
    }

    @Test
    void corruptEntryIsRebuilt(@TempDir Path dir) throws IOException {
        OpenCLDevice device = OpenCLTestSupport.device();
        ProgramCacheKey key = ProgramCacheKey.of(SOURCE, "", device);
        ProgramCache cache = ProgramCache.at(dir);
        Path file = cache.entryFile(key).orElseThrow();
        try (OpenCLContext context = OpenCLContext.create(device, cache)) {
            context.build(SOURCE, "").close();
            assertTrue(Files.exists(file));

            // a flipped byte in the binary: the checksum catches it
            byte[] bytes = Files.readAllBytes(file);
            bytes[bytes.length / 2] ^= 0x5a;
            Files.write(file, bytes);
            OpenCLProgram rebuilt = context.build(SOURCE, "");
            assertFalse(rebuilt.fromCache());
            assertEquals(1, cache.stats().rejected());
            runTwice(context, rebuilt);

            // a truncated file (a crash mid-write without the atomic move)
            bytes = Files.readAllBytes(file);
            Files.write(file, Arrays.copyOf(bytes, bytes.length / 3));
            assertFalse(context.build(SOURCE, "").fromCache());
            assertEquals(2, cache.stats().rejected());

            // an empty file
            Files.write(file, new byte[0]);
            assertFalse(context.build(SOURCE, "").fromCache());
            assertEquals(3, cache.stats().rejected());

            // each rebuild stored a good entry again
            OpenCLProgram cached = context.build(SOURCE, "");
            assertTrue(cached.fromCache());
            runTwice(context, cached);
            assertEquals(4, cache.stats().stores());
        }
    }

    @Test
    void binaryTheDriverRefusesIsRebuilt(@TempDir Path dir) throws IOException {
        OpenCLDevice device = OpenCLTestSupport.device();
        ProgramCacheKey key = ProgramCacheKey.of(SOURCE, "", device);
        ProgramCache cache = ProgramCache.at(dir);
        // intact on disk, but not a binary of this driver
        byte[] garbage = new byte[4096];
        new java.util.Random(7).nextBytes(garbage);
        cache.store(key, garbage);
        try (OpenCLContext context = OpenCLContext.create(device, cache)) {
            OpenCLProgram program = context.build(SOURCE, "");
            assertFalse(program.fromCache());
            assertEquals(1, cache.stats().rejected());
            runTwice(context, program);
        }
        assertTrue(ProgramCache.at(dir).load(key).isPresent(), "replaced by a good entry");
    }
}
