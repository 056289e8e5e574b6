package dev.squall.jit.ir;

/**
 * One parameter of the compiled kernel. A Java array parameter becomes two: its elements
 * ({@link Role#DATA}) and its length ({@link Role#LENGTH}); a {@code KernelContext} parameter
 * becomes none (its fields are work-item queries).
 *
 * @param var       the SSA variable holding the parameter
 * @param role      what the parameter is
 * @param javaIndex position of the Java parameter it comes from, or -1 for hidden parameters
 * @param javaName  the Java parameter's name (for readable output and messages)
 * @param javaType  the Java parameter's type, such as {@code FloatArray} or {@code int}
 */
public record Param(Var var, Role role, int javaIndex, String javaName, Class<?> javaType) {

    public enum Role {
        /** A scalar passed by value. */
        VALUE,
        /** The elements of an array. */
        DATA,
        /** The element count of the array at the same Java index. */
        LENGTH,
        /** A buffer the compiler added, such as the partial results of a reduction. */
        HIDDEN
    }
}
