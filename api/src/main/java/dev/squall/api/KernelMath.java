package dev.squall.api;

/**
 * Single-precision math for kernels. {@code java.lang.Math} works in double; on a GPU that is
 * slower and rarely needed. These functions compute in float on devices (within a few ulp, the
 * device's native precision), and as {@code (float) Math.f((double) x)} on the JVM, so results
 * agree across devices within the device's ulp bound, not bit for bit.
 */
public final class KernelMath {

    private KernelMath() {
    }

    public static float exp(float x) {
        return (float) Math.exp(x);
    }

    public static float log(float x) {
        return (float) Math.log(x);
    }

    public static float sqrt(float x) {
        return (float) Math.sqrt(x);
    }

    /** 1/√x. */
    public static float rsqrt(float x) {
        return (float) (1.0 / Math.sqrt(x));
    }

    public static float tanh(float x) {
        return (float) Math.tanh(x);
    }

    public static float sin(float x) {
        return (float) Math.sin(x);
    }

    public static float cos(float x) {
        return (float) Math.cos(x);
    }

    public static float pow(float x, float y) {
        return (float) Math.pow(x, y);
    }

    /** 1 / (1 + e^-x), the logistic sigmoid. */
    public static float sigmoid(float x) {
        return 1f / (1f + exp(-x));
    }

    /** x · sigmoid(x), the SiLU activation of SwiGLU. */
    public static float silu(float x) {
        return x / (1f + exp(-x));
    }
}
