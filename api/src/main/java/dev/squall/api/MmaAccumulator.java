package dev.squall.api;

/**
 * The four fp32 values of a 16×8 tile that one work-item of a warp holds for
 * {@link KernelContext#mma16x8x16}: with {@code lane} the work-item's index in its warp,
 * {@code group = lane / 4} and {@code pair = 2 · (lane % 4)}, {@code c0} and {@code c1} are row
 * {@code group}, columns {@code pair} and {@code pair + 1}; {@code c2} and {@code c3} the same columns
 * of row {@code group + 8} (PTX's m16n8k16 accumulator layout). A record, so kernels keep it in
 * registers.
 */
public record MmaAccumulator(float c0, float c1, float c2, float c3) {

    public static MmaAccumulator zero() {
        return new MmaAccumulator(0f, 0f, 0f, 0f);
    }
}
