package dev.squall.graph.internal;

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
}
