package dev.squall.graph;

import java.io.Serializable;

/**
 * A kernel of 14 parameters, given as a method reference such as {@code Kernels::method}.
 * Serializable so that the task graph can find the method behind the reference.
 */
@FunctionalInterface
public interface Task14<A, B, C, D, E, F, G, H, I, J, K, L, M, N> extends Serializable {
    void apply(A a, B b, C c, D d, E e, F f, G g, H h, I i, J j, K k, L l, M m, N n);
}
