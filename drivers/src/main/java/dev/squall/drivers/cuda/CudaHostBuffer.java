package dev.squall.drivers.cuda;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * Page-locked (pinned) host memory ({@code cuMemAllocHost_v2}), made by
 * {@link CudaContext#allocateHost(long)}. Transfers between it and a {@link CudaBuffer} run at the
 * bus's full speed, and asynchronous ones return before the copy is done. Its {@link #segment()}
 * becomes inaccessible when the buffer is closed, so a stale use fails in Java rather than touching
 * freed memory.
 */
public final class CudaHostBuffer extends CudaResource {

    private final MemorySegment pointer;
    private final long size;
    private final Arena scope;
    private final MemorySegment segment;

    CudaHostBuffer(CudaContext context, MemorySegment pointer, long size) {
        super(context);
        this.pointer = pointer;
        this.size = size;
        this.scope = Arena.ofShared();
        this.segment = pointer.reinterpret(size, scope, null);
    }

    /** The memory, {@link #size()} bytes, usable until {@link #close()}. */
    public MemorySegment segment() {
        checkOpen();
        return segment;
    }

    public long size() {
        return size;
    }

    @Override
    int release(CudaLibrary cu) {
        scope.close();
        return cu.memFreeHost(pointer);
    }

    @Override
    String releaseCall() {
        return "cuMemFreeHost";
    }

    @Override
    int releaseOrder() {
        return 5;
    }

    @Override
    String describe() {
        return "CudaHostBuffer of " + size + " pinned bytes for " + context.device().id();
    }
}
