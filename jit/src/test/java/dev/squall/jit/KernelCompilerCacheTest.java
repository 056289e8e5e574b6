package dev.squall.jit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.squall.kernels.VectorKernels;
import java.lang.reflect.Method;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The compile cache, and the uncached path that benchmarks and {@code squall compile} use. */
class KernelCompilerCacheTest {

    private static Method saxpy() throws NoSuchMethodException {
        return VectorKernels.class.getMethod("saxpy", float.class, dev.squall.api.types.FloatArray.class,
                dev.squall.api.types.FloatArray.class);
    }

    @Test
    void uncachedCompilationRunsThePipelineEveryTimeAndLeavesTheCacheAlone() throws Exception {
        Map<Integer, Object> spec = Map.of(0, 2.5f); // a specialisation no other test uses
        CompiledKernel first = KernelCompiler.compileUncached(saxpy(), spec, CompileOptions.DEFAULT);
        CompiledKernel second = KernelCompiler.compileUncached(saxpy(), spec, CompileOptions.DEFAULT);
        assertNotSame(first, second);
        assertEquals(first.contentHash(), second.contentHash());
        assertEquals(first.ir(), second.ir());
        assertTrue(first.ir().contains("= 2.5"), first.ir());
        assertTrue(first.compileNanos() > 0 && second.compileNanos() > 0);

        CompiledKernel cached = KernelCompiler.compile(saxpy(), spec, CompileOptions.DEFAULT);
        assertNotSame(first, cached, "compileUncached must not fill the cache");
        assertNotSame(second, cached, "compileUncached must not fill the cache");
        assertEquals(first.contentHash(), cached.contentHash());
        assertSame(cached, KernelCompiler.compile(saxpy(), spec, CompileOptions.DEFAULT));
        assertNotSame(cached, KernelCompiler.compileUncached(saxpy(), spec, CompileOptions.DEFAULT),
                "compileUncached must not read the cache");
    }
}
