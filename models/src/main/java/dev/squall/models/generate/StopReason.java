package dev.squall.models.generate;

/** Why a generation ended. */
public enum StopReason {
    /** The model produced its end-of-text or end-of-turn token. */
    END_OF_TEXT,
    /** The requested number of new tokens was reached. */
    MAX_TOKENS,
    /** The KV cache is full. */
    CONTEXT_FULL
}
