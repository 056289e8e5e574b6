package dev.squall.models.tokenizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import dev.squall.models.Fixtures;
import dev.squall.models.gguf.GgufFile;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The Llama 2 SentencePiece vocabulary of the fixture, tokenized as llama.cpp does.
 *
 * <p>How the expected ids were derived: besides the two published facts in {@code data/README.md},
 * each case was worked out from the algorithm (prefix "▁", spaces to "▁", repeatedly merge the
 * adjacent pair whose concatenation is the highest-scoring token, leftmost on ties, byte-fallback
 * for pieces left outside the vocabulary) with a deliberately naive quadratic implementation over
 * the fixture's token list, separate from this module, and the resulting pieces were then looked
 * up by hand ("▁Hello" is 15043, "<0x0A>" is 13 = 3 + 0x0A, "▁" is 29871, ...). The same naive
 * algorithm is re-implemented in {@link #naive} below and compared with the tokenizer on random text.
 */
class SentencePieceTokenizerTest {

    private static Tokenizer tokenizer;
    private static Vocabulary vocab;

    @BeforeAll
    static void load() throws IOException {
        try (GgufFile gguf = GgufFile.open(Fixtures.tinyLlama())) {
            tokenizer = Tokenizer.fromGguf(gguf.metadata());
        }
        vocab = tokenizer.vocabulary();
    }

    private static void assertTokens(String text, int... expected) {
        int[] ids = tokenizer.encode(text, true, false);
        assertArrayEquals(expected, ids, () -> "'" + text + "' gave " + tokenizer.tokenTexts(ids));
        assertEquals(text, tokenizer.decode(ids), "decode(encode(x)) == x");
    }

    @Test
    void publishedFacts() {
        assertInstanceOf(SentencePieceTokenizer.class, tokenizer);
        assertEquals(32000, tokenizer.vocabSize());
        assertEquals(1, tokenizer.bos());
        assertEquals(2, tokenizer.eos());
        assertTokens("The", 1, 450);
        assertTokens("Once upon a time there was a little girl", 1, 9038, 2501, 263, 931, 727, 471, 263, 2217, 7826);
        assertArrayEquals(new int[] {450}, tokenizer.encode("The", false, false));
    }

    @Test
    void emptyAndWhitespace() {
        assertTokens("", 1);                           // llama.cpp: no text fragment, only BOS
        assertArrayEquals(new int[0], tokenizer.encode("", false, false));
        assertTokens(" ", 1, 259);                     // "▁▁" is a token
        assertTokens("  leading", 1, 259, 8236);       // ▁▁ ▁leading
        assertTokens("trailing  ", 1, 25053, 259);     // ▁trailing ▁▁
        assertTokens("a  b   c", 1, 263, 29871, 289, 259, 274); // ▁a ▁ ▁b ▁▁ ▁c: runs split before a word
        assertTokens("\ttab", 1, 29871, 12, 3891);     // ▁ <0x09> tab
    }

    @Test
    void newlines() {
        assertTokens("\n", 1, 29871, 13);               // ▁ <0x0A>
        assertTokens("Hello\nworld\n\n", 1, 15043, 13, 11526, 13, 13); // ▁Hello <0x0A> world <0x0A> <0x0A>
    }

    @Test
    void byteFallbackForEmojiAndPiecesForCjk() {
        // U+1F999 LLAMA is not in the vocabulary: its four UTF-8 bytes F0 9F A6 99 are tokens 3 + byte
        assertTokens("🦙", 1, 29871, 243, 162, 169, 156);
        assertTokens("😀!", 1, 29871, 243, 162, 155, 131, 29991);
        assertTokens("x💩y", 1, 921, 243, 162, 149, 172, 29891);
        // these CJK and Hangul characters are single-character pieces of the vocabulary
        assertTokens("你好世界", 1, 29871, 30919, 31076, 30793, 30967);
        assertTokens("한국어", 1, 29871, 30877, 31293, 31129);
        assertTokens("ℝ", 1, 29871, 30463);
    }

    @Test
    void accentsPunctuationAndDigits() {
        assertTokens("café naïve", 1, 274, 28059, 1055, 30085, 345);   // ▁c afé ▁na ï ve
        assertTokens("Hello, world!", 1, 15043, 29892, 3186, 29991);    // ▁Hello , ▁world !
        assertTokens("über 12345", 1, 2939, 29871, 29896, 29906, 29941, 29946, 29945); // digits are single pieces
    }

    @Test
    void specialTokensAreTextUnlessParsingIsRequested() {
        // as text: ▁< s > Hi </ s >
        assertTokens("<s>Hi</s>", 1, 529, 29879, 29958, 18567, 829, 29879, 29958);
        // parsed: the text after a special token gets its own "▁" prefix, as in llama.cpp
        assertArrayEquals(new int[] {1, 1, 6324, 2}, tokenizer.encode("<s>Hi</s>", true, true));
        assertArrayEquals(new int[] {1, 263, 0, 289}, tokenizer.encode("a<unk>b", true, true));
        assertEquals("Hi", tokenizer.decode(new int[] {1, 1, 6324, 2}), "control tokens are not text");
    }

    @Test
    void streamingDecodeHoldsBackSplitCharacters() {
        int[] ids = tokenizer.encode("a🦙b", false, false);
        assertEquals(List.of("▁a", "<0xF0>", "<0x9F>", "<0xA6>", "<0x99>", "b"), tokenizer.tokenTexts(ids));
        StreamingDecoder stream = new StreamingDecoder(tokenizer);
        List<String> parts = new ArrayList<>();
        for (int id : ids) {
            parts.add(stream.next(id));
        }
        parts.add(stream.finish());
        assertEquals(List.of(" a", "", "", "", "🦙", "b", ""), parts);
        assertArrayEquals(new byte[] {(byte) 0xF0}, tokenizer.decodePiece(243));
        assertArrayEquals(" The".getBytes(StandardCharsets.UTF_8), tokenizer.decodePiece(450));
        assertArrayEquals(new byte[0], tokenizer.decodePiece(1));
    }

    /** The algorithm in its plainest form: repeatedly merge the best adjacent pair; byte-fallback at the end. */
    static List<Integer> naive(String text) {
        List<Integer> out = new ArrayList<>();
        if (text.isEmpty()) {
            return out;
        }
        List<String> symbols = new ArrayList<>();
        (" " + text).replace(' ', '▁').codePoints().forEach(cp -> symbols.add(Character.toString(cp)));
        while (true) {
            int best = -1;
            float bestScore = Float.NEGATIVE_INFINITY;
            for (int i = 0; i + 1 < symbols.size(); i++) {
                int id = vocab.id(symbols.get(i) + symbols.get(i + 1));
                if (id >= 0 && (best < 0 || vocab.score(id) > bestScore)) {
                    best = i;
                    bestScore = vocab.score(id);
                }
            }
            if (best < 0) {
                break;
            }
            symbols.set(best, symbols.get(best) + symbols.remove(best + 1));
        }
        for (String s : symbols) {
            int id = vocab.id(s);
            if (id >= 0) {
                out.add(id);
            } else {
                for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
                    out.add(vocab.id(String.format("<0x%02X>", b & 0xff)));
                }
            }
        }
        return out;
    }

    @Test
    void agreesWithTheNaiveAlgorithmOnRandomText() {
        String[] alphabet = {"the", "The", " ", "  ", "\n", "\t", "a", "e", "st", "ing", "ü", "é", "日本", "語", "🦙", "😀",
                "ß", "∑", "!", ",", ".", "0", "42", "'", "\"", "(", "x", "Q", "z", "ñ", "Ω", "\u00a0", "\u3000"};
        SplittableRandom random = new SplittableRandom(11);
        for (int trial = 0; trial < 400; trial++) {
            StringBuilder sb = new StringBuilder();
            int parts = random.nextInt(12);
            for (int p = 0; p < parts; p++) {
                sb.append(alphabet[random.nextInt(alphabet.length)]);
            }
            String text = sb.toString();
            int[] ids = tokenizer.encode(text, false, false);
            assertEquals(naive(text), java.util.Arrays.stream(ids).boxed().toList(), "'" + text + "'");
            assertEquals(text, tokenizer.decode(ids), "'" + text + "'");
        }
    }
}
