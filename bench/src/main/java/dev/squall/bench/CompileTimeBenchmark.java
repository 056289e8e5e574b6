package dev.squall.bench;

import dev.squall.jit.CompileOptions;
import dev.squall.jit.CompiledKernel;
import dev.squall.jit.KernelCompiler;
import java.lang.reflect.Method;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * How long the JIT takes to compile one kernel to optimised IR: front end (bytecode to SSA,
 * inlining), parallel-loop and reduction lowering, address spaces and the clean-up passes, plus the
 * content hash. Every invocation is a real compilation: {@link KernelCompiler#compileUncached}
 * neither reads nor fills the compile cache. The parsed class file is cached by the front end, as it
 * is in an application that compiles several kernels of one class; emitters are not measured (none
 * exist yet). Warm numbers: the JVM has JIT-compiled Squall's compiler during the warm-up, which is
 * long (3 x 5 s) because with 1 s iterations the larger kernels were still getting faster while
 * measured; the first compilation in a fresh JVM is 10 to 100 times slower (see the warm-up lines).
 *
 * <p>Run with {@code scripts/bench-compile}, or
 * {@code java -jar bench/target/benchmarks.jar CompileTimeBenchmark -f 1 -wi 3 -i 5}.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 5)
@Measurement(iterations = 5, time = 2)
@Fork(1)
@State(Scope.Benchmark)
public class CompileTimeBenchmark {

    /** Every kernel of {@link KernelCorpus}; {@code CompileTimeBenchmarkTest} keeps the two equal. */
    @Param({
        "VectorKernels.saxpy", "VectorKernels.saxpySpmd", "VectorKernels.vectorAdd", "VectorKernels.vectorAddSpmd",
        "Reductions.max", "Reductions.sum", "Reductions.sumInt", "Reductions.sumIntLocal", "Reductions.sumLocal",
        "Reductions.sumPartials",
        "MatrixMultiplication.matmul", "MatrixMultiplication.matmulTiled",
        "Softmax.softmaxRows", "Softmax.softmaxRowsSpmd"})
    public String kernel;

    private Method method;

    @Setup(Level.Trial)
    public void findKernel() {
        method = KernelCorpus.kernel(kernel);
    }

    @Benchmark
    public CompiledKernel compile() {
        return KernelCompiler.compileUncached(method, Map.of(), CompileOptions.DEFAULT);
    }
}
