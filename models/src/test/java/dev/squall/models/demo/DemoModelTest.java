package dev.squall.models.demo;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.squall.api.Device;
import dev.squall.api.DeviceType;
import dev.squall.graph.TestDevices;
import dev.squall.models.generate.GenerationResult;
import dev.squall.models.generate.Generator;
import dev.squall.models.generate.StopReason;
import dev.squall.models.gguf.GgufFile;
import dev.squall.models.llama.DeviceLlama;
import dev.squall.models.llama.LanguageModel;
import dev.squall.models.llama.LlamaConfig;
import dev.squall.models.llama.LlamaWeights;
import dev.squall.models.llama.ReferenceLlama;
import dev.squall.models.sampling.Sampler;
import dev.squall.models.sampling.SamplingParams;
import dev.squall.models.sampling.SamplingRules;
import dev.squall.models.tokenizer.Tokenizer;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The embedded demo model against the outputs its training script computed with PyTorch
 * ({@code reference-logits.json}): configuration, prompt ids, logits within 1e-3 relative L2 for
 * both forward passes on every device and kernel form, and greedy continuations.
 */
class DemoModelTest {

    /** The bound: logits within 1e-3 relative L2 of PyTorch's. */
    private static final double LOGIT_TOLERANCE = 1e-3;

    private static GgufFile gguf;
    private static LlamaWeights weights;
    private static Tokenizer tokenizer;
    private static JsonNode reference;

    @BeforeAll
    static void load() throws IOException {
        gguf = DemoModel.open();
        weights = LlamaWeights.load(gguf);
        tokenizer = Tokenizer.fromGguf(gguf.metadata());
        try (InputStream in = DemoModelTest.class.getResourceAsStream("/demo-model/reference-logits.json")) {
            reference = new ObjectMapper().readTree(in);
        }
    }

    @AfterAll
    static void close() {
        gguf.close();
    }

    private static List<JsonNode> prompts() {
        List<JsonNode> out = new ArrayList<>();
        reference.get("prompts").forEach(out::add);
        return out;
    }

    private static int[] ints(JsonNode array) {
        int[] out = new int[array.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = array.get(i).asInt();
        }
        return out;
    }

    private static double[] doubles(JsonNode array) {
        double[] out = new double[array.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = array.get(i).asDouble();
        }
        return out;
    }

    static double relativeL2(float[] actual, double[] expected) {
        double diff = 0;
        double norm = 0;
        for (int i = 0; i < expected.length; i++) {
            double d = actual[i] - expected[i];
            diff += d * d;
            norm += expected[i] * expected[i];
        }
        return Math.sqrt(diff / norm);
    }

    @Test
    void configurationMatchesTheTrainingScript() {
        JsonNode cfg = reference.get("config");
        LlamaConfig c = weights.config();
        assertEquals(cfg.get("vocab").asInt(), c.vocabSize());
        assertEquals(cfg.get("dim").asInt(), c.dim());
        assertEquals(cfg.get("layers").asInt(), c.layers());
        assertEquals(cfg.get("heads").asInt(), c.heads());
        assertEquals(cfg.get("kv_heads").asInt(), c.kvHeads());
        assertEquals(cfg.get("ffn").asInt(), c.ffnDim());
        assertEquals(cfg.get("context").asInt(), c.contextLength());
        assertEquals(cfg.get("head_dim").asInt(), c.headDim());
        assertEquals((float) cfg.get("eps").asDouble(), c.rmsEps());
        assertEquals((float) cfg.get("theta").asDouble(), c.ropeBase());
        assertEquals(reference.get("bos_id").asInt(), tokenizer.bos());
        assertEquals(reference.get("eos_id").asInt(), tokenizer.eos());
    }

    @Test
    void promptIdsMatchTheTrainingScript() {
        for (JsonNode p : prompts()) {
            assertArrayEquals(ints(p.get("ids")), tokenizer.encode(p.get("prompt").asText()), p.get("prompt").asText());
        }
    }

    @Test
    void referenceForwardMatchesPyTorchAtEveryPosition() {
        ReferenceLlama model = new ReferenceLlama(weights, weights.config().contextLength());
        checkLogits(model, "reference");
    }

    static Stream<Arguments> devicesAndForms() {
        return TestDevices.all().flatMap(d -> Stream.of(
                Arguments.of(d, DeviceLlama.KernelForms.LOOPS), Arguments.of(d, DeviceLlama.KernelForms.WORK_GROUPS)));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("devicesAndForms")
    void taskGraphForwardMatchesPyTorch(Device device, DeviceLlama.KernelForms forms) {
        try (DeviceLlama model = new DeviceLlama(weights, device, 64, forms)) {
            // The JVM runs work-group kernels one work-item thread at a time through every barrier:
            // seconds per token, so there it checks the first prompt only.
            boolean slow = device.type() == DeviceType.JVM && forms == DeviceLlama.KernelForms.WORK_GROUPS;
            checkLogits(model, model.describe(), !slow);
        }
    }

    /**
     * The three ways to run a step agree on one model: forwardGreedy's token is the argmax of forward's
     * logits at the same position (run again, so the same cache), and advance leaves the cache as forward
     * does (the logits after prompts run with advance match PyTorch, in checkLogits).
     */
    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("devicesAndForms")
    void theDevicesArgmaxIsTheArgmaxOfTheLogits(Device device, DeviceLlama.KernelForms forms) {
        int[] ids = ints(prompts().getFirst().get("ids"));
        try (DeviceLlama model = new DeviceLlama(weights, device, 64, forms)) {
            boolean slow = device.type() == DeviceType.JVM && forms == DeviceLlama.KernelForms.WORK_GROUPS;
            for (int p = 0; p < (slow ? 2 : ids.length); p++) {
                int onDevice = model.forwardGreedy(ids[p], p);
                float[] logits = model.forward(ids[p], p);
                assertEquals(SamplingRules.argmax(logits), onDevice, model.describe() + ": position " + p);
                assertEquals(onDevice, model.forwardGreedy(ids[p], p), model.describe() + ": position " + p + " again");
            }
        }
    }

    @Test
    void greedyGenerationMatchesPyTorchTextAndRepeats() {
        ReferenceLlama model = new ReferenceLlama(weights, weights.config().contextLength());
        Generator generator = new Generator(model, tokenizer);
        for (JsonNode prompt : prompts()) {
            int[] expected = ints(prompt.get("greedy_ids"));
            for (int run = 0; run < 2; run++) {
                generator.reset();
                StringBuilder text = new StringBuilder();
                GenerationResult result = generator.generate(ints(prompt.get("ids")), expected.length,
                        new Sampler(SamplingParams.greedy()), text::append);
                assertArrayEquals(expected, result.tokens(), "greedy tokens after '" + prompt.get("prompt").asText() + "'");
                assertEquals(prompt.get("greedy_text").asText(), text.toString());
                assertEquals(StopReason.MAX_TOKENS, result.stop());
                assertEquals(expected.length - 1, result.decodeSteps());
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.squall.graph.TestDevices#all")
    void greedyGenerationOnEveryDeviceMatchesTheReference(Device device) {
        JsonNode prompt = prompts().get(1);
        int[] expected = ints(prompt.get("greedy_ids"));
        try (DeviceLlama model = new DeviceLlama(weights, device, 64)) {
            Generator generator = new Generator(model, tokenizer);
            GenerationResult result = generator.generate(ints(prompt.get("ids")), expected.length,
                    new Sampler(SamplingParams.greedy()), piece -> { });
            assertArrayEquals(expected, result.tokens(), model.describe());
            // a longer prompt that extends the cached sequence runs only its new tokens
            int[] extended = new int[prompt.get("ids").size() + expected.length];
            System.arraycopy(ints(prompt.get("ids")), 0, extended, 0, prompt.get("ids").size());
            System.arraycopy(expected, 0, extended, prompt.get("ids").size(), expected.length);
            GenerationResult more = generator.generate(extended, 4, new Sampler(SamplingParams.greedy()), piece -> { });
            assertEquals(1, more.promptTokens(), "only the last generated token was not yet cached");
            assertEquals(extended.length - 1, more.reusedTokens());
        }
    }

    private static void checkLogits(LanguageModel model, String what) {
        checkLogits(model, what, true);
    }

    /** Every position of the first prompt, then the last position of each prompt, on one model reused. */
    private static void checkLogits(LanguageModel model, String what, boolean allPrompts) {
        JsonNode first = prompts().getFirst();
        int[] ids = ints(first.get("ids"));
        for (int p = 0; p < ids.length; p++) {
            float[] logits = model.forward(ids[p], p);
            double error = relativeL2(logits, doubles(first.get("all_logits").get(p)));
            assertTrue(error < LOGIT_TOLERANCE, what + ": position " + p + " relative L2 " + error);
        }
        for (JsonNode prompt : allPrompts ? prompts() : List.<JsonNode>of()) {
            model.reset();
            float[] logits = model.prefill(ints(prompt.get("ids")), 0);
            double error = relativeL2(logits, doubles(prompt.get("last_logits")));
            assertTrue(error < LOGIT_TOLERANCE, what + ": prompt '" + prompt.get("prompt").asText() + "' relative L2 " + error);
        }
    }
}
