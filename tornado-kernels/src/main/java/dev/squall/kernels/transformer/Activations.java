package dev.squall.kernels.transformer;

import dev.squall.api.Parallel;
import dev.squall.api.types.FloatArray;

/** Element-wise steps between the matrix products. */
public final class Activations {

    private Activations() {
    }

    /** gate = silu(gate) ⊙ up, the SwiGLU of the feed-forward block; silu(x) = x / (1 + e^−x). */
    public static void swiGlu(FloatArray gate, FloatArray up, int n) {
        for (@Parallel int i = 0; i < n; i++) {
            float g = gate.get(i);
            gate.set(i, (float) (g / (1.0 + Math.exp(-g))) * up.get(i));
        }
    }

    /** acc += delta (biases, residuals). */
    public static void addInPlace(FloatArray acc, FloatArray delta, int n) {
        for (@Parallel int i = 0; i < n; i++) {
            acc.set(i, acc.get(i) + delta.get(i));
        }
    }
}
