package dev.squall.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.squall.api.types.FloatArray;
import dev.squall.jit.CompileOptions;
import dev.squall.jit.KernelCompiler;
import dev.squall.kernels.Reductions;
import dev.squall.kernels.VectorKernels;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

/** {@code squall compile}: IR for library and user kernels, specialisation, targets and every error path. */
class CompileCommandTest {

    private static final Pattern HEADER = Pattern.compile(
            "; (\\S+)\\((.*)\\): content hash ([0-9a-f]{64}), compiled in \\d+\\.\\d\\d ms");

    /** A user's kernels, compiled by the test into a temporary class folder and jar. */
    private static final String USER_SOURCE = """
            package user.kernels;

            import dev.squall.api.Parallel;
            import dev.squall.api.types.FloatArray;

            public final class Scaling {
                private Scaling() {
                }

                public static void scale(float factor, FloatArray data) {
                    for (@Parallel int i = 0; i < data.getSize(); i++) {
                        data.set(i, factor * data.get(i));
                    }
                }

                public static void scale(FloatArray data) {
                    for (@Parallel int i = 0; i < data.getSize(); i++) {
                        data.set(i, 2f * data.get(i));
                    }
                }

                public static void scratch(FloatArray data) {
                    float[] tmp = new float[4]; // refused
                    data.set(0, tmp[0]);
                }

                public void notStatic(FloatArray data) {
                    data.set(0, 1f);
                }
            }
            """;

    @TempDir
    static Path temp;
    static Path userClasses;
    static Path userJar;

    private record Run(int exit, String out, String err) {
        List<String> outLines() {
            return out.lines().toList();
        }
    }

    private static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = SquallCommand.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int exit = cli.execute(args);
        return new Run(exit, out.toString(), err.toString());
    }

    @BeforeAll
    static void compileUserKernels() throws Exception {
        Path source = temp.resolve("src/user/kernels/Scaling.java");
        Files.createDirectories(source.getParent());
        Files.writeString(source, USER_SOURCE);
        userClasses = Files.createDirectories(temp.resolve("classes"));
        Path api = Path.of(FloatArray.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        ByteArrayOutputStream diagnostics = new ByteArrayOutputStream();
        int exit = javac.run(null, diagnostics, diagnostics, "-g", "-parameters", "--release", "25",
                "-classpath", api.toString(), "-d", userClasses.toString(), source.toString());
        assertEquals(0, exit, diagnostics.toString(StandardCharsets.UTF_8));
        userJar = temp.resolve("user-kernels.jar");
        try (OutputStream file = Files.newOutputStream(userJar); JarOutputStream jar = new JarOutputStream(file);
             Stream<Path> files = Files.walk(userClasses)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                jar.putNextEntry(new JarEntry(userClasses.relativize(f).toString().replace('\\', '/')));
                jar.write(Files.readAllBytes(f));
                jar.closeEntry();
            }
        }
    }

    private static int lineOf(String marker) {
        List<String> lines = USER_SOURCE.lines().toList();
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).contains(marker)) {
                return i + 1;
            }
        }
        throw new AssertionError("no line with " + marker);
    }

    @Test
    void printsTheIrOfALibraryKernelAfterAHeaderWithItsHashAndCompileTime() throws Exception {
        Run r = run("compile", "--class", "dev.squall.kernels.VectorKernels", "--method", "vectorAdd");
        assertEquals(0, r.exit(), r.err());
        assertEquals("", r.err());
        Matcher header = HEADER.matcher(r.outLines().getFirst());
        assertTrue(header.matches(), r.outLines().getFirst());
        assertEquals("dev.squall.kernels.VectorKernels.vectorAdd", header.group(1));
        assertEquals("FloatArray, FloatArray, FloatArray", header.group(2));
        String expectedHash = KernelCompiler.compileUncached(VectorKernels.class.getMethod("vectorAdd",
                FloatArray.class, FloatArray.class, FloatArray.class), Map.of(), CompileOptions.DEFAULT).contentHash();
        assertEquals(expectedHash, header.group(3));
        assertEquals("kernel VectorKernels.vectorAdd [parallel-loops]", r.outLines().get(1));
        assertTrue(r.out().contains("kernel VectorKernels.vectorAdd"), r.out());
        assertTrue(r.outLines().stream().anyMatch(l -> l.startsWith("  parallel x: i in [0, ")), r.out());
        assertTrue(r.outLines().stream().anyMatch(l -> l.strip().equals("return")), r.out());
        assertTrue(r.out().contains("vload4 f32"), "the element-wise loop is vectorised: " + r.out());
    }

    @Test
    void irFlagAndTargetIrPrintTheSameListing() {
        Run plain = run("compile", "--class", "dev.squall.kernels.VectorKernels", "--method", "saxpy");
        Run flag = run("compile", "--class", "dev.squall.kernels.VectorKernels", "--method", "saxpy", "--ir");
        Run target = run("compile", "--class", "dev.squall.kernels.VectorKernels", "--method", "saxpy", "--target",
                "ir", "--ir");
        for (Run r : List.of(plain, flag, target)) {
            assertEquals(0, r.exit(), r.err());
        }
        // the header's compile time differs from run to run; the rest is deterministic
        List<String> body = plain.outLines().subList(1, plain.outLines().size());
        assertEquals(body, flag.outLines().subList(1, flag.outLines().size()));
        assertEquals(body, target.outLines().subList(1, target.outLines().size()));
        assertEquals(1, target.outLines().stream().filter(l -> l.startsWith("kernel ")).count(), target.out());
    }

    @Test
    void printsReductionFinishersAfterTheKernel() throws Exception {
        Run r = run("compile", "--class", "dev.squall.kernels.Reductions", "--method", "sum");
        assertEquals(0, r.exit(), r.err());
        int kernel = r.outLines().indexOf("kernel Reductions.sum [parallel-loops]");
        int finisher = r.outLines().indexOf("kernel Reductions.sum$finish_result [spmd]");
        assertEquals(1, kernel, r.out());
        assertTrue(finisher > kernel, r.out());
        assertEquals("", r.outLines().get(finisher - 1), "a blank line separates the kernels");
        assertTrue(r.out().contains("then Reductions.sum$finish_result"), r.out());
        String expectedHash = KernelCompiler.compileUncached(Reductions.class.getMethod("sum", FloatArray.class,
                FloatArray.class), Map.of(), CompileOptions.DEFAULT).contentHash();
        assertTrue(r.outLines().getFirst().contains("content hash " + expectedHash), r.outLines().getFirst());
    }

    @Test
    void specialisationBindsScalarsByJavaParameterIndex() {
        Run r = run("compile", "--class", "dev.squall.kernels.MatrixMultiplication", "--method", "matmul",
                "--specialize", "3=100", "--specialize", "5=64");
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.outLines().stream().anyMatch(l -> l.startsWith("  param ") && l.endsWith("; value of m (int) = 100")),
                r.out());
        assertTrue(r.outLines().stream().anyMatch(l -> l.startsWith("  param ") && l.endsWith("; value of k (int) = 64")),
                r.out());
        assertTrue(r.outLines().stream().anyMatch(l -> l.startsWith("  param ") && l.endsWith("; value of n (int)")),
                "n stays a parameter:\n" + r.out());

        Run f = run("compile", "--class", "dev.squall.kernels.VectorKernels", "--method", "saxpy", "--specialize", "0=2.5");
        assertEquals(0, f.exit(), f.err());
        assertTrue(f.outLines().stream().anyMatch(l -> l.endsWith("; value of alpha (float) = 2.5f")), f.out());
    }

    @Test
    void badSpecialisationsAreUsageErrors() {
        Run array = run("compile", "--class", "dev.squall.kernels.MatrixMultiplication", "--method", "matmul",
                "--specialize", "0=1");
        assertEquals(2, array.exit());
        assertTrue(array.err().startsWith("--specialize 0=1: parameter 0 'a' is a FloatArray; only int, long, float,"
                + " double and boolean parameters can be specialised"), array.err());
        Run value = run("compile", "--class", "dev.squall.kernels.MatrixMultiplication", "--method", "matmul",
                "--specialize", "3=x");
        assertEquals(2, value.exit());
        assertTrue(value.err().startsWith("--specialize 3=x: parameter 3 'm' is an int and 'x' is not an int"),
                value.err());
        Run index = run("compile", "--class", "dev.squall.kernels.VectorKernels", "--method", "vectorAdd",
                "--specialize", "3=1");
        assertEquals(2, index.exit());
        assertTrue(index.err().startsWith("--specialize 3=1: no parameter 3; vectorAdd has parameters 0 a (FloatArray),"
                + " 1 b (FloatArray), 2 c (FloatArray)"), index.err());
    }

    @Test
    void compilesTheUsersOwnClassesFromAFolderOrAJar() {
        for (Path entry : List.of(userClasses, userJar)) {
            Run r = run("compile", "--classpath", entry.toString(), "--class", "user.kernels.Scaling", "--method",
                    "scale", "--descriptor", "(FLdev/squall/api/types/FloatArray;)V", "--ir", "--specialize", "0=3");
            assertEquals(0, r.exit(), entry + ": " + r.err());
            assertTrue(r.outLines().getFirst().startsWith("; user.kernels.Scaling.scale(float, FloatArray): content hash "),
                    r.out());
            assertEquals("kernel Scaling.scale [parallel-loops]", r.outLines().get(1));
            assertTrue(r.outLines().stream().anyMatch(l -> l.endsWith("; value of factor (float) = 3.0f")), r.out());
            assertTrue(r.outLines().stream().anyMatch(l -> l.startsWith("  parallel x: i in [0, ")), r.out());
        }
    }

    @Test
    void overloadsNeedADescriptorAndTheMessageListsThem() {
        Run r = run("compile", "--classpath", userClasses.toString(), "--class", "user.kernels.Scaling", "--method",
                "scale");
        assertEquals(2, r.exit());
        assertTrue(r.err().startsWith("user.kernels.Scaling.scale has 2 overloads; choose one with --descriptor:"
                + " (FLdev/squall/api/types/FloatArray;)V (scale(float, FloatArray)),"
                + " (Ldev/squall/api/types/FloatArray;)V (scale(FloatArray))"), r.err());
        Run wrong = run("compile", "--classpath", userClasses.toString(), "--class", "user.kernels.Scaling", "--method",
                "scale", "--descriptor", "(I)V");
        assertEquals(2, wrong.exit());
        assertTrue(wrong.err().startsWith("no method user.kernels.Scaling.scale with descriptor (I)V; its descriptors:"
                + " (FLdev/squall/api/types/FloatArray;)V (scale(float, FloatArray)),"), wrong.err());
        Run one = run("compile", "--classpath", userClasses.toString(), "--class", "user.kernels.Scaling", "--method",
                "scale", "--descriptor", "(Ldev/squall/api/types/FloatArray;)V");
        assertEquals(0, one.exit(), one.err());
        assertEquals("kernel Scaling.scale [parallel-loops]", one.outLines().get(1));
        assertTrue(one.out().contains(" = mul f32 2.0f, "), one.out());
    }

    @Test
    void aRefusedKernelPrintsTheDiagnosticOnStderrAndExitsOne() {
        Run r = run("compile", "--classpath", userClasses.toString(), "--class", "user.kernels.Scaling", "--method",
                "scratch");
        assertEquals(1, r.exit());
        assertEquals("", r.out());
        String expectedStart = "squall: cannot compile kernel user.kernels.Scaling.scratch(Scaling.java:"
                + lineOf("// refused") + ") at bytecode index ";
        assertTrue(r.err().startsWith(expectedStart), r.err());
        assertTrue(r.err().strip().endsWith(": allocates a Java array (new float[]); use"
                + " KernelContext.allocate*LocalArray for local memory or pass arrays as parameters"), r.err());
        assertEquals(1, r.err().lines().count(), "only the diagnostic, no usage help:\n" + r.err());
    }

    @Test
    void unknownMethodsListTheStaticMethodsThatExist() {
        Run r = run("compile", "--class", "dev.squall.kernels.VectorKernels", "--method", "vectorSub");
        assertEquals(2, r.exit());
        assertEquals("", r.out());
        assertTrue(r.err().startsWith("no static method 'vectorSub' in dev.squall.kernels.VectorKernels; its static"
                + " methods: saxpy, saxpySpmd, vectorAdd, vectorAddSpmd\n"), r.err());
        Run instance = run("compile", "--classpath", userClasses.toString(), "--class", "user.kernels.Scaling",
                "--method", "notStatic");
        assertEquals(2, instance.exit());
        assertTrue(instance.err().startsWith("method 'notStatic' of user.kernels.Scaling is not static; kernels are"
                + " static methods"), instance.err());
    }

    @Test
    void unknownClassesListWhatExists() {
        Run sibling = run("compile", "--class", "dev.squall.kernels.VectorKernel", "--method", "vectorAdd");
        assertEquals(2, sibling.exit());
        assertTrue(sibling.err().startsWith("no class 'dev.squall.kernels.VectorKernel'; classes in package"
                + " dev.squall.kernels: dev.squall.kernels.MatrixMultiplication, dev.squall.kernels.Reductions,"
                + " dev.squall.kernels.Softmax, dev.squall.kernels.Tickets, dev.squall.kernels.VectorKernels\n"),
                sibling.err());

        Run notOnPath = run("compile", "--class", "user.kernels.Scaling", "--method", "scale");
        assertEquals(2, notOnPath.exit());
        assertTrue(notOnPath.err().startsWith("no class 'user.kernels.Scaling'; without --classpath only Squall's own"
                + " classes are visible"), notOnPath.err());

        for (Path entry : List.of(userClasses, userJar)) {
            Run elsewhere = run("compile", "--classpath", entry.toString(), "--class", "other.Kernels", "--method", "k");
            assertEquals(2, elsewhere.exit());
            assertTrue(elsewhere.err().startsWith("no class 'other.Kernels' on the class path; the --classpath entries"
                    + " hold user.kernels.Scaling\n"), elsewhere.err());
        }
        Run samePackage = run("compile", "--classpath", userJar.toString(), "--class", "user.kernels.Scale",
                "--method", "k");
        assertEquals(2, samePackage.exit());
        assertTrue(samePackage.err().startsWith("no class 'user.kernels.Scale'; classes in package user.kernels:"
                + " user.kernels.Scaling\n"), samePackage.err());
    }

    @Test
    void classPathEntriesMustExistAndBeFoldersOrJars() throws IOException {
        Run missing = run("compile", "--classpath", temp.resolve("nope").toString(), "--class", "a.B", "--method", "m");
        assertEquals(2, missing.exit());
        assertTrue(missing.err().startsWith("class path entry '" + temp.resolve("nope") + "' does not exist"),
                missing.err());
        Path text = Files.writeString(temp.resolve("notes.txt"), "hello");
        Run notJar = run("compile", "--classpath", text.toString(), "--class", "a.B", "--method", "m");
        assertEquals(2, notJar.exit());
        assertTrue(notJar.err().startsWith("class path entry '" + text + "' is neither a directory nor a jar"),
                notJar.err());
    }

    @ParameterizedTest
    @ValueSource(strings = {"spirv"})
    void targetsWithoutAnEmitterAreAcceptedButRefused(String target) {
        Run r = run("compile", "--class", "dev.squall.kernels.VectorKernels", "--method", "vectorAdd", "--target", target);
        assertEquals(1, r.exit());
        assertEquals("", r.out());
        assertEquals("squall: target " + target + " is not available in this build (available: ir, opencl, ptx)\n",
                r.err().replace(System.lineSeparator(), "\n"));
    }

    @Test
    void printsOpenClC() {
        Run r = run("compile", "--class", "dev.squall.kernels.MatrixMultiplication", "--method", "matmulTiled",
                "--target", "opencl");
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().contains("__kernel void MatrixMultiplication_matmulTiled(__global float* a"), r.out());
        assertTrue(r.out().contains("barrier(CLK_LOCAL_MEM_FENCE);"), r.out());
        assertTrue(r.out().contains("__local float"), r.out());
    }

    @Test
    void printsPtxForTheChosenArchitecture() {
        Run r = run("compile", "--class", "dev.squall.kernels.Softmax", "--method", "softmaxRows", "--target", "ptx",
                "--arch", "sm_80");
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().contains(".target sm_80"), r.out());
        assertTrue(r.out().contains(".visible .entry Softmax_softmaxRows("), r.out());
        assertTrue(!r.out().contains("ex2.approx"), "exp comes from the soft-math library, not an approximation");
        Run bad = run("compile", "--class", "dev.squall.kernels.Softmax", "--method", "softmaxRows", "--target", "ptx",
                "--arch", "volta");
        assertEquals(2, bad.exit());
        assertTrue(bad.err().startsWith("--arch must look like sm_90, got volta"), bad.err());
    }

    @Test
    void unknownTargetsAreUsageErrors() {
        Run r = run("compile", "--class", "dev.squall.kernels.VectorKernels", "--method", "vectorAdd", "--target", "cuda");
        assertEquals(2, r.exit());
        assertTrue(r.err().startsWith("unknown target 'cuda'; targets: ir, opencl, ptx, spirv\n"), r.err());
    }
}
