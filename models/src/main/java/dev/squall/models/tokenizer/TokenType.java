package dev.squall.models.tokenizer;

/** The {@code tokenizer.ggml.token_type} values, as llama.cpp assigns them. */
public enum TokenType {
    /** 0: not set; treated as normal. */
    UNDEFINED,
    /** 1: an ordinary piece of text. */
    NORMAL,
    /** 2: the unknown token. */
    UNKNOWN,
    /** 3: a control token (BOS, EOS, chat markers): never produced from text unless special parsing is on. */
    CONTROL,
    /** 4: added by the model's authors; always matched as a whole in text. */
    USER_DEFINED,
    /** 5: a reserved slot. */
    UNUSED,
    /** 6: a byte-fallback token {@code <0xNN>}. */
    BYTE;

    private static final TokenType[] BY_ID = values();

    /** The type stored as {@code id}, or null when out of range. */
    public static TokenType byId(int id) {
        return id >= 0 && id < BY_ID.length ? BY_ID[id] : null;
    }

    /** Control, user-defined and unknown tokens are matched as whole tokens in text, as llama.cpp does. */
    boolean isSpecial() {
        return this == CONTROL || this == USER_DEFINED || this == UNKNOWN;
    }
}
