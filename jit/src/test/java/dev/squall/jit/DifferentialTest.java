package dev.squall.jit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.squall.api.Devices;
import dev.squall.api.KernelContext;
import dev.squall.api.types.NativeArray;
import dev.squall.drivers.jvm.JavaDevice;
import dev.squall.jit.interp.IrInterpreter;
import dev.squall.jit.ir.IrPrinter;
import dev.squall.jit.ir.IrVerifier;
import dev.squall.jit.launch.LaunchPlanner;
import dev.squall.jit.launch.LaunchStep;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandles;
import java.lang.reflect.InvocationTargetException;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * The IR interpreter's results equal the Java method's (on the JVM device) on fresh random inputs:
 * bit for bit, except where a reduction reassociates floats.
 */
class DifferentialTest {

    @Test
    void theCorpusIsLargeEnough() {
        assertTrue(Corpus.all().size() >= 40, "corpus has " + Corpus.all().size() + " kernels");
    }

    @TestFactory
    Stream<DynamicTest> interpreterMatchesJava() {
        return Corpus.all().stream().map(c -> DynamicTest.dynamicTest(c.name(), () -> check(c)));
    }

    /**
     * With soft math (the PTX configuration), math functions are inlined Java from {@code SoftMath}:
     * the interpreter then runs exactly the code a GPU would, and it must agree with Java within the
     * case's device tolerance.
     */
    @TestFactory
    Stream<DynamicTest> softMathInterpreterMatchesJava() {
        return Corpus.all().stream().map(c -> DynamicTest.dynamicTest(c.name(), () -> check(c,
                new CompileOptions(true, true, true), Math.max(c.floatTolerance(), c.deviceTolerance()))));
    }

    static void check(KernelCase c) throws Throwable {
        check(c, CompileOptions.CHECKED, c.floatTolerance());
    }

    static void check(KernelCase c, CompileOptions options, double tolerance) throws Throwable {
        long seed = new Random().nextLong();
        Object[] args = c.arguments().apply(new Random(seed));
        Object[] expected = KernelCase.copy(args);
        Object[] actual = KernelCase.copy(args);
        CorpusChecks.runJava(c, expected);
        CompiledKernel compiled = KernelCompiler.compile(c.kernel(), c.compileFacts(args), options);
        IrVerifier.verify(compiled.function());
        List<LaunchStep> steps = LaunchPlanner.plan(compiled.function(), actual, c.global(), c.local(), 1024);
        for (LaunchStep s : steps) {
            IrInterpreter.launch(s.function(), s.args(), s.global(), s.local(), s.hidden());
        }
        for (int i = 0; i < args.length; i++) {
            CorpusChecks.compare(c.name() + " argument " + i + " (seed " + seed + ")", expected[i], actual[i],
                    tolerance, compiled.ir());
        }
    }

}
