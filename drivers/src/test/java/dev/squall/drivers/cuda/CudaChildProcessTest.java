package dev.squall.drivers.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.squall.drivers.cuda.bench.CudaBench;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * What a fresh JVM started with {@code -Dsquall.cuda.library} sees: the service-loaded provider
 * and the bench, against the fake driver.
 */
class CudaChildProcessTest {

    record ChildResult(int exitCode, String output) {
    }

    static ChildResult runJava(String library, Class<?> main, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "--enable-native-access=ALL-UNNAMED", "-D" + CudaLibrary.LIBRARY_PROPERTY + "=" + library,
                "-cp", System.getProperty("java.class.path"), main.getName()));
        command.addAll(List.of(args));
        Process child = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(child.waitFor(60, TimeUnit.SECONDS), main.getSimpleName() + " finished");
        return new ChildResult(child.exitValue(), output);
    }

    @Test
    void thePropertyPicksTheLibraryForDiscovery() throws Exception {
        FakeCuda.library();
        ChildResult child = runJava(FakeCuda.library().toString(), DiscoveryProbe.class);
        assertEquals(0, child.exitCode(), child.output());
        assertTrue(child.output().contains("available=true reason=null"), child.output());
        assertTrue(child.output().contains("device cuda:0 Squall Fake H100 #0 CudaDevice"), child.output());

        ChildResult missing = runJava("/nonexistent/libcuda.so.1", DiscoveryProbe.class);
        assertEquals(0, missing.exitCode(), missing.output());
        assertTrue(missing.output().contains("available=false reason=/nonexistent/libcuda.so.1 not found: "),
                missing.output());
    }

    @Test
    void theBenchRunsThroughOnTheFake() throws Exception {
        ChildResult bench = runJava(FakeCuda.library().toString(), CudaBench.class, "first", "16", "3", "50", "20");
        assertEquals(0, bench.exitCode(), bench.output());
        for (String line : new String[] {"device   cuda:0 (Squall Fake H100 #0)", "one launch + synchronize:",
            "stream launches, batches of 50, per launch: host median", "graph replay,    batches of 50",
            "cuMemcpyDtoDAsync, 16 MiB, 3 runs: median", "copy_v4 kernel,    16 MiB, 3 runs: median"}) {
            assertTrue(bench.output().contains(line), line + " in\n" + bench.output());
        }
    }
}
