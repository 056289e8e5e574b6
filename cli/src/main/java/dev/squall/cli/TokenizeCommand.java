package dev.squall.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.squall.models.gguf.GgufFile;
import dev.squall.models.tokenizer.Tokenizer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code squall tokenize --model M --text T}: the token ids of a text, as a JSON array. */
@Command(name = "tokenize", description = "Print the token ids of a text as a JSON array, with a GGUF model's tokenizer.")
final class TokenizeCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @CommandLine.Option(names = "--model", required = true, paramLabel = "GGUF", description = "GGUF model file.")
    Path model;

    @CommandLine.Option(names = "--text", required = true, paramLabel = "TEXT", description = "Text to tokenize.")
    String text;

    @CommandLine.Option(names = "--no-bos", description = "Do not add BOS (or EOS) even if the model asks for it.")
    boolean noBos;

    @CommandLine.Option(names = "--special", description = "Read special tokens written in the text (<s>, <|eot_id|>) as single tokens.")
    boolean special;

    @Override
    public Integer call() throws IOException {
        if (!Files.isRegularFile(model)) {
            throw new CommandLine.ParameterException(spec.commandLine(), "no model file '" + model + "'");
        }
        int[] ids;
        try (GgufFile gguf = GgufFile.open(model)) {
            ids = Tokenizer.fromGguf(gguf.metadata()).encode(text, !noBos, special);
        }
        spec.commandLine().getOut().println(new ObjectMapper().writeValueAsString(ids));
        return 0;
    }
}
