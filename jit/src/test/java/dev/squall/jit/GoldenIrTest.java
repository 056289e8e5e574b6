package dev.squall.jit;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.squall.jit.corpus.LoopKernels;
import dev.squall.kernels.MatrixMultiplication;
import dev.squall.kernels.Reductions;
import dev.squall.kernels.VectorKernels;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The optimised IR of a few kernels, checked in as text. A change here is a change in what every
 * backend generates; regenerate deliberately with {@code -Dsquall.updateGolden=true}.
 */
class GoldenIrTest {

    private static final Path DIR = Path.of("src/test/resources/golden");

    static Stream<Arguments> kernels() {
        return Stream.of(
                Arguments.of(VectorKernels.class, "vectorAdd"),
                Arguments.of(VectorKernels.class, "saxpySpmd"),
                Arguments.of(Reductions.class, "sum"),
                Arguments.of(MatrixMultiplication.class, "matmul"),
                Arguments.of(MatrixMultiplication.class, "matmulTiled"),
                Arguments.of(LoopKernels.class, "records"));
    }

    @ParameterizedTest(name = "{1}")
    @MethodSource("kernels")
    void irMatchesTheCheckedInText(Class<?> owner, String method) throws IOException {
        CompiledKernel k = KernelCompiler.compile(KernelCase.find(owner, method), Map.of(), CompileOptions.CHECKED);
        StringBuilder text = new StringBuilder(k.ir());
        k.function().reductions().forEach(r -> text.append('\n').append(dev.squall.jit.ir.IrPrinter.print(r.finisher())));
        Path file = DIR.resolve(owner.getSimpleName() + "." + method + ".ir");
        if (Boolean.getBoolean("squall.updateGolden") || !Files.exists(file)) {
            Files.createDirectories(DIR);
            Files.writeString(file, text);
        }
        assertEquals(Files.readString(file), text.toString(), "IR of " + owner.getSimpleName() + "." + method
                + " changed; if intended, rerun with -Dsquall.updateGolden=true and review the diff");
    }
}
