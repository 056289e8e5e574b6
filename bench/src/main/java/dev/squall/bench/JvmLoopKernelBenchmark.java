package dev.squall.bench;

import dev.squall.api.types.FloatArray;
import dev.squall.api.types.HalfFloatArray;
import dev.squall.api.types.Q8_0Array;
import dev.squall.drivers.jvm.LoopLauncher;
import dev.squall.jit.jvm.ChunkedLoopRewriter;
import dev.squall.jit.jvm.LoopSplit;
import dev.squall.kernels.transformer.MatVec;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.reflect.Method;
import java.util.Random;
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
 * The JVM device's loop kernels on 1 … N threads: a Llama-3.2-1B feed-forward product (8192 rows of
 * 2048 weights, {@code MatVec.matVecQ8} and {@code matVecF16}) run as written ({@code threads = 0})
 * and as the device runs it on {@code threads} threads ({@link ChunkedLoopRewriter}'s copy through a
 * {@link LoopLauncher}, chunks sized as the device sizes them). Weights: 17.8 MB in Q8_0, 33.6 MB in
 * f16; divide by the time for the weights' GB/s. Run with
 * {@code java -jar bench/target/benchmarks.jar JvmLoopKernelBenchmark -p threads=0,1,2,4}.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
@State(Scope.Benchmark)
public class JvmLoopKernelBenchmark {

    private static final int ROWS = 8192;
    private static final int COLS = 2048;

    @Param({"matVecQ8", "matVecF16"})
    public String kernel;

    /** 0: the method as written, on the benchmark's thread; else the chunked copy on this many threads. */
    @Param({"0", "1", "2", "4"})
    public int threads;

    private Object[] args;
    private MethodHandle asWritten;
    private MethodHandle chunked;
    private int step;
    private LoopLauncher launcher;

    @Setup(Level.Trial)
    public void prepare() throws ReflectiveOperationException {
        Random random = new Random(42);
        float[] weights = new float[ROWS * COLS];
        for (int i = 0; i < weights.length; i++) {
            weights[i] = random.nextFloat() - 0.5f;
        }
        float[] input = new float[COLS];
        for (int i = 0; i < COLS; i++) {
            input[i] = random.nextFloat() * 2f - 1f;
        }
        Object w = kernel.equals("matVecQ8") ? Q8_0Array.quantize(weights) : HalfFloatArray.fromFloats(weights);
        args = new Object[] {w, FloatArray.fromArray(input), FloatArray.fromArray(new float[ROWS]), ROWS, COLS, 0};
        Method method = MatVec.class.getMethod(kernel, w.getClass(), FloatArray.class, FloatArray.class, int.class,
                int.class, int.class);
        asWritten = MethodHandles.lookup().unreflect(method);
        if (threads > 0) {
            if (!(ChunkedLoopRewriter.rewrite(method) instanceof LoopSplit.Chunked copy)) {
                throw new IllegalStateException(kernel + " is not split");
            }
            chunked = copy.handle();
            step = copy.step();
            launcher = new LoopLauncher(threads);
        }
    }

    @Benchmark
    public Object run() throws Throwable {
        if (threads == 0) {
            asWritten.invokeWithArguments(args);
        } else {
            launcher.launch(chunked, args, step, launcher.threads(ROWS), launcher.chunk(ROWS));
        }
        return args[2];
    }
}
