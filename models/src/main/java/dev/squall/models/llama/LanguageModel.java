package dev.squall.models.llama;

import dev.squall.models.sampling.SamplingRules;

/**
 * A causal language model with a KV cache, one token at a time: what generation needs from
 * either forward pass (the plain-Java {@link ReferenceLlama} or {@link DeviceLlama} on task graphs).
 * Not thread-safe: one sequence at a time.
 */
public interface LanguageModel extends AutoCloseable {

    LlamaConfig config();

    /** Positions the KV cache holds. */
    int capacity();

    /** Positions currently cached. */
    int length();

    /** Forgets the cached positions. */
    void reset();

    /**
     * Runs {@code token} at {@code position} and returns the logits over the vocabulary (a fresh
     * array). Positions before it must be cached: {@code position ≤ length()}; a smaller position
     * rewinds the sequence to there.
     */
    float[] forward(int token, int position);

    /**
     * Runs {@code token} at {@code position}, as {@link #forward}, and returns the most likely next token:
     * {@code SamplingRules.argmax(forward(token, position))}, with its ties (the lowest index) and its error
     * for a NaN logit. A device model picks it where the logits are, and skips copying them back.
     */
    default int forwardGreedy(int token, int position) {
        return SamplingRules.argmax(forward(token, position));
    }

    /** Runs {@code token} at {@code position}, as {@link #forward}, when its logits are not needed (a prompt token). */
    default void advance(int token, int position) {
        forward(token, position);
    }

    /** Runs {@code tokens} from {@code startPosition} on; returns the logits after the last one. */
    default float[] prefill(int[] tokens, int startPosition) {
        if (tokens.length == 0) {
            throw new IllegalArgumentException("prefill needs at least one token");
        }
        for (int i = 0; i < tokens.length - 1; i++) {
            advance(tokens[i], startPosition + i);
        }
        return forward(tokens[tokens.length - 1], startPosition + tokens.length - 1);
    }

    /** Checks a {@link #forward} call's token and position, with the message both implementations give. */
    static void checkStep(LlamaConfig c, int token, int position, int length, int capacity) {
        if (token < 0 || token >= c.vocabSize()) {
            throw new IllegalArgumentException("token " + token + " is outside the vocabulary of " + c.vocabSize());
        }
        if (position < 0 || position > length || position >= capacity) {
            throw new IllegalArgumentException("position " + position + " must be in 0.." + Math.min(length, capacity - 1)
                    + " (cached positions: " + length + ", capacity " + capacity + ")");
        }
    }

    /** Where and how it runs, for logs and reports, e.g. {@code "task graphs on cuda:0 (NVIDIA H100)"}. */
    String describe();

    /** Releases device memory; the default has none. */
    @Override
    default void close() {
    }
}
