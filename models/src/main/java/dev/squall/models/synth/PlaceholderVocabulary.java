package dev.squall.models.synth;

import dev.squall.models.tokenizer.ByteUnicode;
import java.util.ArrayList;
import java.util.List;

/**
 * A byte-level BPE vocabulary of any size, with valid merges: ids 0–255 are the bytes, then
 * merged tokens built from a small alphabet (lower-case letters and the space 'Ġ'): all pairs,
 * then those pairs extended by one letter, and so on, each with the merge that makes it; the
 * special tokens come last. Real text tokenizes with it (into short pieces), which is all a
 * model with random weights needs.
 *
 * @param tokens all token texts by id
 * @param types  token types: 1 normal, 3 control for the special tokens
 * @param merges "left right" merge rules by rank
 */
public record PlaceholderVocabulary(String[] tokens, int[] types, String[] merges) {

    private static final String ALPHABET = "Ġetaoinshrdlucmfwypvbgkqjxz";

    /** {@code size} tokens, the last being {@code specials} in order. */
    public static PlaceholderVocabulary of(int size, List<String> specials) {
        int merged = size - 256 - specials.size();
        if (merged < 0) {
            throw new IllegalArgumentException("a vocabulary of " + size + " cannot hold 256 bytes and " + specials.size()
                    + " special tokens");
        }
        String[] tokens = new String[size];
        int[] types = new int[size];
        for (int b = 0; b < 256; b++) {
            tokens[b] = String.valueOf(ByteUnicode.toChar(b));
            types[b] = 1;
        }
        String[] merges = new String[merged];
        // breadth first: every token of length L (from the alphabet) is extended by each letter
        List<String> level = new ArrayList<>();
        for (char c : ALPHABET.toCharArray()) {
            level.add(String.valueOf(c));
        }
        int next = 0;
        while (next < merged) {
            List<String> longer = new ArrayList<>();
            for (String left : level) {
                for (char c : ALPHABET.toCharArray()) {
                    if (next == merged) {
                        break;
                    }
                    String token = left + c;
                    tokens[256 + next] = token;
                    types[256 + next] = 1;
                    merges[next] = left + " " + c;
                    longer.add(token);
                    next++;
                }
            }
            level = longer;
        }
        for (int i = 0; i < specials.size(); i++) {
            tokens[256 + merged + i] = specials.get(i);
            types[256 + merged + i] = 3;
        }
        return new PlaceholderVocabulary(tokens, types, merges);
    }

    /** Id of the first special token (BOS). */
    public int firstSpecialId() {
        return 256 + merges.length;
    }
}
