package dev.squall.cli;

import dev.squall.models.chat.ChatMessage;
import dev.squall.models.chat.ChatTemplate;
import dev.squall.models.generate.GenerationResult;
import dev.squall.models.generate.Generator;
import dev.squall.models.sampling.Sampler;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code squall chat}: an interactive conversation in the model's chat format. Each turn renders
 * the whole conversation; the generator reuses the cached keys and values of everything before
 * the new user message, so a turn costs only its new tokens.
 */
@Command(name = "chat", description = "Chat with a GGUF chat model in its prompt format (one line per message;"
        + " an empty line or end of input quits).")
final class ChatCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @CommandLine.Mixin
    ModelOptions modelOptions;

    @CommandLine.Mixin
    SamplingOptions sampling;

    @CommandLine.Option(names = "--system", paramLabel = "TEXT", description = "System prompt.")
    String system;

    @CommandLine.Option(names = {"-n", "--max-tokens"}, defaultValue = "512", paramLabel = "N",
            description = "New tokens per answer at most (default: ${DEFAULT-VALUE}).")
    int maxTokens;

    @CommandLine.Option(names = "--template", paramLabel = "NAME",
            description = "Prompt format when the model does not name one: llama2, llama3, chatml or mistral.")
    String template;

    @Override
    public Integer call() throws IOException {
        CommandLine cli = spec.commandLine();
        PrintWriter out = cli.getOut();
        PrintWriter err = cli.getErr();
        try (ModelOptions.Loaded loaded = modelOptions.load(cli)) {
            ChatTemplate format = chooseTemplate(cli, loaded);
            long seed = sampling.seed();
            err.println(loaded.model().describe() + "; chat format " + format.name() + ", seed " + seed);
            err.flush();
            List<ChatMessage> messages = new ArrayList<>();
            if (system != null) {
                messages.add(ChatMessage.system(system));
            }
            Generator generator = new Generator(loaded.model(), loaded.tokenizer());
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            for (int turn = 0; ; turn++) {
                out.print("> ");
                out.flush();
                String line = in.readLine();
                if (line == null || line.isBlank()) {
                    break;
                }
                messages.add(ChatMessage.user(line));
                int[] ids = format.encode(loaded.tokenizer(), messages, true);
                StringBuilder answer = new StringBuilder();
                GenerationResult result = generator.generate(ids, maxTokens,
                        new Sampler(sampling.params(cli, seed + turn)), piece -> {
                            answer.append(piece);
                            out.print(piece);
                            out.flush();
                        });
                out.println();
                messages.add(ChatMessage.assistant(answer.toString()));
                err.println("  [" + Speed.describe(result) + "]");
                err.flush();
            }
        }
        return 0;
    }

    private ChatTemplate chooseTemplate(CommandLine cli, ModelOptions.Loaded loaded) {
        if (template != null) {
            try {
                return ChatTemplate.forName(template);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.ParameterException(cli, e.getMessage(), e);
            }
        }
        return ChatTemplate.detect(loaded.gguf().metadata()).orElseThrow(() -> new CommandLine.ParameterException(cli,
                "the model names no chat format this build knows; choose one with --template"
                        + (loaded.demo() ? " (the demo model is not a chat model: try 'squall generate')" : "")));
    }
}
