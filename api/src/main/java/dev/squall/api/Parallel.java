package dev.squall.api;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks the induction variable of a loop whose iterations are independent:
 * {@code for (@Parallel int i = 0; i < n; i++)}.
 *
 * <p>One to three nested annotated loops form a 1D/2D/3D index space. The meaning of the kernel is
 * the sequential Java loop; a compiled kernel must compute the same result. javac records the
 * annotation in {@code RuntimeVisibleTypeAnnotations} (local-variable slot and bytecode range),
 * which is where the JIT finds it.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.TYPE_USE, ElementType.LOCAL_VARIABLE})
public @interface Parallel {
}
