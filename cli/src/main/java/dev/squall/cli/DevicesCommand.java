package dev.squall.cli;

import dev.squall.api.BackendStatus;
import dev.squall.api.Device;
import dev.squall.api.Devices;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code squall devices}: every device with its limits, and why a backend has none. */
@Command(name = "devices", description = "List devices with their backend, memory, compute units and limits.")
final class DevicesCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @CommandLine.Option(names = "--details", description = "Also print driver and platform details.")
    boolean details;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        out.printf("%-12s %-8s %-44s %10s %10s %6s %8s%n", "ID", "BACKEND", "NAME", "MEMORY", "LOCAL MEM", "CUs",
                "MAX WG");
        for (Device d : Devices.list()) {
            out.printf("%-12s %-8s %-44s %10s %10s %6d %8d%n", d.id(), d.backend().prefix(), truncate(d.name(), 44),
                    Format.bytes(d.globalMemoryBytes()), d.type() == dev.squall.api.DeviceType.JVM ? "heap"
                            : Format.bytes(d.localMemoryBytes()), d.computeUnits(), d.maxWorkGroupSize());
            if (details && !d.details().isEmpty()) {
                out.println("             " + d.details());
            }
        }
        for (BackendStatus status : Devices.status()) {
            if (!status.available()) {
                out.printf("%s: unavailable: %s%n", status.backend().prefix(), status.unavailableReason());
            }
        }
        return 0;
    }

    private static String truncate(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max - 1) + "…";
    }
}
