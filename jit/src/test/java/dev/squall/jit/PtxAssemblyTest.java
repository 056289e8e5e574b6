package dev.squall.jit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.squall.jit.ptx.PtxEmitter;
import dev.squall.jit.ptx.PtxTarget;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Every corpus kernel compiles to PTX that the CUDA toolkit's assembler accepts for sm_80 and
 * sm_90 (CI has no GPU; running the PTX is the GPU test's job).
 */
class PtxAssemblyTest {

    static String ptxas() {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (Files.isExecutable(Path.of(dir, "ptxas"))) {
                return Path.of(dir, "ptxas").toString();
            }
        }
        return Files.isExecutable(Path.of("/usr/local/cuda/bin/ptxas")) ? "/usr/local/cuda/bin/ptxas" : null;
    }

    @TestFactory
    Stream<DynamicNode> everyCorpusKernelAssembles() {
        String ptxas = ptxas();
        assumeTrue(ptxas != null, "ptxas (CUDA toolkit) is not on the PATH: PTX assembly is not checked on this machine");
        return Stream.of(PtxTarget.SM_80, PtxTarget.SM_90).map(target -> DynamicContainer.dynamicContainer(
                target.targetName(), Corpus.all().stream().map(c -> DynamicTest.dynamicTest(c.name(), () -> {
                    // compiled as a task graph would: with the divisibility facts of sample arguments
                    Object[] args = c.arguments().apply(new java.util.Random(1));
                    CompiledKernel k = KernelCompiler.compile(c.kernel(), c.compileFacts(args), CompileOptions.PTX);
                    assemble(ptxas, PtxEmitter.emit(k, target), target, c.name());
                }))));
    }

    static void assemble(String ptxas, String ptx, PtxTarget target, String name) throws IOException, InterruptedException {
        Path dir = Files.createTempDirectory("squall-ptx");
        Path source = dir.resolve(name + ".ptx");
        Files.writeString(source, ptx);
        Process p = new ProcessBuilder(ptxas, "-arch=" + target.targetName(), "-o", dir.resolve(name + ".cubin").toString(),
                source.toString()).redirectErrorStream(true).start();
        String log = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "ptxas timed out");
        assertEquals(0, p.exitValue(), "ptxas rejected " + name + " for " + target.targetName() + ":\n" + log + "\n"
                + numbered(ptx));
    }

    private static String numbered(String text) {
        List<String> lines = text.lines().toList();
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < lines.size(); i++) {
            out.append(String.format("%4d  %s%n", i + 1, lines.get(i)));
        }
        return out.toString();
    }
}
