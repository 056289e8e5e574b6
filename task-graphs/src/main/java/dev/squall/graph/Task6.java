package dev.squall.graph;

import java.io.Serializable;

/**
 * A kernel of 6 parameters, given as a method reference such as {@code Kernels::method}.
 * Serializable so that the task graph can find the method behind the reference.
 */
@FunctionalInterface
public interface Task6<A, B, C, D, E, F> extends Serializable {
    void apply(A a, B b, C c, D d, E e, F f);
}
