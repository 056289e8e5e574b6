package dev.squall.drivers.cuda;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The cubin cache's file format and its handling of damaged entries; no driver needed. */
class CubinCacheTest {

    @Test
    void entriesRoundTripAndDamageIsDetected() {
        CubinCacheKey key = CubinCacheKey.of("a", "b");
        byte[] cubin = "some cubin bytes".getBytes(StandardCharsets.UTF_8);
        byte[] entry = CubinCache.encode(key, cubin);
        assertEquals(CubinCache.HEADER_BYTES + cubin.length, entry.length);
        assertNull(CubinCache.validate(key, entry));

        byte[] flipped = entry.clone();
        flipped[entry.length - 3] ^= 0x10;
        assertEquals("checksum mismatch (corrupt cubin)", CubinCache.validate(key, flipped));

        assertTrue(CubinCache.validate(key, Arrays.copyOf(entry, entry.length - 1)).startsWith("truncated or padded"));
        assertTrue(CubinCache.validate(key, Arrays.copyOf(entry, 10)).startsWith("truncated: 10 bytes"));

        byte[] badMagic = entry.clone();
        badMagic[0] = 'X';
        assertEquals("not a Squall cubin cache entry (bad magic)", CubinCache.validate(key, badMagic));

        byte[] badVersion = entry.clone();
        badVersion[11] = 9;
        assertEquals("format version 9, expected 1", CubinCache.validate(key, badVersion));

        assertEquals("entry belongs to another key", CubinCache.validate(CubinCacheKey.of("a", "c"), entry));
    }

    @Test
    void keysCoverPtxOptionsDeviceAndDriver() {
        JitOptions o = JitOptions.defaults();
        ComputeCapability hopper = new ComputeCapability(9, 0);
        CubinCacheKey base = CubinCacheKey.of("ptx", o, hopper, 13000);
        assertEquals(base, CubinCacheKey.of("ptx", o, hopper, 13000));
        assertNotEquals(base, CubinCacheKey.of("ptx2", o, hopper, 13000));
        assertNotEquals(base, CubinCacheKey.of("ptx", o.withMaxRegisters(32), hopper, 13000));
        assertNotEquals(base, CubinCacheKey.of("ptx", o.withOptimizationLevel(3), hopper, 13000));
        assertNotEquals(base, CubinCacheKey.of("ptx", o.withLineInfo(true), hopper, 13000));
        assertNotEquals(base, CubinCacheKey.of("ptx", o, new ComputeCapability(8, 0), 13000));
        assertNotEquals(base, CubinCacheKey.of("ptx", o, hopper, 12090));
        assertEquals(base, CubinCacheKey.of("ptx", o.withLogVerbose(false), hopper, 13000),
                "logging does not change the code");
        assertNotEquals(CubinCacheKey.of("ab", "c"), CubinCacheKey.of("a", "bc"));
        assertEquals(64, base.sha256().length());
    }

    @Test
    void storeIsAtomicAndLeavesNoTemporaryFiles(@TempDir Path dir) throws IOException {
        CubinCache cache = CubinCache.at(dir.resolve("nested"));
        CubinCacheKey key = CubinCacheKey.of("k");
        cache.store(key, new byte[] {1, 2, 3});
        cache.store(key, new byte[] {4, 5});
        assertArrayEquals(new byte[] {4, 5}, cache.load(key).orElseThrow());
        try (Stream<Path> files = Files.list(dir.resolve("nested"))) {
            assertEquals(List.of(key.sha256() + ".cubin"), files.map(p -> p.getFileName().toString()).toList());
        }
        assertEquals(new CubinCache.Stats(1, 0, 2, 0), cache.stats());
        assertTrue(CubinCache.disabled().load(key).isEmpty());
        assertTrue(CubinCache.disabled().directory().isEmpty());
    }

    @Test
    void corruptAndTruncatedEntriesAreDeletedAndMissed(@TempDir Path dir) throws IOException {
        CubinCache cache = CubinCache.at(dir);
        CubinCacheKey key = CubinCacheKey.of("k2");
        cache.store(key, new byte[100]);
        Path file = cache.entryFile(key).orElseThrow();

        byte[] bytes = Files.readAllBytes(file);
        bytes[bytes.length - 1] ^= 1;
        Files.write(file, bytes);
        assertTrue(cache.load(key).isEmpty());
        assertTrue(Files.notExists(file), "a corrupt entry is deleted");

        cache.store(key, new byte[100]);
        Files.write(file, Arrays.copyOf(Files.readAllBytes(file), 50));
        assertTrue(cache.load(key).isEmpty());
        assertTrue(Files.notExists(file));

        Files.write(file, new byte[0]);
        assertTrue(cache.load(key).isEmpty());
        assertEquals(new CubinCache.Stats(0, 3, 2, 3), cache.stats());

        cache.store(key, new byte[] {7});
        cache.reject(key, "the driver refused it");
        assertTrue(Files.notExists(file));
        assertEquals(4, cache.stats().rejected());
    }

    @Test
    void defaultCacheFollowsTheProperty() {
        String configured = System.getProperty(CubinCache.CACHE_DIR_PROPERTY);
        Path expected = configured == null ? Path.of(System.getProperty("user.home"), ".cache", "squall", "cuda")
                : Path.of(configured, "cuda");
        assertEquals(expected.toAbsolutePath(), CubinCache.defaultCache().directory().orElseThrow());
    }
}
