package dev.squall.models.sampling;

import java.util.Arrays;

/**
 * Token candidates sorted by logit, most likely first (ties: lower id first): what the
 * truncation rules narrow down. Immutable.
 *
 * @param ids    token ids
 * @param logits their logits, non-increasing
 */
public record Candidates(int[] ids, float[] logits) {

    public Candidates {
        if (ids.length != logits.length) {
            throw new IllegalArgumentException(ids.length + " ids for " + logits.length + " logits");
        }
        ids = ids.clone();
        logits = logits.clone();
    }

    /** Every token of {@code logits}, sorted. NaN logits are refused. */
    public static Candidates of(float[] logits) {
        // sort primitive keys, not boxed ids: (descending logit, ascending id) packed in one long
        long[] keys = new long[logits.length];
        for (int i = 0; i < logits.length; i++) {
            if (Float.isNaN(logits[i])) {
                throw new IllegalArgumentException("logit of token " + i + " is NaN");
            }
            int bits = Float.floatToIntBits(logits[i] == 0f ? 0f : logits[i]); // -0 and +0 tie
            int ordered = bits ^ ((bits >> 31) & 0x7fffffff);                 // increases with the float
            keys[i] = ((long) ~ordered << 32) | i;
        }
        Arrays.sort(keys);
        int[] ids = new int[logits.length];
        float[] sorted = new float[logits.length];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = (int) keys[i];
            sorted[i] = logits[ids[i]];
        }
        return new Candidates(ids, sorted);
    }

    @Override
    public int[] ids() {
        return ids.clone();
    }

    @Override
    public float[] logits() {
        return logits.clone();
    }

    public int size() {
        return ids.length;
    }

    public int id(int rank) {
        return ids[rank];
    }

    public float logit(int rank) {
        return logits[rank];
    }

    /** The first {@code n} candidates. */
    public Candidates first(int n) {
        return new Candidates(Arrays.copyOf(ids, n), Arrays.copyOf(logits, n));
    }

    /** Softmax of the logits divided by {@code temperature}, in double, max-subtracted. */
    public double[] probabilities(float temperature) {
        double[] p = new double[logits.length];
        double sum = 0;
        for (int i = 0; i < p.length; i++) {
            p[i] = Math.exp(((double) logits[i] - logits[0]) / temperature);
            sum += p[i];
        }
        for (int i = 0; i < p.length; i++) {
            p[i] /= sum;
        }
        return p;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Candidates other && Arrays.equals(ids, other.ids) && Arrays.equals(logits, other.logits);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(ids) + Arrays.hashCode(logits);
    }

    @Override
    public String toString() {
        return "Candidates" + Arrays.toString(ids);
    }
}
