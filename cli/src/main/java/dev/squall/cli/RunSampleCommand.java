package dev.squall.cli;

import dev.squall.api.Device;
import dev.squall.api.Devices;
import dev.squall.cli.samples.Sample;
import dev.squall.cli.samples.SampleResult;
import dev.squall.cli.samples.Samples;
import java.io.PrintWriter;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code squall run-sample NAME}: runs one sample, checks it against its float64 reference, times it. */
@Command(name = "run-sample", description = "Run a sample kernel, check it against a float64 reference and time it.")
final class RunSampleCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @CommandLine.Parameters(arity = "0..1", paramLabel = "NAME", description = "Sample to run; omit to list them.")
    String name;

    @CommandLine.Option(names = {"-d", "--device"}, description = "Device id (default: java).", defaultValue = "java")
    String device;

    @CommandLine.Option(names = "--seed", description = "Random seed for the inputs (default: fresh).")
    Long seed;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        if (name == null) {
            for (Sample s : Samples.all()) {
                out.printf("%-14s %s%n", s.name(), s.description());
            }
            return 0;
        }
        Sample sample = Samples.named(name).orElseThrow(() -> new CommandLine.ParameterException(spec.commandLine(),
                "no sample '" + name + "'; samples: " + Samples.all().stream().map(Sample::name).toList()));
        Device target = Devices.get(device);
        long actualSeed = seed != null ? seed : new Random().nextLong();
        SampleResult result = sample.run(target, new Random(actualSeed));
        ResultTable.print(out, List.of(result));
        out.println("seed " + actualSeed);
        return result.passed() ? 0 : 1;
    }
}
