package dev.squall.jit.passes;

import dev.squall.jit.analysis.Divisibility;
import dev.squall.jit.ir.AddressSpace;
import dev.squall.jit.ir.Block;
import dev.squall.jit.ir.Inst;
import dev.squall.jit.ir.KernelFunction;
import dev.squall.jit.ir.Operand;
import dev.squall.jit.ir.Param;
import dev.squall.jit.ir.PointerType;
import dev.squall.jit.ir.ScalarType;
import dev.squall.jit.ir.Var;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;

/**
 * Turns stores of consecutive elements {@code a[i] = x0, a[i+1] = x1, …} into one wide store
 * ({@code st.global.v4.b32}, {@code vstore8}) when the first index is provably a multiple of the
 * width ({@link Divisibility}), the store-side twin of {@link LoadCombining}: a kernel that writes
 * eight halves per work-item then issues one 16-byte store instead of eight 2-byte ones.
 *
 * <p>A run is a sequence of stores to one kernel array at one symbolic base with nothing between them
 * that reads or writes memory or synchronises (pure arithmetic may lie between), and no element
 * written twice; its wide stores go where its last store was, after every value they write is
 * computed. Only global memory (kernel arrays, aligned to at least 16 bytes) and elements of 2 or 4
 * bytes: local arrays keep their tuned access patterns, whose bank conflicts a wider store would
 * change. Widths: 4, 8 or 16 bytes, at least two elements.
 */
public final class StoreCombining implements Pass {

    @Override
    public String name() {
        return "store-combining";
    }

    /** The stores of one run: offset from the run's base → position in the block. */
    private record Run(Var pointer, Operand base, TreeMap<Long, Integer> byOffset) {
    }

    /** The stores of one wide store, in element order. */
    private record Chunk(List<Inst.Store> stores, Operand base, long offset, int position) {
    }

    @Override
    public boolean run(KernelFunction f) {
        Set<Var> global = new HashSet<>();
        for (Param p : f.params()) {
            if (p.role() == Param.Role.DATA && p.var().type() instanceof PointerType pt
                    && pt.space() == AddressSpace.GLOBAL) {
                global.add(p.var());
            }
        }
        Map<Var, Inst> defs = f.definitions();
        Divisibility divisibility = null;
        boolean changed = false;
        for (Block b : f.blocks()) {
            List<Inst> body = b.body();
            List<Run> runs = new ArrayList<>();
            Run current = null;
            for (int i = 0; i < body.size(); i++) {
                Inst inst = body.get(i);
                if (inst instanceof Inst.Store s && s.pointer() instanceof Var p && global.contains(p)
                        && combinable(p)) {
                    IndexSplit at = IndexSplit.of(s.index(), defs);
                    if (current == null || !current.pointer().equals(p) || !Objects.equals(current.base(),
                            at.base()) || current.byOffset().containsKey(at.offset())) {
                        current = new Run(p, at.base(), new TreeMap<>());
                        runs.add(current);
                    }
                    current.byOffset().put(at.offset(), i);
                } else if (inst.hasSideEffects() || inst.readsMemory()) {
                    current = null;
                }
            }
            if (runs.stream().noneMatch(r -> r.byOffset().size() > 1)) {
                continue;
            }
            if (divisibility == null) {
                divisibility = new Divisibility(f);
            }
            List<Chunk> chunks = new ArrayList<>();
            for (Run r : runs) {
                chunks.addAll(chunks(r, body, divisibility));
            }
            if (!chunks.isEmpty()) {
                b.setBody(rewrite(f, body, chunks));
                changed = true;
            }
        }
        return changed;
    }

    private static boolean combinable(Var pointer) {
        int bytes = ((PointerType) pointer.type()).element().bytes();
        return bytes == 2 || bytes == 4;
    }

    private static List<Chunk> chunks(Run run, List<Inst> body, Divisibility div) {
        List<Chunk> out = new ArrayList<>();
        int elementBytes = ((PointerType) run.pointer().type()).element().bytes();
        int baseDivisor = run.base() == null ? Divisibility.TOP : div.of(run.base());
        for (AlignedRuns.Run wide : AlignedRuns.of(run.byOffset(), elementBytes, baseDivisor)) {
            List<Inst.Store> stores = wide.positions().stream().map(at -> (Inst.Store) body.get(at)).toList();
            int last = wide.positions().stream().mapToInt(Integer::intValue).max().orElseThrow();
            out.add(new Chunk(stores, run.base(), wide.offset(), last));
        }
        return out;
    }

    private static List<Inst> rewrite(KernelFunction f, List<Inst> body, List<Chunk> chunks) {
        Map<Integer, Chunk> at = new HashMap<>();
        Set<Inst> absorbed = Collections.newSetFromMap(new IdentityHashMap<>());
        for (Chunk c : chunks) {
            at.put(c.position(), c);
            absorbed.addAll(c.stores());
        }
        List<Inst> out = new ArrayList<>(body.size());
        for (int i = 0; i < body.size(); i++) {
            if (!absorbed.contains(body.get(i))) {
                out.add(body.get(i));
            }
            Chunk c = at.get(i);
            if (c != null) {
                Inst.Store first = c.stores().get(0);
                Operand index = IndexSplit.operand(f, c.base(), c.offset(), (ScalarType) first.index().type(),
                        first.pos(), out);
                out.add(new Inst.VectorStore(first.pointer(), index, c.stores().stream().map(Inst.Store::value).toList(),
                        body.get(i).pos()));
            }
        }
        return out;
    }
}
