package dev.squall.drivers.opencl;

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
 * Program binaries on disk, one file per {@link ProgramCacheKey}, so a later process skips
 * compiling: {@code ${squall.cache.dir}/opencl/<sha256>.bin}, where {@code squall.cache.dir}
 * defaults to {@code ${user.home}/.cache/squall}.
 *
 * <p>Each file is a header and the binary:
 * <pre>
 *   magic "SQCLBIN\0" (8) | format version (int) | key hash (32) | binary length (long) | SHA-256 of binary (32) | binary
 * </pre>
 * An entry that is truncated, corrupt or for another key is deleted and reported as a miss, never
 * thrown; the caller rebuilds from source. Files are written to a temporary file in the same
 * directory and moved into place atomically, so readers see a whole entry or none. Failing to write
 * costs only the next build, so it is logged, not thrown.
 */
public final class ProgramCache {

    private static final Logger LOG = LoggerFactory.getLogger(ProgramCache.class);

    /** System property naming Squall's cache root; OpenCL binaries live in its {@code opencl} folder. */
    public static final String CACHE_DIR_PROPERTY = "squall.cache.dir";

    private static final byte[] MAGIC = "SQCLBIN\0".getBytes(StandardCharsets.US_ASCII);
    private static final int FORMAT_VERSION = 1;
    static final int HEADER_BYTES = MAGIC.length + Integer.BYTES + 32 + Long.BYTES + 32;

    private static volatile ProgramCache defaultCache;

    private final Path directory;
    private final AtomicLong hits = new AtomicLong();
    private final AtomicLong misses = new AtomicLong();
    private final AtomicLong stores = new AtomicLong();
    private final AtomicLong rejected = new AtomicLong();

    private ProgramCache(Path directory) {
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

    /** The cache under {@code -Dsquall.cache.dir} (default {@code ~/.cache/squall}), folder {@code opencl}. */
    public static ProgramCache defaultCache() {
        String configured = System.getProperty(CACHE_DIR_PROPERTY);
        Path root = configured == null || configured.isBlank()
                ? Path.of(System.getProperty("user.home"), ".cache", "squall")
                : Path.of(configured.strip());
        Path dir = root.resolve("opencl").toAbsolutePath();
        ProgramCache cache = defaultCache;
        if (cache == null || !dir.equals(cache.directory)) {
            synchronized (ProgramCache.class) {
                cache = defaultCache;
                if (cache == null || !dir.equals(cache.directory)) {
                    cache = new ProgramCache(dir);
                    defaultCache = cache;
                }
            }
        }
        return cache;
    }

    /** A cache in {@code directory}, created on the first store. */
    public static ProgramCache at(Path directory) {
        return new ProgramCache(directory.toAbsolutePath());
    }

    /** A cache that stores nothing: every program is built from source. */
    public static ProgramCache disabled() {
        return new ProgramCache(null);
    }

    /** Where entries live; empty for {@link #disabled()}. */
    public Optional<Path> directory() {
        return Optional.ofNullable(directory);
    }

    public Stats stats() {
        return new Stats(hits.get(), misses.get(), stores.get(), rejected.get());
    }

    /** The file of one key. */
    public Optional<Path> entryFile(ProgramCacheKey key) {
        return directory().map(d -> d.resolve(key.sha256() + ".bin"));
    }

    /** The stored binary for {@code key}, if a valid one exists. */
    public Optional<byte[]> load(ProgramCacheKey key) {
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
            LOG.warn("cannot read OpenCL program cache entry {}: {}", file, e.toString());
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
        LOG.debug("OpenCL program cache hit {}", file);
        return Optional.of(Arrays.copyOfRange(content, HEADER_BYTES, content.length));
    }

    /** Writes the binary for {@code key}, atomically replacing any older entry. */
    public void store(ProgramCacheKey key, byte[] binary) {
        if (directory == null) {
            return;
        }
        Path file = entryFile(key).orElseThrow();
        Path temp = null;
        try {
            Files.createDirectories(directory);
            temp = Files.createTempFile(directory, key.sha256().substring(0, 16) + ".", ".tmp");
            Files.write(temp, encode(key, binary));
            try {
                Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING);
            }
            temp = null;
            stores.incrementAndGet();
            LOG.debug("OpenCL program cache stored {} ({} bytes)", file, binary.length);
        } catch (IOException e) {
            LOG.warn("cannot write OpenCL program cache entry {}: {}", file, e.toString());
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

    /** Drops the entry for {@code key}, saying why; used for corrupt entries and binaries the driver refuses. */
    public void reject(ProgramCacheKey key, String reason) {
        rejected.incrementAndGet();
        Optional<Path> file = entryFile(key);
        LOG.warn("discarding OpenCL program cache entry {}: {}", file.map(Path::toString).orElse(key.sha256()),
                reason);
        if (file.isPresent()) {
            try {
                Files.deleteIfExists(file.get());
            } catch (IOException e) {
                LOG.warn("cannot delete OpenCL program cache entry {}: {}", file.get(), e.toString());
            }
        }
    }

    static byte[] encode(ProgramCacheKey key, byte[] binary) {
        ByteBuffer out = ByteBuffer.allocate(HEADER_BYTES + binary.length);
        out.put(MAGIC).putInt(FORMAT_VERSION).put(key.bytes()).putLong(binary.length)
                .put(ProgramCacheKey.newDigest().digest(binary)).put(binary);
        return out.array();
    }

    /** Null when {@code content} is a whole, intact entry for {@code key}; else what is wrong with it. */
    static String validate(ProgramCacheKey key, byte[] content) {
        if (content.length < HEADER_BYTES) {
            return "truncated: " + content.length + " bytes, shorter than the " + HEADER_BYTES + "-byte header";
        }
        ByteBuffer in = ByteBuffer.wrap(content);
        byte[] magic = new byte[MAGIC.length];
        in.get(magic);
        if (!Arrays.equals(magic, MAGIC)) {
            return "not a Squall OpenCL cache entry (bad magic)";
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
            return "truncated or padded: header says " + length + " bytes of binary, file has "
                    + (content.length - HEADER_BYTES);
        }
        byte[] checksum = new byte[32];
        in.get(checksum);
        MessageDigest sha = ProgramCacheKey.newDigest();
        sha.update(content, HEADER_BYTES, content.length - HEADER_BYTES);
        if (!MessageDigest.isEqual(checksum, sha.digest())) {
            return "checksum mismatch (corrupt binary)";
        }
        return null;
    }
}
