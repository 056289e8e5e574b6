package dev.squall.jit.ir;

import java.util.List;

/** Appends instructions at a cursor block: how passes write new code. */
public final class IrBuilder {

    private final KernelFunction function;
    private final SourcePos pos;
    private Block block;

    public IrBuilder(KernelFunction function, Block block, SourcePos pos) {
        this.function = function;
        this.block = block;
        this.pos = pos;
    }

    public KernelFunction function() {
        return function;
    }

    public Block block() {
        return block;
    }

    /** Moves the cursor to the end of {@code next}. */
    public void at(Block next) {
        this.block = next;
    }

    public Block newBlock() {
        return function.newBlock(block.bci(), pos);
    }

    public <T extends Inst> T add(T inst) {
        block.body().add(inst);
        return inst;
    }

    public Var binary(BinaryOp op, Operand left, Operand right) {
        return add(new Inst.Binary(function.newVar(left.type(), ""), op, left, right, pos)).result();
    }

    public Var compare(CompareOp op, Operand left, Operand right) {
        return add(new Inst.Compare(function.newVar(ScalarType.BOOL, ""), op, left, right, pos)).result();
    }

    public Var load(Operand pointer, Operand index) {
        ScalarType element = ((PointerType) pointer.type()).element();
        return add(new Inst.Load(function.newVar(element, ""), pointer, index, pos)).result();
    }

    public void store(Operand pointer, Operand index, Operand value) {
        add(new Inst.Store(pointer, index, value, pos));
    }

    public Var workItem(WorkItemQuery query, int dimension) {
        return add(new Inst.WorkItem(function.newVar(ScalarType.I32, query.text() + "xyz".charAt(dimension)), query,
                dimension, pos)).result();
    }

    public void barrier() {
        add(new Inst.Barrier(false, pos));
    }

    public void jump(Block target) {
        block.setTerminator(new Terminator.Jump(target.id(), pos));
    }

    public void branch(Operand condition, Block ifTrue, Block ifFalse) {
        block.setTerminator(new Terminator.Branch(condition, ifTrue.id(), ifFalse.id(), pos));
    }

    public void ret() {
        block.setTerminator(new Terminator.Return(pos));
    }

    public Inst.Phi phi(Var result, List<Inst.PhiInput> inputs) {
        Inst.Phi phi = new Inst.Phi(result, inputs, pos);
        block.phis().add(phi);
        return phi;
    }

    public SourcePos pos() {
        return pos;
    }
}
