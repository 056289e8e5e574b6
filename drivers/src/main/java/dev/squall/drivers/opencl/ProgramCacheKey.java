package dev.squall.drivers.opencl;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * What a cached program binary is valid for: a SHA-256 over the source, the build options and
 * the identity of the device and its driver (platform name and version, device name and version,
 * OpenCL C version, driver version). Any change to one of them is a different key.
 *
 * @param sha256 64 lowercase hex digits
 */
public record ProgramCacheKey(String sha256) {

    /** Bump when the binary format or key inputs change, so old entries are never read. */
    private static final String KEY_VERSION = "squall-opencl-program-1";

    public ProgramCacheKey {
        if (sha256 == null || !sha256.matches("[0-9a-f]{64}")) {
            throw new IllegalArgumentException("a program cache key is 64 lowercase hex digits, got '" + sha256 + "'");
        }
    }

    /** The key of {@code source} built with {@code options} for {@code device}. */
    public static ProgramCacheKey of(String source, String options, OpenCLDevice device) {
        OpenCLDeviceInfo info = device.info();
        OpenCLPlatform platform = device.platform();
        return of(KEY_VERSION, source, options, platform.name(), platform.version(), info.name(), info.version(),
                info.openclCVersion(), info.driverVersion());
    }

    static ProgramCacheKey of(String... parts) {
        MessageDigest sha = newDigest();
        for (String part : parts) {
            // length-prefixed, so ("ab", "c") and ("a", "bc") differ
            byte[] bytes = part.getBytes(StandardCharsets.UTF_8);
            sha.update(ByteBuffer.allocate(Integer.BYTES).putInt(bytes.length).array());
            sha.update(bytes);
        }
        return new ProgramCacheKey(HexFormat.of().formatHex(sha.digest()));
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
