package dev.squall.jit.ir;

import java.util.ArrayList;
import java.util.List;

/**
 * A basic block: phis, then straight-line instructions, then a terminator. The instruction records
 * are immutable; the block's lists are replaced by passes.
 */
public final class Block {

    private final BlockId id;
    private List<Inst.Phi> phis = new ArrayList<>();
    private List<Inst> body = new ArrayList<>();
    private Terminator terminator;
    /** First bytecode index of the Java code this block came from, or -1; for loop matching and messages. */
    private final int bci;
    private final SourcePos pos;

    public Block(BlockId id, int bci, SourcePos pos) {
        this.id = id;
        this.bci = bci;
        this.pos = pos;
    }

    public BlockId id() {
        return id;
    }

    public int bci() {
        return bci;
    }

    public SourcePos pos() {
        return pos;
    }

    public List<Inst.Phi> phis() {
        return phis;
    }

    public void setPhis(List<Inst.Phi> newPhis) {
        this.phis = new ArrayList<>(newPhis);
    }

    public List<Inst> body() {
        return body;
    }

    public void setBody(List<Inst> newBody) {
        this.body = new ArrayList<>(newBody);
    }

    public Terminator terminator() {
        return terminator;
    }

    public void setTerminator(Terminator terminator) {
        this.terminator = terminator;
    }

    public List<BlockId> successors() {
        return terminator == null ? List.of() : terminator.successors();
    }

    @Override
    public String toString() {
        return id.toString();
    }
}
