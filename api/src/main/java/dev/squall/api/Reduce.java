package dev.squall.api;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a reduction result: an array parameter whose element 0 accumulates a value over a
 * {@link Parallel} loop with one of {@code +}, {@code *}, {@code Math.min}, {@code Math.max} on
 * int, long, float or double.
 *
 * <pre>{@code
 * static void sum(FloatArray in, @Reduce FloatArray out) {
 *     for (@Parallel int i = 0; i < in.getSize(); i++) {
 *         out.set(0, out.get(0) + in.get(i));
 *     }
 * }
 * }</pre>
 *
 * The initial value of {@code out[0]} takes part in the reduction, exactly as in the Java loop.
 * Floating-point reductions on a parallel device reassociate the additions; results then agree
 * with the sequential loop within rounding, not bit for bit.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.PARAMETER, ElementType.TYPE_USE})
public @interface Reduce {
}
