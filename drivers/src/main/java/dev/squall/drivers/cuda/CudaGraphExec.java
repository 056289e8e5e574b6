package dev.squall.drivers.cuda;

import java.lang.foreign.MemorySegment;

/**
 * An executable CUDA graph ({@code CUgraphExec}) made by {@link CudaContext#capture(Runnable)}:
 * the captured launches, copies and fills, replayed with one call. Replays run on the context's
 * stream in order with everything else; the buffers the graph uses must stay open.
 */
public final class CudaGraphExec extends CudaResource {

    private final MemorySegment handle;

    CudaGraphExec(CudaContext context, MemorySegment handle) {
        super(context);
        this.handle = handle;
    }

    /** Issues one replay of the graph on the context's stream ({@code cuGraphLaunch}); returns at once. */
    public void launch() {
        enter();
        context.library().check(context.library().graphLaunch(handle, context.stream()), "cuGraphLaunch",
                describe());
    }

    @Override
    int release(CudaLibrary cu) {
        return cu.graphExecDestroy(handle);
    }

    @Override
    String releaseCall() {
        return "cuGraphExecDestroy";
    }

    @Override
    int releaseOrder() {
        return 1;
    }

    @Override
    String describe() {
        return "CudaGraphExec on " + context.device().id();
    }
}
