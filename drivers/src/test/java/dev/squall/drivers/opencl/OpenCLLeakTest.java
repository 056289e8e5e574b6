package dev.squall.drivers.opencl;

import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Thousands of create/use/release cycles leave the process's resident memory bounded: a leaked
 * buffer per cycle would add hundreds of megabytes. Every close is called twice (idempotent).
 */
class OpenCLLeakTest {

    private static final String SOURCE = """
            __kernel void inc(__global float* x, float by) {
                x[get_global_id(0)] += by;
            }
            """;
    /** 256 KiB per cycle: 5,000 leaked buffers would be 1.25 GiB. */
    private static final int FLOATS = 1 << 16;
    private static final long ALLOWED_GROWTH = 64L << 20;

    /** Resident set size from /proc/self/status, or -1 where there is no such file. */
    static long residentBytes() {
        Path status = Path.of("/proc/self/status");
        if (!Files.isReadable(status)) {
            return -1;
        }
        try {
            for (String line : Files.readAllLines(status)) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        } catch (IOException e) {
            return -1;
        }
        return -1;
    }

    private static void assertBounded(long before, long after, String what) {
        if (before < 0 || after < 0) {
            return; // no /proc: the open-object counts below still check our side
        }
        assertTrue(after - before < ALLOWED_GROWTH, what + ": RSS grew by " + ((after - before) >> 20)
                + " MiB (from " + (before >> 20) + " to " + (after >> 20) + " MiB)");
    }

    @Test
    void fiveThousandBufferLaunchCyclesStayBounded() {
        OpenCLDevice device = OpenCLTestSupport.device();
        try (Arena arena = Arena.ofConfined(); OpenCLContext context = OpenCLContext.create(device)) {
            OpenCLProgram program = context.build(SOURCE, "");
            OpenCLKernel inc = program.kernel("inc");
            MemorySegment host = arena.allocate(JAVA_FLOAT, FLOATS);
            MemorySegment back = arena.allocate(JAVA_FLOAT, FLOATS);
            int baseline = context.openObjects();
            long before = 0;
            for (int cycle = 0; cycle < 5_300; cycle++) {
                if (cycle == 300) {
                    System.gc();
                    before = residentBytes();
                }
                host.setAtIndex(JAVA_FLOAT, cycle % FLOATS, cycle);
                OpenCLBuffer buffer = context.allocate(host.byteSize());
                buffer.write(host);
                inc.setBuffer(0, buffer).setFloat(1, 1f);
                OpenCLEvent run = context.launch(inc, new long[] {FLOATS}, null);
                buffer.read(back);
                assertEquals(cycle + 1f, back.getAtIndex(JAVA_FLOAT, cycle % FLOATS), "cycle " + cycle);
                run.close();
                run.close();
                buffer.close();
                buffer.close();
                assertTrue(buffer.isClosed() && run.isClosed());
            }
            System.gc();
            assertBounded(before, residentBytes(), "5,000 buffer/write/launch/read/release cycles");
            assertEquals(baseline, context.openObjects(), "nothing left open but the program and kernel");
        }
    }

    @Test
    void twoHundredContextAndProgramCyclesStayBounded(@TempDir Path cacheDir) {
        OpenCLDevice device = OpenCLTestSupport.device();
        ProgramCache cache = ProgramCache.at(cacheDir);
        long before = 0;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment host = arena.allocate(JAVA_FLOAT, 1024);
            for (int cycle = 0; cycle < 220; cycle++) {
                if (cycle == 20) {
                    System.gc();
                    before = residentBytes();
                }
                OpenCLContext context = OpenCLContext.create(device, cache);
                OpenCLProgram program = context.build(SOURCE, "");
                OpenCLKernel inc = program.kernel("inc");
                OpenCLBuffer buffer = context.allocate(host.byteSize());
                buffer.fill(1f).close();
                inc.setBuffer(0, buffer).setFloat(1, cycle);
                OpenCLEvent run = context.launch(inc, new long[] {1024}, new long[] {64});
                buffer.read(host);
                assertEquals(1f + cycle, host.getAtIndex(JAVA_FLOAT, 1023));
                if (cycle % 2 == 0) {
                    // half the cycles close everything themselves ...
                    run.close();
                    inc.close();
                    program.close();
                    buffer.close();
                    assertEquals(0, context.openObjects());
                } else {
                    // ... the other half leave it to the context
                    assertEquals(4, context.openObjects());
                }
                context.close();
                context.close();
                assertTrue(context.isClosed() && buffer.isClosed() && run.isClosed() && inc.isClosed()
                        && program.isClosed());
                // after the context, every close is still a no-op
                buffer.close();
                run.close();
                inc.close();
                program.close();
            }
        }
        System.gc();
        assertBounded(before, residentBytes(), "200 context/program create-release cycles");
        ProgramCache.Stats stats = cache.stats();
        assertEquals(1, stats.stores(), "built from source once: " + stats);
        assertEquals(219, stats.hits(), "every later context loaded the binary: " + stats);
    }
}
