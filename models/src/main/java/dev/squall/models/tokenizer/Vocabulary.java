package dev.squall.models.tokenizer;

import dev.squall.models.gguf.GgufMetadata;
import dev.squall.models.gguf.GgufMetadataException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A tokenizer's vocabulary: token texts, scores and types, the lookup from text to id, the
 * special ids, and whether BOS/EOS are added. Built from {@code tokenizer.ggml.*} metadata.
 */
public final class Vocabulary {

    /** Metadata keys read here. */
    public static final String TOKENS = "tokenizer.ggml.tokens";
    public static final String SCORES = "tokenizer.ggml.scores";
    public static final String TOKEN_TYPE = "tokenizer.ggml.token_type";
    public static final String BOS = "tokenizer.ggml.bos_token_id";
    public static final String EOS = "tokenizer.ggml.eos_token_id";
    public static final String UNK = "tokenizer.ggml.unknown_token_id";
    public static final String PAD = "tokenizer.ggml.padding_token_id";
    public static final String EOT = "tokenizer.ggml.eot_token_id";
    public static final String ADD_BOS = "tokenizer.ggml.add_bos_token";
    public static final String ADD_EOS = "tokenizer.ggml.add_eos_token";

    private final String[] tokens;
    private final float[] scores;
    private final TokenType[] types;
    private final Map<String, Integer> ids;
    private final SpecialIds special;
    private final boolean addBos;
    private final boolean addEos;
    private final List<Integer> specialByLength;

    /**
     * Ids of the special tokens, each -1 when the vocabulary has none.
     *
     * @param bos beginning of sequence
     * @param eos end of sequence
     * @param unk unknown piece
     * @param pad padding
     * @param eot end of turn (Llama 3's {@code <|eot_id|>}), a second stop token for chat models
     */
    public record SpecialIds(int bos, int eos, int unk, int pad, int eot) {
        public static final SpecialIds NONE = new SpecialIds(-1, -1, -1, -1, -1);

        public SpecialIds withBos(int id) {
            return new SpecialIds(id, eos, unk, pad, eot);
        }

        public SpecialIds withEos(int id) {
            return new SpecialIds(bos, id, unk, pad, eot);
        }

        public SpecialIds withUnk(int id) {
            return new SpecialIds(bos, eos, id, pad, eot);
        }

        public SpecialIds withEot(int id) {
            return new SpecialIds(bos, eos, unk, pad, id);
        }
    }

    /**
     * @param tokens  token texts by id
     * @param scores  per-token scores (SentencePiece log probabilities), or null for all zero
     * @param types   per-token types, or null for all normal
     * @param special ids of BOS, EOS and the other special tokens
     * @param addBos  whether encoding with {@code addBos} prepends BOS
     * @param addEos  whether encoding with {@code addBos} also appends EOS
     */
    public Vocabulary(String[] tokens, float[] scores, TokenType[] types, SpecialIds special, boolean addBos,
            boolean addEos) {
        this.tokens = tokens.clone();
        int n = tokens.length;
        this.scores = scores != null ? checkLength(scores.clone(), scores.length, n, "scores") : new float[n];
        TokenType[] t = types != null ? types.clone() : filled(n);
        checkLength(t, t.length, n, "types");
        this.types = t;
        checkId(special.bos(), "bos");
        checkId(special.eos(), "eos");
        checkId(special.unk(), "unk");
        checkId(special.pad(), "pad");
        checkId(special.eot(), "eot");
        this.special = special;
        this.addBos = addBos && special.bos() >= 0;
        this.addEos = addEos && special.eos() >= 0;
        Map<String, Integer> map = HashMap.newHashMap(n);
        for (int i = n - 1; i >= 0; i--) {
            map.put(Objects.requireNonNull(tokens[i], "token " + i), i); // on duplicates the lowest id wins
        }
        this.ids = map;
        List<Integer> matched = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            if (this.types[i].isSpecial() && !tokens[i].isEmpty()) {
                matched.add(i);
            }
        }
        // longest first, as llama.cpp partitions text: a longer special token claims its text before a shorter one
        matched.sort(Comparator.<Integer>comparingInt(i -> -tokens[i].length()).thenComparingInt(i -> i));
        this.specialByLength = Collections.unmodifiableList(matched);
    }

    private static TokenType[] filled(int n) {
        TokenType[] t = new TokenType[n];
        Arrays.fill(t, TokenType.NORMAL);
        return t;
    }

    private static <T> T checkLength(T array, int length, int expected, String what) {
        if (length != expected) {
            throw new IllegalArgumentException(what + " has " + length + " entries for " + expected + " tokens");
        }
        return array;
    }

    private void checkId(int id, String what) {
        if (id < -1 || id >= tokens.length) {
            throw new IllegalArgumentException(what + " id " + id + " is outside the vocabulary of " + tokens.length);
        }
    }

    /**
     * The vocabulary in {@code tokenizer.ggml.*} metadata.
     *
     * @param addBosDefault whether to add BOS when {@code add_bos_token} is absent (model-type dependent)
     */
    public static Vocabulary fromGguf(GgufMetadata m, boolean addBosDefault) {
        String[] tokens = m.getStringArray(TOKENS);
        float[] scores = m.has(SCORES) ? m.getFloatArray(SCORES) : null;
        TokenType[] types = null;
        if (m.has(TOKEN_TYPE)) {
            int[] raw = m.getIntArray(TOKEN_TYPE);
            types = new TokenType[raw.length];
            for (int i = 0; i < raw.length; i++) {
                types[i] = TokenType.byId(raw[i]);
                if (types[i] == null) {
                    throw new GgufMetadataException(TOKEN_TYPE, "token " + i + " has unknown type " + raw[i]);
                }
            }
        }
        for (String key : new String[] {SCORES, TOKEN_TYPE}) {
            if (m.has(key) && m.getArray(key).length() != tokens.length) {
                throw new GgufMetadataException(key, m.getArray(key).length() + " entries for " + tokens.length + " tokens");
            }
        }
        SpecialIds special = new SpecialIds(id(m, BOS, tokens.length), id(m, EOS, tokens.length), id(m, UNK, tokens.length),
                id(m, PAD, tokens.length), id(m, EOT, tokens.length));
        return new Vocabulary(tokens, scores, types, special, m.getBool(ADD_BOS, addBosDefault), m.getBool(ADD_EOS, false));
    }

    private static int id(GgufMetadata m, String key, int size) {
        if (!m.has(key)) {
            return -1;
        }
        long id = m.getLong(key);
        if (id < 0 || id >= size) {
            throw new GgufMetadataException(key, "token id " + id + " is outside the vocabulary of " + size);
        }
        return (int) id;
    }

    public int size() {
        return tokens.length;
    }

    public String token(int id) {
        return tokens[checkIndex(id)];
    }

    public float score(int id) {
        return scores[checkIndex(id)];
    }

    public TokenType type(int id) {
        return types[checkIndex(id)];
    }

    private int checkIndex(int id) {
        if (id < 0 || id >= tokens.length) {
            throw new IllegalArgumentException("token id " + id + " is outside the vocabulary of " + tokens.length);
        }
        return id;
    }

    /** The id of the token with exactly this text, or -1. */
    public int id(String text) {
        Integer id = ids.get(text);
        return id != null ? id : -1;
    }

    public SpecialIds specialIds() {
        return special;
    }

    public int bos() {
        return special.bos();
    }

    public int eos() {
        return special.eos();
    }

    public int unk() {
        return special.unk();
    }

    public boolean addBos() {
        return addBos;
    }

    public boolean addEos() {
        return addEos;
    }

    /** Ids of control, user-defined and unknown tokens, longest text first. */
    List<Integer> specialTokensByLength() {
        return specialByLength;
    }
}
