package dev.squall.drivers.cuda;

/**
 * A driver object owned by a {@link CudaContext}: it refuses use after {@link #close()} and
 * releases the driver object exactly once, however often {@code close} is called. Objects still
 * open when their context closes are released by it.
 */
abstract sealed class CudaResource implements AutoCloseable permits CudaBuffer, CudaHostBuffer, CudaModule,
        CudaEvent, CudaGraphExec {

    final CudaContext context;
    private volatile boolean closed;

    CudaResource(CudaContext context) {
        this.context = context;
        context.register(this);
    }

    /** Throws when closed; otherwise makes the context current on this thread. */
    final void enter() {
        if (closed) {
            throw new IllegalStateException(describe() + " is closed");
        }
        context.enter();
    }

    /** Throws when closed. */
    final void checkOpen() {
        if (closed) {
            throw new IllegalStateException(describe() + " is closed");
        }
    }

    /** Whether {@link #close()} has run. */
    public final boolean isClosed() {
        return closed;
    }

    /** Releases the driver object; later calls do nothing. */
    @Override
    public final void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        context.forget(this);
        context.enterForRelease();
        context.library().check(release(context.library()), releaseCall(), describe());
    }

    /** Calls the matching release ({@code cuMemFree_v2}, {@code cuModuleUnload}, ...), returning its status. */
    abstract int release(CudaLibrary cu);

    /** The exported name of that release call, for error messages. */
    abstract String releaseCall();

    /** Order in which a closing context releases leftovers: events, graphs, modules, then memory. */
    abstract int releaseOrder();

    /** What this object is, for messages: {@code "CudaBuffer of 4096 bytes on cuda:0"}. */
    abstract String describe();

    @Override
    public String toString() {
        return describe() + (isClosed() ? " (closed)" : "");
    }
}
