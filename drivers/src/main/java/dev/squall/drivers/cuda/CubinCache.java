package dev.squall.drivers.cuda;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Compiled cubins on disk, one file per {@link CubinCacheKey}, so a later process skips the PTX
 * JIT: {@code ${squall.cache.dir}/cuda/<sha256>.cubin}, where {@code squall.cache.dir} defaults to
 * {@code ${user.home}/.cache/squall}.
 *
 * <p>Each file is a header and the cubin:
 * <pre>
 *   magic "SQCUBIN\0" (8) | format version (int) | key hash (32) | cubin length (long) | SHA-256 of cubin (32) | cubin
 * </pre>
 * An entry that is truncated, corrupt or for another key is deleted and reported as a miss, never
 * thrown; the caller compiles the PTX again. Files are written to a temporary file in the same
 * directory and moved into place atomically, so readers see a whole entry or none. Failing to write
 * costs only the next compile, so it is logged, not thrown.
 */
public final class CubinCache {

    private static final Logger LOG = LoggerFactory.getLogger(CubinCache.class);

    /** System property naming Squall's cache root; cubins live in its {@code cuda} folder. */
    public static final String CACHE_DIR_PROPERTY = "squall.cache.dir";

    private static final byte[] MAGIC = "SQCUBIN\0".getBytes(StandardCharsets.US_ASCII);
    private static final int FORMAT_VERSION = 1;
    static final int HEADER_BYTES = MAGIC.length + Integer.BYTES + 32 + Long.BYTES + 32;

    private static volatile CubinCache defaultCache;

    private final Path directory;
    private final AtomicLong hits = new AtomicLong();
    private final AtomicLong misses = new AtomicLong();
    private final AtomicLong stores = new AtomicLong();
    private final AtomicLong rejected = new AtomicLong();

    private CubinCache(Path directory) {
        this.directory = directory;
    }

    /**
     * How the cache has been used since it was made.
     *
     * @param hits     valid entries read
     * @param misses   lookups that found no usable entry (rejected ones included)
     * @param stores   entries written
     * @param rejected entries found corrupt, truncated, for another key, or refused by the driver
     */
    public record Stats(long hits, long misses, long stores, long rejected) {
    }

    /** The cache under {@code -Dsquall.cache.dir} (default {@code ~/.cache/squall}), folder {@code cuda}. */
    public static CubinCache defaultCache() {
        String configured = System.getProperty(CACHE_DIR_PROPERTY);
        Path root = configured == null || configured.isBlank()
                ? Path.of(System.getProperty("user.home"), ".cache", "squall")
                : Path.of(configured.strip());
        Path dir = root.resolve("cuda").toAbsolutePath();
        CubinCache cache = defaultCache;
        if (cache == null || !dir.equals(cache.directory)) {
            synchronized (CubinCache.class) {
                cache = defaultCache;
                if (cache == null || !dir.equals(cache.directory)) {
                    cache = new CubinCache(dir);
                    defaultCache = cache;
                }
            }
        }
        return cache;
    }

    /** A cache in {@code directory}, created on the first store. */
    public static CubinCache at(Path directory) {
        return new CubinCache(directory.toAbsolutePath());
    }

    /** A cache that stores nothing: every module is compiled from PTX by {@code cuModuleLoadDataEx}. */
    public static CubinCache disabled() {
        return new CubinCache(null);
    }

    /** Where entries live; empty for {@link #disabled()}. */
    public Optional<Path> directory() {
        return Optional.ofNullable(directory);
    }

    public Stats stats() {
        return new Stats(hits.get(), misses.get(), stores.get(), rejected.get());
    }

    /** The file of one key. */
    public Optional<Path> entryFile(CubinCacheKey key) {
        return directory().map(d -> d.resolve(key.sha256() + ".cubin"));
    }

    /** The stored cubin for {@code key}, if a valid one exists. */
    public Optional<byte[]> load(CubinCacheKey key) {
        if (directory == null) {
            misses.incrementAndGet();
            return Optional.empty();
        }
        Path file = entryFile(key).orElseThrow();
        byte[] content;
        try {
            content = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            misses.incrementAndGet();
            return Optional.empty();
        } catch (IOException e) {
            LOG.warn("cannot read cubin cache entry {}: {}", file, e.toString());
            misses.incrementAndGet();
            return Optional.empty();
        }
        String problem = validate(key, content);
        if (problem != null) {
            reject(key, problem);
            misses.incrementAndGet();
            return Optional.empty();
        }
        hits.incrementAndGet();
        LOG.debug("cubin cache hit {}", file);
        return Optional.of(Arrays.copyOfRange(content, HEADER_BYTES, content.length));
    }

    /** Writes the cubin for {@code key}, atomically replacing any older entry. */
    public void store(CubinCacheKey key, byte[] cubin) {
        if (directory == null) {
            return;
        }
        Path file = entryFile(key).orElseThrow();
        Path temp = null;
        try {
            Files.createDirectories(directory);
            temp = Files.createTempFile(directory, key.sha256().substring(0, 16) + ".", ".tmp");
            Files.write(temp, encode(key, cubin));
            try {
                Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING);
            }
            temp = null;
            stores.incrementAndGet();
            LOG.debug("cubin cache stored {} ({} bytes)", file, cubin.length);
        } catch (IOException e) {
            LOG.warn("cannot write cubin cache entry {}: {}", file, e.toString());
        } finally {
            if (temp != null) {
                try {
                    Files.deleteIfExists(temp);
                } catch (IOException ignored) {
                    // a stray temporary file is harmless: it never has an entry's name
                }
            }
        }
    }

    /** Drops the entry for {@code key}, saying why; used for corrupt entries and cubins the driver refuses. */
    public void reject(CubinCacheKey key, String reason) {
        rejected.incrementAndGet();
        Optional<Path> file = entryFile(key);
        LOG.warn("discarding cubin cache entry {}: {}", file.map(Path::toString).orElse(key.sha256()), reason);
        if (file.isPresent()) {
            try {
                Files.deleteIfExists(file.get());
            } catch (IOException e) {
                LOG.warn("cannot delete cubin cache entry {}: {}", file.get(), e.toString());
            }
        }
    }

    static byte[] encode(CubinCacheKey key, byte[] cubin) {
        ByteBuffer out = ByteBuffer.allocate(HEADER_BYTES + cubin.length);
        out.put(MAGIC).putInt(FORMAT_VERSION).put(key.bytes()).putLong(cubin.length)
                .put(CubinCacheKey.newDigest().digest(cubin)).put(cubin);
        return out.array();
    }

    /** Null when {@code content} is a whole, intact entry for {@code key}; else what is wrong with it. */
    static String validate(CubinCacheKey key, byte[] content) {
        if (content.length < HEADER_BYTES) {
            return "truncated: " + content.length + " bytes, shorter than the " + HEADER_BYTES + "-byte header";
        }
        ByteBuffer in = ByteBuffer.wrap(content);
        byte[] magic = new byte[MAGIC.length];
        in.get(magic);
        if (!Arrays.equals(magic, MAGIC)) {
            return "not a Squall cubin cache entry (bad magic)";
        }
        int version = in.getInt();
        if (version != FORMAT_VERSION) {
            return "format version " + version + ", expected " + FORMAT_VERSION;
        }
        byte[] keyHash = new byte[32];
        in.get(keyHash);
        if (!Arrays.equals(keyHash, key.bytes())) {
            return "entry belongs to another key";
        }
        long length = in.getLong();
        if (length != content.length - HEADER_BYTES) {
            return "truncated or padded: header says " + length + " bytes of cubin, file has "
                    + (content.length - HEADER_BYTES);
        }
        byte[] checksum = new byte[32];
        in.get(checksum);
        MessageDigest sha = CubinCacheKey.newDigest();
        sha.update(content, HEADER_BYTES, content.length - HEADER_BYTES);
        if (!MessageDigest.isEqual(checksum, sha.digest())) {
            return "checksum mismatch (corrupt cubin)";
        }
        return null;
    }
}
