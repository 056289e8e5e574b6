package dev.squall.models.tokenizer;

import java.io.IOException;

/** Lets tests in other packages use the small byte-level vocabulary of {@link BytePairTokenizerTest}. */
public final class BytePairTokenizerTestAccess {

    private BytePairTokenizerTestAccess() {
    }

    public static Tokenizer llama3() throws IOException {
        return BytePairTokenizerTest.llama3();
    }
}
