package dev.squall.jit.ir;

import java.util.stream.Collectors;

/** The text form of a kernel, used by {@code squall compile --ir} and golden tests. */
public final class IrPrinter {

    private IrPrinter() {
    }

    public static String print(KernelFunction f) {
        StringBuilder out = new StringBuilder();
        out.append("kernel ").append(f.displayName()).append(" [")
                .append(f.kind().name().toLowerCase(java.util.Locale.ROOT).replace('_', '-')).append("]\n");
        for (Param p : f.params()) {
            out.append("  param ").append(p.var().text()).append(" : ").append(p.var().type().text())
                    .append("  ; ").append(p.role().name().toLowerCase(java.util.Locale.ROOT));
            if (p.javaIndex() >= 0) {
                out.append(" of ").append(p.javaName()).append(" (").append(p.javaType().getSimpleName()).append(")");
            }
            Const bound = p.role() == Param.Role.VALUE ? f.specialization().get(p.javaIndex()) : null;
            if (bound != null) {
                out.append(" = ").append(bound.text());
            }
            out.append('\n');
        }
        for (ParallelDim d : f.parallelDims()) {
            out.append("  parallel ").append("xyz".charAt(d.dimension())).append(": ").append(d.variable());
            TripCount t = d.tripCount();
            if (t != null) {
                out.append(" in [").append(t.start().text()).append(", ").append(t.bound().text())
                        .append(t.inclusive() ? "]" : ")").append(" step ").append(t.step());
                if (!t.computation().isEmpty()) {
                    out.append(" where ").append(t.computation().stream().map(IrPrinter::inst)
                            .collect(Collectors.joining("; ")));
                }
            } else {
                out.append(" (trip count known only on the device)");
            }
            if (d.coarsening() > 1) {
                out.append(", ").append(d.coarsening()).append(" per work-item");
            }
            out.append('\n');
        }
        for (ReductionPlan r : f.reductions()) {
            out.append("  reduce ").append(r.op().text()).append(' ').append(r.type().text()).append(" into ")
                    .append(f.params().stream().filter(p -> p.javaIndex() == r.javaIndex()).findFirst()
                            .map(Param::javaName).orElse("?"))
                    .append("[0] via ").append(r.partials().var().text()).append(", groups of ")
                    .append(r.groupSize()).append(", then ").append(r.finisher().displayName()).append('\n');
        }
        if (f.launchBound() != null) {
            out.append("  launch bound: work-groups of at most ").append(f.launchBound().maxGroupSize())
                    .append(", at least ").append(f.launchBound().minGroupsPerComputeUnit()).append(" per compute unit\n");
        }
        if (f.requiredLocalSize() != null) {
            int[] s = f.requiredLocalSize();
            out.append("  work-group ").append(s[0]).append('x').append(s[1]).append('x').append(s[2]).append('\n');
        }
        for (Block b : f.blocks()) {
            out.append(b.id()).append(':');
            if (b.pos().line() > 0) {
                out.append("  ; ").append(b.pos());
            }
            out.append('\n');
            for (Inst.Phi phi : b.phis()) {
                out.append("  ").append(inst(phi)).append('\n');
            }
            for (Inst inst : b.body()) {
                out.append("  ").append(inst(inst)).append('\n');
            }
            out.append("  ").append(terminator(b.terminator())).append('\n');
        }
        return out.toString();
    }

    public static String inst(Inst inst) {
        String def = inst.result() == null ? "" : inst.result().text() + " = ";
        return def + switch (inst) {
            case Inst.Binary b -> b.op().text() + " " + b.result().type().text() + " " + b.left().text() + ", "
                    + b.right().text();
            case Inst.Unary u -> u.op().text() + " " + u.value().type().text() + " " + u.value().text();
            case Inst.Fma m -> "fma " + m.result().type().text() + " " + m.a().text() + ", " + m.b().text() + ", "
                    + m.c().text();
            case Inst.Compare c -> "cmp " + c.op().text() + " " + c.left().type().text() + " " + c.left().text() + ", "
                    + c.right().text();
            case Inst.Select s -> "select " + s.result().type().text() + " " + s.condition().text() + ", "
                    + s.ifTrue().text() + ", " + s.ifFalse().text();
            case Inst.Convert c -> c.op().text() + " " + c.value().text();
            case Inst.Load l -> "load " + l.result().type().text() + " " + l.pointer().text() + "[" + l.index().text()
                    + "]";
            case Inst.Store s -> "store " + s.value().type().text() + " " + s.pointer().text() + "[" + s.index().text()
                    + "], " + s.value().text();
            case Inst.PtrOffset p -> "ptroffset " + p.result().type().text() + " " + p.base().text() + ", "
                    + p.byteOffset().text();
            case Inst.Atomic a -> "atomic " + a.op().text() + " " + a.result().type().text() + " " + a.pointer().text()
                    + "[" + a.index().text() + "], " + a.value().text();
            case Inst.VectorLoad v -> v.results().stream().map(Var::text).collect(Collectors.joining(", "))
                    + " = vload" + v.results().size() + " " + v.results().get(0).type().text() + " " + v.pointer().text()
                    + "[" + v.index().text() + "]";
            case Inst.VectorStore v -> "vstore" + v.values().size() + " " + v.values().get(0).type().text() + " "
                    + v.pointer().text() + "[" + v.index().text() + "], " + v.values().stream().map(Operand::text)
                    .collect(Collectors.joining(", "));
            case Inst.Barrier b -> "barrier " + (b.globalFence() ? "global" : "local");
            case Inst.Mma m -> m.results().stream().map(Var::text).collect(Collectors.joining(", "))
                    + (m.tf32() ? " = mma.m16n8k8.tf32 {" : " = mma.m16n8k16 {") + m.a().stream().map(Operand::text).collect(Collectors.joining(", ")) + "}, {"
                    + m.b().stream().map(Operand::text).collect(Collectors.joining(", ")) + "}, {"
                    + m.c().stream().map(Operand::text).collect(Collectors.joining(", ")) + "}";
            case Inst.WarpShuffle w -> w.result().text() + " = shfl.bfly " + w.result().type().text() + " "
                    + w.value().text() + ", " + w.laneMask().text();
            case Inst.CopyAsync c -> "copy_async " + c.target().text() + "[" + c.targetIndex().text() + "], "
                    + c.source().text() + "[" + c.sourceIndex().text() + "]";
            case Inst.CopyCommit c -> "copy_commit";
            case Inst.CopyWait c -> "copy_wait " + c.pending().text();
            case Inst.WorkItem w -> w.query().text() + " " + "xyz".charAt(w.dimension());
            case Inst.LocalAlloc a -> "local_alloc " + a.element().text() + " x " + a.length();
            case Inst.Phi p -> "phi " + p.result().type().text() + " " + p.inputs().stream()
                    .map(in -> "[" + in.predecessor() + ": " + in.value().text() + "]")
                    .collect(Collectors.joining(", "));
        };
    }

    public static String terminator(Terminator t) {
        return switch (t) {
            case Terminator.Jump j -> "jump " + j.target();
            case Terminator.Branch b -> "branch " + b.condition().text() + ", " + b.ifTrue() + ", " + b.ifFalse();
            case Terminator.Return r -> "return";
            case null -> "<no terminator>";
        };
    }
}
