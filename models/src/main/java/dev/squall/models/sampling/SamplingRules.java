package dev.squall.models.sampling;

import java.util.HashSet;
import java.util.Set;

/** The individual sampling rules, as pure functions so each can be tested on its own. */
public final class SamplingRules {

    private SamplingRules() {
    }

    /** The id of the largest logit, the lowest id on ties; a NaN logit is an error that names the lowest NaN id. */
    public static int argmax(float[] logits) {
        if (logits.length == 0) {
            throw new IllegalArgumentException("no logits");
        }
        int best = 0;
        for (int i = 0; i < logits.length; i++) {
            if (Float.isNaN(logits[i])) { // the lowest NaN index, as the device's ArgMax reports it
                throw new IllegalArgumentException("logit of token " + i + " is NaN");
            }
            if (logits[i] > logits[best]) {
                best = i;
            }
        }
        return best;
    }

    /**
     * CTRL's repetition penalty, in place: each distinct token of {@code recent} has a positive
     * logit divided by {@code penalty} and a negative one multiplied, so it always becomes less likely.
     */
    public static void applyRepetitionPenalty(float[] logits, int[] recent, float penalty) {
        Set<Integer> seen = new HashSet<>();
        for (int t : recent) {
            if (t >= 0 && t < logits.length && seen.add(t)) {
                logits[t] = logits[t] > 0 ? logits[t] / penalty : logits[t] * penalty;
            }
        }
    }

    /** The {@code k} most likely candidates; k = 0 or k ≥ size keeps all. */
    public static Candidates topK(Candidates c, int k) {
        return k <= 0 || k >= c.size() ? c : c.first(k);
    }

    /**
     * The smallest set of most likely candidates whose probability (softmax at temperature 1) reaches
     * {@code p}, always at least one.
     */
    public static Candidates topP(Candidates c, float p) {
        if (p >= 1f) {
            return c;
        }
        double[] probs = c.probabilities(1f);
        double cumulative = 0;
        for (int i = 0; i < probs.length; i++) {
            cumulative += probs[i];
            if (cumulative >= p) {
                return c.first(i + 1);
            }
        }
        return c;
    }

    /**
     * A draw from the softmax of the candidates' logits divided by {@code temperature}, using
     * {@code u} uniform in [0, 1): the first candidate whose cumulative probability exceeds u.
     */
    public static int draw(Candidates c, float temperature, double u) {
        if (!(u >= 0 && u < 1)) {
            throw new IllegalArgumentException("u must be in [0, 1), got " + u);
        }
        double[] probs = c.probabilities(temperature);
        double cumulative = 0;
        for (int i = 0; i < probs.length; i++) {
            cumulative += probs[i];
            if (u < cumulative) {
                return c.id(i);
            }
        }
        return c.id(probs.length - 1); // rounding left the sum a hair under 1
    }
}
