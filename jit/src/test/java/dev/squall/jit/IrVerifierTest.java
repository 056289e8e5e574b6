package dev.squall.jit;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.squall.jit.ir.Block;
import dev.squall.jit.ir.Const;
import dev.squall.jit.ir.Inst;
import dev.squall.jit.ir.IrVerificationException;
import dev.squall.jit.ir.IrVerifier;
import dev.squall.jit.ir.KernelFunction;
import dev.squall.jit.ir.KernelKind;
import dev.squall.jit.ir.Param;
import dev.squall.jit.ir.PointerType;
import dev.squall.jit.ir.ScalarType;
import dev.squall.jit.ir.SourcePos;
import dev.squall.jit.ir.Terminator;
import dev.squall.jit.ir.Var;
import dev.squall.jit.ir.BinaryOp;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The verifier catches each broken invariant it claims to check. */
class IrVerifierTest {

    private static final SourcePos P = SourcePos.NONE;

    private KernelFunction twoBlocks() {
        KernelFunction f = new KernelFunction("T", "k", "()V", KernelKind.SERIAL);
        Var out = f.newVar(PointerType.global(ScalarType.F32), "out");
        f.addParam(out, Param.Role.DATA, 0, "out", float[].class);
        Block a = f.newBlock(0, P);
        Block b = f.newBlock(0, P);
        a.setTerminator(new Terminator.Jump(b.id(), P));
        b.setTerminator(new Terminator.Return(P));
        return f;
    }

    @Test
    void acceptsAWellFormedKernel() {
        IrVerifier.verify(twoBlocks());
    }

    @Test
    void rejectsAMissingTerminator() {
        KernelFunction f = twoBlocks();
        f.blocks().stream().skip(1).findFirst().orElseThrow().setTerminator(null);
        assertMessage(f, "has no terminator");
    }

    @Test
    void rejectsAUseNotDominatedByItsDefinition() {
        KernelFunction f = twoBlocks();
        List<Block> blocks = List.copyOf(f.blocks());
        Var x = f.newVar(ScalarType.I32, "");
        Var y = f.newVar(ScalarType.I32, "");
        blocks.get(0).body().add(new Inst.Binary(y, BinaryOp.ADD, x, Const.i32(1), P));
        blocks.get(1).body().add(new Inst.Binary(x, BinaryOp.ADD, Const.i32(1), Const.i32(1), P));
        assertMessage(f, "whose definition does not dominate the use");
    }

    @Test
    void rejectsATypeMismatch() {
        KernelFunction f = twoBlocks();
        Var x = f.newVar(ScalarType.I32, "");
        f.entry().body().add(new Inst.Binary(x, BinaryOp.ADD, Const.i32(1), Const.f32(1f), P));
        assertMessage(f, "is f32, expected i32");
    }

    @Test
    void rejectsAPhiWithoutAnInputFromAPredecessor() {
        KernelFunction f = twoBlocks();
        Block b = List.copyOf(f.blocks()).get(1);
        b.phis().add(new Inst.Phi(f.newVar(ScalarType.I32, ""), List.of(), P));
        assertMessage(f, "has no input from predecessor");
    }

    @Test
    void rejectsATwiceDefinedVariable() {
        KernelFunction f = twoBlocks();
        Var x = f.newVar(ScalarType.I32, "");
        f.entry().body().add(new Inst.Binary(x, BinaryOp.ADD, Const.i32(1), Const.i32(1), P));
        f.entry().body().add(new Inst.Binary(x, BinaryOp.ADD, Const.i32(1), Const.i32(1), P));
        assertMessage(f, "is defined twice");
    }

    @Test
    void rejectsABranchOnANumber() {
        KernelFunction f = twoBlocks();
        Block b = List.copyOf(f.blocks()).get(1);
        f.entry().setTerminator(new Terminator.Branch(Const.i32(1), b.id(), b.id(), P));
        assertMessage(f, "branches on a i32, not a bool");
    }

    @Test
    void rejectsALoadOfTheWrongType() {
        KernelFunction f = twoBlocks();
        Var out = f.params().get(0).var();
        f.entry().body().add(new Inst.Load(f.newVar(ScalarType.I32, ""), out, Const.i32(0), P));
        assertMessage(f, "loads i32 through ptr<global f32>");
    }

    private static void assertMessage(KernelFunction f, String text) {
        IrVerificationException e = assertThrows(IrVerificationException.class, () -> IrVerifier.verify(f));
        assertTrue(e.getMessage().contains(text), e.getMessage());
    }
}
