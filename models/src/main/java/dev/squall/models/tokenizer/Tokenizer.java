package dev.squall.models.tokenizer;

import dev.squall.models.gguf.GgufMetadata;
import dev.squall.models.gguf.GgufMetadataException;
import java.util.ArrayList;
import java.util.List;

/**
 * Text to token ids and back, as llama.cpp does it for the model's tokenizer type: SentencePiece
 * ({@code tokenizer.ggml.model = llama}) or byte-level BPE ({@code gpt2}).
 *
 * <pre>{@code
 * Tokenizer tokenizer = Tokenizer.fromGguf(gguf.metadata());
 * int[] ids = tokenizer.encode("Once upon a time", true, false);
 * String text = tokenizer.decode(ids);
 * }</pre>
 */
public sealed interface Tokenizer permits SentencePieceTokenizer, BytePairTokenizer {

    /** The metadata key naming the tokenizer type. */
    String MODEL_KEY = "tokenizer.ggml.model";

    /**
     * Token ids of {@code text}.
     *
     * @param addBos       add the special tokens the model asks for: BOS when
     *                     {@code tokenizer.ggml.add_bos_token} (default true for SentencePiece and Llama 3),
     *                     EOS when {@code add_eos_token}
     * @param parseSpecial match control tokens such as {@code <s>} or {@code <|eot_id|>} written in the text
     *                     as single tokens (user-defined tokens are always matched); off, they are plain text
     */
    int[] encode(String text, boolean addBos, boolean parseSpecial);

    /** {@code encode(text, true, false)}: a plain prompt. */
    default int[] encode(String text) {
        return encode(text, true, false);
    }

    /**
     * The text of {@code ids}: control tokens (BOS, EOS, chat markers) are left out, byte tokens
     * become bytes, and invalid UTF-8 becomes U+FFFD. SentencePiece drops the one space it
     * prepended when encoding, so {@code decode(encode(s)) == s}.
     */
    String decode(int[] ids);

    /**
     * The bytes token {@code id} contributes to output, for streaming: possibly part of a UTF-8
     * character (byte tokens), empty for control tokens. See {@link StreamingDecoder}.
     */
    byte[] decodePiece(int id);

    Vocabulary vocabulary();

    default int bos() {
        return vocabulary().bos();
    }

    default int eos() {
        return vocabulary().eos();
    }

    default int vocabSize() {
        return vocabulary().size();
    }

    /** The token texts of {@code ids}, for display and tests. */
    default List<String> tokenTexts(int[] ids) {
        List<String> out = new ArrayList<>(ids.length);
        for (int id : ids) {
            out.add(vocabulary().token(id));
        }
        return out;
    }

    /** True for EOS and the end-of-turn token: where generation stops. */
    default boolean isEndOfGeneration(int id) {
        return id >= 0 && (id == vocabulary().eos() || id == vocabulary().specialIds().eot());
    }

    /** The tokenizer the metadata describes. */
    static Tokenizer fromGguf(GgufMetadata metadata) {
        String model = metadata.getString(MODEL_KEY);
        return switch (model) {
            case "llama" -> SentencePieceTokenizer.fromGguf(metadata);
            case "gpt2" -> BytePairTokenizer.fromGguf(metadata);
            default -> throw new GgufMetadataException(MODEL_KEY, "tokenizer model '" + model
                    + "' is not supported (supported: llama, gpt2)");
        };
    }
}
