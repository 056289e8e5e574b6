package dev.squall.jit.passes;

import dev.squall.jit.analysis.Divisibility;
import dev.squall.jit.ir.Block;
import dev.squall.jit.ir.Inst;
import dev.squall.jit.ir.KernelFunction;
import dev.squall.jit.ir.Operand;
import dev.squall.jit.ir.Param;
import dev.squall.jit.ir.PointerType;
import dev.squall.jit.ir.ScalarType;
import dev.squall.jit.ir.Var;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Turns loads of consecutive elements {@code a[i], a[i+1], …} in one block into one wide access
 * ({@code ld.global.v4.b32}, {@code vload8}) when the first index is provably a multiple of the
 * width ({@link Divisibility}): a kernel that reads eight halves per work-item then moves 16 bytes
 * per instruction instead of 2, which is what a memory-bound kernel needs to approach the copy
 * bandwidth. Loads move up to the first of them, so no write, atomic or barrier may lie between
 * them; only kernel arrays and local arrays (both aligned to at least 16 bytes) are combined.
 * Widths: 4, 8 or 16 bytes, at least two elements.
 */
public final class LoadCombining implements Pass {

    @Override
    public String name() {
        return "load-combining";
    }

    /** Loads from one array at one symbolic base, between the same two side effects. */
    private record Key(int segment, Var pointer, Operand base) {
    }

    /** The loads of one wide access, in element order, and where in the block it goes. */
    private record Chunk(List<Inst.Load> loads, Operand base, long offset, int position) {
    }

    @Override
    public boolean run(KernelFunction f) {
        Set<Var> aligned = new HashSet<>();
        for (Param p : f.params()) {
            if (p.role() == Param.Role.DATA) {
                aligned.add(p.var());
            }
        }
        Map<Var, Inst> defs = f.definitions();
        Divisibility divisibility = null;
        boolean changed = false;
        for (Block b : f.blocks()) {
            for (Inst i : b.body()) {
                if (i instanceof Inst.LocalAlloc a) {
                    aligned.add(a.result());
                }
            }
        }
        for (Block b : f.blocks()) {
            Map<Key, TreeMap<Long, Integer>> groups = new LinkedHashMap<>();
            List<Inst> body = b.body();
            int segment = 0;
            for (int i = 0; i < body.size(); i++) {
                Inst inst = body.get(i);
                if (inst.hasSideEffects()) {
                    segment++;
                } else if (inst instanceof Inst.Load l && l.pointer() instanceof Var p && aligned.contains(p)) {
                    IndexSplit s = IndexSplit.of(l.index(), defs);
                    groups.computeIfAbsent(new Key(segment, p, s.base()), k -> new TreeMap<>()).putIfAbsent(s.offset(), i);
                }
            }
            if (groups.values().stream().noneMatch(g -> g.size() > 1)) {
                continue;
            }
            if (divisibility == null) {
                divisibility = new Divisibility(f);
            }
            List<Chunk> chunks = new ArrayList<>();
            for (var e : groups.entrySet()) {
                chunks.addAll(chunks(e.getKey(), e.getValue(), body, divisibility));
            }
            if (!chunks.isEmpty()) {
                b.setBody(rewrite(f, body, chunks));
                changed = true;
            }
        }
        return changed;
    }

    private static List<Chunk> chunks(Key key, TreeMap<Long, Integer> byOffset, List<Inst> body, Divisibility div) {
        List<Chunk> out = new ArrayList<>();
        int elementBytes = ((PointerType) key.pointer().type()).element().bytes();
        int baseDivisor = key.base() == null ? Divisibility.TOP : div.of(key.base());
        for (AlignedRuns.Run run : AlignedRuns.of(byOffset, elementBytes, baseDivisor)) {
            List<Inst.Load> loads = run.positions().stream().map(at -> (Inst.Load) body.get(at)).toList();
            int first = run.positions().stream().mapToInt(Integer::intValue).min().orElseThrow();
            out.add(new Chunk(loads, key.base(), run.offset(), first));
        }
        return out;
    }

    private static List<Inst> rewrite(KernelFunction f, List<Inst> body, List<Chunk> chunks) {
        Map<Integer, Chunk> at = new HashMap<>();
        Set<Inst> absorbed = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        for (Chunk c : chunks) {
            at.put(c.position(), c);
            absorbed.addAll(c.loads());
        }
        List<Inst> out = new ArrayList<>(body.size());
        for (int i = 0; i < body.size(); i++) {
            Chunk c = at.get(i);
            if (c != null) {
                Inst.Load first = c.loads().get(0);
                Operand index = IndexSplit.operand(f, c.base(), c.offset(), (ScalarType) first.index().type(),
                        first.pos(), out);
                out.add(new Inst.VectorLoad(c.loads().stream().map(Inst.Load::result).toList(), first.pointer(), index,
                        body.get(i).pos()));
            }
            if (!absorbed.contains(body.get(i))) {
                out.add(body.get(i));
            }
        }
        return out;
    }
}
