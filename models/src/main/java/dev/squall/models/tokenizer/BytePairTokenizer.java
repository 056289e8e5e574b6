package dev.squall.models.tokenizer;

import dev.squall.models.gguf.GgufMetadata;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.PriorityQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Byte-level BPE as llama.cpp does it for {@code tokenizer.ggml.model = gpt2} (GPT-2, Llama 3,
 * Qwen2): text is split into words by the model's {@link PreTokenizer}, each word's UTF-8 bytes
 * become {@link ByteUnicode} characters, and adjacent symbols are merged by the rank of their
 * pair in {@code tokenizer.ggml.merges} (lowest rank first, leftmost on ties).
 */
public final class BytePairTokenizer implements Tokenizer {

    private static final Logger LOG = LoggerFactory.getLogger(BytePairTokenizer.class);

    public static final String MERGES = "tokenizer.ggml.merges";
    public static final String PRE = "tokenizer.ggml.pre";

    private final Vocabulary vocab;
    private final PreTokenizer pre;
    private final Map<String, Integer> ranks;
    private final boolean ignoreMerges;

    /**
     * @param merges       "left right" pairs, highest priority first
     * @param ignoreMerges take a whole word that is itself a token without merging (Llama 3 does)
     */
    public BytePairTokenizer(Vocabulary vocab, String[] merges, PreTokenizer pre, boolean ignoreMerges) {
        this.vocab = vocab;
        this.pre = pre;
        this.ignoreMerges = ignoreMerges;
        this.ranks = HashMap.newHashMap(merges.length);
        for (int rank = 0; rank < merges.length; rank++) {
            String merge = merges[rank];
            int space = merge.indexOf(' ', 1);
            if (space < 0 || space == merge.length() - 1) {
                throw new IllegalArgumentException("merge " + rank + " is '" + merge + "', not two symbols separated by a space");
            }
            ranks.putIfAbsent(merge, rank);
        }
    }

    public static BytePairTokenizer fromGguf(GgufMetadata m) {
        String preName = m.getString(PRE, null);
        PreTokenizer pre = PreTokenizer.forName(preName);
        if (pre == null) {
            LOG.warn("tokenizer.ggml.pre '{}' is not known; splitting words with GPT-2's pattern", preName);
            pre = PreTokenizer.GPT2;
        }
        Vocabulary vocab = Vocabulary.fromGguf(m, pre == PreTokenizer.LLAMA3);
        return new BytePairTokenizer(vocab, m.getStringArray(MERGES), pre, pre == PreTokenizer.LLAMA3);
    }

    @Override
    public Vocabulary vocabulary() {
        return vocab;
    }

    public PreTokenizer preTokenizer() {
        return pre;
    }

    @Override
    public int[] encode(String text, boolean addBos, boolean parseSpecial) {
        IntList out = new IntList();
        if (addBos && vocab.addBos()) {
            out.add(vocab.bos());
        }
        for (SpecialTokenSplitter.Fragment fragment : SpecialTokenSplitter.split(text, vocab, parseSpecial)) {
            switch (fragment) {
                case SpecialTokenSplitter.Fragment.Token(int id) -> out.add(id);
                case SpecialTokenSplitter.Fragment.Text(String piece) -> {
                    for (String word : pre.split(piece)) {
                        encodeWord(ByteUnicode.encode(word.getBytes(StandardCharsets.UTF_8)), out);
                    }
                }
            }
        }
        if (addBos && vocab.addEos()) {
            out.add(vocab.eos());
        }
        return out.toArray();
    }

    private record Bigram(int left, int right, int rank, int length) {
    }

    /** BPE over one word already in byte-character form (one char per byte). */
    private void encodeWord(String word, IntList out) {
        if (ignoreMerges) {
            int whole = vocab.id(word);
            if (whole >= 0) {
                out.add(whole);
                return;
            }
        }
        int n = word.length();
        int[] length = new int[n];
        int[] prev = new int[n];
        int[] next = new int[n];
        for (int i = 0; i < n; i++) {
            length[i] = 1;
            prev[i] = i - 1;
            next[i] = i + 1 < n ? i + 1 : -1;
        }
        PriorityQueue<Bigram> queue = new PriorityQueue<>((a, b) -> a.rank != b.rank
                ? Integer.compare(a.rank, b.rank) : Integer.compare(a.left, b.left));
        for (int i = 0; i + 1 < n; i++) {
            offer(queue, word, length, i, i + 1);
        }
        while (!queue.isEmpty()) {
            Bigram bigram = queue.poll();
            int l = bigram.left;
            int r = bigram.right;
            if (length[l] == 0 || length[r] == 0 || length[l] + length[r] != bigram.length) {
                continue; // stale
            }
            length[l] += length[r];
            length[r] = 0;
            next[l] = next[r];
            if (next[r] >= 0) {
                prev[next[r]] = l;
            }
            if (prev[l] >= 0) {
                offer(queue, word, length, prev[l], l);
            }
            if (next[l] >= 0) {
                offer(queue, word, length, l, next[l]);
            }
        }
        // symbols start at their own index: merging only ever grows a symbol to the right
        for (int i = n > 0 ? 0 : -1; i >= 0; i = next[i]) {
            String symbol = word.substring(i, i + length[i]);
            int id = vocab.id(symbol);
            if (id >= 0) {
                out.add(id);
                continue;
            }
            for (int c = 0; c < symbol.length(); c++) {
                int single = vocab.id(symbol.substring(c, c + 1));
                if (single < 0) {
                    single = vocab.unk();
                }
                if (single < 0) {
                    throw new IllegalStateException("byte character '" + symbol.charAt(c)
                            + "' is not in the vocabulary, which has no unknown token");
                }
                out.add(single);
            }
        }
    }

    private void offer(PriorityQueue<Bigram> queue, String word, int[] length, int left, int right) {
        String l = word.substring(left, left + length[left]);
        String r = word.substring(right, right + length[right]);
        Integer rank = ranks.get(l + " " + r);
        if (rank != null) {
            queue.add(new Bigram(left, right, rank, length[left] + length[right]));
        }
    }

    @Override
    public byte[] decodePiece(int id) {
        String text = vocab.token(id);
        return switch (vocab.type(id)) {
            case NORMAL, UNDEFINED, BYTE -> fromByteChars(text);
            case USER_DEFINED -> text.getBytes(StandardCharsets.UTF_8);
            case UNKNOWN -> SentencePieceTokenizer.UNKNOWN_TEXT.getBytes(StandardCharsets.UTF_8);
            case CONTROL, UNUSED -> new byte[0];
        };
    }

    /** Byte characters back to bytes; a character outside the map contributes its own UTF-8. */
    private static byte[] fromByteChars(String text) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(text.length());
        for (int i = 0; i < text.length(); ) {
            int cp = text.codePointAt(i);
            int b = cp < Character.MIN_SUPPLEMENTARY_CODE_POINT ? ByteUnicode.toByte((char) cp) : -1;
            if (b >= 0) {
                out.write(b);
            } else {
                out.writeBytes(Character.toString(cp).getBytes(StandardCharsets.UTF_8));
            }
            i += Character.charCount(cp);
        }
        return out.toByteArray();
    }

    @Override
    public String decode(int[] ids) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        for (int id : ids) {
            bytes.writeBytes(decodePiece(id));
        }
        return Utf8.decode(bytes.toByteArray(), bytes.size());
    }

    @Override
    public String toString() {
        return "BytePairTokenizer[" + vocab.size() + " tokens, " + ranks.size() + " merges, " + pre + "]";
    }
}
