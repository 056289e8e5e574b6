package dev.squall.jit.structure;

import dev.squall.jit.ir.BlockId;
import dev.squall.jit.ir.Operand;
import java.util.List;

/**
 * Structured control flow recovered from a kernel's CFG, for emitters of structured languages
 * (OpenCL C, SPIR-V). Loops and labelled blocks follow WebAssembly's rules: falling off the end of
 * a {@link Loop} leaves it; {@link Continue} restarts it; {@link Break} leaves the labelled
 * {@link Labeled} block or {@link Loop} it names.
 */
public sealed interface Stmt {

    record Seq(List<Stmt> items) implements Stmt {
        public Seq {
            items = List.copyOf(items);
        }
    }

    /** The instructions of a block (not its phis or terminator). */
    record Code(BlockId block) implements Stmt {
    }

    /** The phi assignments of the edge {@code from → to}, made in parallel. */
    record Copies(BlockId from, BlockId to) implements Stmt {
    }

    record If(Operand condition, Stmt then, Stmt otherwise) implements Stmt {
    }

    /** A loop headed by block {@code label}. */
    record Loop(BlockId label, Stmt body) implements Stmt {
    }

    /** A block whose end is where {@code break label} goes: the code for {@code label} follows it. */
    record Labeled(BlockId label, Stmt body) implements Stmt {
    }

    record Break(BlockId label) implements Stmt {
    }

    record Continue(BlockId label) implements Stmt {
    }

    record Return() implements Stmt {
    }

    /** Nothing. */
    record Empty() implements Stmt {
    }

    Empty EMPTY = new Empty();

    static Stmt seq(Stmt... items) {
        List<Stmt> flat = new java.util.ArrayList<>();
        for (Stmt s : items) {
            if (s instanceof Seq seq) {
                flat.addAll(seq.items());
            } else if (!(s instanceof Empty)) {
                flat.add(s);
            }
        }
        return flat.isEmpty() ? EMPTY : flat.size() == 1 ? flat.get(0) : new Seq(flat);
    }
}
