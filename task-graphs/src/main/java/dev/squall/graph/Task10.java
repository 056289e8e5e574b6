package dev.squall.graph;

import java.io.Serializable;

/**
 * A kernel of 10 parameters, given as a method reference such as {@code Kernels::method}.
 * Serializable so that the task graph can find the method behind the reference.
 */
@FunctionalInterface
public interface Task10<A, B, C, D, E, F, G, H, I, J> extends Serializable {
    void apply(A a, B b, C c, D d, E e, F f, G g, H h, I i, J j);
}
