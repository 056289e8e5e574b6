package dev.squall.models.tokenizer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Word splits worked out by hand from each published pattern (alternatives tried left to right, greedy with backtracking). */
class PreTokenizerTest {

    private static final String TEXT = "I'M here  now\n\n  ok 12345!!";

    @Test
    void llama3() {
        // "'M": contractions are case-insensitive; "  now": \s+(?!\S) leaves the last space to the word;
        // "\n\n  ": \s*[\r\n]+ ends at the last newline; " 12345": the space stands alone, digits go in threes
        assertEquals(List.of("I", "'M", " here", " ", " now", "\n\n", " ", " ok", " ", "123", "45", "!!"),
                PreTokenizer.LLAMA3.split(TEXT));
    }

    @Test
    void qwen2() {
        assertEquals(List.of("I", "'M", " here", " ", " now", "\n\n", " ", " ok", " ", "1", "2", "3", "4", "5", "!!"),
                PreTokenizer.QWEN2.split(TEXT));
    }

    @Test
    void gpt2() {
        // case-sensitive contractions: "'M" is punctuation then a word; whitespace before a word keeps one space back;
        // numbers take their leading space and any number of digits
        assertEquals(List.of("I", "'", "M", " here", " ", " now", "\n\n ", " ok", " 12345", "!!"),
                PreTokenizer.GPT2.split(TEXT));
    }

    @Test
    void unicodeLettersAndWhitespace() {
        assertEquals(List.of("naïve", " 日本語", " café", " 𝐀𝐁"), PreTokenizer.LLAMA3.split("naïve 日本語 café 𝐀𝐁"));
        // U+3000 IDEOGRAPHIC SPACE is White_Space: with an ASCII \s it would be taken for punctuation, "\u3000\u3000"
        assertEquals(List.of("a", "\u3000", "\u3000b"), PreTokenizer.LLAMA3.split("a\u3000\u3000b"));
        assertEquals(List.of("x", "\r\n", "y"), PreTokenizer.LLAMA3.split("x\r\ny"));
        // punctuation takes one leading space and the newlines right after it
        assertEquals(List.of("a", " :)\n"), PreTokenizer.LLAMA3.split("a :)\n"));
        assertEquals(List.of(), PreTokenizer.LLAMA3.split(""));
    }

    @Test
    void namesFromGguf() {
        assertEquals(PreTokenizer.LLAMA3, PreTokenizer.forName("llama-bpe"));
        assertEquals(PreTokenizer.QWEN2, PreTokenizer.forName("qwen2"));
        assertEquals(PreTokenizer.GPT2, PreTokenizer.forName(null));
        assertNull(PreTokenizer.forName("deepseek-coder"));
    }
}
