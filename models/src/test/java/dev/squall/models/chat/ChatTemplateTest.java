package dev.squall.models.chat;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.squall.models.Fixtures;
import dev.squall.models.gguf.GgufFile;
import dev.squall.models.gguf.GgufMetadata;
import dev.squall.models.gguf.GgufValue;
import dev.squall.models.tokenizer.Tokenizer;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Rendered prompts against the families' published formats, and their ids with the Llama 2 vocabulary
 * (derived as in SentencePieceTokenizerTest: "▁[" 518, "INST" 25580, "]" 29962, "/" 29914).
 */
class ChatTemplateTest {

    private static GgufMetadata llama2Metadata;
    private static Tokenizer llama2Tokenizer;

    @BeforeAll
    static void load() throws IOException {
        try (GgufFile gguf = GgufFile.open(Fixtures.tinyLlama())) {
            llama2Metadata = gguf.metadata();
            llama2Tokenizer = Tokenizer.fromGguf(llama2Metadata);
        }
    }

    private static final List<ChatMessage> SYSTEM_AND_USER = List.of(
            ChatMessage.system("You are helpful."), ChatMessage.user("Hi"));
    private static final List<ChatMessage> TWO_TURNS = List.of(
            ChatMessage.user("Hi"), ChatMessage.assistant("Hello"), ChatMessage.user("Bye"));

    @Test
    void llama2() {
        ChatTemplate t = new ChatTemplate.Llama2();
        assertEquals("<s>[INST] <<SYS>>\nYou are helpful.\n<</SYS>>\n\nHi [/INST]", t.render(SYSTEM_AND_USER, true));
        assertEquals("<s>[INST] Hi [/INST] Hello </s><s>[INST] Bye [/INST]", t.render(TWO_TURNS, true));
        // <s> parsed as BOS; the text after each special token gets the "▁" prefix, so "[INST]" is ▁[ INST ]
        assertArrayEquals(new int[] {1, 518, 25580, 29962, 3532, 14816, 29903, 6778, 13, 3492, 526, 8444, 29889, 13, 29966,
            829, 14816, 29903, 6778, 13, 13, 18567, 518, 29914, 25580, 29962}, t.encode(llama2Tokenizer, SYSTEM_AND_USER, true));
        assertArrayEquals(new int[] {1, 518, 25580, 29962, 6324, 518, 29914, 25580, 29962, 15043, 29871, 2, 1, 518, 25580,
            29962, 2648, 29872, 518, 29914, 25580, 29962}, t.encode(llama2Tokenizer, TWO_TURNS, true));
    }

    @Test
    void mistral() {
        ChatTemplate t = new ChatTemplate.Mistral();
        assertEquals("<s>[INST] Hi [/INST]Hello</s>[INST] Bye [/INST]", t.render(TWO_TURNS, true));
        assertEquals("<s>[INST] You are helpful.\n\nHi [/INST]", t.render(SYSTEM_AND_USER, true));
        assertArrayEquals(new int[] {1, 518, 25580, 29962, 6324, 518, 29914, 25580, 29962},
                t.encode(llama2Tokenizer, List.of(ChatMessage.user("Hi")), true));
    }

    @Test
    void llama3() throws IOException {
        ChatTemplate t = new ChatTemplate.Llama3();
        assertEquals("<|begin_of_text|><|start_header_id|>system<|end_header_id|>\n\nYou are helpful.<|eot_id|>"
                + "<|start_header_id|>user<|end_header_id|>\n\nHi<|eot_id|>"
                + "<|start_header_id|>assistant<|end_header_id|>\n\n", t.render(SYSTEM_AND_USER, true));
        assertEquals("<|begin_of_text|><|start_header_id|>user<|end_header_id|>\n\nHi<|eot_id|>",
                t.render(List.of(ChatMessage.user(" Hi \n")), false), "contents are trimmed; no generation prompt");
        // with the small byte-level vocabulary of BytePairTokenizerTest: 268 BOS, 270 <|eot_id|>, 273/274 headers,
        // 267 "ĊĊ", "the" = t he (116 257), and "user"/"assistant" one token per letter
        Tokenizer bpe = dev.squall.models.tokenizer.BytePairTokenizerTestAccess.llama3();
        int[] ids = t.encode(bpe, List.of(ChatMessage.user("the")), true);
        assertArrayEquals(new int[] {268, 273, 'u', 's', 'e', 'r', 274, 267, 't', 257, 270, 273, 'a', 's', 's', 'i', 's', 't',
            'a', 'n', 't', 274, 267}, ids);
    }

    @Test
    void chatml() {
        ChatTemplate qwen = new ChatTemplate.ChatML(ChatTemplate.ChatML.QWEN2_DEFAULT_SYSTEM);
        assertEquals("<|im_start|>system\nYou are a helpful assistant.<|im_end|>\n<|im_start|>user\nHi<|im_end|>\n"
                + "<|im_start|>assistant\n", qwen.render(List.of(ChatMessage.user("Hi")), true));
        assertEquals("<|im_start|>system\nYou are helpful.<|im_end|>\n<|im_start|>user\nHi<|im_end|>\n",
                qwen.render(SYSTEM_AND_USER, false), "a given system prompt replaces the default");
        assertEquals("<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\nHello<|im_end|>\n<|im_start|>user\nBye<|im_end|>\n"
                + "<|im_start|>assistant\n", new ChatTemplate.ChatML(null).render(TWO_TURNS, true));
    }

    @Test
    void detectionFromJinjaMarkers() {
        assertInstanceOf(ChatTemplate.Llama3.class, ChatTemplate.fromJinja(
                "{% for m in messages %}{{ '<|start_header_id|>' + m['role'] + '<|end_header_id|>\n\n' }}{% endfor %}").orElseThrow());
        ChatTemplate qwen = ChatTemplate.fromJinja("{% if not system %}<|im_start|>system\nYou are a helpful assistant."
                + "<|im_end|>{% endif %}").orElseThrow();
        assertEquals(new ChatTemplate.ChatML(ChatTemplate.ChatML.QWEN2_DEFAULT_SYSTEM), qwen);
        assertEquals(new ChatTemplate.ChatML(null), ChatTemplate.fromJinja("<|im_start|>{{ role }}").orElseThrow());
        assertInstanceOf(ChatTemplate.Llama2.class, ChatTemplate.fromJinja("[INST] <<SYS>>\n{{ system }}").orElseThrow());
        assertInstanceOf(ChatTemplate.Mistral.class, ChatTemplate.fromJinja("{{ bos_token }}[INST] {{ content }} [/INST]").orElseThrow());
        assertEquals(Optional.empty(), ChatTemplate.fromJinja("{{ content }}"));
    }

    @Test
    void detectionFromModelMetadata() {
        assertInstanceOf(ChatTemplate.Llama2.class, ChatTemplate.detect(llama2Metadata).orElseThrow(),
                "no chat_template, SentencePiece llama named 'LLaMA v2'");
        assertInstanceOf(ChatTemplate.Mistral.class, ChatTemplate.detect(with(Map.of("general.name",
                GgufValue.string("Mistral-7B-Instruct-v0.2")))).orElseThrow());
        assertInstanceOf(ChatTemplate.Llama3.class, ChatTemplate.detect(with(Map.of("tokenizer.chat_template",
                GgufValue.string("<|start_header_id|>x<|end_header_id|>")))).orElseThrow(), "the template wins over the name");
        assertEquals(new ChatTemplate.ChatML(ChatTemplate.ChatML.QWEN2_DEFAULT_SYSTEM), ChatTemplate.detect(with(Map.of(
                "general.architecture", GgufValue.string("qwen2")))).orElseThrow());
        assertEquals(Optional.empty(), ChatTemplate.detect(new GgufMetadata(Map.of())));
        assertEquals("mistral", ChatTemplate.forName("Mistral").name());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ChatTemplate.forName("vicuna"));
        assertTrue(e.getMessage().contains("[llama2, llama3, chatml, mistral]"), e.getMessage());
    }

    private static GgufMetadata with(Map<String, GgufValue> overrides) {
        Map<String, GgufValue> m = new LinkedHashMap<>(llama2Metadata.asMap());
        m.putAll(overrides);
        return new GgufMetadata(m);
    }
}
