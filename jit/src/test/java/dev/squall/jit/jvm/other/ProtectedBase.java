package dev.squall.jit.jvm.other;

/** A superclass in another package whose protected static helper kernels in subclasses call. */
public class ProtectedBase {

    protected ProtectedBase() {
    }

    protected static int twice(int x) {
        return 2 * x;
    }
}
