package dev.squall.jit.frontend;

import dev.squall.jit.ir.BlockId;
import dev.squall.jit.ir.KernelFunction;
import dev.squall.jit.ir.Var;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The front end's output: the kernel in SSA form, and what the parallel-loop and reduction
 * lowering need to know about its Java source.
 *
 * @param function        the kernel
 * @param inductionSlots  for each surviving phi of the kernel's own method, the local slot it was made for
 * @param parallelRanges  local slots marked {@code @Parallel}, with their bytecode ranges
 * @param kernelBlocks    blocks holding the kernel method's own code (not inlined helpers)
 * @param reduceParams    Java indices of {@code @Reduce} parameters
 */
public record FrontEndResult(KernelFunction function, Map<Var, Integer> inductionSlots,
                             List<ParallelRange> parallelRanges, Set<BlockId> kernelBlocks, Set<Integer> reduceParams) {

    /** A local slot marked {@code @Parallel} over bytecode [startBci, endBci). */
    public record ParallelRange(int slot, int startBci, int endBci) {
    }
}
