package dev.squall.graph.internal;

import dev.squall.api.Device;
import dev.squall.api.KernelCompilationException;
import dev.squall.jit.CompileOptions;
import dev.squall.jit.CompiledKernel;
import dev.squall.jit.KernelCompiler;

/** Compiles a task's kernel for a device backend (loop kernels and SPMD kernels alike). */
final class BackendKernels {

    private BackendKernels() {
    }

    static CompiledKernel compile(GraphStep.Launch launch) {
        return KernelCompiler.compile(launch.kernel().method(), launch.compileFacts(), CompileOptions.DEFAULT);
    }

    /**
     * Refuses a kernel whose local arrays exceed what a work-group may have on {@code device}
     * ({@link Device#localMemoryBytes()}), before the driver fails on it less clearly.
     */
    static void requireLocalMemory(CompiledKernel compiled, Device device) {
        long bytes = compiled.function().localMemoryBytes();
        if (bytes > device.localMemoryBytes()) {
            throw new KernelCompilationException("kernel " + compiled.function().displayName() + " needs " + bytes
                    + " bytes of local memory per work-group (its local arrays, each rounded up to 16 bytes); "
                    + device.id() + " (" + device.name() + ") allows " + device.localMemoryBytes());
        }
    }
}
