package dev.squall.cli;

import dev.squall.api.BackendStatus;
import dev.squall.api.Device;
import dev.squall.api.Devices;
import dev.squall.cli.samples.Sample;
import dev.squall.cli.samples.SampleResult;
import dev.squall.cli.samples.Samples;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code squall demo}: every sample on every device, each checked against its float64 reference. */
@Command(name = "demo", description = "Run every sample on every available device and print a table.")
final class DemoCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        List<Device> devices = Devices.list();
        out.println("Squall demo: " + Samples.all().size() + " samples on " + devices.size() + " device(s), "
                + Samples.TIMED_RUNS + " timed runs each after a checked first run");
        for (BackendStatus status : Devices.status()) {
            if (!status.available()) {
                out.println("  (" + status.backend().prefix() + " unavailable: " + status.unavailableReason() + ")");
            }
        }
        out.flush();
        long seed = new Random().nextLong();
        List<SampleResult> results = new ArrayList<>();
        for (Device device : devices) {
            for (Sample sample : Samples.all()) {
                results.add(sample.run(device, new Random(seed)));
            }
        }
        ResultTable.print(out, results);
        long failed = results.stream().filter(r -> !r.passed()).count();
        out.println(failed == 0 ? "all " + results.size() + " results correct (seed " + seed + ")"
                : failed + " of " + results.size() + " results FAILED (seed " + seed + ")");
        return failed == 0 ? 0 : 1;
    }
}
