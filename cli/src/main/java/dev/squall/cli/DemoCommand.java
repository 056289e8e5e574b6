package dev.squall.cli;

import dev.squall.api.BackendStatus;
import dev.squall.api.Device;
import dev.squall.api.Devices;
import dev.squall.cli.samples.Sample;
import dev.squall.cli.samples.SampleResult;
import dev.squall.cli.samples.Samples;
import dev.squall.models.demo.DemoModel;
import dev.squall.models.generate.GenerationResult;
import dev.squall.models.generate.Generator;
import dev.squall.models.gguf.GgufFile;
import dev.squall.models.llama.DeviceLlama;
import dev.squall.models.llama.LlamaWeights;
import dev.squall.models.sampling.Sampler;
import dev.squall.models.sampling.SamplingParams;
import dev.squall.models.tokenizer.Tokenizer;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code squall demo}: the embedded Shakespeare model generates text on every available device
 * with the same seed (so every device should tell the same story), then every kernel sample runs
 * on every device against its float64 reference.
 */
@Command(name = "demo", description = "Generate text with the embedded model on every device, then run every kernel"
        + " sample on every device against its float64 reference.")
final class DemoCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @CommandLine.Option(names = {"-n", "--tokens"}, defaultValue = "100", paramLabel = "N",
            description = "Tokens to generate per device (default: ${DEFAULT-VALUE}).")
    int tokens;

    @CommandLine.Option(names = "--seed", defaultValue = "7", description = "Sampling seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        List<Device> devices = Devices.list();
        for (BackendStatus status : Devices.status()) {
            if (!status.available()) {
                out.println("(" + status.backend().prefix() + " unavailable: " + status.unavailableReason() + ")");
            }
        }
        List<String> speeds = generateEverywhere(out, devices);
        out.println();
        out.println("Generation speed (demo model, " + tokens + " tokens, after a warm-up token):");
        speeds.forEach(out::println);
        out.println();
        out.println("Kernel samples: " + Samples.all().size() + " samples on " + devices.size() + " device(s), "
                + Samples.TIMED_RUNS + " timed runs each after a checked first run");
        out.flush();
        long sampleSeed = new Random().nextLong();
        List<SampleResult> results = new ArrayList<>();
        for (Device device : devices) {
            for (Sample sample : Samples.all()) {
                results.add(sample.run(device, new Random(sampleSeed)));
            }
        }
        ResultTable.print(out, results);
        long failed = results.stream().filter(r -> !r.passed()).count();
        out.println(failed == 0 ? "all " + results.size() + " results correct (seed " + sampleSeed + ")"
                : failed + " of " + results.size() + " results FAILED (seed " + sampleSeed + ")");
        return failed == 0 ? 0 : 1;
    }

    private List<String> generateEverywhere(PrintWriter out, List<Device> devices) {
        List<String> speeds = new ArrayList<>();
        try (GgufFile gguf = DemoModel.open()) {
            LlamaWeights weights = LlamaWeights.load(gguf);
            Tokenizer tokenizer = Tokenizer.fromGguf(gguf.metadata());
            int[] prompt = tokenizer.encode(DemoModel.PROMPT);
            SamplingParams params = SamplingParams.defaults(seed);
            out.printf("Squall demo: a %d-layer Llama trained on Shakespeare (%s), continuing '%s' with temperature %.1f,"
                    + " top-k %d, seed %d%n", weights.config().layers(), Format.bytes(gguf.contents().byteSize()),
                    DemoModel.PROMPT, params.temperature(), params.topK(), seed);
            for (Device device : devices) {
                try (DeviceLlama model = new DeviceLlama(weights, device, weights.config().contextLength())) {
                    out.println();
                    out.println("== " + model.describe());
                    long start = System.nanoTime();
                    model.forward(prompt[0], 0); // compile and upload before timing
                    model.reset();
                    long warmUp = System.nanoTime() - start;
                    out.print(DemoModel.PROMPT);
                    GenerationResult r = new Generator(model, tokenizer).generate(prompt, tokens, new Sampler(params),
                            piece -> {
                                out.print(piece);
                                out.flush();
                            });
                    out.println();
                    speeds.add(String.format(Locale.ROOT, "  %-14s decode %7.1f tokens/s, prefill %7.1f tokens/s"
                                    + " (warm-up: compile and upload %.0f ms)", device.id(), r.decodeTokensPerSecond(),
                            r.prefillTokensPerSecond(), warmUp / 1e6));
                }
            }
        }
        return speeds;
    }
}
