package dev.squall.graph;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.squall.api.Device;
import dev.squall.api.DeviceType;
import dev.squall.api.KernelContext;
import dev.squall.api.types.FloatArray;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** TaskGraph.specialize: scalar parameters become compile-time constants, on every device. */
class SpecializationTest {

    static Stream<Device> devices() {
        return TestDevices.all();
    }

    private static TaskGraph reverse(FloatArray in, FloatArray out, int tile) {
        return new TaskGraph("s").transferToDevice(DataTransferMode.EVERY_EXECUTION, in)
                .task("t", TestKernels::reverseTiles, new KernelContext(), in, out, tile)
                .transferToHost(DataTransferMode.EVERY_EXECUTION, out);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("devices")
    void aSpecialisedParameterSizesLocalMemory(Device device) {
        for (int tile : new int[] {3, 8}) {
            int n = 5 * tile;
            FloatArray in = new FloatArray(n);
            FloatArray out = new FloatArray(n);
            for (int i = 0; i < n; i++) {
                in.set(i, i * 0.5f + 1);
            }
            out.init(Float.NaN);
            try (ExecutionPlan plan = new ExecutionPlan(reverse(in, out, tile).specialize("t", 3).snapshot())
                    .withDevice(device).withGridScheduler(new GridScheduler("s.t", new WorkerGrid1D(n).setLocalWork(tile)))) {
                plan.execute();
                plan.execute(); // a reused plan keeps its specialised kernel
            }
            for (int i = 0; i < n; i++) {
                int base = i / tile * tile;
                assertEquals(in.get(base + tile - 1 - (i - base)), out.get(i), "element " + i + " with tile " + tile
                        + " on " + device.id());
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("devices")
    void withoutSpecialisationACompilerRefusesTheVariableLocalArray(Device device) {
        FloatArray in = new FloatArray(8);
        FloatArray out = new FloatArray(8);
        try (ExecutionPlan plan = new ExecutionPlan(reverse(in, out, 4).snapshot()).withDevice(device)
                .withGridScheduler(new GridScheduler("s.t", new WorkerGrid1D(8).setLocalWork(4)))) {
            if (device.type() == DeviceType.JVM) {
                plan.execute(); // the Java method itself allocates any size
                return;
            }
            RuntimeException e = assertThrows(RuntimeException.class, plan::execute);
            String message = String.valueOf(e.getMessage()) + (e.getCause() == null ? "" : " " + e.getCause().getMessage());
            assertTrue(message.contains("compile-time constant"), message);
        }
    }

    @Test
    void misuseIsRefusedWithTheTaskAndParameter() {
        FloatArray in = new FloatArray(8);
        FloatArray out = new FloatArray(8);
        var e = assertThrows(TaskGraphException.class, () -> reverse(in, out, 4).specialize("nope", 3));
        assertTrue(e.getMessage().contains("no task 'nope'"), e.getMessage());
        e = assertThrows(TaskGraphException.class, () -> reverse(in, out, 4).specialize("t", 4));
        assertTrue(e.getMessage().contains("parameters 0..3"), e.getMessage());
        e = assertThrows(TaskGraphException.class, () -> reverse(in, out, 4).specialize("t", 1));
        assertTrue(e.getMessage().contains("FloatArray") && e.getMessage().contains("not a primitive scalar"),
                e.getMessage());
    }
}
