package dev.squall.cli;

import dev.squall.jit.CompiledKernel;
import dev.squall.jit.ir.IrPrinter;
import dev.squall.jit.ir.ReductionPlan;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;

/**
 * What {@code squall compile --target} can print, in one place. Each target has a name, the comment
 * syntax of its output and an emitter; a target whose emitter is not written yet has none, so the
 * option parser accepts its name but the command refuses it. To plug in an emitter, replace the
 * {@code null} in {@link #ALL} with a function from the compiled kernel (kernel and reduction
 * finishers) to the text of the program.
 */
final class CompileTargets {

    /**
     * One target.
     *
     * @param name          the {@code --target} value
     * @param comment       how a line comment starts in the output
     * @param emitter       the compiled kernel and the GPU architecture (for PTX) to program text, or
     *                      null when this build has none
     * @param options       how the kernel is compiled for this target (PTX expands math in software)
     */
    record Target(String name, String comment, java.util.function.BiFunction<CompiledKernel, String, String> emitter,
                  dev.squall.jit.CompileOptions options) {

        boolean available() {
            return emitter != null;
        }

        /** The program text after a header comment line naming the kernel, its content hash and compile time. */
        String render(CompiledKernel kernel, String arch) {
            if (emitter == null) {
                throw new IllegalStateException(unavailableMessage(name));
            }
            return header(kernel) + emitter.apply(kernel, arch);
        }

        private String header(CompiledKernel kernel) {
            return String.format(Locale.ROOT, "%s %s.%s(%s): content hash %s, compiled in %.2f ms%n", comment,
                    kernel.method().getDeclaringClass().getName(), kernel.method().getName(),
                    String.join(", ", java.util.Arrays.stream(kernel.method().getParameterTypes())
                            .map(Class::getSimpleName).toList()),
                    kernel.contentHash(), kernel.compileNanos() / 1e6);
        }
    }

    static final Target IR = new Target("ir", ";", (k, arch) -> irListing(k), dev.squall.jit.CompileOptions.DEFAULT);

    private static final List<Target> ALL = List.of(
            IR,
            new Target("opencl", "//", (k, arch) -> dev.squall.jit.opencl.OpenCLEmitter.emit(k),
                    dev.squall.jit.CompileOptions.DEFAULT),
            new Target("ptx", "//", (k, arch) -> dev.squall.jit.ptx.PtxEmitter.emit(k, ptxTarget(arch)),
                    dev.squall.jit.CompileOptions.PTX),
            new Target("spirv", ";", null, dev.squall.jit.CompileOptions.DEFAULT));

    /** sm_80, sm_90, ... as a PTX target. */
    static dev.squall.jit.ptx.PtxTarget ptxTarget(String arch) {
        if (arch == null || !arch.matches("sm_\\d{2,3}")) {
            throw new IllegalArgumentException("--arch must look like sm_90, got " + arch);
        }
        return new dev.squall.jit.ptx.PtxTarget(Integer.parseInt(arch.substring(3)), "8.0");
    }

    private CompileTargets() {
    }

    static Optional<Target> named(String name) {
        return ALL.stream().filter(t -> t.name().equals(name)).findFirst();
    }

    /** Every target name, available or not, in a fixed order. */
    static List<String> names() {
        return ALL.stream().map(Target::name).toList();
    }

    static List<String> availableNames() {
        return ALL.stream().filter(Target::available).map(Target::name).toList();
    }

    static String unavailableMessage(String name) {
        return "target " + name + " is not available in this build (available: "
                + String.join(", ", availableNames()) + ")";
    }

    /** The IR of the kernel, then of each reduction finisher, separated by blank lines. */
    static String irListing(CompiledKernel kernel) {
        StringBuilder out = new StringBuilder(kernel.ir());
        for (ReductionPlan reduction : kernel.function().reductions()) {
            out.append('\n').append(IrPrinter.print(reduction.finisher()));
        }
        return out.toString();
    }

    /** Target names for picocli's completion and help ({@code ${COMPLETION-CANDIDATES}}). */
    static final class Names implements Iterable<String> {
        @Override
        public Iterator<String> iterator() {
            return names().iterator();
        }
    }
}
