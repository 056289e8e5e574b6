package dev.squall.cli.samples;

import dev.squall.api.Device;
import java.util.Random;

/**
 * A runnable showcase: builds fresh random inputs, runs a kernel library task graph on a device,
 * checks the result against a float64 reference and times it.
 *
 * @param name        what {@code squall run-sample} takes
 * @param description one line for listings
 * @param body        runs the sample on a device
 */
public record Sample(String name, String description, Body body) {

    @FunctionalInterface
    public interface Body {
        SampleResult run(Device device, Random random);
    }

    public SampleResult run(Device device, Random random) {
        try {
            return body.run(device, random);
        } catch (RuntimeException e) {
            return SampleResult.failed(name, device.id(), e.getMessage());
        }
    }
}
