package dev.squall.models.tokenizer;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Splits text into words before byte-level BPE, by the regular expression of the model family
 * named in {@code tokenizer.ggml.pre}. The patterns are the ones the families publish in their
 * Hugging Face {@code tokenizer.json} ({@code pre_tokenizer} → Split → Regex), which llama.cpp
 * also implements; GPT-2's is the one in OpenAI's {@code encoder.py}.
 *
 * <p>Java's {@code \s} is ASCII-only, so {@code \s}/{@code \S} are written as the Unicode
 * White_Space property, which is what the published patterns mean. The {@code (?i:...)} groups
 * are ASCII case-insensitive; the reference engines also fold the long s 'ſ' to 's', a
 * difference only for text with an apostrophe before 'ſ'.
 */
public enum PreTokenizer {
    /** GPT-2: contractions, words with one leading space, numbers, punctuation runs, whitespace. */
    GPT2("'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)|\\s+"),
    /** Llama 3 (and Smaug, DBRX): like GPT-2 but numbers in groups of up to three digits, newlines kept apart. */
    LLAMA3("(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*"
            + "|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+"),
    /** Qwen2: Llama 3's pattern with every digit a word of its own. */
    QWEN2("(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*"
            + "|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+");

    private final String published;
    private final Pattern pattern;

    PreTokenizer(String published) {
        this.published = published;
        this.pattern = Pattern.compile(published.replace("\\s", "\\p{IsWhite_Space}").replace("\\S", "\\P{IsWhite_Space}"));
    }

    /** The pattern as the model family publishes it. */
    public String publishedPattern() {
        return published;
    }

    /** The words of {@code text}, in order; together they are exactly {@code text}. */
    public List<String> split(String text) {
        List<String> words = new ArrayList<>();
        Matcher m = pattern.matcher(text);
        int end = 0;
        while (m.find()) {
            if (m.start() > end) {
                words.add(text.substring(end, m.start())); // no pattern leaves gaps; kept so no text is ever lost
            }
            if (m.end() > m.start()) {
                words.add(m.group());
            }
            end = m.end();
        }
        if (end < text.length()) {
            words.add(text.substring(end));
        }
        return words;
    }

    /**
     * The pre-tokenizer for a {@code tokenizer.ggml.pre} value, or null when it is not one of
     * these. {@code null}, "default" and "gpt2" are GPT-2's.
     */
    public static PreTokenizer forName(String pre) {
        if (pre == null) {
            return GPT2;
        }
        return switch (pre) {
            case "default", "gpt2", "gpt-2" -> GPT2;
            case "llama3", "llama-v3", "llama-bpe", "smaug-bpe", "dbrx" -> LLAMA3;
            case "qwen2" -> QWEN2;
            default -> null;
        };
    }
}
