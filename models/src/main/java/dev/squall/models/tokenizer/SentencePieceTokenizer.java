package dev.squall.models.tokenizer;

import dev.squall.models.gguf.GgufMetadata;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.PriorityQueue;

/**
 * SentencePiece-style tokenization as llama.cpp does it for {@code tokenizer.ggml.model = llama}:
 * spaces become "▁", a "▁" is prepended to text at the start and after each special token, then
 * adjacent pieces are merged greedily, the pair whose merged text is a token of highest score
 * first (the leftmost on ties); a piece left that is not a token falls back to its UTF-8 bytes as
 * {@code <0xNN>} tokens.
 */
public final class SentencePieceTokenizer implements Tokenizer {

    /** U+2581 LOWER ONE EIGHTH BLOCK, SentencePiece's visible space. */
    public static final char SPACE = '\u2581';
    /** llama.cpp's rendering of the unknown token, U+2585. */
    static final String UNKNOWN_TEXT = "\u2585";
    public static final String ADD_SPACE_PREFIX = "tokenizer.ggml.add_space_prefix";

    private final Vocabulary vocab;
    private final boolean addSpacePrefix;
    private final int[] byteTokens = new int[256];

    public SentencePieceTokenizer(Vocabulary vocab, boolean addSpacePrefix) {
        this.vocab = vocab;
        this.addSpacePrefix = addSpacePrefix;
        for (int b = 0; b < 256; b++) {
            byteTokens[b] = vocab.id(String.format("<0x%02X>", b));
        }
    }

    public static SentencePieceTokenizer fromGguf(GgufMetadata m) {
        return new SentencePieceTokenizer(Vocabulary.fromGguf(m, true), m.getBool(ADD_SPACE_PREFIX, true));
    }

    @Override
    public Vocabulary vocabulary() {
        return vocab;
    }

    @Override
    public int[] encode(String text, boolean addBos, boolean parseSpecial) {
        IntList out = new IntList();
        if (addBos && vocab.addBos()) {
            out.add(vocab.bos());
        }
        boolean afterSpecial = true; // the start of text counts as following a special token
        for (SpecialTokenSplitter.Fragment fragment : SpecialTokenSplitter.split(text, vocab, parseSpecial)) {
            switch (fragment) {
                case SpecialTokenSplitter.Fragment.Token(int id) -> {
                    out.add(id);
                    afterSpecial = true;
                }
                case SpecialTokenSplitter.Fragment.Text(String piece) -> {
                    String prefixed = addSpacePrefix && afterSpecial ? " " + piece : piece;
                    tokenize(prefixed.replace(' ', SPACE), out);
                    afterSpecial = false;
                }
            }
        }
        if (addBos && vocab.addEos()) {
            out.add(vocab.eos());
        }
        return out.toArray();
    }

    /** A bigram candidate: merging symbols {@code left} and {@code right} gives a token of {@code score}. */
    private record Bigram(int left, int right, float score, int length) {
    }

    /** Merges the code points of {@code text} into tokens; appends their ids. */
    private void tokenize(String text, IntList out) {
        int n = text.codePointCount(0, text.length());
        // symbols as a doubly linked list over the text: start char index and char length
        int[] start = new int[n];
        int[] length = new int[n];
        int[] prev = new int[n];
        int[] next = new int[n];
        for (int i = 0, at = 0; i < n; i++) {
            start[i] = at;
            length[i] = Character.charCount(text.codePointAt(at));
            at += length[i];
            prev[i] = i - 1;
            next[i] = i + 1 < n ? i + 1 : -1;
        }
        PriorityQueue<Bigram> queue = new PriorityQueue<>((a, b) -> a.score != b.score
                ? Float.compare(b.score, a.score) : Integer.compare(a.left, b.left));
        for (int i = 0; i + 1 < n; i++) {
            offer(queue, text, start, length, i, i + 1);
        }
        while (!queue.isEmpty()) {
            Bigram bigram = queue.poll();
            int l = bigram.left;
            int r = bigram.right;
            if (length[l] == 0 || length[r] == 0 || length[l] + length[r] != bigram.length) {
                continue; // stale: one side has been merged since this pair was queued
            }
            length[l] += length[r];
            length[r] = 0;
            next[l] = next[r];
            if (next[r] >= 0) {
                prev[next[r]] = l;
            }
            if (prev[l] >= 0) {
                offer(queue, text, start, length, prev[l], l);
            }
            if (next[l] >= 0) {
                offer(queue, text, start, length, l, next[l]);
            }
        }
        for (int i = n > 0 ? 0 : -1; i >= 0; i = next[i]) {
            String piece = text.substring(start[i], start[i] + length[i]);
            int id = vocab.id(piece);
            if (id >= 0) {
                out.add(id);
            } else {
                for (byte b : piece.getBytes(StandardCharsets.UTF_8)) {
                    out.add(byteToken(b & 0xff, piece));
                }
            }
        }
    }

    private void offer(PriorityQueue<Bigram> queue, String text, int[] start, int[] length, int left, int right) {
        int total = length[left] + length[right];
        int id = vocab.id(text.substring(start[left], start[left] + total));
        if (id >= 0) {
            queue.add(new Bigram(left, right, vocab.score(id), total));
        }
    }

    private int byteToken(int b, String piece) {
        int id = byteTokens[b];
        if (id >= 0) {
            return id;
        }
        if (vocab.unk() >= 0) {
            return vocab.unk();
        }
        throw new IllegalStateException("'" + piece + "' is not in the vocabulary, which has neither byte token <0x"
                + String.format("%02X", b) + "> nor an unknown token");
    }

    @Override
    public byte[] decodePiece(int id) {
        String text = vocab.token(id);
        return switch (vocab.type(id)) {
            case NORMAL, UNDEFINED -> text.replace(SPACE, ' ').getBytes(StandardCharsets.UTF_8);
            case USER_DEFINED -> text.getBytes(StandardCharsets.UTF_8);
            case BYTE -> new byte[] {(byte) parseByteToken(text, id)};
            case UNKNOWN -> UNKNOWN_TEXT.getBytes(StandardCharsets.UTF_8);
            case CONTROL, UNUSED -> new byte[0];
        };
    }

    private static int parseByteToken(String text, int id) {
        if (text.length() != 6 || !text.startsWith("<0x") || text.charAt(5) != '>') {
            throw new IllegalStateException("byte token " + id + " is '" + text + "', not <0xNN>");
        }
        return Integer.parseInt(text.substring(3, 5), 16);
    }

    @Override
    public String decode(int[] ids) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        boolean first = true;
        for (int id : ids) {
            byte[] piece = decodePiece(id);
            if (piece.length == 0) {
                continue;
            }
            int skip = first && addSpacePrefix && piece[0] == ' ' ? 1 : 0; // the space encode prepended
            bytes.write(piece, skip, piece.length - skip);
            first = false;
        }
        return Utf8.decode(bytes.toByteArray(), bytes.size());
    }

    @Override
    public String toString() {
        return "SentencePieceTokenizer[" + vocab.size() + " tokens]";
    }
}
