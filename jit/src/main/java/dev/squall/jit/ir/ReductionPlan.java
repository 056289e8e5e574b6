package dev.squall.jit.ir;

/**
 * How a {@code @Reduce} result is finished: the kernel leaves one partial result per work-group in
 * a hidden buffer; {@link #finisher()} then combines the partials with the initial value of
 * {@code result[0]} in one work-group of {@link #groupSize} work-items.
 *
 * @param javaIndex  the Java parameter of the result array
 * @param partials   the hidden parameter holding one partial per work-group
 * @param op         the combining operation (ADD, MUL, MIN, MAX)
 * @param type       the element type
 * @param groupSize  work-group size of both kernels, a power of two
 * @param finisher   the kernel {@code finish(partials, count, result)} that writes {@code result[0]}
 */
public record ReductionPlan(int javaIndex, Param partials, BinaryOp op, ScalarType type, int groupSize,
                            KernelFunction finisher) {
}
