package dev.squall.jit.ir;

/** Names a basic block within one kernel function. */
public record BlockId(int index) implements Comparable<BlockId> {

    @Override
    public String toString() {
        return "b" + index;
    }

    @Override
    public int compareTo(BlockId other) {
        return Integer.compare(index, other.index);
    }
}
