package dev.squall.cli;

import dev.squall.api.KernelCompilationException;
import dev.squall.jit.CompileOptions;
import dev.squall.jit.CompiledKernel;
import dev.squall.jit.KernelCompiler;
import java.io.IOException;
import java.io.PrintWriter;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code squall compile --class C --method m}: compiles one kernel and prints it, by default as IR
 * (the kernel and any reduction finishers) after a comment line with its content hash and compile
 * time. Exit codes: 0 printed; 1 the kernel is refused (the diagnostic on stderr) or the target has
 * no emitter in this build; 2 a usage error (unknown class, method, target, bad specialisation).
 */
@Command(name = "compile", mixinStandardHelpOptions = true,
        description = "Compile a kernel method and print it: its IR, or another --target as emitters land.")
final class CompileCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @CommandLine.Option(names = "--classpath", paramLabel = "DIRS_OR_JARS",
            description = "Your classes: directories and jars separated by '${sys:path.separator}',"
                    + " loaded after Squall's own.")
    String classpath;

    @CommandLine.Option(names = "--class", required = true, paramLabel = "CLASS",
            description = "Binary name of the class holding the kernel, e.g. dev.squall.kernels.VectorKernels.")
    String className;

    @CommandLine.Option(names = "--method", required = true, paramLabel = "METHOD",
            description = "The kernel: a static method of CLASS.")
    String methodName;

    @CommandLine.Option(names = "--descriptor", paramLabel = "DESCRIPTOR",
            description = "JVM descriptor choosing among overloads, e.g. '(FLdev/squall/api/types/FloatArray;)V'.")
    String descriptor;

    @CommandLine.Option(names = "--specialize", paramLabel = "IDX=VALUE",
            description = "Bind scalar parameter IDX (0-based Java index) to a constant; repeatable.")
    List<String> specializations = new ArrayList<>();

    @CommandLine.Option(names = "--ir", description = "Print the IR (the default; with another --target, before its code).")
    boolean ir;

    @CommandLine.Option(names = "--target", paramLabel = "TARGET", defaultValue = "ir",
            completionCandidates = CompileTargets.Names.class,
            description = "What to print: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
    String target;

    @CommandLine.Option(names = "--arch", paramLabel = "SM", defaultValue = "sm_90",
            description = "GPU architecture for --target ptx (default: ${DEFAULT-VALUE}).")
    String arch;

    @Override
    public Integer call() throws IOException {
        CommandLine cli = spec.commandLine();
        CompileTargets.Target chosen = CompileTargets.named(target).orElseThrow(() -> new CommandLine.ParameterException(
                cli, "unknown target '" + target + "'; targets: " + String.join(", ", CompileTargets.names())));
        if (!chosen.available()) {
            cli.getErr().println("squall: " + CompileTargets.unavailableMessage(chosen.name()));
            return 1;
        }
        try (UserClassPath classPath = usage(() -> UserClassPath.of(classpath, CompileCommand.class.getClassLoader()))) {
            Method kernel = usage(() -> KernelMethods.findStaticMethod(
                    KernelMethods.findClass(classPath, className), methodName, descriptor));
            Map<Integer, Object> bound = usage(() -> Specializations.parse(kernel, specializations));
            CompiledKernel compiled;
            try {
                // uncached: always a real compilation, and no stale result for a same-named class from another loader
                compiled = KernelCompiler.compileUncached(kernel, bound, chosen.options());
            } catch (KernelCompilationException e) {
                cli.getErr().println("squall: " + e.getMessage());
                return 1;
            }
            PrintWriter out = cli.getOut();
            if (ir && chosen != CompileTargets.IR) {
                out.println(CompileTargets.IR.render(compiled, arch));
            }
            String text = usage(() -> chosen.render(compiled, arch));
            out.print(text);
            out.flush();
            return 0;
        }
    }

    /** Runs a step whose {@link IllegalArgumentException} is a usage error (exit 2, with usage help). */
    private <T> T usage(java.util.function.Supplier<T> step) {
        try {
            return step.get();
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage(), e);
        }
    }
}
