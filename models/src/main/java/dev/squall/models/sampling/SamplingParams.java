package dev.squall.models.sampling;

/**
 * How to pick the next token from logits. Rules apply in llama.cpp's order: repetition penalty,
 * top-k, top-p, temperature, then a draw from the softmax. Temperature 0 means greedy (argmax).
 *
 * @param temperature       logits are divided by it; 0 for greedy
 * @param topK              keep the k most likely tokens; 0 keeps all
 * @param topP              keep the most likely tokens until their probability reaches p (nucleus); 1 keeps all
 * @param repetitionPenalty CTRL-style penalty for recently seen tokens: positive logits divided by it,
 *                          negative ones multiplied; 1 is off
 * @param repetitionWindow  how many of the most recent tokens the penalty looks at
 * @param seed              the random draws are a fixed function of the seed
 */
public record SamplingParams(float temperature, int topK, float topP, float repetitionPenalty, int repetitionWindow,
        long seed) {

    public SamplingParams {
        if (!(temperature >= 0) || Float.isInfinite(temperature)) {
            throw new IllegalArgumentException("temperature must be finite and ≥ 0, got " + temperature);
        }
        if (topK < 0) {
            throw new IllegalArgumentException("topK must be ≥ 0 (0 = off), got " + topK);
        }
        if (!(topP > 0 && topP <= 1)) {
            throw new IllegalArgumentException("topP must be in (0, 1], got " + topP);
        }
        if (!(repetitionPenalty > 0) || Float.isInfinite(repetitionPenalty)) {
            throw new IllegalArgumentException("repetitionPenalty must be finite and > 0 (1 = off), got " + repetitionPenalty);
        }
        if (repetitionWindow < 0) {
            throw new IllegalArgumentException("repetitionWindow must be ≥ 0, got " + repetitionWindow);
        }
    }

    /** Always the most likely token. */
    public static SamplingParams greedy() {
        return new SamplingParams(0f, 0, 1f, 1f, 0, 0);
    }

    /** llama.cpp's defaults: temperature 0.8, top-k 40, top-p 0.95, no repetition penalty (window 64). */
    public static SamplingParams defaults(long seed) {
        return new SamplingParams(0.8f, 40, 0.95f, 1f, 64, seed);
    }

    public SamplingParams withTemperature(float value) {
        return new SamplingParams(value, topK, topP, repetitionPenalty, repetitionWindow, seed);
    }

    public SamplingParams withTopK(int value) {
        return new SamplingParams(temperature, value, topP, repetitionPenalty, repetitionWindow, seed);
    }

    public SamplingParams withTopP(float value) {
        return new SamplingParams(temperature, topK, value, repetitionPenalty, repetitionWindow, seed);
    }

    public SamplingParams withRepetitionPenalty(float penalty, int window) {
        return new SamplingParams(temperature, topK, topP, penalty, window, seed);
    }

    public SamplingParams withSeed(long value) {
        return new SamplingParams(temperature, topK, topP, repetitionPenalty, repetitionWindow, value);
    }

    public boolean isGreedy() {
        return temperature == 0;
    }
}
