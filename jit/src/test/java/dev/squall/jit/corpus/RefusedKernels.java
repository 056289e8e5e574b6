package dev.squall.jit.corpus;

import dev.squall.api.KernelContext;
import dev.squall.api.Parallel;
import dev.squall.api.Reduce;
import dev.squall.api.types.FloatArray;
import java.util.List;

/**
 * Kernels the compiler must refuse. Each offending line carries a {@code // refused:} marker that
 * the diagnostics test uses to check the reported source line.
 */
public final class RefusedKernels {

    static int counter;
    static final int[] TABLE = {1, 2, 3};

    private RefusedKernels() {
    }

    public static void allocatesArray(FloatArray out) {
        float[] scratch = new float[4]; // refused: allocation
        out.set(0, scratch[0]);
    }

    public static void throwsException(FloatArray out) {
        if (out.getSize() == 0) {
            throw new IllegalStateException("empty"); // refused: throw
        }
        out.set(0, 1f);
    }

    public static void catchesException(FloatArray out) {
        try {
            out.set(0, 1f);
        } catch (RuntimeException e) { // refused: catch
            out.set(1, 2f);
        }
    }

    public static void recursive(FloatArray out) {
        out.set(0, factorial(5));
    }

    static float factorial(int n) {
        return n <= 1 ? 1 : n * factorial(n - 1); // refused: recursion
    }

    public static void virtualCall(FloatArray out) {
        out.set(0, out.hashCode()); // refused: virtual
    }

    public static void listParameter(FloatArray out, List<Float> values) {
        out.set(0, values.get(0));
    }

    public static void callsInterface(FloatArray out) {
        Runnable r = RefusedKernels::helper;
        out.set(0, 1f);
    }

    static void helper() {
    }

    public static void synchronizes(FloatArray out) {
        synchronized (RefusedKernels.class) { // refused: monitor
            out.set(0, 1f);
        }
    }

    public static void mutableStatic(FloatArray out) {
        out.set(0, counter); // refused: static
    }

    public static void staticArray(FloatArray out) {
        out.set(0, TABLE.length); // refused: static-array
    }

    public static void usesString(FloatArray out) {
        String s = "x"; // refused: string
        out.set(0, 1f);
    }

    public static void objectField(FloatArray out, Box box) {
        out.set(0, 1f);
    }

    public static void readsBoxField(FloatArray out) {
        Box b = new Box(); // refused: object
        out.set(0, b.value);
    }

    public static void allocatesInLoop(KernelContext ctx, FloatArray out) {
        for (int i = 0; i < 2; i++) {
            float[] tile = ctx.allocateFloatLocalArray(16); // refused: local-in-loop
            tile[ctx.localIdx] = i;
        }
    }

    public static void localSizeNotConstant(KernelContext ctx, FloatArray out, int n) {
        float[] tile = ctx.allocateFloatLocalArray(n); // refused: local-size
        out.set(0, tile[0]);
    }

    public static void breaksParallelLoop(FloatArray out) {
        for (@Parallel int i = 0; i < out.getSize(); i++) { // refused: parallel-break
            if (out.get(i) < 0) {
                break;
            }
            out.set(i, 1f);
        }
    }

    public static void siblingParallelLoops(FloatArray a, FloatArray b) {
        for (@Parallel int i = 0; i < a.getSize(); i++) {
            a.set(i, 1f);
        }
        for (@Parallel int j = 0; j < b.getSize(); j++) { // refused: siblings
            b.set(j, a.get(j));
        }
    }

    public static void carriesValue(FloatArray out) {
        int k = 0;
        for (@Parallel int i = 0; i < out.getSize(); i++, k += 2) { // refused: carried
            out.set(i, k);
        }
    }

    public static void readsLastIteration(FloatArray in, FloatArray out) {
        float last = 0f;
        for (@Parallel int i = 0; i < in.getSize(); i++) { // refused: carried-after
            last = in.get(i) * 2f;
        }
        out.set(0, last);
    }

    /** Not refused: the value is set afresh before every read, so nothing is carried. */
    public static void reassignedEachIteration(FloatArray in, FloatArray out) {
        float t = 0f;
        int unused = 0;
        for (@Parallel int i = 0; i < in.getSize(); i++, unused++) {
            t = in.get(i) * 3f;
            out.set(i, t);
        }
    }

    public static void variableStride(FloatArray a, int step) {
        for (@Parallel int i = 0; i < a.getSize(); i += step) { // refused: stride
            a.set(i, 1f);
        }
    }

    public static void conditionalReduce(FloatArray in, @Reduce FloatArray out) {
        for (@Parallel int i = 0; i < in.getSize(); i++) {
            if (in.get(i) > 0) {
                out.set(0, out.get(0) + in.get(i)); // refused: conditional-reduce
            }
        }
    }

    public static void nullCheck(FloatArray out) {
        if (out == null) { // refused: null
            return;
        }
        out.set(0, 1f);
    }

    public static int returnsValue(FloatArray out) {
        return 1;
    }

    public static void roundsWithMathRound(FloatArray out) {
        out.set(0, Math.round(out.get(0))); // refused: math-round
    }

    /** A class that is not a record: kernels cannot create or read it. */
    public static final class Box {
        public float value;
    }
}
