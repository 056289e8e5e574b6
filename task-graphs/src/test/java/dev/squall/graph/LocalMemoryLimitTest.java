package dev.squall.graph;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import dev.squall.api.Device;
import dev.squall.api.KernelCompilationException;
import dev.squall.api.KernelContext;
import dev.squall.api.types.FloatArray;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * A kernel whose local arrays exceed what a work-group may have on an accelerator is refused before
 * the driver sees it, with the bytes it needs and the device's limit (CUDA: the opt-in limit, since
 * Squall opts in; OpenCL: CL_DEVICE_LOCAL_MEM_SIZE).
 */
class LocalMemoryLimitTest {

    /** 8 MiB of local floats: more than any device here allows. */
    public static void hugeLocal(KernelContext c, FloatArray out) {
        float[] big = c.allocateFloatLocalArray(2 * 1024 * 1024);
        big[c.localIdx] = c.localIdx;
        c.localBarrier();
        out.set(c.globalIdx, big[(c.localIdx + 1) % c.localGroupSizeX]);
    }

    @TestFactory
    Stream<DynamicTest> tooMuchLocalMemoryIsRefusedNamingBothSizes() {
        List<Device> devices = TestDevices.accelerators();
        assumeFalse(devices.isEmpty(), "no accelerator to test");
        return devices.stream().map(device -> DynamicTest.dynamicTest(device.id(), () -> {
            FloatArray out = new FloatArray(64);
            TaskGraph graph = new TaskGraph("t").task("k", LocalMemoryLimitTest::hugeLocal, new KernelContext(), out)
                    .transferToHost(DataTransferMode.EVERY_EXECUTION, out);
            try (ExecutionPlan plan = new ExecutionPlan(graph.snapshot()).withDevice(device)) {
                plan.withGridScheduler(new GridScheduler("t.k", new WorkerGrid1D(64).setLocalWork(64)));
                Throwable e = assertThrows(Throwable.class, plan::execute);
                while (!(e instanceof KernelCompilationException) && e.getCause() != null) {
                    e = e.getCause();
                }
                String message = String.valueOf(e.getMessage());
                assertTrue(e instanceof KernelCompilationException && message.contains("needs 8388608 bytes of local"
                        + " memory per work-group") && message.contains(device.id() + " (") && message.contains(
                        "allows " + device.localMemoryBytes()), message);
            }
        }));
    }
}
