package dev.squall.jit.launch;

import dev.squall.jit.ir.KernelFunction;
import dev.squall.jit.ir.Param;
import java.util.Map;

/**
 * One kernel launch of a plan.
 *
 * @param function the kernel
 * @param args     Java-level arguments, by Java parameter index
 * @param global   global size per dimension
 * @param local    work-group size per dimension
 * @param hidden   buffers for the compiler's hidden parameters (reduction partials)
 */
public record LaunchStep(KernelFunction function, Object[] args, int[] global, int[] local, Map<Param, Object> hidden) {
}
