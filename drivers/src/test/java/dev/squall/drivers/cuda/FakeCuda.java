package dev.squall.drivers.cuda;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.io.IOException;
import java.io.InputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * The fake driver of {@code src/test/resources/fake-cuda/fake_cuda.c}, built with gcc once per test
 * run, and its control functions. Tests that need it skip, saying why, when gcc is missing.
 */
final class FakeCuda {

    /** Arguments of {@link #configure}: what cuInit returns, devices, driver version, error-name mode. */
    static final int NAMES_FAIL = 0;
    static final int NAMES_REAL = 1;
    static final int NAMES_PREFIXED = 2;

    private static Path library;
    private static String failure;
    private static MethodHandle configure;
    private static MethodHandle count;
    private static MethodHandle live;
    private static MethodHandle expectParams;
    private static MethodHandle lastLaunch;
    private static MethodHandle lastStream;

    private FakeCuda() {
    }

    /** The built library's path; aborts (skips) the test when it cannot be built for lack of gcc. */
    static synchronized Path library() {
        if (library == null && failure == null) {
            try {
                build();
            } catch (IOException | InterruptedException e) {
                failure = "building the fake libcuda failed: " + e;
            }
        }
        if (failure != null) {
            Assumptions.abort(failure);
        }
        return library;
    }

    private static void build() throws IOException, InterruptedException {
        Path dir = Files.createTempDirectory("squall-fake-cuda");
        Path source = dir.resolve("fake_cuda.c");
        try (InputStream in = FakeCuda.class.getResourceAsStream("/fake-cuda/fake_cuda.c")) {
            if (in == null) {
                throw new IOException("test resource /fake-cuda/fake_cuda.c is missing");
            }
            Files.write(source, in.readAllBytes());
        }
        Path out = dir.resolve("libcuda-fake.so");
        List<String> command = List.of("gcc", "-shared", "-fPIC", "-O1", "-Wall", "-o", out.toString(),
                source.toString());
        Process gcc;
        try {
            gcc = new ProcessBuilder(command).redirectErrorStream(true).start();
        } catch (IOException e) {
            failure = "gcc is not installed, so the fake libcuda cannot be built (" + e.getMessage() + ")";
            return;
        }
        String output = new String(gcc.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!gcc.waitFor(60, TimeUnit.SECONDS) || gcc.exitValue() != 0) {
            throw new IOException("gcc failed: " + output);
        }
        Linker linker = Linker.nativeLinker();
        SymbolLookup symbols = SymbolLookup.libraryLookup(out, Arena.global());
        configure = linker.downcallHandle(symbols.find("squall_fake_configure").orElseThrow(),
                FunctionDescriptor.ofVoid(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT));
        count = linker.downcallHandle(symbols.find("squall_fake_count").orElseThrow(),
                FunctionDescriptor.of(JAVA_LONG, ADDRESS));
        live = linker.downcallHandle(symbols.find("squall_fake_live").orElseThrow(), FunctionDescriptor.of(JAVA_LONG));
        expectParams = linker.downcallHandle(symbols.find("squall_fake_expect_params").orElseThrow(),
                FunctionDescriptor.ofVoid(JAVA_INT));
        lastLaunch = linker.downcallHandle(symbols.find("squall_fake_last_launch").orElseThrow(),
                FunctionDescriptor.ofVoid(ADDRESS, ADDRESS));
        lastStream = linker.downcallHandle(symbols.find("squall_fake_last_stream").orElseThrow(),
                FunctionDescriptor.of(ADDRESS));
        library = out;
    }

    /** Sets what the fake reports from now on; the next cuInit applies it. */
    static void configure(int initResult, int devices, int driverVersion, int namesMode) {
        library();
        try {
            configure.invokeExact(initResult, devices, driverVersion, namesMode);
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    /** One healthy device, driver 13.0, real error names. */
    static CudaRuntime healthy() {
        configure(0, 1, 13000, NAMES_REAL);
        return CudaRuntime.load(library().toString());
    }

    /** A counter of the fake: device, host, streams, events, modules, graphs, execs, links, primary, launches, graphLaunches, setCurrent. */
    static long count(String what) {
        library();
        try (Arena arena = Arena.ofConfined()) {
            return (long) count.invokeExact(arena.allocateFrom(what));
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    /** Every driver object alive in the fake, retained primary contexts included. */
    static long live() {
        library();
        try {
            return (long) live.invokeExact();
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    /** How many 8-byte parameter slots the fake copies from a launch's parameter array. */
    static void expectParams(int n) {
        library();
        try {
            expectParams.invokeExact(n);
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    /**
     * The last launch as the fake saw it.
     *
     * @param dims   grid x, y, z, block x, y, z, shared bytes
     * @param params the first 8 parameter slots
     */
    record Launch(int[] dims, long[] params) {
    }

    /** The address of the stream the last launch went to. */
    static long lastStream() {
        library();
        try {
            return ((MemorySegment) lastStream.invokeExact()).address();
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    static Launch lastLaunch() {
        library();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment dims = arena.allocate(JAVA_INT, 8);
            MemorySegment params = arena.allocate(JAVA_LONG, 8);
            lastLaunch.invokeExact(dims, params);
            return new Launch(dims.asSlice(0, 7 * 4).toArray(JAVA_INT), params.toArray(JAVA_LONG));
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }
}
