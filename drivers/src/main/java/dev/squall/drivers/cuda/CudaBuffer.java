package dev.squall.drivers.cuda;

import java.lang.foreign.MemorySegment;

/**
 * Device memory ({@code cuMemAlloc_v2}), made by {@link CudaContext#allocate(long)}.
 *
 * <p>Host memory is a {@link MemorySegment}, typically a Squall array's {@code segment()}. Blocking
 * transfers ({@link #write}, {@link #read}) accept any segment: native ones are copied directly,
 * heap ones through the context's pinned staging buffer in chunks. Asynchronous ones
 * ({@code *Async}) need native memory that stays alive and untouched until the stream has passed
 * them (an event or {@link CudaContext#synchronize()} says when); only pinned memory
 * ({@link CudaHostBuffer}) truly overlaps with the host. Device-side copies and fills are issued on
 * the stream and return at once. Everything runs in stream order.
 */
public final class CudaBuffer extends CudaResource {

    private final long pointer;
    private final long size;

    CudaBuffer(CudaContext context, long pointer, long size) {
        super(context);
        this.pointer = pointer;
        this.size = size;
    }

    /** Size in bytes. */
    public long size() {
        return size;
    }

    /** The device address ({@code CUdeviceptr}), as a kernel receives it. */
    public long address() {
        checkOpen();
        return pointer;
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
        CudaLibrary cu = context.library();
        if (src.isNative()) {
            enter();
            cu.check(cu.memcpyHtoDAsync(pointer + offset, src, bytes, context.stream()), "cuMemcpyHtoDAsync_v2",
                    transferDetail("write", offset, bytes));
            context.synchronize();
            return;
        }
        context.withStaging(staging -> {
            for (long done = 0; done < bytes; done += staging.byteSize()) {
                long chunk = Math.min(staging.byteSize(), bytes - done);
                MemorySegment.copy(src, done, staging, 0, chunk);
                enter();
                cu.check(cu.memcpyHtoDAsync(pointer + offset + done, staging, chunk, context.stream()),
                        "cuMemcpyHtoDAsync_v2", transferDetail("write (staged from the heap)", offset + done, chunk));
                context.synchronize();
            }
        });
    }

    /**
     * Starts copying all of {@code src} to this buffer at byte {@code offset} and returns
     * ({@code cuMemcpyHtoDAsync_v2}). {@code src} must be native and stay alive and unchanged until
     * the stream has passed the copy.
     */
    public void writeAsync(MemorySegment src, long offset) {
        long bytes = src.byteSize();
        checkRange("writeAsync", offset, bytes);
        checkAsyncHost("writeAsync", src, bytes);
        enter();
        context.library().check(context.library().memcpyHtoDAsync(pointer + offset, src, bytes, context.stream()),
                "cuMemcpyHtoDAsync_v2", transferDetail("writeAsync", offset, bytes));
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
        CudaLibrary cu = context.library();
        if (dst.isNative()) {
            enter();
            cu.check(cu.memcpyDtoHAsync(dst, pointer + offset, bytes, context.stream()), "cuMemcpyDtoHAsync_v2",
                    transferDetail("read", offset, bytes));
            context.synchronize();
            return;
        }
        context.withStaging(staging -> {
            for (long done = 0; done < bytes; done += staging.byteSize()) {
                long chunk = Math.min(staging.byteSize(), bytes - done);
                enter();
                cu.check(cu.memcpyDtoHAsync(staging, pointer + offset + done, chunk, context.stream()),
                        "cuMemcpyDtoHAsync_v2", transferDetail("read (staged to the heap)", offset + done, chunk));
                context.synchronize();
                MemorySegment.copy(staging, 0, dst, done, chunk);
            }
        });
    }

    /**
     * Starts filling all of {@code dst} from this buffer at byte {@code offset} and returns
     * ({@code cuMemcpyDtoHAsync_v2}). {@code dst} must be native and must not be read or freed
     * until the stream has passed the copy.
     */
    public void readAsync(MemorySegment dst, long offset) {
        long bytes = dst.byteSize();
        checkRange("readAsync", offset, bytes);
        checkWritable("readAsync", dst);
        checkAsyncHost("readAsync", dst, bytes);
        enter();
        context.library().check(context.library().memcpyDtoHAsync(dst, pointer + offset, bytes, context.stream()),
                "cuMemcpyDtoHAsync_v2", transferDetail("readAsync", offset, bytes));
    }

    // ---- device to device --------------------------------------------------------------------

    /** Issues a copy of this whole buffer to the start of {@code dst} ({@code cuMemcpyDtoDAsync_v2}). */
    public void copyTo(CudaBuffer dst) {
        copyTo(dst, 0, 0, size);
    }

    /** Issues a copy of {@code bytes} bytes from this buffer at {@code srcOffset} to {@code dst} at {@code dstOffset}. */
    public void copyTo(CudaBuffer dst, long srcOffset, long dstOffset, long bytes) {
        if (dst.context != context) {
            throw new IllegalArgumentException("copyTo: " + dst.describe() + " belongs to another context than "
                    + describe());
        }
        if (bytes <= 0) {
            throw new IllegalArgumentException("copyTo: byte count must be positive, got " + bytes);
        }
        checkRange("copyTo (source)", srcOffset, bytes);
        dst.checkRange("copyTo (destination)", dstOffset, bytes);
        long to = dst.address();
        enter();
        context.library().check(context.library().memcpyDtoDAsync(to + dstOffset, pointer + srcOffset, bytes,
                context.stream()), "cuMemcpyDtoDAsync_v2", "copy of " + bytes + " bytes from " + describe() + " at "
                + srcOffset + " to " + dst.describe() + " at " + dstOffset);
    }

    // ---- fills -------------------------------------------------------------------------------

    /** Issues setting every byte to {@code value} ({@code cuMemsetD8Async}). */
    public void fill(byte value) {
        fill(value, 0, size);
    }

    /** Issues setting {@code bytes} bytes from {@code offset} to {@code value}. */
    public void fill(byte value, long offset, long bytes) {
        if (bytes <= 0) {
            throw new IllegalArgumentException("fill: byte count must be positive, got " + bytes);
        }
        checkRange("fill", offset, bytes);
        enter();
        context.library().check(context.library().memsetD8Async(pointer + offset, value, bytes, context.stream()),
                "cuMemsetD8Async", "fill of " + bytes + " bytes at " + offset + " of " + describe());
    }

    /** Issues setting every 32-bit word to {@code value} ({@code cuMemsetD32Async}); the size must be a multiple of 4. */
    public void fill(int value) {
        fill(value, 0, size);
    }

    /** Issues setting every 32-bit word to the bits of {@code value}; the size must be a multiple of 4. */
    public void fill(float value) {
        fill(Float.floatToRawIntBits(value), 0, size);
    }

    /** Issues setting {@code bytes} bytes from {@code offset} to the bits of {@code value}; both multiples of 4. */
    public void fill(float value, long offset, long bytes) {
        fill(Float.floatToRawIntBits(value), offset, bytes);
    }

    /** Issues setting {@code bytes} bytes from {@code offset} to 32-bit {@code value}s; both multiples of 4. */
    public void fill(int value, long offset, long bytes) {
        if (bytes <= 0) {
            throw new IllegalArgumentException("fill: byte count must be positive, got " + bytes);
        }
        if (offset % 4 != 0 || bytes % 4 != 0) {
            throw new IllegalArgumentException("fill: offset " + offset + " and byte count " + bytes
                    + " must be multiples of the 4-byte value");
        }
        checkRange("fill", offset, bytes);
        enter();
        context.library().check(context.library().memsetD32Async(pointer + offset, value, bytes / 4,
                context.stream()), "cuMemsetD32Async", "fill of " + bytes / 4 + " words at " + offset + " of "
                + describe());
    }

    // ---- checks ------------------------------------------------------------------------------

    private void checkRange(String op, long offset, long bytes) {
        checkOpen();
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
    int release(CudaLibrary cu) {
        return cu.memFree(pointer);
    }

    @Override
    String releaseCall() {
        return "cuMemFree_v2";
    }

    @Override
    int releaseOrder() {
        return 4;
    }

    @Override
    String describe() {
        return "CudaBuffer of " + size + " bytes on " + context.device().id();
    }
}
