package dev.squall.jit.corpus;

/** A small value record kernels use; the compiler keeps it as two floats. */
public record Float2(float x, float y) {

    public Float2 add(Float2 o) {
        return new Float2(x + o.x, y + o.y);
    }

    public Float2 scale(float s) {
        return new Float2(x * s, y * s);
    }

    public float dot(Float2 o) {
        return x * o.x + y * o.y;
    }

    public static Float2 of(float v) {
        return new Float2(v, -v);
    }
}
