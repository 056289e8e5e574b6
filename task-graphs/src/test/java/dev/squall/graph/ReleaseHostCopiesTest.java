package dev.squall.graph;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.squall.api.Backend;
import dev.squall.api.Device;
import dev.squall.api.Devices;
import dev.squall.api.types.FloatArray;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link ExecutionPlan#releaseHostCopies}: weights uploaded once lose their host memory and later executions
 * go on computing with the device copy (fresh inputs, outputs poisoned before each run); everything that would
 * need the host memory again is refused with a message that says why.
 */
class ReleaseHostCopiesTest {

    private static final int N = 1000;

    private final Random rng = new Random();

    static Stream<Device> accelerators() {
        return TestDevices.accelerators().stream();
    }

    private FloatArray random() {
        FloatArray a = new FloatArray(N);
        for (int i = 0; i < N; i++) {
            a.set(i, rng.nextFloat() * 2 - 1);
        }
        return a;
    }

    /** out = x + weights: the weights copied once, x in and out back every execution. */
    private static TaskGraph weightsPlusInput(FloatArray weights, FloatArray x, FloatArray out) {
        return new TaskGraph("g").transferToDevice(DataTransferMode.FIRST_EXECUTION, weights)
                .transferToDevice(DataTransferMode.EVERY_EXECUTION, x)
                .task("add", TestKernels::add, x, weights, out)
                .transferToHost(DataTransferMode.EVERY_EXECUTION, out);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("accelerators")
    void laterExecutionsComputeWithTheDeviceCopy(Device device) {
        check(device, false);
        if (device.backend() == Backend.CUDA) {
            check(device, true); // a captured CUDA graph replays with the device copy too
        }
    }

    private void check(Device device, boolean cudaGraph) {
        FloatArray weights = random();
        float[] kept = weights.toHeapArray();
        FloatArray x = random();
        FloatArray out = new FloatArray(N);
        TaskGraph graph = weightsPlusInput(weights, x, out);
        try (ExecutionPlan plan = new ExecutionPlan(graph.snapshot()).withDevice(device)) {
            if (cudaGraph) {
                plan.withCudaGraph();
            }
            out.init(Float.NaN);
            plan.execute();
            plan.releaseHostCopies(weights);
            assertTrue(weights.isHostReleased());
            assertEquals(N, weights.getSize(), "the array keeps its size");
            for (int run = 0; run < 3; run++) {
                for (int i = 0; i < N; i++) {
                    x.set(i, rng.nextFloat() * 2 - 1);
                }
                out.init(Float.NaN);
                plan.execute();
                for (int i = 0; i < N; i++) {
                    assertEquals(x.get(i) + kept[i], out.get(i), "element " + i + " of run " + run + " on " + device.id());
                }
            }
            String read = assertThrows(IllegalStateException.class, () -> weights.get(0)).getMessage();
            assertTrue(read.contains("keeps its data only on a device"), read);
            TaskGraphException copy = assertThrows(TaskGraphException.class, () -> plan.transferToDevice(weights));
            assertTrue(copy.getMessage().contains("host memory was released"), copy.getMessage());
            plan.releaseHostCopies(weights); // already released: nothing to do
        } finally {
            weights.free();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("accelerators")
    void refusesWhatWouldNeedTheHostMemoryAgain(Device device) {
        FloatArray weights = random();
        FloatArray x = random();
        FloatArray out = new FloatArray(N);
        FloatArray stranger = random();
        TaskGraph graph = weightsPlusInput(weights, x, out);
        try (ExecutionPlan plan = new ExecutionPlan(graph.snapshot()).withDevice(device)) {
            assertEquals("releaseHostCopies before the plan's first execution: the arrays are not on the device yet;"
                    + " execute the plan once first",
                    assertThrows(TaskGraphException.class, () -> plan.releaseHostCopies(weights)).getMessage());
            plan.execute();
            assertEquals("releaseHostCopies of FloatArray[1000]: task graph 'g' copies it to the device EVERY_EXECUTION,"
                    + " which needs the host memory again",
                    assertThrows(TaskGraphException.class, () -> plan.releaseHostCopies(x)).getMessage());
            assertEquals("releaseHostCopies of FloatArray[1000]: task graph 'g' copies it back to the host",
                    assertThrows(TaskGraphException.class, () -> plan.releaseHostCopies(out)).getMessage());
            assertEquals("releaseHostCopies of FloatArray[1000]: the plan does not copy it to the device"
                    + " FIRST_EXECUTION, so it keeps no copy of it",
                    assertThrows(TaskGraphException.class, () -> plan.releaseHostCopies(stranger)).getMessage());
            // a refused call releases nothing, not even the arrays before the refused one
            assertThrows(TaskGraphException.class, () -> plan.releaseHostCopies(weights, x));
            assertTrue(!weights.isHostReleased() && !x.isHostReleased());
        }
    }

    /**
     * A refused on-demand transfer issues nothing (before, the arrays ahead of the refused one were already being
     * copied, from host memory a release could then free), and a plan that would copy a released array is
     * refused before it issues anything.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("accelerators")
    void refusalsIssueNothing(Device device) {
        FloatArray weights = random();
        float[] uploaded = weights.toHeapArray();
        FloatArray x = random();
        FloatArray out = new FloatArray(N);
        TaskGraph graph = weightsPlusInput(weights, x, out);
        FloatArray echo = new FloatArray(N);
        TaskGraph sharing = new TaskGraph("h").transferToDevice(DataTransferMode.EVERY_EXECUTION, weights)
                .task("add", TestKernels::add, weights, weights, echo)
                .transferToHost(DataTransferMode.EVERY_EXECUTION, echo);
        try (ExecutionPlan plan = new ExecutionPlan(graph.snapshot()).withDevice(device);
             ExecutionPlan other = new ExecutionPlan(sharing.snapshot()).withDevice(device)) {
            plan.execute();
            weights.set(0, 1000f); // a new host value that a copy to the device would carry
            TaskGraphException e = assertThrows(TaskGraphException.class, () -> plan.transferToDevice(weights, random()));
            assertTrue(e.getMessage().endsWith("this array is not used by the plan"), e.getMessage());
            plan.releaseHostCopies(weights);
            out.init(Float.NaN);
            plan.execute();
            assertEquals(x.get(0) + uploaded[0], out.get(0), "the refused transfer copied nothing");
            for (int i = 1; i < N; i++) {
                assertEquals(x.get(i) + uploaded[i], out.get(i), "element " + i + " on " + device.id());
            }
            echo.init(Float.NaN);
            TaskGraphException shared = assertThrows(TaskGraphException.class, other::execute);
            assertEquals("task graph 'h' copies FloatArray[1000, on the device only] to the device, but its host memory"
                    + " was released (releaseHostCopies) and only a device copy is left; transfer it FIRST_EXECUTION in a"
                    + " plan that holds it", shared.getMessage());
            assertTrue(Float.isNaN(echo.get(0)), "nothing ran");
        } finally {
            weights.free();
        }
    }

    @Test
    void refusesTheJvmDevice() {
        FloatArray weights = random();
        FloatArray x = random();
        FloatArray out = new FloatArray(N);
        TaskGraph graph = new TaskGraph("g").transferToDevice(DataTransferMode.FIRST_EXECUTION, weights)
                .task("add", TestKernels::add, x, weights, out);
        try (ExecutionPlan plan = new ExecutionPlan(graph.snapshot()).withDevice(Devices.get("java"))) {
            plan.execute();
            TaskGraphException e = assertThrows(TaskGraphException.class, () -> plan.releaseHostCopies(weights));
            assertEquals("releaseHostCopies on the JVM device, whose kernels run on the host arrays themselves: there"
                    + " is no device copy to keep", e.getMessage());
            assertTrue(!weights.isHostReleased());
        }
    }
}
