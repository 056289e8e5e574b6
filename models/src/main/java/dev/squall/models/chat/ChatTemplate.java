package dev.squall.models.chat;

import dev.squall.models.gguf.GgufMetadata;
import dev.squall.models.tokenizer.Tokenizer;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Prompt formats of the common chat model families, written out in Java rather than by running
 * the Jinja template in {@code tokenizer.chat_template}; {@link #detect} picks one from that
 * template's tell-tale markers or, failing that, from the vocabulary and architecture.
 *
 * <p>A rendered prompt holds its special tokens as text ({@code <s>}, {@code <|eot_id|>}), so it is
 * encoded with special parsing on and without adding BOS again: {@link #encode} does exactly that.
 */
public sealed interface ChatTemplate {

    String CHAT_TEMPLATE_KEY = "tokenizer.chat_template";

    /** A short name: {@code llama2}, {@code llama3}, {@code chatml}, {@code mistral}. */
    String name();

    /**
     * The prompt text of {@code messages}.
     *
     * @param addGenerationPrompt end with the opening of an assistant turn, for the model to continue
     */
    String render(List<ChatMessage> messages, boolean addGenerationPrompt);

    /** The token ids of the rendered prompt (special tokens parsed, no BOS added beyond the template's). */
    default int[] encode(Tokenizer tokenizer, List<ChatMessage> messages, boolean addGenerationPrompt) {
        return tokenizer.encode(render(messages, addGenerationPrompt), false, true);
    }

    /**
     * Llama 2 chat: {@code <s>[INST] <<SYS>>\n{system}\n<</SYS>>\n\n{user} [/INST] {answer} </s>}, one
     * {@code <s>[INST]} per user turn; the system prompt joins the first user turn. Contents are trimmed.
     */
    record Llama2() implements ChatTemplate {
        @Override
        public String name() {
            return "llama2";
        }

        @Override
        public String render(List<ChatMessage> messages, boolean addGenerationPrompt) {
            StringBuilder sb = new StringBuilder();
            String system = null;
            for (ChatMessage m : messages) {
                switch (m.role()) {
                    case SYSTEM -> system = m.content().strip();
                    case USER -> {
                        String content = m.content().strip();
                        if (system != null) {
                            content = "<<SYS>>\n" + system + "\n<</SYS>>\n\n" + content;
                            system = null;
                        }
                        sb.append("<s>[INST] ").append(content).append(" [/INST]");
                    }
                    case ASSISTANT -> sb.append(' ').append(m.content().strip()).append(" </s>");
                }
            }
            return sb.toString();
        }
    }

    /**
     * Llama 3 (and 3.1, 3.2): {@code <|begin_of_text|>} then per message
     * {@code <|start_header_id|>{role}<|end_header_id|>\n\n{content}<|eot_id|>}. Contents are trimmed.
     */
    record Llama3() implements ChatTemplate {
        @Override
        public String name() {
            return "llama3";
        }

        @Override
        public String render(List<ChatMessage> messages, boolean addGenerationPrompt) {
            StringBuilder sb = new StringBuilder("<|begin_of_text|>");
            for (ChatMessage m : messages) {
                sb.append("<|start_header_id|>").append(m.role().label()).append("<|end_header_id|>\n\n")
                        .append(m.content().strip()).append("<|eot_id|>");
            }
            if (addGenerationPrompt) {
                sb.append("<|start_header_id|>assistant<|end_header_id|>\n\n");
            }
            return sb.toString();
        }
    }

    /**
     * ChatML (Qwen, many fine-tunes): {@code <|im_start|>{role}\n{content}<|im_end|>\n} per message.
     *
     * @param defaultSystem system prompt used when the conversation has none (Qwen2 has one), or null
     */
    record ChatML(String defaultSystem) implements ChatTemplate {
        /** Qwen2-Instruct's system prompt when none is given. */
        public static final String QWEN2_DEFAULT_SYSTEM = "You are a helpful assistant.";

        @Override
        public String name() {
            return "chatml";
        }

        @Override
        public String render(List<ChatMessage> messages, boolean addGenerationPrompt) {
            StringBuilder sb = new StringBuilder();
            boolean hasSystem = !messages.isEmpty() && messages.getFirst().role() == ChatMessage.Role.SYSTEM;
            if (!hasSystem && defaultSystem != null) {
                turn(sb, "system", defaultSystem);
            }
            for (ChatMessage m : messages) {
                turn(sb, m.role().label(), m.content());
            }
            if (addGenerationPrompt) {
                sb.append("<|im_start|>assistant\n");
            }
            return sb.toString();
        }

        private static void turn(StringBuilder sb, String role, String content) {
            sb.append("<|im_start|>").append(role).append('\n').append(content).append("<|im_end|>\n");
        }
    }

    /**
     * Mistral Instruct (v0.1–v0.3, SentencePiece): {@code <s>[INST] {user} [/INST]{answer}</s>[INST] ...};
     * a system prompt is put before the first user message, separated by a blank line.
     */
    record Mistral() implements ChatTemplate {
        @Override
        public String name() {
            return "mistral";
        }

        @Override
        public String render(List<ChatMessage> messages, boolean addGenerationPrompt) {
            StringBuilder sb = new StringBuilder("<s>");
            String system = null;
            for (ChatMessage m : messages) {
                switch (m.role()) {
                    case SYSTEM -> system = m.content().strip();
                    case USER -> {
                        String content = m.content().strip();
                        if (system != null) {
                            content = system + "\n\n" + content;
                            system = null;
                        }
                        sb.append("[INST] ").append(content).append(" [/INST]");
                    }
                    case ASSISTANT -> sb.append(m.content().strip()).append("</s>");
                }
            }
            return sb.toString();
        }
    }

    /** Every template, for listing and lookup by name. */
    static List<ChatTemplate> all() {
        return List.of(new Llama2(), new Llama3(), new ChatML(null), new Mistral());
    }

    /** The template called {@code name} ({@code chatml} without a default system prompt). */
    static ChatTemplate forName(String name) {
        for (ChatTemplate t : all()) {
            if (t.name().equals(name.toLowerCase(Locale.ROOT))) {
                return t;
            }
        }
        List<String> names = new ArrayList<>();
        all().forEach(t -> names.add(t.name()));
        throw new IllegalArgumentException("no chat template '" + name + "'; templates: " + names);
    }

    /**
     * The template a Jinja chat template implements, judged by its markers: header ids → Llama 3,
     * {@code <|im_start|>} → ChatML, {@code [INST]} with {@code <<SYS>>} → Llama 2, without → Mistral.
     */
    static Optional<ChatTemplate> fromJinja(String jinja) {
        if (jinja.contains("<|start_header_id|>") && jinja.contains("<|end_header_id|>")) {
            return Optional.of(new Llama3());
        }
        if (jinja.contains("<|im_start|>")) {
            return Optional.of(new ChatML(jinja.contains(ChatML.QWEN2_DEFAULT_SYSTEM) ? ChatML.QWEN2_DEFAULT_SYSTEM : null));
        }
        if (jinja.contains("[INST]")) {
            return Optional.of(jinja.contains("<<SYS>>") ? new Llama2() : new Mistral());
        }
        return Optional.empty();
    }

    /**
     * The template for a model: from {@code tokenizer.chat_template} when present and recognised,
     * otherwise from the vocabulary's marker tokens, the architecture and {@code general.name}.
     */
    static Optional<ChatTemplate> detect(GgufMetadata m) {
        if (m.has(CHAT_TEMPLATE_KEY)) {
            Optional<ChatTemplate> fromJinja = fromJinja(m.getString(CHAT_TEMPLATE_KEY));
            if (fromJinja.isPresent()) {
                return fromJinja;
            }
        }
        List<String> tokens = m.has("tokenizer.ggml.tokens") ? List.of(m.getStringArray("tokenizer.ggml.tokens")) : List.of();
        String architecture = m.getString("general.architecture", "");
        String name = m.getString("general.name", "").toLowerCase(Locale.ROOT);
        if (tokens.contains("<|start_header_id|>")) {
            return Optional.of(new Llama3());
        }
        if (architecture.equals("qwen2")) {
            return Optional.of(new ChatML(ChatML.QWEN2_DEFAULT_SYSTEM));
        }
        if (tokens.contains("<|im_start|>")) {
            return Optional.of(new ChatML(null));
        }
        if (architecture.equals("llama") && "llama".equals(m.getString("tokenizer.ggml.model", ""))) {
            return Optional.of(name.contains("mistral") ? new Mistral() : new Llama2());
        }
        return Optional.empty();
    }
}
