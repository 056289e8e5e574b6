package dev.squall.cli;

import dev.squall.models.synth.ModelPreset;
import dev.squall.models.synth.ModelPresets;
import dev.squall.models.synth.SyntheticModel;
import dev.squall.models.synth.WeightDType;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code squall make-model --preset P --dtype D --out FILE}: a GGUF model with a real shape and random weights. */
@Command(name = "make-model", description = "Write a GGUF model with a preset's architecture and random weights"
        + " (streamed: a 7B f16 model needs 13.5 GB of disk, not of memory).")
final class MakeModelCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @CommandLine.Option(names = "--preset", required = true, paramLabel = "PRESET", completionCandidates = PresetNames.class,
            description = "One of: ${COMPLETION-CANDIDATES}.")
    String preset;

    @CommandLine.Option(names = "--dtype", defaultValue = "f16", paramLabel = "DTYPE",
            description = "Matrix storage: f16, q8_0 or f32 (default: ${DEFAULT-VALUE}); norms and biases are f32.")
    String dtype;

    @CommandLine.Option(names = "--out", required = true, paramLabel = "FILE", description = "GGUF file to write.")
    Path out;

    @CommandLine.Option(names = "--seed", defaultValue = "0", description = "Seed of the random weights (default: ${DEFAULT-VALUE}).")
    long seed;

    @CommandLine.Option(names = "--force", description = "Replace FILE if it exists.")
    boolean force;

    /** The preset names, for help and completion. */
    static final class PresetNames implements Iterable<String> {
        @Override
        public Iterator<String> iterator() {
            return ModelPresets.names().iterator();
        }
    }

    @Override
    public Integer call() throws IOException {
        ModelPreset p;
        WeightDType type;
        try {
            p = ModelPresets.get(preset);
            type = WeightDType.fromLabel(dtype);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage(), e);
        }
        if (Files.exists(out) && !force) {
            throw new CommandLine.ParameterException(spec.commandLine(), "'" + out + "' exists; add --force to replace it");
        }
        PrintWriter err = spec.commandLine().getErr();
        err.printf("writing %s (%,d parameters, %s) to %s%n", p.name(), p.parameterCount(), type.label(), out);
        int[] count = {0};
        long started = System.nanoTime();
        SyntheticModel.write(p, type, seed, out, (name, done, total) -> {
            count[0]++;
            err.printf("  %4d  %-28s %10s / %s (%.0f%%)%n", count[0], name, Format.bytes(done), Format.bytes(total),
                    100.0 * done / Math.max(1, total));
            err.flush();
        });
        double seconds = (System.nanoTime() - started) / 1e9;
        spec.commandLine().getOut().printf("wrote %s: %s %s, %d tensors, %s in %.1f s%n", out, p.name(), type.label(), count[0],
                Format.bytes(Files.size(out)), seconds);
        return 0;
    }
}
