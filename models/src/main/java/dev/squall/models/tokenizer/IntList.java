package dev.squall.models.tokenizer;

import java.util.Arrays;

/** A growable int array, so token ids are not boxed. */
final class IntList {

    private int[] values = new int[16];
    private int size;

    void add(int v) {
        if (size == values.length) {
            values = Arrays.copyOf(values, size * 2);
        }
        values[size++] = v;
    }

    int size() {
        return size;
    }

    int[] toArray() {
        return Arrays.copyOf(values, size);
    }
}
