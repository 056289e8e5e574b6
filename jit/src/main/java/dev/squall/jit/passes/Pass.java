package dev.squall.jit.passes;

import dev.squall.jit.ir.KernelFunction;

/** One transformation of a kernel; each states its preconditions in its own documentation. */
public interface Pass {

    String name();

    /** Transforms {@code function} in place; returns true if anything changed. */
    boolean run(KernelFunction function);
}
