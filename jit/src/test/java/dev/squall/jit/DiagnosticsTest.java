package dev.squall.jit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.squall.api.KernelCompilationException;
import dev.squall.jit.corpus.RefusedKernels;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Unsupported Java in a kernel gets the exact diagnostic: class, method, line, bytecode index and construct. */
class DiagnosticsTest {

    private static final Path SOURCE = Path.of("src/test/java/dev/squall/jit/corpus/RefusedKernels.java");

    static Stream<Arguments> refused() {
        return Stream.of(
                Arguments.of("allocatesArray", "allocation", "allocatesArray",
                        "allocates a Java array (new float[]); use KernelContext.allocate*LocalArray for local memory or pass"
                                + " arrays as parameters"),
                Arguments.of("throwsException", "throw", "throwsException",
                        "throws an exception (new IllegalStateException), which kernels cannot"),
                Arguments.of("catchesException", "catch", "catchesException",
                        "try/catch or try/finally: kernels cannot catch exceptions"),
                Arguments.of("recursive", "recursion", "factorial",
                        "calls RefusedKernels.factorial recursively; kernels cannot recurse"),
                Arguments.of("virtualCall", "virtual", "virtualCall",
                        "calls FloatArray.hashCode, which is not available inside kernels"),
                Arguments.of("listParameter", "", "listParameter",
                        "parameter 'values' has type List; kernels take primitives, Squall arrays, primitive arrays and a"
                                + " KernelContext"),
                Arguments.of("synchronizes", "monitor", "synchronizes", "synchronizes on a monitor, which kernels cannot"),
                Arguments.of("mutableStatic", "static", "mutableStatic",
                        "reads static field RefusedKernels.counter; kernels read only static final primitive constants"
                                + " (pass other values as parameters)"),
                Arguments.of("staticArray", "static-array", "staticArray",
                        "reads static field RefusedKernels.TABLE; kernels read only static final primitive constants"
                                + " (pass other values as parameters)"),
                Arguments.of("usesString", "string", "usesString", "uses the string \"x\"; kernels cannot use strings"),
                Arguments.of("readsBoxField", "object", "readsBoxField",
                        "allocates a Box; kernels can create records only (scalar replaced)"),
                Arguments.of("allocatesInLoop", "local-in-loop", "allocatesInLoop",
                        "allocates local memory inside a loop; allocate local arrays once, before any loop"),
                Arguments.of("localSizeNotConstant", "local-size", "localSizeNotConstant",
                        "calls KernelContext.allocateFloatLocalArray with a length that is not a compile-time constant;"
                                + " local memory is sized when the kernel is compiled"),
                Arguments.of("breaksParallelLoop", "parallel-break", "breaksParallelLoop",
                        "@Parallel loop over 'i' is left by break or return; its iterations must all run, independently"),
                Arguments.of("siblingParallelLoops", "siblings", "siblingParallelLoops",
                        "has @Parallel loops one after another; Java runs the first to completion before the second,"
                                + " which a device cannot promise without a global barrier: put each loop in its own task"),
                Arguments.of("carriesValue", "carried", "carriesValue",
                        "@Parallel loop over 'i' carries 'k' from one iteration to the next; its iterations must be"
                                + " independent: compute it from i in the body"),
                Arguments.of("readsLastIteration", "carried-after", "readsLastIteration",
                        "@Parallel loop over 'i' carries 'last' from one iteration to the next; its iterations must be"
                                + " independent: compute it from i in the body"),
                Arguments.of("variableStride", "stride", "variableStride",
                        "@Parallel loop over 'i' must step by a positive constant"),
                Arguments.of("conditionalReduce", "conditional-reduce", "conditionalReduce",
                        "@Reduce result 'out' is updated conditionally; update it every iteration, e.g. out.set(0,"
                                + " out.get(0) + (cond ? x : 0))"),
                Arguments.of("nullCheck", "null", "nullCheck", "tests a reference for null; kernels have no null references"),
                Arguments.of("roundsWithMathRound", "math-round", "roundsWithMathRound",
                        "calls java.lang.Math.round(float)int, which kernels cannot (only Math, Float, Double, Integer and"
                                + " Long functions are available)"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("refused")
    void refusesWithThePreciseDiagnostic(String kernel, String marker, String reportedMethod, String construct)
            throws IOException {
        KernelCompilationException e = assertThrows(KernelCompilationException.class,
                () -> KernelCompiler.compile(KernelCase.find(RefusedKernels.class, kernel), Map.of(), CompileOptions.CHECKED));
        assertEquals(RefusedKernels.class.getName(), e.className(), e.getMessage());
        assertEquals(reportedMethod, e.methodName(), e.getMessage());
        assertEquals(construct, e.construct(), e.getMessage());
        if (!marker.isEmpty()) {
            assertEquals(markerLine(marker), e.sourceLine(), e.getMessage());
        }
        assertTrue(e.bytecodeIndex() >= 0, e.getMessage());
        assertTrue(e.getMessage().startsWith("cannot compile kernel " + RefusedKernels.class.getName() + "."
                + reportedMethod + "(RefusedKernels.java"), e.getMessage());
    }

    @org.junit.jupiter.api.Test
    void aVariableSetAfreshInEveryIterationIsNotCarried() {
        KernelCompiler.compile(KernelCase.find(RefusedKernels.class, "reassignedEachIteration"), Map.of(),
                CompileOptions.CHECKED);
    }

    @org.junit.jupiter.api.Test
    void kernelsMustReturnVoid() {
        KernelCompilationException e = assertThrows(KernelCompilationException.class,
                () -> KernelCompiler.compile(KernelCase.find(RefusedKernels.class, "returnsValue")));
        assertEquals("kernels return void and write their results to arrays", e.construct());
    }

    private static int markerLine(String marker) throws IOException {
        List<String> lines = Files.readAllLines(SOURCE);
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).endsWith("// refused: " + marker)) {
                return i + 1;
            }
        }
        throw new IllegalStateException("no marker " + marker);
    }
}
