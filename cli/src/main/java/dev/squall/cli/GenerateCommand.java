package dev.squall.cli;

import dev.squall.models.demo.DemoModel;
import dev.squall.models.generate.GenerationResult;
import dev.squall.models.generate.Generator;
import dev.squall.models.llama.DeviceLlama;
import dev.squall.models.sampling.Sampler;
import dev.squall.models.sampling.SamplingParams;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code squall generate}: continue a prompt, streaming tokens, then print prefill and decode speed. */
@Command(name = "generate", description = "Continue a prompt with a GGUF Llama-family model, streaming the text;"
        + " ends with prefill and decode tokens/s.")
final class GenerateCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @CommandLine.Mixin
    ModelOptions modelOptions;

    @CommandLine.Mixin
    SamplingOptions sampling;

    @CommandLine.Option(names = {"-p", "--prompt"}, paramLabel = "TEXT",
            description = "Text to continue (default with the demo model: '" + DemoModel.PROMPT + "').")
    String prompt;

    @CommandLine.Option(names = {"-n", "--max-tokens"}, defaultValue = "128", paramLabel = "N",
            description = "New tokens at most (default: ${DEFAULT-VALUE}).")
    int maxTokens;

    @CommandLine.Option(names = "--profile", description = "Print the per-task kernel times of the last token.")
    boolean profile;

    @Override
    public Integer call() throws IOException {
        CommandLine cli = spec.commandLine();
        if (maxTokens < 1) {
            throw new CommandLine.ParameterException(cli, "--max-tokens must be at least 1, not " + maxTokens);
        }
        if (prompt == null && modelOptions.model != null) {
            throw new CommandLine.ParameterException(cli, "--prompt is required with --model");
        }
        PrintWriter out = cli.getOut();
        PrintWriter err = cli.getErr();
        try (ModelOptions.Loaded loaded = modelOptions.load(cli)) {
            String text = prompt != null ? prompt : DemoModel.PROMPT;
            long seed = sampling.seed();
            SamplingParams params = sampling.params(cli, seed);
            err.println(loaded.model().describe() + "; " + (params.isGreedy() ? "greedy" : "temperature "
                    + params.temperature() + ", top-k " + params.topK() + ", top-p " + params.topP() + ", seed " + seed));
            err.flush();
            int[] ids = loaded.tokenizer().encode(text);
            out.print(text);
            out.flush();
            if (profile && loaded.model() instanceof DeviceLlama device) {
                device.profileKernels(true);
            }
            Generator generator = new Generator(loaded.model(), loaded.tokenizer());
            GenerationResult result = generator.generate(ids, maxTokens, new Sampler(params), piece -> {
                out.print(piece);
                out.flush();
            });
            out.println();
            out.flush();
            err.println(Speed.describe(result));
            if (profile && loaded.model() instanceof DeviceLlama device && device.lastProfile() != null) {
                err.print(device.lastProfile().toTable());
                err.println(device.hostTimes());
            }
            err.flush();
        }
        return 0;
    }
}
