package dev.squall.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.squall.api.Device;
import dev.squall.api.Devices;
import dev.squall.api.Parallel;
import dev.squall.api.types.IntArray;
import dev.squall.graph.DataTransferMode;
import dev.squall.graph.ExecutionPlan;
import dev.squall.graph.TaskGraph;
import dev.squall.kernels.other.BaseWithProtectedHelper;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * Loop kernels through a task graph on the JVM device, which splits their outermost @Parallel loop
 * over its threads: the result must be the Java method's. Sizes are large so that the pool threads
 * are running while the calling thread still claims chunks.
 */
class LoopSplitOnJvmTest {

    private final Device jvm = Devices.get("java");

    /** A sequential loop around the @Parallel one (the JIT accepts it; every work-item runs all t). */
    public static void repeated(IntArray a, int steps, int n) {
        for (int t = 0; t < steps; t++) {
            for (@Parallel int i = 0; i < n; i++) {
                a.set(i, a.get(i) + 1);
            }
        }
    }

    /** Calls a protected static helper inherited from a class in another package. */
    public static final class Inheriting extends BaseWithProtectedHelper {
        private Inheriting() {
        }

        public static void doubled(IntArray out, int n) {
            for (@Parallel int i = 0; i < n; i++) {
                out.set(i, twice(i));
            }
        }
    }

    @Test
    void aParallelLoopInsideASequentialLoopRunsEveryTime() {
        int n = 1 << 20;
        IntArray a = new IntArray(n);
        run(new TaskGraph("g").task("t", LoopSplitOnJvmTest::repeated, a, 3, n));
        int[] expected = new int[n];
        Arrays.fill(expected, 3);
        int at = Arrays.mismatch(expected, a.toHeapArray());
        assertEquals(-1, at, () -> "element " + at + " is " + a.get(at));
    }

    @Test
    void anInheritedProtectedHelperIsReachable() {
        int n = 1 << 16;
        IntArray out = new IntArray(n);
        run(new TaskGraph("g").task("t", Inheriting::doubled, out, n));
        for (int i = 0; i < n; i++) {
            assertEquals(2 * i, out.get(i), "element " + i);
        }
    }

    @Test
    void aReduceKernelIsNotSplit() {
        int n = 1 << 21;
        int[] values = new int[n];
        Arrays.fill(values, 1);
        IntArray total = IntArray.fromElements(7);
        run(new TaskGraph("g").task("t", Reductions::sumInt, IntArray.fromArray(values), total));
        assertEquals(n + 7, total.get(0));
    }

    private void run(TaskGraph graph) {
        graph.transferToHost(DataTransferMode.EVERY_EXECUTION, new IntArray(1));
        try (ExecutionPlan plan = new ExecutionPlan(graph.snapshot()).withDevice(jvm)) {
            plan.execute();
        }
    }
}
