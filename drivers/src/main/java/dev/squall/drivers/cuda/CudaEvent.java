package dev.squall.drivers.cuda;

import static java.lang.foreign.ValueLayout.JAVA_FLOAT;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * A marker in the context's stream ({@code CUevent}) with timing: made by
 * {@link CudaContext#createEvent()} or {@link CudaContext#recordEvent()}, it completes when the
 * stream reaches it. Two recorded events give the device time between them.
 */
public final class CudaEvent extends CudaResource {

    private final MemorySegment handle;

    CudaEvent(CudaContext context, MemorySegment handle) {
        super(context);
        this.handle = handle;
    }

    /** Records the event at the current end of the stream ({@code cuEventRecord}); may be repeated. */
    public CudaEvent record() {
        enter();
        context.library().check(context.library().eventRecord(handle, context.stream()), "cuEventRecord",
                describe());
        return this;
    }

    /** Waits until the stream has passed the event ({@code cuEventSynchronize}). */
    public void synchronize() {
        enter();
        context.library().check(context.library().eventSynchronize(handle), "cuEventSynchronize", describe());
    }

    /**
     * Milliseconds of device time from this event to {@code end} ({@code cuEventElapsedTime_v2},
     * resolution about half a microsecond); waits for {@code end} first.
     */
    public float elapsedMillisTo(CudaEvent end) {
        if (end.context != context) {
            throw new IllegalArgumentException("elapsedMillisTo: " + end.describe() + " belongs to another context");
        }
        end.synchronize();
        enter();
        CudaLibrary cu = context.library();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment millis = arena.allocate(JAVA_FLOAT);
            cu.check(cu.eventElapsedTime(millis, handle, end.handle()), cu.eventElapsedTimeName(), "from "
                    + describe() + " to " + end.describe());
            return millis.get(JAVA_FLOAT, 0);
        }
    }

    MemorySegment handle() {
        checkOpen();
        return handle;
    }

    @Override
    int release(CudaLibrary cu) {
        return cu.eventDestroy(handle);
    }

    @Override
    String releaseCall() {
        return "cuEventDestroy_v2";
    }

    @Override
    int releaseOrder() {
        return 0;
    }

    @Override
    String describe() {
        return "CudaEvent on " + context.device().id();
    }
}
