package dev.squall.jit.corpus;

/** Static helpers in another class, inlined into the kernels that call them. */
public final class Helpers {

    private Helpers() {
    }

    public static float clamp(float x, float lo, float hi) {
        return x < lo ? lo : x > hi ? hi : x;
    }

    public static float lerp(float a, float b, float t) {
        return a + (b - a) * t;
    }

    /** A helper calling a helper. */
    public static float smoothClamp(float x) {
        float c = clamp(x, -1f, 1f);
        return lerp(c, c * c * c, 0.25f);
    }

    public static int floorMod(int x, int y) {
        int r = x % y;
        if ((r ^ y) < 0 && r != 0) {
            r += y;
        }
        return r;
    }

    public static long mix(long h) {
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        h *= 0xc4ceb9fe1a85ec53L;
        return h ^ (h >>> 33);
    }

    /** Early returns from a helper. */
    public static int classify(float x) {
        if (Float.isNaN(x)) {
            return 0;
        }
        if (x < 0) {
            return -1;
        }
        return x == 0 ? 2 : 1;
    }
}
