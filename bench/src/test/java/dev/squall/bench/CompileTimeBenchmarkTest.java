package dev.squall.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.squall.jit.CompiledKernel;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.openjdk.jmh.annotations.Param;

/** The benchmark measures every library kernel, and each one compiles. No timing here: that is the benchmark's job. */
class CompileTimeBenchmarkTest {

    @Test
    void theParamListNamesEveryKernelOfTheCorpus() throws NoSuchFieldException {
        List<String> listed = Arrays.asList(CompileTimeBenchmark.class.getField("kernel").getAnnotation(Param.class)
                .value());
        assertEquals(List.copyOf(KernelCorpus.kernels().keySet()), listed,
                "update @Param in CompileTimeBenchmark when a kernel is added to or removed from tornado-kernels");
        assertEquals(14, listed.size(), listed.toString());
    }

    @Test
    void everyKernelCompilesFreshlyEachTime() {
        for (String name : KernelCorpus.kernels().keySet()) {
            CompileTimeBenchmark benchmark = new CompileTimeBenchmark();
            benchmark.kernel = name;
            benchmark.findKernel();
            CompiledKernel first = benchmark.compile();
            CompiledKernel second = benchmark.compile();
            assertNotSame(first, second, name + " came from the cache");
            assertEquals(first.contentHash(), second.contentHash(), name);
            assertTrue(first.ir().startsWith("kernel " + name + " ["), first.ir());
        }
    }

    @Test
    void unknownKernelNamesAreRefusedWithTheList() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> KernelCorpus.kernel("Nope.x"));
        assertTrue(e.getMessage().startsWith("no kernel 'Nope.x' in the corpus; kernels: [VectorKernels.saxpy, "),
                e.getMessage());
    }
}
