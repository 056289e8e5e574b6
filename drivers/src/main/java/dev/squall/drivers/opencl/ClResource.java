package dev.squall.drivers.opencl;

import java.lang.foreign.MemorySegment;

/**
 * An OpenCL object owned by an {@link OpenCLContext}: it holds the handle, refuses use after
 * {@link #close()}, and releases the handle exactly once, however often {@code close} is called.
 * Objects still open when their context closes are released by it.
 */
abstract sealed class ClResource implements AutoCloseable permits OpenCLBuffer, OpenCLProgram, OpenCLKernel,
        OpenCLEvent {

    final OpenCLContext context;
    private MemorySegment handle;

    ClResource(OpenCLContext context, MemorySegment handle) {
        this.context = context;
        this.handle = handle;
        context.register(this);
    }

    /** The live handle. */
    final MemorySegment handle() {
        MemorySegment h = handle;
        if (h == null) {
            throw new IllegalStateException(describe() + " is closed");
        }
        return h;
    }

    /** Whether {@link #close()} has run. */
    public final boolean isClosed() {
        return handle == null;
    }

    /** Releases the OpenCL object; later calls do nothing. */
    @Override
    public final void close() {
        MemorySegment h;
        synchronized (this) {
            h = handle;
            if (h == null) {
                return;
            }
            handle = null;
        }
        context.forget(this);
        OpenCLErrors.check(release(context.library(), h), releaseCall(), describe());
    }

    /** Calls the matching {@code clRelease*}, returning its status. */
    abstract int release(OpenCLLibrary cl, MemorySegment handle);

    /** The name of that release call, for error messages. */
    abstract String releaseCall();

    /** Order in which a closing context releases leftovers: events, then kernels, programs, buffers. */
    abstract int releaseOrder();

    /** What this object is, for messages: {@code "OpenCLBuffer of 4096 bytes on opencl:0:0"}. */
    abstract String describe();

    @Override
    public String toString() {
        return describe() + (isClosed() ? " (closed)" : "");
    }
}
