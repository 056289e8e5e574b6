package dev.squall.models.generate;

/**
 * One generation: the new tokens and where the time went.
 *
 * @param tokens         the new tokens, including a final end-of-text token when there was one
 * @param promptTokens   prompt tokens run through the model this time (after reusing the cached prefix)
 * @param reusedTokens   prompt tokens whose keys and values were already cached
 * @param prefillNanos   time to run the prompt tokens (up to the first new token's logits)
 * @param decodeSteps    forward passes after the prompt (one per new token fed back)
 * @param decodeNanos    time of those forward passes, sampling included
 * @param stop           why it ended
 */
public record GenerationResult(int[] tokens, int promptTokens, int reusedTokens, long prefillNanos, int decodeSteps,
        long decodeNanos, StopReason stop) {

    public double prefillTokensPerSecond() {
        return prefillNanos == 0 ? 0 : promptTokens / (prefillNanos / 1e9);
    }

    public double decodeTokensPerSecond() {
        return decodeNanos == 0 ? 0 : decodeSteps / (decodeNanos / 1e9);
    }
}
