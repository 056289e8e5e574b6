package dev.squall.jit.jvm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.squall.api.Parallel;
import dev.squall.api.types.IntArray;
import dev.squall.drivers.jvm.LoopLauncher;
import dev.squall.jit.KernelCompiler;
import dev.squall.jit.ir.KernelFunction;
import dev.squall.jit.ir.KernelKind;
import dev.squall.jit.jvm.other.ProtectedBase;
import java.lang.reflect.Method;
import java.util.Arrays;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * Loop shapes the JIT accepts, run chunked on several threads and compared with the Java method.
 * Each kernel writes only IntArrays, so results compare exactly.
 */
class ChunkedLoopShapesTest {

    private static final LoopLauncher LAUNCHER = new LoopLauncher(4);
    private static final int[][] RUNS = {{1, 1}, {2, 1}, {3, 2}, {4, 7}, {4, 1 << 20}};

    // ---- kernels ----

    /** A sequential loop around the @Parallel one: the loop is entered steps times. */
    public static void repeated(IntArray a, int steps, int n) {
        for (int t = 0; t < steps; t++) {
            for (@Parallel int i = 0; i < n; i++) {
                a.set(i, a.get(i) + 1);
            }
        }
    }

    /** A protected static helper inherited from a superclass in another package. */
    public static final class Inheriting extends ProtectedBase {
        private Inheriting() {
        }

        public static void kernel(IntArray out, int n) {
            for (@Parallel int i = 0; i < n; i++) {
                out.set(i, twice(i));
            }
        }
    }

    /** `<=`, a start that is not 0, a step > 1, a wide iinc, long and double parameters before the int ones. */
    public static void inclusiveWide(long offset, IntArray out, double scale, int from, int to) {
        int before = (int) (offset + (long) scale);
        for (@Parallel int i = from; i <= to; i += 200) {
            int local = i * 3 + before;
            out.set(i, local);
        }
    }

    /**
     * A complex initialiser; slot of an earlier variable reused by the loop variable; a later one reusing it too.
     * The writes around the loop are idempotent: every thread runs them.
     */
    public static void complexInit(IntArray out, int n, int flag) {
        {
            int early = flag * 2;
            out.set(0, early);
        }
        for (@Parallel int i = flag > 0 ? 1 : 2; i < n; i += 3) {
            out.set(i, i + 1);
        }
        {
            int late = n;
            late++;
            out.set(3, late); // idempotent, and out of the loop's way (it writes i ≡ 1 or 2 mod 3): every thread runs it
        }
    }

    /** Nested @Parallel loops, the inner bounded by the outer index. */
    public static void triangle(IntArray out, int n) {
        for (@Parallel int r = 0; r < n; r++) {
            for (@Parallel int c = 0; c <= r; c++) {
                out.set(r * n + c, r - c);
            }
        }
    }

    /** `continue` in the body. */
    public static void skipping(IntArray out, int n) {
        for (@Parallel int i = 0; i < n; i++) {
            if ((i & 3) == 1) {
                continue;
            }
            out.set(i, i);
        }
    }

    /** A bound near Integer.MAX_VALUE: the claims past the bound must not wrap. */
    public static void nearMax(IntArray out, int from, int bound) {
        for (@Parallel int i = from; i < bound; i += 5) {
            out.set(i - from, i);
        }
    }

    // ---- checks ----

    private static Method method(Class<?> owner, String name) {
        return Arrays.stream(owner.getMethods()).filter(m -> m.getName().equals(name)).findFirst().orElseThrow();
    }

    /** The kernel is split, and the copy gives the Java method's results. */
    private static void check(Method kernel, Supplier<Object[]> arguments) throws Throwable {
        KernelFunction f = KernelCompiler.compile(kernel).function();
        if (f.kind() != KernelKind.PARALLEL_LOOPS || !f.reductions().isEmpty()) {
            throw new AssertionError(kernel.getName() + " is not split by the JVM device");
        }
        LoopSplit split = ChunkedLoopRewriter.rewrite(kernel);
        LoopSplit.Chunked chunked = assertInstanceOf(LoopSplit.Chunked.class, split, split::toString);
        for (int[] run : RUNS) {
            Object[] expected = arguments.get();
            kernel.invoke(null, expected);
            Object[] actual = arguments.get();
            LAUNCHER.launch(chunked.handle(), actual, chunked.step(), run[0], run[1]);
            for (int i = 0; i < expected.length; i++) {
                if (expected[i] instanceof IntArray e) {
                    assertArrayEquals(e.toHeapArray(), ((IntArray) actual[i]).toHeapArray(),
                            kernel.getName() + " on " + run[0] + " threads in chunks of " + run[1] + ", argument " + i);
                }
            }
        }
    }

    /** Entered again with the same claims, the loop would find them all taken: it runs as written. */
    @Test
    void aLoopEnteredSeveralTimesRunsAsWritten() {
        LoopSplit split = ChunkedLoopRewriter.rewrite(method(ChunkedLoopShapesTest.class, "repeated"));
        LoopSplit.Sequential sequential = assertInstanceOf(LoopSplit.Sequential.class, split);
        assertTrue(sequential.reason().contains("inside another loop"), sequential.reason());
    }

    /** The hidden copy is no subclass, so it cannot reach the protected helper: the kernel runs as written. */
    @Test
    void anInheritedProtectedHelperRunsAsWritten() {
        LoopSplit split = ChunkedLoopRewriter.rewrite(method(Inheriting.class, "kernel"));
        LoopSplit.Sequential sequential = assertInstanceOf(LoopSplit.Sequential.class, split);
        assertTrue(sequential.reason().contains("ProtectedBase.twice"), sequential.reason());
    }

    @Test
    void inclusiveWideStepsAfterWideParameters() throws Throwable {
        check(method(ChunkedLoopShapesTest.class, "inclusiveWide"),
                () -> new Object[] {5L, new IntArray(20_000), 2.5, 7, 19_807});
        check(method(ChunkedLoopShapesTest.class, "inclusiveWide"),
                () -> new Object[] {5L, new IntArray(20_000), 2.5, 7, 7});
        check(method(ChunkedLoopShapesTest.class, "inclusiveWide"),
                () -> new Object[] {5L, new IntArray(20_000), 2.5, 7, 6});
    }

    @Test
    void complexInitialiserAndSlotReuse() throws Throwable {
        for (int flag : new int[] {0, 1}) {
            check(method(ChunkedLoopShapesTest.class, "complexInit"), () -> new Object[] {new IntArray(500), 500, flag});
        }
    }

    @Test
    void nestedParallelLoops() throws Throwable {
        check(method(ChunkedLoopShapesTest.class, "triangle"), () -> new Object[] {new IntArray(60 * 60), 60});
    }

    @Test
    void continueInTheBody() throws Throwable {
        check(method(ChunkedLoopShapesTest.class, "skipping"), () -> new Object[] {new IntArray(333), 333});
    }

    @Test
    void boundsNearIntegerMaxValue() throws Throwable {
        int from = Integer.MAX_VALUE - 1000;
        check(method(ChunkedLoopShapesTest.class, "nearMax"), () -> new Object[] {new IntArray(1001), from,
                Integer.MAX_VALUE - 3});
        check(method(ChunkedLoopShapesTest.class, "nearMax"), () -> new Object[] {new IntArray(1001), from,
                Integer.MAX_VALUE});
    }
}
