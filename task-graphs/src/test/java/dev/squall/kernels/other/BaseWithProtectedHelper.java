package dev.squall.kernels.other;

/** A superclass in another package whose protected static helper a kernel in a subclass calls. */
public class BaseWithProtectedHelper {

    protected BaseWithProtectedHelper() {
    }

    protected static int twice(int x) {
        return 2 * x;
    }
}
