package dev.squall.models.generate;

import dev.squall.models.llama.LanguageModel;
import dev.squall.models.sampling.Sampler;
import dev.squall.models.tokenizer.StreamingDecoder;
import dev.squall.models.tokenizer.Tokenizer;
import java.util.Arrays;
import java.util.function.Consumer;

/**
 * Generates text with a {@link LanguageModel}: runs the prompt, then samples one token at a time
 * and feeds it back, streaming the decoded text as it grows. It remembers which tokens the model
 * has cached, so a prompt that extends the previous one (the next turn of a chat) runs only its
 * new tokens. Not thread-safe.
 */
public final class Generator {

    private final LanguageModel model;
    private final Tokenizer tokenizer;
    /** The tokens whose keys and values the model holds, in order. */
    private int[] cached = new int[0];

    public Generator(LanguageModel model, Tokenizer tokenizer) {
        this.model = model;
        this.tokenizer = tokenizer;
    }

    public LanguageModel model() {
        return model;
    }

    /** Forgets the cached tokens. */
    public void reset() {
        cached = new int[0];
        model.reset();
    }

    /**
     * Continues {@code prompt} with up to {@code maxNewTokens} tokens from {@code sampler}, passing
     * each new piece of text to {@code text} as soon as it is complete UTF-8.
     *
     * @param prompt the whole sequence so far (with BOS, chat markers): its longest prefix already
     *               cached is reused, the rest is run
     */
    public GenerationResult generate(int[] prompt, int maxNewTokens, Sampler sampler, Consumer<String> text) {
        if (prompt.length == 0) {
            throw new IllegalArgumentException("the prompt has no tokens; a prompt needs at least BOS");
        }
        if (prompt.length >= model.capacity()) {
            throw new IllegalArgumentException("the prompt has " + prompt.length + " tokens; the context holds "
                    + model.capacity() + " and at least one more is needed to generate");
        }
        int reused = commonPrefix(prompt);
        if (reused == prompt.length) {
            reused--; // the last prompt token must run again to give the next logits
        }
        sampler.accept(prompt);
        // greedy decoding lets the model pick each token where the logits are (a device's argmax)
        boolean modelPicks = sampler.takesTheArgmax();
        long start = System.nanoTime();
        for (int p = reused; p < prompt.length - 1; p++) {
            model.advance(prompt[p], p);
        }
        int last = prompt.length - 1;
        float[] logits = null;
        int picked = -1;
        if (maxNewTokens <= 0) {
            model.advance(prompt[last], last); // cached, nothing to choose
        } else if (modelPicks) {
            picked = model.forwardGreedy(prompt[last], last);
        } else {
            logits = model.forward(prompt[last], last);
        }
        long prefillNanos = System.nanoTime() - start;
        int[] sequence = Arrays.copyOf(prompt, model.capacity());
        int length = prompt.length;
        StreamingDecoder decoder = new StreamingDecoder(tokenizer);
        int[] generated = new int[Math.max(0, maxNewTokens)];
        int count = 0;
        int steps = 0;
        StopReason stop = StopReason.MAX_TOKENS;
        long decodeStart = System.nanoTime();
        while (count < maxNewTokens) {
            int token;
            if (modelPicks) {
                token = picked;
                sampler.accept(token);
            } else {
                token = sampler.sample(logits);
            }
            generated[count++] = token;
            if (tokenizer.isEndOfGeneration(token)) {
                stop = StopReason.END_OF_TEXT;
                break;
            }
            String piece = decoder.next(token);
            if (!piece.isEmpty()) {
                text.accept(piece);
            }
            if (count == maxNewTokens) {
                break;
            }
            if (length == model.capacity()) {
                stop = StopReason.CONTEXT_FULL;
                break;
            }
            if (modelPicks) {
                picked = model.forwardGreedy(token, length);
            } else {
                logits = model.forward(token, length);
            }
            sequence[length++] = token;
            steps++;
        }
        long decodeNanos = System.nanoTime() - decodeStart;
        String rest = decoder.finish();
        if (!rest.isEmpty()) {
            text.accept(rest);
        }
        cached = Arrays.copyOf(sequence, length);
        return new GenerationResult(Arrays.copyOf(generated, count), prompt.length - reused, reused, prefillNanos, steps,
                decodeNanos, stop);
    }

    private int commonPrefix(int[] prompt) {
        int n = Math.min(Math.min(cached.length, prompt.length), model.length());
        int i = 0;
        while (i < n && cached[i] == prompt[i]) {
            i++;
        }
        return i;
    }
}
