package dev.squall.jit.jvm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.squall.api.Parallel;
import dev.squall.api.types.FloatArray;
import dev.squall.api.types.IntArray;
import dev.squall.drivers.jvm.LoopLauncher;
import dev.squall.jit.Corpus;
import dev.squall.jit.CorpusChecks;
import dev.squall.jit.KernelCase;
import dev.squall.jit.KernelCompiler;
import dev.squall.jit.ir.KernelFunction;
import dev.squall.jit.ir.KernelKind;
import java.lang.invoke.MethodHandle;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.IntUnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * The JVM device's chunked copies of loop kernels: every corpus loop kernel that the JIT splits
 * gives the Java method's results bit for bit on several threads and chunk lengths, and a copy runs
 * exactly the iterations of the chunks it claims.
 */
class ChunkedLoopRewriterTest {

    private static final LoopLauncher LAUNCHER = new LoopLauncher(4);

    /** The corpus's loop kernels the JVM device splits: accepted by the JIT, with @Parallel loops and no @Reduce. */
    private static boolean splittable(KernelCase c) {
        if (c.global() != null) {
            return false;
        }
        KernelFunction f = KernelCompiler.compile(c.kernel()).function();
        return f.kind() == KernelKind.PARALLEL_LOOPS && f.reductions().isEmpty();
    }

    @Test
    void theCorpusHasLoopKernelsToSplit() {
        long n = Corpus.all().stream().filter(ChunkedLoopRewriterTest::splittable).count();
        assertTrue(n >= 20, "only " + n + " corpus loop kernels to split");
    }

    @TestFactory
    Stream<DynamicTest> chunkedCopiesMatchJava() {
        return Corpus.all().stream().filter(ChunkedLoopRewriterTest::splittable)
                .map(c -> DynamicTest.dynamicTest(c.name(), () -> check(c)));
    }

    private static void check(KernelCase c) throws Throwable {
        LoopSplit split = ChunkedLoopRewriter.rewrite(c.kernel());
        LoopSplit.Chunked chunked = assertInstanceOf(LoopSplit.Chunked.class, split, () -> c.name() + ": " + split);
        // one thread in chunks of one (a claim per iteration), three threads in chunks of 1, 2 and 5, four in one chunk each
        int[][] runs = {{1, 1}, {3, 1}, {3, 2}, {4, 5}, {4, 1 << 20}};
        for (int[] run : runs) {
            long seed = new Random().nextLong();
            Object[] args = c.arguments().apply(new Random(seed));
            Object[] expected = KernelCase.copy(args);
            CorpusChecks.runJava(c, expected);
            LAUNCHER.launch(chunked.handle(), args, chunked.step(), run[0], run[1]);
            for (int i = 0; i < args.length; i++) {
                CorpusChecks.compare(c.name() + " on " + run[0] + " threads in chunks of " + run[1] + ", argument " + i
                        + " (seed " + seed + ")", expected[i], args[i], 0, "");
            }
        }
    }

    // ---- kernels of this test ----

    public static void countVisits(IntArray visits, int n) {
        for (@Parallel int i = 5; i < n; i += 3) {
            visits.set(i, visits.get(i) + 1);
        }
    }

    /** Code before and after the loop runs in every thread, as in every GPU work-item. */
    public static void aroundTheLoop(FloatArray in, FloatArray out, IntArray marks, int n) {
        float scale = in.get(0) * 0.5f;
        marks.set(0, 7);
        for (@Parallel int i = 0; i < n; i++) {
            if (in.get(i) < 0f) {
                continue;
            }
            out.set(i, in.get(i) * scale);
        }
        marks.set(1, n);
    }

    public static void raisedTwice(FloatArray out, int n) {
        for (@Parallel int i = 0; i < n; i++) {
            out.set(i, 1f);
            if (out.get(i) > 2f) {
                i++;
            }
        }
    }

    public static void noParallelLoop(FloatArray out, int n) {
        for (int i = 0; i < n; i++) {
            out.set(i, i);
        }
    }

    public static void failsAt(FloatArray out, int n, int bad) {
        for (@Parallel int i = 0; i < n; i++) {
            out.set(i == bad ? -1 : i, i);
        }
    }

    private static MethodHandle chunked(String name, Class<?>... parameters) throws NoSuchMethodException {
        LoopSplit split = ChunkedLoopRewriter.rewrite(ChunkedLoopRewriterTest.class.getMethod(name, parameters));
        LoopSplit.Chunked chunked = assertInstanceOf(LoopSplit.Chunked.class, split, split::toString);
        return chunked.handle();
    }

    @Test
    void aCopyRunsExactlyTheChunksItClaims() throws Throwable {
        MethodHandle copy = chunked("countVisits", IntArray.class, int.class);
        int n = 200;
        IntArray visits = IntArray.fromArray(new int[n]);
        // claims: the chunk at index 2 (iterations 2·4 … 2·4+3), then the one at index 5, then past the bound
        List<Integer> handedOut = new ArrayList<>(List.of(2, 5));
        IntUnaryOperator claims = base -> handedOut.isEmpty() ? Integer.MAX_VALUE : base + handedOut.removeFirst() * 4 * 3;
        copy.invoke(visits, n, claims, 4);
        for (int i = 0; i < n; i++) {
            int iteration = (i - 5) / 3;
            boolean claimed = i >= 5 && (i - 5) % 3 == 0 && (iteration / 4 == 2 || iteration / 4 == 5);
            assertEquals(claimed ? 1 : 0, visits.get(i), "element " + i);
        }
    }

    @Test
    void manyThreadsVisitEveryIterationOnce() throws Throwable {
        MethodHandle copy = chunked("countVisits", IntArray.class, int.class);
        Random random = new Random();
        int n = 100_003;
        int[] start = new int[n];
        for (int i = 0; i < n; i++) {
            start[i] = random.nextInt(1000) + 1;
        }
        for (int chunk : new int[] {1, 7, 4096}) {
            IntArray visits = IntArray.fromArray(start);
            LAUNCHER.launch(copy, new Object[] {visits, n}, 3, 4, chunk);
            for (int i = 0; i < n; i++) {
                int expected = start[i] + (i >= 5 && (i - 5) % 3 == 0 ? 1 : 0);
                assertEquals(expected, visits.get(i), "element " + i + ", chunks of " + chunk);
            }
        }
    }

    @Test
    void codeAroundTheLoopRunsInEveryThread() throws Throwable {
        MethodHandle copy = chunked("aroundTheLoop", FloatArray.class, FloatArray.class, IntArray.class, int.class);
        Random random = new Random();
        int n = 1000;
        float[] in = new float[n];
        for (int i = 0; i < n; i++) {
            in[i] = random.nextFloat() * 4f - 1f;
        }
        in[0] = 3f;
        FloatArray expected = FloatArray.fromArray(new float[n]);
        FloatArray actual = FloatArray.fromArray(new float[n]);
        for (int i = 0; i < n; i++) {
            expected.set(i, Float.NaN);
            actual.set(i, Float.NaN);
        }
        IntArray expectedMarks = IntArray.fromArray(new int[] {-1, -1});
        IntArray actualMarks = IntArray.fromArray(new int[] {-1, -1});
        aroundTheLoop(FloatArray.fromArray(in), expected, expectedMarks, n);
        LAUNCHER.launch(copy, new Object[] {FloatArray.fromArray(in), actual, actualMarks, n}, 1, 3, 9);
        for (int i = 0; i < n; i++) {
            assertEquals(Float.floatToRawIntBits(expected.get(i)), Float.floatToRawIntBits(actual.get(i)), "element " + i);
        }
        assertEquals(7, actualMarks.get(0));
        assertEquals(n, actualMarks.get(1));
    }

    @Test
    void aLoopVariableRaisedInItsBodyIsNotSplit() throws NoSuchMethodException {
        LoopSplit split = ChunkedLoopRewriter.rewrite(ChunkedLoopRewriterTest.class.getMethod("raisedTwice",
                FloatArray.class, int.class));
        LoopSplit.Sequential sequential = assertInstanceOf(LoopSplit.Sequential.class, split);
        assertTrue(sequential.reason().contains("one positive constant increment"), sequential.reason());
    }

    @Test
    void aKernelWithoutParallelLoopIsNotSplit() throws NoSuchMethodException {
        LoopSplit split = ChunkedLoopRewriter.rewrite(ChunkedLoopRewriterTest.class.getMethod("noParallelLoop",
                FloatArray.class, int.class));
        assertEquals(new LoopSplit.Sequential("no @Parallel variable"), split);
    }

    @Test
    void aThreadsFailureReachesTheCallerAsTheKernelThrewIt() throws Throwable {
        MethodHandle copy = chunked("failsAt", FloatArray.class, int.class, int.class);
        int n = 10_000;
        for (int bad : new int[] {0, 7_777, n - 1}) {
            FloatArray out = FloatArray.fromArray(new float[n]);
            assertThrows(IndexOutOfBoundsException.class, () -> LAUNCHER.launch(copy, new Object[] {out, n, bad}, 1, 4, 16),
                    "failure at " + bad);
        }
    }
}
