package dev.squall.graph;

import java.io.Serializable;

/**
 * A kernel of 2 parameters, given as a method reference such as {@code Kernels::method}.
 * Serializable so that the task graph can find the method behind the reference.
 */
@FunctionalInterface
public interface Task2<A, B> extends Serializable {
    void apply(A a, B b);
}
