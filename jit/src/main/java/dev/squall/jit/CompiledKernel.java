package dev.squall.jit;

import dev.squall.jit.ir.IrPrinter;
import dev.squall.jit.ir.KernelFunction;
import java.lang.reflect.Method;
import java.util.Map;

/**
 * A kernel compiled to optimised IR, ready for an emitter or the IR interpreter.
 *
 * @param method         the Java kernel
 * @param specialization scalar parameters bound to constants, by Java index
 * @param function       the IR
 * @param contentHash    a hash of the IR text: equal hashes mean equal generated code, so emitted
 *                       code and device binaries can be cached under it (with the target)
 * @param compileNanos   time spent compiling
 */
public record CompiledKernel(Method method, Map<Integer, Object> specialization, KernelFunction function,
                             String contentHash, long compileNanos) {

    public String ir() {
        return IrPrinter.print(function);
    }
}
