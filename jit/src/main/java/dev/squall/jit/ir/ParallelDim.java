package dev.squall.jit.ir;

/**
 * One dimension of a loop kernel's index space, from one {@code @Parallel} loop. The innermost
 * annotated loop is dimension 0 (x), so neighbouring work-items touch neighbouring elements.
 *
 * @param dimension 0, 1 or 2
 * @param variable  the Java loop variable
 * @param tripCount the iteration count, or null when it depends on more than the parameters (an
 *                  inner loop bounded by an outer index); the lowered loop is grid-strided, so any
 *                  global size computes the right result
 * @param coarsening iterations each work-item handles per step (4 once vectorised), so a launch
 *                   needs only tripCount / coarsening work-items
 */
public record ParallelDim(int dimension, String variable, TripCount tripCount, int coarsening) {

    public ParallelDim(int dimension, String variable, TripCount tripCount) {
        this(dimension, variable, tripCount, 1);
    }

    public ParallelDim withCoarsening(int factor) {
        return new ParallelDim(dimension, variable, tripCount, factor);
    }
}
