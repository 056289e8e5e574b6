package dev.squall.jit.corpus;

/** A record with a compact constructor that normalises its fields, and a nested record. */
public record Span(int start, int length, Float2 weight) {

    public Span {
        if (length < 0) {
            start += length;
            length = -length;
        }
    }

    public int end() {
        return start + length;
    }
}
