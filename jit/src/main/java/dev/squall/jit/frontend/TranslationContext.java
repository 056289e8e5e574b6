package dev.squall.jit.frontend;

import dev.squall.jit.ir.Block;
import dev.squall.jit.ir.BlockId;
import dev.squall.jit.ir.Inst;
import dev.squall.jit.ir.KernelFunction;
import dev.squall.jit.ir.SourcePos;
import java.lang.reflect.Executable;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** State shared by the translators of a kernel and of every method inlined into it. */
final class TranslationContext {

    /** Inlining deeper than this is almost certainly a mistake (and would blow up code size). */
    static final int MAX_INLINE_DEPTH = 24;

    final KernelFunction function;
    final SsaBuilder builder;
    /** Expand math functions into {@code SoftMath} (for targets without them). */
    final boolean softMath;
    final Deque<Executable> inlineStack = new ArrayDeque<>();
    final List<Inst.LocalAlloc> localAllocs = new ArrayList<>();
    /** The block each local allocation was requested in, to refuse allocations inside loops. */
    final Map<Inst.LocalAlloc, BlockId> localAllocSites = new HashMap<>();
    /** Blocks that hold the kernel method's own code (not inlined helpers). */
    final Set<BlockId> kernelBlocks = new HashSet<>();
    /** The kernel's own method, for @Parallel lookup. */
    MethodInfo kernelMethod;
    private final Map<Executable, MethodInfo> methods = new HashMap<>();
    private int nextFrame;
    private int nextAllocation;

    TranslationContext(KernelFunction function, boolean softMath) {
        this.function = function;
        this.builder = new SsaBuilder(function);
        this.softMath = softMath;
    }

    Block newBlock(int bci, SourcePos pos) {
        return function.newBlock(bci, pos);
    }

    int newFrame() {
        return nextFrame++;
    }

    int newAllocation() {
        return nextAllocation++;
    }

    MethodInfo methodInfo(Executable executable) {
        return methods.computeIfAbsent(executable, MethodInfo::of);
    }
}
