package dev.squall.jit;

/**
 * How to compile.
 *
 * @param optimize        run the optimisation passes (folding, CFG clean-up, dead code, LICM)
 * @param verifyEachPass  verify the IR after every pass (tests do; it costs time)
 * @param softMath        expand math functions the target lacks (PTX: all but sqrt, rounding,
 *                        min/max, fma) into IR from {@code SoftMath}, written in Java
 */
public record CompileOptions(boolean optimize, boolean verifyEachPass, boolean softMath) {

    public static final CompileOptions DEFAULT = new CompileOptions(true, false, false);
    /** What tests use: every pass verified. */
    public static final CompileOptions CHECKED = new CompileOptions(true, true, false);
    /** For PTX: math functions in software. */
    public static final CompileOptions PTX = new CompileOptions(true, false, true);

    public CompileOptions withVerification() {
        return new CompileOptions(optimize, true, softMath);
    }
}
