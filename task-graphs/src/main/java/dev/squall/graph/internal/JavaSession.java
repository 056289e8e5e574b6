package dev.squall.graph.internal;

import dev.squall.api.Device;
import dev.squall.api.KernelContext;
import dev.squall.api.KernelExecutionException;
import dev.squall.api.LaunchBounds;
import dev.squall.drivers.jvm.JavaDevice;
import dev.squall.graph.WorkerGrid;
import dev.squall.jit.KernelCompiler;
import dev.squall.jit.ir.KernelFunction;
import dev.squall.jit.ir.KernelKind;
import dev.squall.jit.ir.ParallelDim;
import dev.squall.jit.jvm.ChunkedLoopRewriter;
import dev.squall.jit.jvm.LoopSplit;
import dev.squall.jit.launch.ArgumentValues;
import dev.squall.jit.launch.LaunchGeometry;
import java.lang.invoke.MethodHandle;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The JVM device: host memory is device memory, so copies are no-ops (still recorded by the plan);
 * loop kernels run as the Java method itself, their outermost {@code @Parallel} loop shared out
 * over the device's threads, and {@code KernelContext} kernels as SPMD work-groups.
 */
final class JavaSession implements DeviceSession {

    private static final Logger LOG = LoggerFactory.getLogger(JavaSession.class);

    /**
     * A loop kernel as this device runs it.
     *
     * @param split    its chunked copy, or why it runs as written
     * @param function its IR, for the outermost loop's trip count (null when it runs as written)
     * @param outer    the outermost {@code @Parallel} loop (null when it runs as written)
     */
    private record LoopKernel(LoopSplit split, KernelFunction function, ParallelDim outer) {

        /** The outermost loop's iterations with these arguments, or -1 when only the loop itself knows them. */
        long trips(Object[] args) {
            return outer.tripCount() == null ? -1
                    : LaunchGeometry.tripCount(outer.tripCount(), ArgumentValues.scalars(function, args));
        }
    }

    private final JavaDevice device;
    private final Map<KernelReference, MethodHandle> handles = new HashMap<>();
    private final Map<KernelReference, LoopKernel> loopKernels = new HashMap<>();

    JavaSession(JavaDevice device) {
        this.device = device;
    }

    @Override
    public Device device() {
        return device;
    }

    @Override
    public void allocate(Object data) {
        // the host array is the device array
    }

    @Override
    public Timing copyIn(Object data) {
        return Timing.of(0);
    }

    @Override
    public Timing copyOut(Object data) {
        return Timing.of(0);
    }

    @Override
    public LaunchTiming launch(GraphStep.Launch launch, WorkerGrid grid) {
        MethodHandle handle = handles.get(launch.kernel());
        long compileNanos = 0;
        if (handle == null) {
            long startCompile = System.nanoTime();
            handle = launch.kernel().handle();
            handles.put(launch.kernel(), handle);
            compileNanos = System.nanoTime() - startCompile;
        }
        Object[] args = launch.args().toArray();
        int contextIndex = launch.kernel().contextIndex();
        long start = System.nanoTime();
        if (contextIndex >= 0) {
            int[] global = grid.globalWork();
            int[] local = grid.localWork();
            // PlanRunner has already refused work-groups larger than the kernel's @LaunchBounds
            LaunchBounds bounds = launch.kernel().method().getAnnotation(LaunchBounds.class);
            device.launcher().launch(launch.kernel().displayName(), handle, args, contextIndex, global, local,
                    KernelContext.warpGroupLimit(bounds));
            return new LaunchTiming(compileNanos, Timing.of(System.nanoTime() - start), global, local);
        }
        LoopKernel loop = loopKernels.get(launch.kernel());
        if (loop == null) {
            long startPlan = System.nanoTime();
            loop = loopKernel(launch.kernel());
            loopKernels.put(launch.kernel(), loop);
            compileNanos += System.nanoTime() - startPlan;
            start = System.nanoTime();
        }
        try {
            LoopSplit.Chunked chunked = loop.split() instanceof LoopSplit.Chunked c ? c : null;
            long trips = chunked == null ? 0 : loop.trips(args);
            if (chunked != null && device.loopLauncher().threads(trips) > 1) {
                device.loopLauncher().launch(chunked.handle(), args, chunked.step(), trips);
            } else {
                handle.invokeWithArguments(args);
            }
        } catch (RuntimeException | Error e) {
            throw new KernelExecutionException("kernel " + launch.kernel().displayName() + " (task '" + launch.name()
                    + "') threw " + e, e);
        } catch (Throwable t) {
            throw new KernelExecutionException("kernel " + launch.kernel().displayName() + " failed", t);
        }
        return new LaunchTiming(compileNanos, Timing.of(System.nanoTime() - start), null, null);
    }

    /**
     * How {@code kernel} runs here. Only a kernel the JIT accepts is split: its lowering has checked
     * the loop's shape (an induction variable, a constant stride, a loop-invariant bound, no break)
     * and gives the trip count. {@code @Reduce} kernels run as written (their threads would race on
     * the result).
     */
    private LoopKernel loopKernel(KernelReference kernel) {
        if (device.loopLauncher().parallelism() == 1) {
            return sequential(kernel, "the device has one thread");
        }
        KernelFunction f;
        try {
            f = KernelCompiler.compile(kernel.method()).function();
        } catch (RuntimeException e) {
            return sequential(kernel, "the JIT does not accept it (" + e.getMessage() + ")");
        }
        if (f.kind() != KernelKind.PARALLEL_LOOPS) {
            return sequential(kernel, "it has no @Parallel loop");
        }
        if (!f.reductions().isEmpty()) {
            return sequential(kernel, "it has a @Reduce result");
        }
        LoopSplit split = ChunkedLoopRewriter.rewrite(kernel.method());
        if (split instanceof LoopSplit.Sequential s) {
            return sequential(kernel, s.reason());
        }
        ParallelDim outer = f.parallelDims().stream().max(Comparator.comparingInt(ParallelDim::dimension)).orElseThrow();
        LOG.debug("{}: its @Parallel loop over {} runs in chunks on up to {} threads", kernel.displayName(),
                outer.variable(), device.loopLauncher().parallelism());
        return new LoopKernel(split, f, outer);
    }

    private static LoopKernel sequential(KernelReference kernel, String reason) {
        LOG.debug("{} runs on one thread: {}", kernel.displayName(), reason);
        return new LoopKernel(new LoopSplit.Sequential(reason), null, null);
    }

    @Override
    public void synchronize() {
        // everything ran synchronously
    }

    @Override
    public void close() {
        handles.clear();
        loopKernels.clear();
    }
}
