package dev.squall.models.tokenizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.squall.models.gguf.GgufFile;
import dev.squall.models.gguf.GgufMetadata;
import dev.squall.models.gguf.GgufMetadataException;
import dev.squall.models.gguf.GgufValue;
import dev.squall.models.gguf.GgufValueType;
import dev.squall.models.gguf.GgufWriter;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Byte-level BPE on a small vocabulary built here: ids 0–255 are the bytes (token b is the
 * GPT-2 character of byte b, so 't' = 116 and the space is "Ġ" = 32), then twelve merges, then
 * special tokens. The expected ids are worked out by hand in the comments.
 */
class BytePairTokenizerTest {

    static final String[] MERGES = {
        "Ġ t", // 256 Ġt   (rank 0)
        "h e", // 257 he
        "Ġt he", // 258 Ġthe
        "Ġ c", // 259 Ġc
        "a t", // 260 at
        "Ġc at", // 261 Ġcat
        "Ġ Ġ", // 262 ĠĠ
        "i n", // 263 in
        "Ġ s", // 264 Ġs
        "Ġs at", // 265 Ġsat
        "1 2", // 266 12
        "Ċ Ċ", // 267 ĊĊ
    };
    static final int BOS = 268;
    static final int EOS = 269;
    static final int EOT = 270;
    static final int TOOL = 271;       // user-defined: always matched
    static final int CA = 272;         // "Ġca": a token no merge produces (tests ignore_merges)
    static final int START_HEADER = 273;
    static final int END_HEADER = 274;

    /** The vocabulary as GGUF metadata, written and read back through the writer and reader. */
    static GgufMetadata metadata(String pre) throws IOException {
        List<String> tokens = new ArrayList<>();
        List<Integer> types = new ArrayList<>();
        for (int b = 0; b < 256; b++) {
            tokens.add(String.valueOf(ByteUnicode.toChar(b)));
            types.add(1);
        }
        for (String merge : MERGES) {
            tokens.add(merge.replace(" ", ""));
            types.add(1);
        }
        String[] specials = {"<|begin_of_text|>", "<|end_of_text|>", "<|eot_id|>", "<tool>", "Ġca", "<|start_header_id|>",
            "<|end_header_id|>"};
        int[] specialTypes = {3, 3, 3, 4, 1, 3, 3};
        for (int i = 0; i < specials.length; i++) {
            tokens.add(specials[i]);
            types.add(specialTypes[i]);
        }
        GgufWriter writer = new GgufWriter()
                .putString("general.architecture", "llama")
                .putString("tokenizer.ggml.model", "gpt2")
                .put("tokenizer.ggml.tokens", GgufValue.strings(tokens.toArray(String[]::new)))
                .put("tokenizer.ggml.token_type", GgufValue.int32s(types.stream().mapToInt(Integer::intValue).toArray()))
                .put("tokenizer.ggml.merges", GgufValue.strings(MERGES))
                .putUInt32("tokenizer.ggml.bos_token_id", BOS)
                .putUInt32("tokenizer.ggml.eos_token_id", EOS)
                .putUInt32("tokenizer.ggml.eot_token_id", EOT);
        if (pre != null) {
            writer.putString("tokenizer.ggml.pre", pre);
        }
        return GgufFile.parse(MemorySegment.ofArray(writer.toByteArray())).metadata();
    }

    static Tokenizer llama3() throws IOException {
        return Tokenizer.fromGguf(metadata("llama-bpe"));
    }

    private static int[] ids(int... ids) {
        return ids;
    }

    @Test
    void mergesByRank() throws IOException {
        Tokenizer t = llama3();
        assertInstanceOf(BytePairTokenizer.class, t);
        assertEquals(275, t.vocabSize());
        // "the" → t h e; only (h,e) merges (rank 1) → t he.  " cat" → Ġ c a t: (Ġ,c) rank 3 before (a,t) rank 4,
        // then (Ġc,at) rank 5 → Ġcat.  " sat" → Ġ s a t: (a,t) rank 4 first, then (Ġ,s) rank 8, then (Ġs,at) → Ġsat
        assertArrayEquals(ids(BOS, 't', 257, 261, 265), t.encode("the cat sat", true, false));
        assertArrayEquals(ids('t', 257, 261, 265), t.encode("the cat sat", false, false));
        assertArrayEquals(ids(258), t.encode(" the", false, false)); // Ġ t h e: (Ġ,t) rank 0, (h,e) rank 1, (Ġt,he) rank 2
        assertEquals("the cat sat", t.decode(t.encode("the cat sat", true, false)));
    }

    @Test
    void digitsWhitespaceAndNewlines() throws IOException {
        Tokenizer t = llama3();
        // llama3 splits digits in threes: "121" "2" → (1,2) merges leftmost first → 12 1; then 2
        assertArrayEquals(ids(266, '1', '2'), t.encode("1212", false, false));
        // GPT-2's pattern keeps "1212" one word: 1 2 1 2 → the leftmost (1,2) first, then the other → 12 12
        Tokenizer gpt2 = Tokenizer.fromGguf(metadata("gpt2"));
        assertArrayEquals(ids(266, 266), gpt2.encode("1212", false, false));
        // Qwen2: every digit its own word, so nothing merges
        assertArrayEquals(ids('1', '2', '1', '2'), Tokenizer.fromGguf(metadata("qwen2")).encode("1212", false, false));
        // "a   b": "a", "  " (whitespace leaves one space for the word), " b" → a ĠĠ Ġ b
        assertArrayEquals(ids('a', 262, ' ', 'b'), t.encode("a   b", false, false));
        // "x\n\ny": "\n\n" is one word → Ċ Ċ merges (rank 11) → ĊĊ
        assertArrayEquals(ids('x', 267, 'y'), t.encode("x\n\ny", false, false));
    }

    @Test
    void bytesOfUnicodeText() throws IOException {
        Tokenizer t = llama3();
        // é is C3 A9, 🦙 is F0 9F A6 99: no merges, so one token per byte, and the token id is the byte
        assertArrayEquals(ids('c', 'a', 'f', 0xC3, 0xA9), t.encode("café", false, false));
        assertArrayEquals(ids(0xF0, 0x9F, 0xA6, 0x99), t.encode("🦙", false, false));
        assertArrayEquals(new byte[] {(byte) 0xF0}, t.decodePiece(0xF0));
        assertArrayEquals(new byte[] {' ', 't'}, t.decodePiece(256), "Ġt decodes to a space and t");
    }

    @Test
    void ignoreMergesTakesWholeWordsThatAreTokens() throws IOException {
        // " ca" is the token Ġca, but the merges only reach Ġc + a: Llama 3 takes the word whole, GPT-2 merges
        assertArrayEquals(ids(CA), llama3().encode(" ca", false, false));
        assertArrayEquals(ids(259, 'a'), Tokenizer.fromGguf(metadata("gpt2")).encode(" ca", false, false));
    }

    @Test
    void specialTokens() throws IOException {
        Tokenizer t = llama3();
        String text = "<|begin_of_text|>the<|eot_id|>";
        assertArrayEquals(ids(BOS, BOS, 't', 257, EOT), t.encode(text, true, true));
        int[] plain = t.encode(text, false, false);
        assertTrue(Arrays.stream(plain).allMatch(id -> id < BOS), "no special ids: " + Arrays.toString(plain));
        assertEquals(text, t.decode(plain), "unparsed special tokens are ordinary text");
        assertEquals("the", t.decode(t.encode(text, false, true)), "control tokens are left out of decoded text");
        // user-defined tokens are matched even without special parsing, and decode to their text
        assertArrayEquals(ids('x', TOOL, 'y'), t.encode("x<tool>y", false, false));
        assertEquals("x<tool>y", t.decode(ids('x', TOOL, 'y')));
        assertTrue(t.isEndOfGeneration(EOS) && t.isEndOfGeneration(EOT) && !t.isEndOfGeneration(BOS));
    }

    @Test
    void addBosFollowsTheModelsSettings() throws IOException {
        assertArrayEquals(ids('a'), Tokenizer.fromGguf(metadata("qwen2")).encode("a", true, false),
                "BPE adds BOS by default only for Llama 3");
        GgufMetadata withEos = new GgufMetadata(new java.util.LinkedHashMap<>(metadata("gpt2").asMap()) {
            {
                put("tokenizer.ggml.add_bos_token", GgufValue.bool(true));
                put("tokenizer.ggml.add_eos_token", GgufValue.bool(true));
            }
        });
        assertArrayEquals(ids(BOS, 'a', EOS), Tokenizer.fromGguf(withEos).encode("a", true, false));
        assertArrayEquals(ids('a'), Tokenizer.fromGguf(withEos).encode("a", false, false));
    }

    @Test
    void randomTextRoundTrips() throws IOException {
        Tokenizer t = llama3();
        String[] alphabet = {"the", " cat", " ", "\n", "\t", "12", "3", "é", "日本", "🦙", "'s", "'M", "!", "<tool>", "ß", "\u3000"};
        SplittableRandom random = new SplittableRandom(3);
        for (int trial = 0; trial < 300; trial++) {
            StringBuilder sb = new StringBuilder();
            for (int p = random.nextInt(10); p > 0; p--) {
                sb.append(alphabet[random.nextInt(alphabet.length)]);
            }
            String text = sb.toString();
            assertEquals(text, t.decode(t.encode(text, true, false)), "'" + text + "'");
        }
    }

    @Test
    void badMetadataIsNamed() throws IOException {
        GgufMetadata noMerges = new GgufMetadata(new java.util.LinkedHashMap<>(metadata(null).asMap()) {
            {
                remove("tokenizer.ggml.merges");
            }
        });
        GgufMetadataException e = assertThrows(GgufMetadataException.class, () -> Tokenizer.fromGguf(noMerges));
        assertEquals("GGUF metadata 'tokenizer.ggml.merges': missing", e.getMessage());
        GgufMetadata unknownModel = new GgufMetadata(new java.util.LinkedHashMap<>(metadata(null).asMap()) {
            {
                put("tokenizer.ggml.model", GgufValue.string("rwkv"));
            }
        });
        assertThrows(GgufMetadataException.class, () -> Tokenizer.fromGguf(unknownModel));
        GgufMetadata badTypes = new GgufMetadata(new java.util.LinkedHashMap<>(metadata(null).asMap()) {
            {
                put("tokenizer.ggml.token_type", GgufValue.array(GgufValueType.INT32, new int[] {1, 2}));
            }
        });
        GgufMetadataException lengths = assertThrows(GgufMetadataException.class, () -> Tokenizer.fromGguf(badTypes));
        assertTrue(lengths.getMessage().contains("2 entries for 275 tokens"), lengths.getMessage());
        assertFalse(metadata(null).has("tokenizer.ggml.pre"));
    }
}
