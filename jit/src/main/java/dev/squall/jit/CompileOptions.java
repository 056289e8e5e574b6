package dev.squall.jit;

/**
 * How to compile.
 *
 * @param optimize        run the optimisation passes (folding, CFG clean-up, dead code, LICM)
 * @param verifyEachPass  verify the IR after every pass (tests do; it costs time)
 */
public record CompileOptions(boolean optimize, boolean verifyEachPass) {

    public static final CompileOptions DEFAULT = new CompileOptions(true, false);
    /** What tests use: every pass verified. */
    public static final CompileOptions CHECKED = new CompileOptions(true, true);
}
