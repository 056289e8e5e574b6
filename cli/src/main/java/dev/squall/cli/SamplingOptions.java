package dev.squall.cli;

import dev.squall.models.sampling.SamplingParams;
import picocli.CommandLine;

/** The sampling options of generate and chat. */
final class SamplingOptions {

    @CommandLine.Option(names = "--temperature", defaultValue = "0.8", paramLabel = "T",
            description = "Softmax temperature; 0 picks the most likely token (default: ${DEFAULT-VALUE}).")
    float temperature;

    @CommandLine.Option(names = "--top-k", defaultValue = "40", paramLabel = "K",
            description = "Sample among the K most likely tokens; 0 = all (default: ${DEFAULT-VALUE}).")
    int topK;

    @CommandLine.Option(names = "--top-p", defaultValue = "0.95", paramLabel = "P",
            description = "Sample among the most likely tokens whose probabilities add up to P (default: ${DEFAULT-VALUE}).")
    float topP;

    @CommandLine.Option(names = "--repeat-penalty", defaultValue = "1.0", paramLabel = "R",
            description = "Divide the logits of recently seen tokens by R; 1 = off (default: ${DEFAULT-VALUE}).")
    float repeatPenalty;

    @CommandLine.Option(names = "--repeat-window", defaultValue = "64", paramLabel = "N",
            description = "How many recent tokens the repeat penalty looks at (default: ${DEFAULT-VALUE}).")
    int repeatWindow;

    @CommandLine.Option(names = "--seed", paramLabel = "S", description = "Random seed (default: a fresh one, printed).")
    Long seed;

    @CommandLine.Option(names = "--greedy", description = "Always pick the most likely token (same as --temperature 0).")
    boolean greedy;

    SamplingParams params(CommandLine cli, long chosenSeed) {
        try {
            return new SamplingParams(greedy ? 0f : temperature, topK, topP, repeatPenalty, repeatWindow, chosenSeed);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(cli, e.getMessage(), e);
        }
    }

    long seed() {
        return seed != null ? seed : new java.util.SplittableRandom().nextLong();
    }
}
