package dev.squall.drivers.opencl;

import dev.squall.api.DeviceException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import org.junit.jupiter.api.Assumptions;

/** The device OpenCL tests run on, or a skip that says why there is none. */
final class OpenCLTestSupport {

    private OpenCLTestSupport() {
    }

    /** The first OpenCL device; aborts (skips) the test, with the reason, when there is none. */
    static OpenCLDevice device() {
        OpenCLRuntime runtime;
        try {
            runtime = OpenCLRuntime.system();
        } catch (DeviceException e) {
            Assumptions.abort("no OpenCL library: " + e.getMessage());
            throw e;
        }
        if (runtime.platforms().isEmpty()) {
            Assumptions.abort(OpenCLDeviceProvider.NO_PLATFORMS);
        }
        if (runtime.devices().isEmpty()) {
            Assumptions.abort("no usable OpenCL device: " + runtime.problems());
        }
        return runtime.devices().getFirst();
    }

    static MemorySegment ints(Arena arena, int[] values) {
        return arena.allocateFrom(ValueLayout.JAVA_INT, values);
    }

    static MemorySegment floats(Arena arena, float[] values) {
        return arena.allocateFrom(ValueLayout.JAVA_FLOAT, values);
    }
}
