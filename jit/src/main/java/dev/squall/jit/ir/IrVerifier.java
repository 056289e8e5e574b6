package dev.squall.jit.ir;

import dev.squall.api.KernelContext;
import dev.squall.jit.analysis.Cfg;
import dev.squall.jit.analysis.Dominators;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Checks the IR's invariants: every block ends in a terminator to existing blocks; phis have one
 * input per predecessor; each variable is defined once and every use is dominated by its
 * definition; operand types fit each instruction. Run after every pass in tests.
 */
public final class IrVerifier {

    private final KernelFunction f;
    private final Cfg cfg;
    private final Dominators dom;
    /** Where each variable is defined: block and position (-1 for phis, -2 for parameters). */
    private final Map<Var, BlockId> defBlock = new HashMap<>();
    private final Map<Var, Integer> defIndex = new HashMap<>();

    private IrVerifier(KernelFunction f) {
        this.f = f;
        this.cfg = new Cfg(f);
        this.dom = new Dominators(cfg);
    }

    /** Throws {@link IrVerificationException} on the first broken invariant. */
    public static void verify(KernelFunction f) {
        new IrVerifier(f).run();
    }

    private void run() {
        BlockId entry = f.entry().id();
        for (Param p : f.params()) {
            define(p.var(), entry, -2);
        }
        for (Block b : f.blocks()) {
            if (b.terminator() == null) {
                fail(b, "has no terminator");
            }
            for (BlockId s : b.successors()) {
                try {
                    f.block(s);
                } catch (IllegalArgumentException e) {
                    fail(b, "jumps to missing block " + s);
                }
            }
            for (Inst.Phi phi : b.phis()) {
                define(phi.result(), b.id(), -1);
            }
            for (int i = 0; i < b.body().size(); i++) {
                Inst inst = b.body().get(i);
                if (inst instanceof Inst.Phi) {
                    fail(b, "has a phi among its instructions: " + IrPrinter.inst(inst));
                }
                if (inst instanceof Inst.LocalAlloc && !b.id().equals(entry)) {
                    fail(b, "allocates local memory outside the entry block");
                }
                for (Var v : inst.results()) {
                    define(v, b.id(), i);
                }
            }
        }
        for (Block b : f.blocks()) {
            if (!dom.isReachable(b.id())) {
                continue;
            }
            List<BlockId> preds = cfg.predecessors(b.id());
            for (Inst.Phi phi : b.phis()) {
                Set<BlockId> seen = new HashSet<>();
                for (Inst.PhiInput in : phi.inputs()) {
                    if (!preds.contains(in.predecessor())) {
                        fail(b, IrPrinter.inst(phi) + " has an input from " + in.predecessor() + ", not a predecessor");
                    }
                    if (!seen.add(in.predecessor())) {
                        fail(b, IrPrinter.inst(phi) + " has two inputs from " + in.predecessor());
                    }
                    checkType(b, phi, in.value(), phi.result().type());
                    checkUseAtEnd(b, phi, in.value(), in.predecessor());
                }
                for (BlockId p : preds) {
                    if (dom.isReachable(p) && !seen.contains(p)) {
                        fail(b, IrPrinter.inst(phi) + " has no input from predecessor " + p);
                    }
                }
            }
            for (int i = 0; i < b.body().size(); i++) {
                Inst inst = b.body().get(i);
                for (Operand op : inst.operands()) {
                    checkUse(b, inst, op, i);
                }
                checkTypes(b, inst);
            }
            for (Operand op : b.terminator().operands()) {
                checkUse(b, null, op, b.body().size());
            }
            if (b.terminator() instanceof Terminator.Branch br && br.condition().type() != ScalarType.BOOL) {
                fail(b, "branches on a " + br.condition().type().text() + ", not a bool");
            }
        }
    }

    private void define(Var v, BlockId block, int index) {
        if (defBlock.put(v, block) != null) {
            throw new IrVerificationException(f.displayName() + ": " + v.text() + " is defined twice\n" + IrPrinter.print(f));
        }
        defIndex.put(v, index);
    }

    private void checkUse(Block b, Inst user, Operand op, int index) {
        if (!(op instanceof Var v)) {
            return;
        }
        BlockId d = defBlock.get(v);
        String what = user == null ? IrPrinter.terminator(b.terminator()) : IrPrinter.inst(user);
        if (d == null) {
            fail(b, what + " uses " + v.text() + ", which is never defined");
        }
        boolean ok = d.equals(b.id()) ? defIndex.get(v) < index : dom.dominates(d, b.id());
        if (!ok) {
            fail(b, what + " uses " + v.text() + ", whose definition does not dominate the use");
        }
    }

    private void checkUseAtEnd(Block b, Inst.Phi phi, Operand op, BlockId pred) {
        if (!(op instanceof Var v) || !dom.isReachable(pred)) {
            return;
        }
        BlockId d = defBlock.get(v);
        if (d == null) {
            fail(b, IrPrinter.inst(phi) + " uses " + v.text() + ", which is never defined");
        }
        if (!dom.dominates(d, pred)) {
            fail(b, IrPrinter.inst(phi) + " uses " + v.text() + " from " + pred + ", where it is not available");
        }
    }

    private void checkTypes(Block b, Inst inst) {
        switch (inst) {
            case Inst.Binary x -> {
                checkType(b, x, x.left(), x.result().type());
                checkType(b, x, x.right(), x.op() == BinaryOp.SHL || x.op() == BinaryOp.SHR || x.op() == BinaryOp.USHR
                        ? ScalarType.I32 : x.result().type());
            }
            case Inst.Unary x -> {
                Type expected = x.op() == UnaryOp.IS_NAN || x.op() == UnaryOp.IS_INFINITE ? ScalarType.BOOL
                        : x.op() == UnaryOp.BIT_COUNT || x.op() == UnaryOp.CLZ || x.op() == UnaryOp.CTZ ? ScalarType.I32
                        : x.value().type();
                if (!x.result().type().equals(expected)) {
                    fail(b, IrPrinter.inst(x) + " has result type " + x.result().type().text());
                }
            }
            case Inst.Fma x -> {
                checkType(b, x, x.a(), x.result().type());
                checkType(b, x, x.b(), x.result().type());
                checkType(b, x, x.c(), x.result().type());
            }
            case Inst.Compare x -> {
                checkType(b, x, x.right(), x.left().type());
                if (x.result().type() != ScalarType.BOOL) {
                    fail(b, IrPrinter.inst(x) + " must give a bool");
                }
            }
            case Inst.Select x -> {
                checkType(b, x, x.condition(), ScalarType.BOOL);
                checkType(b, x, x.ifTrue(), x.result().type());
                checkType(b, x, x.ifFalse(), x.result().type());
            }
            case Inst.Convert x -> {
                checkType(b, x, x.value(), x.op().from());
                if (x.result().type() != x.op().to()) {
                    fail(b, IrPrinter.inst(x) + " must give " + x.op().to().text());
                }
            }
            case Inst.Load x -> {
                PointerType p = pointer(b, x, x.pointer());
                checkIndex(b, x, x.index());
                if (x.result().type() != p.element()) {
                    fail(b, IrPrinter.inst(x) + " loads " + x.result().type().text() + " through " + p.text());
                }
            }
            case Inst.Store x -> {
                PointerType p = pointer(b, x, x.pointer());
                checkIndex(b, x, x.index());
                checkType(b, x, x.value(), p.element());
            }
            case Inst.Atomic x -> {
                PointerType p = pointer(b, x, x.pointer());
                checkIndex(b, x, x.index());
                checkType(b, x, x.value(), p.element());
            }
            case Inst.PtrOffset x -> {
                pointer(b, x, x.base());
                checkIndex(b, x, x.byteOffset());
                if (!(x.result().type() instanceof PointerType)) {
                    fail(b, IrPrinter.inst(x) + " must give a pointer");
                }
            }
            case Inst.WorkItem x -> {
                if (x.dimension() < 0 || x.dimension() > 2) {
                    fail(b, IrPrinter.inst(x) + " has dimension " + x.dimension());
                }
            }
            case Inst.VectorLoad x -> {
                PointerType p = pointer(b, x, x.pointer());
                checkIndex(b, x, x.index());
                for (Var v : x.results()) {
                    if (v.type() != p.element()) {
                        fail(b, IrPrinter.inst(x) + " loads " + v.type().text() + " through " + p.text());
                    }
                }
            }
            case Inst.VectorStore x -> {
                PointerType p = pointer(b, x, x.pointer());
                checkIndex(b, x, x.index());
                for (Operand v : x.values()) {
                    checkType(b, x, v, p.element());
                }
            }
            case Inst.Barrier x -> { }
            case Inst.Mma x -> {
                for (int i = 0; i < 6; i++) {
                    checkType(b, x, x.operands().get(i), ScalarType.I32);
                }
                for (int i = 6; i < 10; i++) {
                    checkType(b, x, x.operands().get(i), ScalarType.F32);
                }
                if (x.results().size() != 4 || x.results().stream().anyMatch(v -> v.type() != ScalarType.F32)) {
                    fail(b, IrPrinter.inst(x) + " must give four f32");
                }
            }
            case Inst.WarpShuffle x -> {
                if (x.result().type() != ScalarType.F32 && x.result().type() != ScalarType.I32) {
                    fail(b, IrPrinter.inst(x) + " must exchange an f32 or an i32");
                }
                checkType(b, x, x.value(), x.result().type());
                checkType(b, x, x.laneMask(), ScalarType.I32);
            }
            case Inst.CopyAsync x -> {
                PointerType target = pointer(b, x, x.target());
                PointerType source = pointer(b, x, x.source());
                checkIndex(b, x, x.targetIndex());
                checkIndex(b, x, x.sourceIndex());
                if (target != null && source != null && (target.element() != source.element()
                        || target.space() == AddressSpace.GLOBAL || source.space() == AddressSpace.LOCAL
                        || KernelContext.COPY_BYTES % target.element().bytes() != 0)) {
                    fail(b, IrPrinter.inst(x) + " must copy between a global and a local pointer of one element type,"
                            + " got " + source.text() + " to " + target.text());
                }
            }
            case Inst.CopyCommit x -> { }
            case Inst.CopyWait x -> checkType(b, x, x.pending(), ScalarType.I32);
            case Inst.LocalAlloc x -> { }
            case Inst.Phi x -> { }
        }
    }

    private PointerType pointer(Block b, Inst inst, Operand op) {
        if (!(op.type() instanceof PointerType p)) {
            fail(b, IrPrinter.inst(inst) + " needs a pointer, got " + op.type().text());
            return null;
        }
        return p;
    }

    private void checkIndex(Block b, Inst inst, Operand index) {
        if (index.type() != ScalarType.I32 && index.type() != ScalarType.I64) {
            fail(b, IrPrinter.inst(inst) + " indexes with a " + index.type().text());
        }
    }

    private void checkType(Block b, Inst inst, Operand op, Type expected) {
        if (!op.type().equals(expected)) {
            fail(b, IrPrinter.inst(inst) + ": operand " + op.text() + " is " + op.type().text() + ", expected "
                    + expected.text());
        }
    }

    private void fail(Block b, String what) {
        throw new IrVerificationException(f.displayName() + ", block " + b.id() + ": " + what + "\n" + IrPrinter.print(f));
    }
}
