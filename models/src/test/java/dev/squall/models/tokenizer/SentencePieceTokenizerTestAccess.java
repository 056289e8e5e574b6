package dev.squall.models.tokenizer;

import dev.squall.models.Fixtures;
import dev.squall.models.gguf.GgufFile;
import java.io.IOException;
import java.io.UncheckedIOException;

/** The fixture's Llama 2 tokenizer, for tests. */
final class SentencePieceTokenizerTestAccess {

    private SentencePieceTokenizerTestAccess() {
    }

    static Tokenizer tokenizer() {
        try (GgufFile gguf = GgufFile.open(Fixtures.tinyLlama())) {
            return Tokenizer.fromGguf(gguf.metadata());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
