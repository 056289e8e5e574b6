package dev.squall.jit.ir;

/**
 * One-operand operations. Math functions on {@code f64} mean {@code java.lang.Math}'s (within 1
 * ulp where Java allows it); on {@code f32} they come from {@code KernelMath} and mean the device's
 * float function (within a few ulp). {@code IS_NAN} and {@code IS_INFINITE} yield {@code bool}.
 */
public enum UnaryOp {
    NEG("neg"), ABS("abs"), NOT("not"),
    SQRT("sqrt"), CBRT("cbrt"), RSQRT("rsqrt"),
    EXP("exp"), EXPM1("expm1"), LOG("log"), LOG1P("log1p"), LOG10("log10"),
    SIN("sin"), COS("cos"), TAN("tan"), ASIN("asin"), ACOS("acos"), ATAN("atan"),
    SINH("sinh"), COSH("cosh"), TANH("tanh"),
    FLOOR("floor"), CEIL("ceil"), RINT("rint"), SIGNUM("signum"),
    BIT_COUNT("popcount"), CLZ("clz"), CTZ("ctz"),
    IS_NAN("isnan"), IS_INFINITE("isinf");

    private final String text;

    UnaryOp(String text) {
        this.text = text;
    }

    public String text() {
        return text;
    }
}
