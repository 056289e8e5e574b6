package dev.squall.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.squall.models.gguf.GgufFile;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class ModelCommandsTest {

    private static final String FIXTURE = Path.of("..", "data", "llama-2-tiny-random.gguf").toString();

    @TempDir
    Path dir;

    private record Run(int exit, String out, String err) {
    }

    private static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = SquallCommand.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int exit = cli.execute(args);
        return new Run(exit, out.toString(), err.toString());
    }

    @Test
    void tokenizePrintsIdsAsJson() {
        Run r = run("tokenize", "--model", FIXTURE, "--text", "Once upon a time there was a little girl");
        assertEquals(0, r.exit(), r.err());
        assertEquals("[1,9038,2501,263,931,727,471,263,2217,7826]", r.out().strip());
        assertEquals("[450]", run("tokenize", "--model", FIXTURE, "--text", "The", "--no-bos").out().strip());
        assertEquals("[1,1,6324,2]", run("tokenize", "--model", FIXTURE, "--text", "<s>Hi</s>", "--special").out().strip());
        assertEquals("[1,529,29879,29958,18567,829,29879,29958]",
                run("tokenize", "--model", FIXTURE, "--text", "<s>Hi</s>").out().strip(), "without --special, markup is text");
    }

    @Test
    void tokenizeExplainsBadInput() throws IOException {
        Run missing = run("tokenize", "--model", dir.resolve("nope.gguf").toString(), "--text", "x");
        assertEquals(2, missing.exit());
        assertTrue(missing.err().contains("no model file '"), missing.err());
        Path junk = Files.writeString(dir.resolve("junk.gguf"), "not a model");
        Run bad = run("tokenize", "--model", junk.toString(), "--text", "x");
        assertEquals(1, bad.exit());
        assertTrue(bad.err().startsWith("squall: GGUF file " + junk + ": at byte offset 0 (magic): not a GGUF file"), bad.err());
    }

    @Test
    void makeModelWritesAModelTheOtherCommandsCanUse() throws IOException {
        Path file = dir.resolve("tiny.gguf");
        Run r = run("make-model", "--preset", "tiny", "--dtype", "q8_0", "--out", file.toString());
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.err().startsWith("writing tiny (123,200 parameters, q8_0) to "), r.err());
        assertTrue(r.err().contains("token_embd.weight"), r.err());
        assertTrue(r.err().strip().endsWith("(100%)"), r.err());
        assertTrue(r.out().startsWith("wrote " + file + ": tiny q8_0, 21 tensors, "), r.out());
        try (GgufFile gguf = GgufFile.open(file)) {
            assertEquals("llama", gguf.architecture());
            assertEquals(21, gguf.tensorInfos().size());
        }
        Run ids = run("tokenize", "--model", file.toString(), "--text", "the");
        assertEquals(0, ids.exit(), ids.err());
        assertTrue(ids.out().startsWith("[379,"), ids.out());

        Run again = run("make-model", "--preset", "tiny", "--out", file.toString());
        assertEquals(2, again.exit());
        assertTrue(again.err().contains("exists; add --force"), again.err());
        assertEquals(0, run("make-model", "--preset", "tiny", "--out", file.toString(), "--force").exit());
        Run badPreset = run("make-model", "--preset", "gpt-9", "--out", dir.resolve("x.gguf").toString());
        assertEquals(2, badPreset.exit());
        assertTrue(badPreset.err().contains("no preset 'gpt-9'; presets: [tiny, tiny-qwen2, llama-3.2-1b"), badPreset.err());
        Run badType = run("make-model", "--preset", "tiny", "--dtype", "q4_k", "--out", dir.resolve("x.gguf").toString());
        assertEquals(2, badType.exit());
        assertTrue(badType.err().contains("no dtype 'q4_k'; dtypes: [f32, f16, q8_0]"), badType.err());
    }

    @Test
    void generateStreamsTheDemoModelsGreedyContinuationAndItsSpeed() {
        Run r = run("generate", "--device", "java", "--greedy", "-n", "12");
        assertEquals(0, r.exit(), r.err());
        // the PyTorch model's greedy continuation of "ROMEO:" (reference-logits.json in the models tests)
        assertTrue(r.out().startsWith("ROMEO: I'll not bite the book of the"), r.out());
        assertTrue(r.err().contains("task graphs on java"), r.err());
        assertTrue(r.err().contains("compiled the kernels and moved"), r.err());
        assertTrue(r.err().matches("(?s).*prefill: 3 tokens in [0-9.]+ ms \\([0-9.]+ tokens/s\\); decode: 11 tokens in"
                + " [0-9.]+ ms \\([0-9.]+ tokens/s\\); stopped: max tokens.*"), r.err());
        Run reference = run("generate", "--reference", "--greedy", "-n", "12");
        assertEquals(r.out(), reference.out(), "the plain-Java reference generates the same tokens");
    }

    @Test
    void generateRunsAnyLlamaFileAndExplainsBadInput() {
        Run r = run("generate", "--model", FIXTURE, "--device", "java", "--prompt", "Once upon a time", "-n", "4",
                "--seed", "3");
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().startsWith("Once upon a time"), r.out());
        assertTrue(r.err().contains("seed 3"), r.err());
        Run noPrompt = run("generate", "--model", FIXTURE);
        assertEquals(2, noPrompt.exit());
        assertTrue(noPrompt.err().contains("--prompt is required with --model"), noPrompt.err());
        Run zero = run("generate", "-n", "0");
        assertEquals(2, zero.exit());
        assertTrue(zero.err().contains("--max-tokens must be at least 1"), zero.err());
        Run forms = run("generate", "--kernels", "fast");
        assertEquals(2, forms.exit());
        assertTrue(forms.err().contains("--kernels must be auto, loops or work-groups"), forms.err());
        Run context = run("generate", "--context", "100000");
        assertEquals(2, context.exit());
        assertTrue(context.err().contains("--context must be in 1..256"), context.err());
        Run device = run("generate", "--device", "cuda:7");
        assertEquals(1, device.exit());
        assertTrue(device.err().startsWith("squall: "), device.err());
    }

    @Test
    void chatExplainsThatTheDemoModelIsNotAChatModel() {
        Run r = run("chat", "--device", "java");
        assertEquals(2, r.exit());
        assertTrue(r.err().contains("the demo model is not a chat model"), r.err());
    }
}
