package dev.squall.models.llama;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.squall.api.types.FloatArray;
import dev.squall.api.types.HalfFloatArray;
import dev.squall.models.Fixtures;
import dev.squall.models.gguf.GgmlType;
import dev.squall.models.gguf.GgufFile;
import java.io.IOException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class ReferenceLlamaTest {

    /** "Once upon a time there was a little girl" with BOS, from the Llama 2 vocabulary. */
    static final int[] TOKENS = {1, 9038, 2501, 263, 931, 727, 471, 263, 2217, 7826};

    private static GgufFile gguf;
    private static LlamaWeights weights;

    @BeforeAll
    static void open() throws IOException {
        gguf = GgufFile.open(Fixtures.tinyLlama());
        weights = LlamaWeights.load(gguf);
    }

    @AfterAll
    static void close() {
        gguf.close();
    }

    @Test
    void configFromMetadata() {
        LlamaConfig c = weights.config();
        assertEquals(new LlamaConfig(Architecture.LLAMA, 4096, 8, 1, 32, 2, 2, 4, 1e-5f, 10000f, 4, 32000), c);
        assertEquals(8, c.qDim());
        assertEquals(8, c.kvDim());
        assertEquals(1, c.groupSize());
        assertEquals(RopeStyle.ADJACENT_PAIRS, c.ropeStyle());
    }

    @Test
    void weightsAreShapedViewsOfTheFile() {
        assertEquals("token_embd.weight F16 (32000, 8)", weights.tokenEmbedding().toString());
        LayerWeights l = weights.layers().getFirst();
        assertEquals("blk.0.attn_q.weight F16 (8, 8)", l.wq().toString());
        assertEquals("blk.0.ffn_gate.weight F16 (32, 8)", l.ffnGate().toString());
        assertEquals("blk.0.ffn_down.weight F16 (8, 32)", l.ffnDown().toString());
        assertEquals("blk.0.attn_norm.weight F32 (1, 8)", l.attnNorm().toString());
        assertInstanceOf(HalfFloatArray.class, l.wq().array());
        assertInstanceOf(FloatArray.class, weights.outputNorm().array());
        assertFalse(l.hasQkvBias());
        assertFalse(weights.outputTied());
        assertNull(weights.ropeFreqs());
        assertEquals(12, weights.all().size());
        assertEquals(GgmlType.F16, weights.weightType());
        // element (r, c) of ffn_down (8 rows of 32) is element r·32 + c of the tensor
        assertEquals(gguf.tensor("blk.0.ffn_down.weight").toFloats()[5 * 32 + 17], l.ffnDown().get(5, 17));
        assertEquals(gguf.tensor("blk.0.ffn_down.weight").segment().address(), l.ffnDown().array().segment().address(),
                "zero copy: the array is the mapped tensor");
    }

    @Test
    void logitsMatchAnIndependentFloat64ForwardAtEveryPosition() {
        double[][] expected = new Float64Llama(gguf, weights.config()).logits(TOKENS);
        ReferenceLlama model = new ReferenceLlama(weights, 64);
        for (int p = 0; p < TOKENS.length; p++) {
            float[] logits = model.forward(TOKENS[p], p);
            assertEquals(32000, logits.length);
            double error = Float64Llama.relativeL2(logits, expected[p]);
            assertTrue(error < 1e-5, "position " + p + ": relative L2 " + error);
        }
        assertEquals(TOKENS.length, model.length());
    }

    @Test
    void theComparisonCanTellTheRopeConventionsApart() {
        double[][] wrong = new Float64Llama(gguf, weights.config(), RopeStyle.HALF_SPLIT).logits(TOKENS);
        ReferenceLlama model = new ReferenceLlama(weights, 64);
        double worst = 0;
        for (int p = 0; p < TOKENS.length; p++) {
            worst = Math.max(worst, Float64Llama.relativeL2(model.forward(TOKENS[p], p), wrong[p]));
        }
        // attention moves these random logits little, but still ten times the 1e-5 tolerance
        assertTrue(worst > 1e-4, "the half-split convention gives other logits on a llama file: " + worst);
    }

    @Test
    void kvCacheIsConsistent() {
        ReferenceLlama stepwise = new ReferenceLlama(weights, 32);
        float[][] steps = new float[TOKENS.length][];
        for (int p = 0; p < TOKENS.length; p++) {
            steps[p] = stepwise.forward(TOKENS[p], p);
        }
        ReferenceLlama prefilled = new ReferenceLlama(weights, 32);
        assertArrayEquals(steps[TOKENS.length - 1], prefilled.prefill(TOKENS, 0));
        // prefill a prefix, then continue one token at a time
        ReferenceLlama split = new ReferenceLlama(weights, 32);
        split.prefill(java.util.Arrays.copyOf(TOKENS, 4), 0);
        assertArrayEquals(steps[4], split.forward(TOKENS[4], 4));
        assertArrayEquals(steps[TOKENS.length - 1], split.prefill(java.util.Arrays.copyOfRange(TOKENS, 5, TOKENS.length), 5));
        // rewinding to position 3 and replaying gives the same logits; a different token there changes them
        assertArrayEquals(steps[3], stepwise.forward(TOKENS[3], 3));
        assertEquals(4, stepwise.length());
        assertFalse(java.util.Arrays.equals(steps[4], stepwise.forward(42, 4)));
        stepwise.reset();
        assertArrayEquals(steps[0], stepwise.forward(TOKENS[0], 0));
    }

    @Test
    void positionsAndTokensAreChecked() {
        ReferenceLlama model = new ReferenceLlama(weights, 4);
        IllegalArgumentException gap = assertThrows(IllegalArgumentException.class, () -> model.forward(1, 1));
        assertTrue(gap.getMessage().contains("cached positions: 0"), gap.getMessage());
        assertThrows(IllegalArgumentException.class, () -> model.forward(32000, 0));
        model.prefill(new int[] {1, 2, 3, 4}, 0);
        assertThrows(IllegalArgumentException.class, () -> model.forward(5, 4), "capacity 4");
        assertThrows(IllegalArgumentException.class, () -> new ReferenceLlama(weights, 4097));
    }

    @Test
    void ropeConventionsDiffer() {
        // head of 4 at position 1, base 10000, rope over all 4 dims: pair 0 turns by 1 rad, pair 1 by 0.01 rad
        float[] adjacent = {1, 0, 1, 0};
        Rope.apply(adjacent, 0, 1, 4, 4, 1, 10000f, RopeStyle.ADJACENT_PAIRS, null);
        assertArrayEquals(new float[] {(float) Math.cos(1), (float) Math.sin(1), (float) Math.cos(0.01), (float) Math.sin(0.01)},
                adjacent, 1e-7f);
        float[] half = {1, 1, 0, 0};
        Rope.apply(half, 0, 1, 4, 4, 1, 10000f, RopeStyle.HALF_SPLIT, null);
        assertArrayEquals(new float[] {(float) Math.cos(1), (float) Math.cos(0.01), (float) Math.sin(1), (float) Math.sin(0.01)},
                half, 1e-7f);
        float[] partial = {1, 0, 5, 6};
        Rope.apply(partial, 0, 1, 4, 2, 1, 10000f, RopeStyle.ADJACENT_PAIRS, new float[] {2f});
        assertArrayEquals(new float[] {(float) Math.cos(0.5), (float) Math.sin(0.5), 5, 6}, partial, 1e-7f,
                "ropeDim 2 leaves dims 2, 3 alone; factor 2 halves the angle");
    }
}
