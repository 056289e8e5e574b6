package dev.squall.models.sampling;

import java.util.SplittableRandom;

/**
 * Picks next tokens from logits by {@link SamplingParams}, deterministically for a seed: the same
 * seed and the same logits give the same tokens. Remembers the tokens it returned (and any given to
 * {@link #accept}) for the repetition penalty. Not thread-safe.
 *
 * <pre>{@code
 * Sampler sampler = new Sampler(SamplingParams.defaults(42));
 * sampler.accept(promptIds);
 * int next = sampler.sample(logits);
 * }</pre>
 */
public final class Sampler {

    private final SamplingParams params;
    private final SplittableRandom random;
    private int[] history = new int[64];
    private int historySize;

    public Sampler(SamplingParams params) {
        this.params = params;
        this.random = new SplittableRandom(params.seed());
    }

    public SamplingParams params() {
        return params;
    }

    /** Records tokens (the prompt, say) as seen, for the repetition penalty. */
    public void accept(int... tokens) {
        for (int t : tokens) {
            if (historySize == history.length) {
                history = java.util.Arrays.copyOf(history, historySize * 2);
            }
            history[historySize++] = t;
        }
    }

    /** The last {@code repetitionWindow} tokens seen. */
    int[] recent() {
        int n = Math.min(historySize, params.repetitionWindow());
        return java.util.Arrays.copyOfRange(history, historySize - n, historySize);
    }

    /**
     * Whether this sampler's token is the plain argmax of the logits (greedy, no repetition penalty), so the
     * model may pick it where the logits are ({@code LanguageModel.forwardGreedy}); the caller then records
     * it with {@link #accept}.
     */
    public boolean takesTheArgmax() {
        return params.isGreedy() && params.repetitionPenalty() == 1f;
    }

    /** The next token for {@code logits} (left unchanged); it is recorded as seen. */
    public int sample(float[] logits) {
        float[] adjusted = logits; // read only, unless the penalty changes it in a copy
        if (params.repetitionPenalty() != 1f) {
            adjusted = logits.clone();
            SamplingRules.applyRepetitionPenalty(adjusted, recent(), params.repetitionPenalty());
        }
        int token;
        if (params.isGreedy()) {
            token = SamplingRules.argmax(adjusted);
        } else {
            // with a top-k, only the k best are sorted (the same list as sorting all and keeping k)
            Candidates c = params.topK() > 0 ? Candidates.top(adjusted, params.topK()) : Candidates.of(adjusted);
            c = SamplingRules.topP(c, params.topP());
            token = SamplingRules.draw(c, params.temperature(), random.nextDouble());
        }
        accept(token);
        return token;
    }
}
