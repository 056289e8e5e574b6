package dev.squall.jit.ir;

/** Atomic read-modify-write operations; each returns the previous value. */
public enum AtomicOp {
    ADD("add"), MIN("min"), MAX("max");

    private final String text;

    AtomicOp(String text) {
        this.text = text;
    }

    public String text() {
        return text;
    }
}
