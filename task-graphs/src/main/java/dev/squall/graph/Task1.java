package dev.squall.graph;

import java.io.Serializable;

/**
 * A kernel of 1 parameter, given as a method reference such as {@code Kernels::method}.
 * Serializable so that the task graph can find the method behind the reference.
 */
@FunctionalInterface
public interface Task1<A> extends Serializable {
    void apply(A a);
}
