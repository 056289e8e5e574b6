package dev.squall.models.llama;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.squall.api.Backend;
import dev.squall.api.Device;
import dev.squall.api.types.Q8_0Array;
import dev.squall.graph.TestDevices;
import dev.squall.models.gguf.GgmlType;
import dev.squall.models.gguf.GgufFile;
import dev.squall.models.synth.ModelPreset;
import dev.squall.models.synth.ModelPresets;
import dev.squall.models.synth.SyntheticModel;
import dev.squall.models.synth.WeightDType;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * The reference forward on synthetic models that exercise what the fixture does not: grouped-query
 * attention, two layers, qwen2 (biases, NeoX RoPE, tied embeddings), and Q8_0 weights.
 */
class SyntheticForwardTest {

    @TempDir
    Path dir;

    private static final int[] TOKENS = {379, 17, 300, 42, 5, 260, 261, 99, 7, 1, 0, 255};

    private void check(ModelPreset preset, WeightDType dtype) throws IOException {
        Path file = dir.resolve(preset.name() + "-" + dtype.label() + ".gguf");
        SyntheticModel.write(preset, dtype, 3, file, (n, d, t) -> {
        });
        try (GgufFile gguf = GgufFile.open(file)) {
            LlamaWeights weights = LlamaWeights.load(gguf);
            assertEquals(dtype.matrixType(), weights.weightType());
            double[][] expected = new Float64Llama(gguf, weights.config()).logits(TOKENS);
            ReferenceLlama model = new ReferenceLlama(weights, 32);
            for (int p = 0; p < TOKENS.length; p++) {
                double error = Float64Llama.relativeL2(model.forward(TOKENS[p], p), expected[p]);
                assertTrue(error < 1e-5, preset.name() + " " + dtype.label() + " position " + p + ": relative L2 " + error);
            }
        }
    }

    @Test
    void llamaWithGroupedQueryAttention() throws IOException {
        check(ModelPresets.TINY, WeightDType.F32);
        check(ModelPresets.TINY, WeightDType.F16);
    }

    @Test
    void q8_0Weights() throws IOException {
        check(ModelPresets.TINY, WeightDType.Q8_0);
    }

    static Stream<Arguments> devicesFormsAndTypes() {
        return TestDevices.all().flatMap(d -> Stream.of(WeightDType.F16, WeightDType.Q8_0).flatMap(t -> Stream.of(
                Arguments.of(d, DeviceLlama.KernelForms.LOOPS, t), Arguments.of(d, DeviceLlama.KernelForms.WORK_GROUPS, t))));
    }

    /**
     * The task-graph forward against float64 on every device, both kernel forms, f16 and Q8_0 weights (the
     * work-group forms read Q8_0 split into quants and scales, plain products through FlatGemmByLanes.f16Gemv and
     * q8Gemv, the fused RMSNorm launches through NormGemvByLanes).
     */
    @ParameterizedTest(name = "{0} {1} {2}")
    @MethodSource("devicesFormsAndTypes")
    void deviceForwardMatchesFloat64(Device device, DeviceLlama.KernelForms forms, WeightDType dtype) throws IOException {
        Path file = dir.resolve("tiny-" + dtype.label() + ".gguf");
        SyntheticModel.write(ModelPresets.TINY, dtype, 7, file, (n, d, t) -> {
        });
        try (GgufFile gguf = GgufFile.open(file)) {
            LlamaWeights weights = LlamaWeights.load(gguf);
            double[][] expected = new Float64Llama(gguf, weights.config()).logits(TOKENS);
            try (DeviceLlama model = new DeviceLlama(weights, device, 32, forms)) {
                for (int p = 0; p < TOKENS.length; p++) {
                    double error = Float64Llama.relativeL2(model.forward(TOKENS[p], p), expected[p]);
                    assertTrue(error < 1e-4, model.describe() + " " + dtype.label() + " position " + p + ": relative L2 "
                            + error);
                }
                // the work-group forms' split Q8_0 copies live on the device only after the first step (positions
                // 1… above ran on those device copies); every matrix but the embedding's: its quants and scales
                boolean split = dtype == WeightDType.Q8_0 && forms == DeviceLlama.KernelForms.WORK_GROUPS
                        && device.backend() != Backend.JAVA;
                long expectedBytes = split ? splitBytes(weights) : 0;
                assertEquals(expectedBytes, model.releasedHostBytes(), model.describe() + " " + dtype.label());
            }
        }
    }

    /** Host bytes of the split copies of every Q8_0 matrix the step multiplies by: a byte per quant, two per 32. */
    private static long splitBytes(LlamaWeights weights) {
        List<Weight> matrices = new ArrayList<>();
        for (LayerWeights l : weights.layers()) {
            matrices.addAll(List.of(l.wq(), l.wk(), l.wv(), l.wo(), l.ffnGate(), l.ffnUp(), l.ffnDown()));
        }
        matrices.add(weights.output());
        return matrices.stream().distinct().filter(w -> w.array() instanceof Q8_0Array)
                .mapToLong(w -> w.array().getSize() + w.array().getSize() / 32 * 2L).sum();
    }

    @Test
    void qwen2WithBiasesNeoxRopeAndTiedEmbeddings() throws IOException {
        check(ModelPresets.TINY_QWEN2, WeightDType.F16);
        Path file = dir.resolve("qwen.gguf");
        SyntheticModel.write(ModelPresets.TINY_QWEN2, WeightDType.F32, 1, file, (n, d, t) -> {
        });
        try (GgufFile gguf = GgufFile.open(file)) {
            LlamaWeights w = LlamaWeights.load(gguf);
            assertEquals(RopeStyle.HALF_SPLIT, w.config().ropeStyle());
            assertTrue(w.outputTied());
            assertSame(w.tokenEmbedding(), w.output());
            assertEquals("blk.0.attn_k.bias F32 (1, 32)", w.layers().getFirst().bk().toString());
            assertNull(w.ropeFreqs());
            assertEquals(GgmlType.F32, w.weightType());
        }
    }
}
