package dev.squall.jit.passes;

import dev.squall.api.KernelCompilationException;
import dev.squall.jit.ir.AddressSpace;
import dev.squall.jit.ir.Block;
import dev.squall.jit.ir.Inst;
import dev.squall.jit.ir.KernelFunction;
import dev.squall.jit.ir.Operand;
import dev.squall.jit.ir.PointerType;
import dev.squall.jit.ir.Terminator;
import dev.squall.jit.ir.Var;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Gives pointers merged by phis and selects (a Java array variable that may hold different arrays)
 * the address space of their inputs. OpenCL 1.2 has no generic address space, so a variable that
 * holds a local array on one path and a global one on another is refused.
 */
public final class AddressSpaceInference implements Pass {

    @Override
    public String name() {
        return "address-spaces";
    }

    @Override
    public boolean run(KernelFunction f) {
        Map<Integer, AddressSpace> resolved = new HashMap<>();
        boolean progress = true;
        boolean any = false;
        while (progress) {
            progress = false;
            for (Block b : f.blocks()) {
                List<Inst> merges = new ArrayList<>(b.phis());
                merges.addAll(b.body().stream().filter(i -> i instanceof Inst.Select).toList());
                for (Inst inst : merges) {
                    if (!(inst.result().type() instanceof PointerType p) || p.space() != AddressSpace.UNRESOLVED
                            || resolved.containsKey(inst.result().id())) {
                        continue;
                    }
                    any = true;
                    AddressSpace space = null;
                    for (Operand op : inst.operands()) {
                        AddressSpace s = spaceOf(op, resolved);
                        if (s == null || s == AddressSpace.UNRESOLVED) {
                            continue;
                        }
                        if (space != null && space != s) {
                            throw new KernelCompilationException(f.className(), f.methodName(), inst.pos().line(),
                                    Math.max(inst.pos().bci(), 0), "a variable holds a local array on one path and a"
                                    + " global array on another; keep them in separate variables");
                        }
                        space = s;
                    }
                    if (space != null) {
                        resolved.put(inst.result().id(), space);
                        progress = true;
                    }
                }
            }
        }
        if (!any) {
            return false;
        }
        for (Block b : f.blocks()) {
            List<Inst.Phi> phis = new ArrayList<>();
            for (Inst.Phi phi : b.phis()) {
                phis.add((Inst.Phi) retype(phi, resolved));
            }
            b.setPhis(phis);
            List<Inst> body = new ArrayList<>();
            for (Inst inst : b.body()) {
                body.add(retype(inst, resolved));
            }
            b.setBody(body);
            Terminator t = b.terminator();
            b.setTerminator(t.withOperands(t.operands().stream().map(o -> retype(o, resolved)).toList()));
        }
        return true;
    }

    private static AddressSpace spaceOf(Operand op, Map<Integer, AddressSpace> resolved) {
        if (op instanceof Var v && v.type() instanceof PointerType p) {
            return p.space() == AddressSpace.UNRESOLVED ? resolved.get(v.id()) : p.space();
        }
        return null;
    }

    private static Operand retype(Operand op, Map<Integer, AddressSpace> resolved) {
        if (op instanceof Var v && v.type() instanceof PointerType p && p.space() == AddressSpace.UNRESOLVED) {
            AddressSpace s = resolved.getOrDefault(v.id(), AddressSpace.GLOBAL);
            return v.withType(p.withSpace(s));
        }
        return op;
    }

    private static Inst retype(Inst inst, Map<Integer, AddressSpace> resolved) {
        Inst withOps = inst.withOperands(inst.operands().stream().map(o -> retype(o, resolved)).toList());
        Var result = inst.result();
        if (result == null || !(result.type() instanceof PointerType)) {
            return withOps;
        }
        Var fresh = (Var) retype(result, resolved);
        return switch (withOps) {
            case Inst.Phi p -> new Inst.Phi(fresh, p.inputs(), p.pos());
            case Inst.Select s -> new Inst.Select(fresh, s.condition(), s.ifTrue(), s.ifFalse(), s.pos());
            case Inst.PtrOffset o -> new Inst.PtrOffset(fresh, o.base(), o.byteOffset(), o.pos());
            default -> withOps;
        };
    }
}
