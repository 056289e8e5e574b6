package dev.squall.drivers.opencl;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.squall.api.DeviceException;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
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

    /** Output (stdout and stderr) and exit status of a child JVM. */
    record ChildResult(int exitCode, String output) {
    }

    /** Runs {@code main} in a fresh JVM on this test's class path, with extra environment variables. */
    static ChildResult runJava(Map<String, String> env, Class<?> main, String... args)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                main.getName()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().putAll(env);
        Process child = builder.start();
        String output = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(child.waitFor(60, TimeUnit.SECONDS), main.getSimpleName() + " finished");
        return new ChildResult(child.exitValue(), output);
    }
}
