package dev.squall.models.sampling;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Each rule on hand-built logits. Distributions are checked on 40,000 draws with a fixed seed, so
 * the outcome is the same on every run; the tolerance 0.012 is about five standard deviations of a
 * frequency estimate (√(0.25 / 40000) = 0.0025), so a correct sampler could not fail it with
 * another seed either, while a wrong rule moves a frequency by far more.
 */
class SamplerTest {

    private static final int DRAWS = 40_000;
    private static final double TOLERANCE = 0.012;
    /** Probabilities 0.5, 0.3, 0.2 at temperature 1. */
    private static final float[] LOGITS = {(float) Math.log(0.5), (float) Math.log(0.3), (float) Math.log(0.2)};

    private static double[] frequencies(SamplingParams params, float[] logits) {
        Sampler sampler = new Sampler(params.withRepetitionPenalty(1f, 0));
        double[] counts = new double[logits.length];
        for (int i = 0; i < DRAWS; i++) {
            counts[sampler.sample(logits)]++;
        }
        for (int i = 0; i < counts.length; i++) {
            counts[i] /= DRAWS;
        }
        return counts;
    }

    private static void assertDistribution(double[] expected, double[] actual) {
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], actual[i], expected[i] == 0 ? 0 : TOLERANCE,
                    "token " + i + ": expected " + Arrays.toString(expected) + ", sampled " + Arrays.toString(actual));
        }
    }

    private static SamplingParams plain(long seed) {
        return new SamplingParams(1f, 0, 1f, 1f, 0, seed);
    }

    @Test
    void temperatureOneFollowsTheSoftmax() {
        assertDistribution(new double[] {0.5, 0.3, 0.2}, frequencies(plain(1), LOGITS));
    }

    @Test
    void temperatureSharpensAndFlattens() {
        // T = 0.5 squares the probabilities: 0.25, 0.09, 0.04 over 0.38
        assertDistribution(new double[] {0.25 / 0.38, 0.09 / 0.38, 0.04 / 0.38}, frequencies(plain(2).withTemperature(0.5f), LOGITS));
        // T = 2 takes square roots: √0.5, √0.3, √0.2 normalised
        double a = Math.sqrt(0.5);
        double b = Math.sqrt(0.3);
        double c = Math.sqrt(0.2);
        assertDistribution(new double[] {a / (a + b + c), b / (a + b + c), c / (a + b + c)},
                frequencies(plain(3).withTemperature(2f), LOGITS));
    }

    @Test
    void greedyTakesTheArgmaxLowestIdOnTies() {
        Sampler greedy = new Sampler(SamplingParams.greedy());
        assertEquals(0, greedy.sample(LOGITS));
        assertEquals(1, greedy.sample(new float[] {1f, 3f, 3f, -2f}));
        assertEquals(2, greedy.sample(new float[] {Float.NEGATIVE_INFINITY, -5f, -1f}));
        assertThrows(IllegalArgumentException.class, () -> greedy.sample(new float[] {1f, Float.NaN}));
        // the lowest NaN is named, as the device's ArgMax reports it
        IllegalArgumentException nan = assertThrows(IllegalArgumentException.class,
                () -> greedy.sample(new float[] {Float.NaN, 1f, Float.NaN}));
        assertEquals("logit of token 0 is NaN", nan.getMessage());
    }

    @Test
    void onlyPlainGreedyLetsTheModelTakeTheArgmax() {
        assertTrue(new Sampler(SamplingParams.greedy()).takesTheArgmax());
        assertFalse(new Sampler(SamplingParams.greedy().withRepetitionPenalty(1.3f, 8)).takesTheArgmax());
        assertFalse(new Sampler(SamplingParams.defaults(1)).takesTheArgmax());
    }

    @Test
    void topKKeepsTheKMostLikely() {
        // k = 2 drops token 2 and renormalises 0.5 : 0.3
        assertDistribution(new double[] {0.625, 0.375, 0}, frequencies(plain(4).withTopK(2), LOGITS));
        assertDistribution(new double[] {1, 0, 0}, frequencies(plain(5).withTopK(1), LOGITS));
        Candidates c = SamplingRules.topK(Candidates.of(new float[] {0f, 5f, 2f, 5f, -1f}), 3);
        assertArrayEquals(new int[] {1, 3, 2}, c.ids(), "sorted by logit, lower id first on ties");
    }

    @Test
    void topPKeepsTheSmallestNucleusReachingP() {
        // cumulative 0.5, 0.8, 1.0: p = 0.7 needs the first two; p = 0.5 is reached by the first alone
        assertDistribution(new double[] {0.625, 0.375, 0}, frequencies(plain(6).withTopP(0.7f), LOGITS));
        assertDistribution(new double[] {1, 0, 0}, frequencies(plain(7).withTopP(0.5f), LOGITS));
        assertDistribution(new double[] {0.5, 0.3, 0.2}, frequencies(plain(8).withTopP(0.95f), LOGITS));
        assertEquals(3, SamplingRules.topP(Candidates.of(LOGITS), 0.81f).size());
    }

    @Test
    void topPIsJudgedBeforeTemperature() {
        // llama.cpp order: the nucleus comes from the untempered probabilities (first two at p = 0.7),
        // then temperature 0.5 reweighs those two as 0.25 : 0.09
        assertDistribution(new double[] {0.25 / 0.34, 0.09 / 0.34, 0},
                frequencies(plain(9).withTopP(0.7f).withTemperature(0.5f), LOGITS));
    }

    @Test
    void repetitionPenaltyDividesPositiveAndMultipliesNegativeLogits() {
        float[] logits = {3f, 2f, -1f, -1f};
        SamplingRules.applyRepetitionPenalty(logits, new int[] {0, 2, 0, 7}, 2f);
        assertArrayEquals(new float[] {1.5f, 2f, -2f, -1f}, logits, "each seen token once; out-of-range ids ignored");
        Sampler greedy = new Sampler(SamplingParams.greedy().withRepetitionPenalty(2f, 8));
        greedy.accept(0);
        assertEquals(1, greedy.sample(new float[] {3f, 2f}), "3 / 2 = 1.5 < 2");
        // with probabilities 0.5, 0.3, 0.2 and token 0 seen: log 0.5 · 2 = log 0.25, so 0.25 : 0.3 : 0.2
        Sampler sampler = new Sampler(plain(10).withRepetitionPenalty(2f, 1));
        double[] counts = new double[3];
        for (int i = 0; i < DRAWS; i++) {
            sampler.accept(0); // the window of 1 always holds token 0
            counts[sampler.sample(LOGITS)]++;
        }
        assertDistribution(new double[] {0.25 / 0.75, 0.3 / 0.75, 0.2 / 0.75},
                Arrays.stream(counts).map(x -> x / DRAWS).toArray());
    }

    @Test
    void repetitionWindowOnlyLooksBackSoFar() {
        Sampler greedy = new Sampler(SamplingParams.greedy().withRepetitionPenalty(10f, 2));
        greedy.accept(0, 5, 6);
        assertEquals(0, greedy.sample(new float[] {3f, 2f}), "token 0 is three tokens back, outside the window of 2");
        assertArrayEquals(new int[] {6, 0}, greedy.recent());
    }

    @Test
    void theSameSeedGivesTheSameTokens() {
        float[] logits = new float[1000];
        SplittableRandom random = new SplittableRandom(0);
        for (int i = 0; i < logits.length; i++) {
            logits[i] = (float) random.nextGaussian() * 3;
        }
        int[] first = sequence(SamplingParams.defaults(123), logits);
        assertArrayEquals(first, sequence(SamplingParams.defaults(123), logits));
        assertFalse(Arrays.equals(first, sequence(SamplingParams.defaults(124), logits)));
    }

    private static int[] sequence(SamplingParams params, float[] logits) {
        Sampler sampler = new Sampler(params);
        int[] out = new int[50];
        for (int i = 0; i < out.length; i++) {
            out[i] = sampler.sample(logits);
        }
        return out;
    }

    @Test
    void drawWalksTheCumulativeDistribution() {
        Candidates c = Candidates.of(LOGITS);
        assertEquals(0, SamplingRules.draw(c, 1f, 0.0));
        assertEquals(0, SamplingRules.draw(c, 1f, 0.4999));
        assertEquals(1, SamplingRules.draw(c, 1f, 0.5001));
        assertEquals(2, SamplingRules.draw(c, 1f, 0.8001));
        assertEquals(2, SamplingRules.draw(c, 1f, 0.9999999));
    }

    @Test
    void invalidParametersAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> new SamplingParams(-1f, 0, 1f, 1f, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> new SamplingParams(1f, -1, 1f, 1f, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> new SamplingParams(1f, 0, 0f, 1f, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> new SamplingParams(1f, 0, 1.5f, 1f, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> new SamplingParams(1f, 0, 1f, 0f, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> new SamplingParams(Float.NaN, 0, 1f, 1f, 0, 0));
    }
    /**
     * Candidates.top(logits, k) is the list a full sort gives, cut at k: on logits with many ties (rounded to
     * quarters), ±0, ±∞, for k from 1 past the vocabulary; and it refuses NaN with the same message.
     */
    @Test
    void topKWithoutTheFullSortIsTheSortedListCut() {
        SplittableRandom random = new SplittableRandom(11);
        for (int trial = 0; trial < 20; trial++) {
            int n = 1 + random.nextInt(3000);
            float[] logits = new float[n];
            for (int i = 0; i < n; i++) {
                logits[i] = Math.round((float) random.nextDouble(-4, 4) * 4) / 4f;
            }
            logits[random.nextInt(n)] = -0f;
            logits[random.nextInt(n)] = 0f;
            logits[random.nextInt(n)] = Float.NEGATIVE_INFINITY;
            if (trial % 2 == 0) {
                logits[random.nextInt(n)] = Float.POSITIVE_INFINITY;
            }
            Candidates all = Candidates.of(logits);
            for (int k : new int[] {1, 2, 7, 40, n - 1, n, n + 5}) {
                if (k < 1) {
                    continue;
                }
                Candidates top = Candidates.top(logits, k);
                Candidates expected = all.first(Math.min(k, n));
                assertArrayEquals(expected.ids(), top.ids(), "ids, n = " + n + ", k = " + k);
                assertArrayEquals(expected.logits(), top.logits(), "logits, n = " + n + ", k = " + k);
            }
        }
        IllegalArgumentException nan = assertThrows(IllegalArgumentException.class,
                () -> Candidates.top(new float[] {1f, 2f, Float.NaN, 0f}, 2));
        assertEquals("logit of token 2 is NaN", nan.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Candidates.top(LOGITS, 0));
    }

    /** The sampler's tokens with a top-k are those of the full-sort pipeline with the same seed. */
    @Test
    void samplingWithTopKDrawsWhatTheFullSortDrew() {
        SplittableRandom logitsRandom = new SplittableRandom(5);
        SamplingParams params = SamplingParams.defaults(99);
        Sampler sampler = new Sampler(params);
        SplittableRandom draws = new SplittableRandom(params.seed());
        for (int step = 0; step < 200; step++) {
            float[] logits = new float[5000];
            for (int i = 0; i < logits.length; i++) {
                logits[i] = (float) logitsRandom.nextDouble(-3, 3);
            }
            Candidates c = SamplingRules.topP(SamplingRules.topK(Candidates.of(logits), params.topK()), params.topP());
            int expected = SamplingRules.draw(c, params.temperature(), draws.nextDouble());
            assertEquals(expected, sampler.sample(logits), "step " + step);
        }
    }
}
