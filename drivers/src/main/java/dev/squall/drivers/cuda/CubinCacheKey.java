package dev.squall.drivers.cuda;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * What a cached cubin is valid for: a SHA-256 over the PTX, the JIT options that change the code,
 * the device's compute capability and the driver's version (whose JIT compiler made the cubin). Any
 * change to one of them is a different key.
 *
 * @param sha256 64 lowercase hex digits
 */
public record CubinCacheKey(String sha256) {

    /** Bump when the entry format or the key's inputs change, so old entries are never read. */
    private static final String KEY_VERSION = "squall-cuda-cubin-1";

    public CubinCacheKey {
        if (sha256 == null || !sha256.matches("[0-9a-f]{64}")) {
            throw new IllegalArgumentException("a cubin cache key is 64 lowercase hex digits, got '" + sha256 + "'");
        }
    }

    /** The key of {@code ptx} compiled with {@code options} for {@code device}. */
    public static CubinCacheKey of(String ptx, JitOptions options, CudaDevice device) {
        return of(ptx, options, device.computeCapability(), device.driverVersion());
    }

    /** The key of {@code ptx} compiled with {@code options} for a device and driver. */
    public static CubinCacheKey of(String ptx, JitOptions options, ComputeCapability capability, int driverVersion) {
        return of(KEY_VERSION, ptx, options.codeKey(), capability.smTarget(), Integer.toString(driverVersion));
    }

    static CubinCacheKey of(String... parts) {
        MessageDigest sha = newDigest();
        for (String part : parts) {
            // length-prefixed, so ("ab", "c") and ("a", "bc") differ
            byte[] bytes = part.getBytes(StandardCharsets.UTF_8);
            sha.update(ByteBuffer.allocate(Integer.BYTES).putInt(bytes.length).array());
            sha.update(bytes);
        }
        return new CubinCacheKey(HexFormat.of().formatHex(sha.digest()));
    }

    /** The raw 32 bytes of the hash. */
    byte[] bytes() {
        return HexFormat.of().parseHex(sha256);
    }

    static MessageDigest newDigest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }

    @Override
    public String toString() {
        return sha256;
    }
}
