package dev.squall.drivers.opencl;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * A buffer in device memory ({@code cl_mem}), made by {@link OpenCLContext#allocate(long)}.
 *
 * <p>Host memory is a {@link MemorySegment}, typically a Squall array's {@code segment()}. Blocking
 * transfers accept any segment. Non-blocking ones ({@code *Async}) need native memory that stays
 * alive and untouched until their event completes: the device reads or writes it after the call
 * returns. Commands run in order on the context's queue.
 */
public final class OpenCLBuffer extends ClResource {

    private final long size;
    private final BufferAccess access;

    OpenCLBuffer(OpenCLContext context, MemorySegment handle, long size, BufferAccess access) {
        super(context, handle);
        this.size = size;
        this.access = access;
    }

    /** Size in bytes. */
    public long size() {
        return size;
    }

    public BufferAccess access() {
        return access;
    }

    // ---- host to device ----------------------------------------------------------------------

    /** Copies all of {@code src} to the start of this buffer and waits until it is done. */
    public void write(MemorySegment src) {
        write(src, 0);
    }

    /** Copies all of {@code src} to this buffer at byte {@code offset} and waits until it is done. */
    public void write(MemorySegment src, long offset) {
        long bytes = src.byteSize();
        checkRange("write", offset, bytes);
        if (bytes == 0) {
            return;
        }
        OpenCLLibrary cl = context.library();
        if (src.isNative()) {
            OpenCLErrors.check(cl.enqueueWriteBuffer(context.queue(), handle(), true, offset, bytes, src,
                    MemorySegment.NULL), "clEnqueueWriteBuffer", transferDetail("write", offset, bytes));
            return;
        }
        try (Arena staging = Arena.ofConfined()) {
            MemorySegment copy = staging.allocate(bytes, 64).copyFrom(src);
            OpenCLErrors.check(cl.enqueueWriteBuffer(context.queue(), handle(), true, offset, bytes, copy,
                    MemorySegment.NULL), "clEnqueueWriteBuffer", transferDetail("write", offset, bytes));
        }
    }

    /**
     * Starts copying all of {@code src} to this buffer at byte {@code offset}; returns at once.
     * {@code src} must be native and stay alive and unchanged until the event completes.
     */
    public OpenCLEvent writeAsync(MemorySegment src, long offset) {
        long bytes = src.byteSize();
        checkRange("writeAsync", offset, bytes);
        checkAsyncHost("writeAsync", src, bytes);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment event = arena.allocate(ADDRESS);
            OpenCLErrors.check(context.library().enqueueWriteBuffer(context.queue(), handle(), false, offset, bytes,
                    src, event), "clEnqueueWriteBuffer", transferDetail("writeAsync", offset, bytes));
            return new OpenCLEvent(context, event.get(ADDRESS, 0), "clEnqueueWriteBuffer",
                    "write of " + bytes + " bytes to " + describe());
        }
    }

    // ---- device to host ----------------------------------------------------------------------

    /** Fills all of {@code dst} from the start of this buffer and waits until it is done. */
    public void read(MemorySegment dst) {
        read(dst, 0);
    }

    /** Fills all of {@code dst} from this buffer at byte {@code offset} and waits until it is done. */
    public void read(MemorySegment dst, long offset) {
        long bytes = dst.byteSize();
        checkRange("read", offset, bytes);
        checkWritable("read", dst);
        if (bytes == 0) {
            return;
        }
        OpenCLLibrary cl = context.library();
        if (dst.isNative()) {
            OpenCLErrors.check(cl.enqueueReadBuffer(context.queue(), handle(), true, offset, bytes, dst,
                    MemorySegment.NULL), "clEnqueueReadBuffer", transferDetail("read", offset, bytes));
            return;
        }
        try (Arena staging = Arena.ofConfined()) {
            MemorySegment copy = staging.allocate(bytes, 64);
            OpenCLErrors.check(cl.enqueueReadBuffer(context.queue(), handle(), true, offset, bytes, copy,
                    MemorySegment.NULL), "clEnqueueReadBuffer", transferDetail("read", offset, bytes));
            dst.copyFrom(copy);
        }
    }

    /**
     * Starts filling all of {@code dst} from this buffer at byte {@code offset}; returns at once.
     * {@code dst} must be native and must not be read or freed until the event completes.
     */
    public OpenCLEvent readAsync(MemorySegment dst, long offset) {
        long bytes = dst.byteSize();
        checkRange("readAsync", offset, bytes);
        checkWritable("readAsync", dst);
        checkAsyncHost("readAsync", dst, bytes);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment event = arena.allocate(ADDRESS);
            OpenCLErrors.check(context.library().enqueueReadBuffer(context.queue(), handle(), false, offset, bytes,
                    dst, event), "clEnqueueReadBuffer", transferDetail("readAsync", offset, bytes));
            return new OpenCLEvent(context, event.get(ADDRESS, 0), "clEnqueueReadBuffer",
                    "read of " + bytes + " bytes from " + describe());
        }
    }

    // ---- device to device --------------------------------------------------------------------

    /** Enqueues a copy of this whole buffer to the start of {@code dst}. */
    public OpenCLEvent copyTo(OpenCLBuffer dst) {
        return copyTo(dst, 0, 0, size);
    }

    /** Enqueues a copy of {@code bytes} bytes from this buffer at {@code srcOffset} to {@code dst} at {@code dstOffset}. */
    public OpenCLEvent copyTo(OpenCLBuffer dst, long srcOffset, long dstOffset, long bytes) {
        if (dst.context != context) {
            throw new IllegalArgumentException("copyTo: " + dst.describe() + " belongs to another context than "
                    + describe());
        }
        if (bytes <= 0) {
            throw new IllegalArgumentException("copyTo: byte count must be positive, got " + bytes);
        }
        checkRange("copyTo (source)", srcOffset, bytes);
        dst.checkRange("copyTo (destination)", dstOffset, bytes);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment event = arena.allocate(ADDRESS);
            OpenCLErrors.check(context.library().enqueueCopyBuffer(context.queue(), handle(), dst.handle(), srcOffset,
                    dstOffset, bytes, event), "clEnqueueCopyBuffer",
                    "copy of " + bytes + " bytes from " + describe() + " at " + srcOffset + " to " + dst.describe()
                            + " at " + dstOffset);
            return new OpenCLEvent(context, event.get(ADDRESS, 0), "clEnqueueCopyBuffer",
                    "copy of " + bytes + " bytes");
        }
    }

    /** Enqueues filling the whole buffer with one byte value. */
    public OpenCLEvent fill(byte value) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment pattern = arena.allocate(JAVA_BYTE);
            pattern.set(JAVA_BYTE, 0, value);
            return fill(pattern, 0, size);
        }
    }

    /** Enqueues filling the whole buffer with one int value; the size must be a multiple of 4. */
    public OpenCLEvent fill(int value) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment pattern = arena.allocate(JAVA_INT);
            pattern.set(JAVA_INT, 0, value);
            return fill(pattern, 0, size);
        }
    }

    /** Enqueues filling the whole buffer with one float value; the size must be a multiple of 4. */
    public OpenCLEvent fill(float value) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment pattern = arena.allocate(JAVA_FLOAT);
            pattern.set(JAVA_FLOAT, 0, value);
            return fill(pattern, 0, size);
        }
    }

    /**
     * Enqueues repeating {@code pattern} over {@code bytes} bytes from {@code offset}. The pattern is
     * 1, 2, 4, 8, 16, 32, 64 or 128 bytes (OpenCL's rule) and divides both offset and byte count; it
     * is copied by the call, so it may be reused at once.
     */
    public OpenCLEvent fill(MemorySegment pattern, long offset, long bytes) {
        long patternSize = pattern.byteSize();
        if (patternSize < 1 || patternSize > 128 || Long.bitCount(patternSize) != 1) {
            throw new IllegalArgumentException("fill: pattern of " + patternSize
                    + " bytes; OpenCL allows 1, 2, 4, 8, 16, 32, 64 or 128");
        }
        if (offset % patternSize != 0 || bytes % patternSize != 0) {
            throw new IllegalArgumentException("fill: offset " + offset + " and byte count " + bytes
                    + " must be multiples of the " + patternSize + "-byte pattern");
        }
        if (bytes <= 0) {
            throw new IllegalArgumentException("fill: byte count must be positive, got " + bytes);
        }
        checkRange("fill", offset, bytes);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment nativePattern = pattern.isNative() ? pattern : arena.allocate(patternSize).copyFrom(pattern);
            MemorySegment event = arena.allocate(ADDRESS);
            OpenCLErrors.check(context.library().enqueueFillBuffer(context.queue(), handle(), nativePattern,
                    patternSize, offset, bytes, event), "clEnqueueFillBuffer",
                    "fill of " + bytes + " bytes at " + offset + " with a " + patternSize + "-byte pattern in "
                            + describe());
            return new OpenCLEvent(context, event.get(ADDRESS, 0), "clEnqueueFillBuffer",
                    "fill of " + bytes + " bytes");
        }
    }

    // ---- checks ------------------------------------------------------------------------------

    private void checkRange(String op, long offset, long bytes) {
        if (offset < 0 || bytes < 0 || offset > size - bytes) {
            throw new IndexOutOfBoundsException(op + ": " + bytes + " bytes at offset " + offset + " do not fit in "
                    + describe());
        }
    }

    private static void checkAsyncHost(String op, MemorySegment host, long bytes) {
        if (!host.isNative()) {
            throw new IllegalArgumentException(op + " needs a native (off-heap) segment: the device uses it after"
                    + " the call returns; use the blocking variant for heap memory");
        }
        if (bytes == 0) {
            throw new IllegalArgumentException(op + ": nothing to transfer (empty segment)");
        }
    }

    private static void checkWritable(String op, MemorySegment dst) {
        if (dst.isReadOnly()) {
            throw new IllegalArgumentException(op + ": destination segment is read-only");
        }
    }

    private String transferDetail(String op, long offset, long bytes) {
        return op + " of " + bytes + " bytes at offset " + offset + " of " + describe();
    }

    @Override
    int release(OpenCLLibrary cl, MemorySegment handle) {
        return cl.releaseMemObject(handle);
    }

    @Override
    String releaseCall() {
        return "clReleaseMemObject";
    }

    @Override
    int releaseOrder() {
        return 3;
    }

    @Override
    String describe() {
        return "OpenCLBuffer of " + size + " bytes on " + context.device().id();
    }
}
