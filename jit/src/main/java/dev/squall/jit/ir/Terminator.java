package dev.squall.jit.ir;

import java.util.List;
import java.util.function.UnaryOperator;

/** How a block ends. */
public sealed interface Terminator {

    List<Operand> operands();

    Terminator withOperands(List<Operand> operands);

    List<BlockId> successors();

    Terminator withSuccessors(UnaryOperator<BlockId> mapping);

    SourcePos pos();

    record Jump(BlockId target, SourcePos pos) implements Terminator {
        public List<Operand> operands() {
            return List.of();
        }

        public Terminator withOperands(List<Operand> ops) {
            return this;
        }

        public List<BlockId> successors() {
            return List.of(target);
        }

        public Terminator withSuccessors(UnaryOperator<BlockId> mapping) {
            return new Jump(mapping.apply(target), pos);
        }
    }

    record Branch(Operand condition, BlockId ifTrue, BlockId ifFalse, SourcePos pos) implements Terminator {
        public List<Operand> operands() {
            return List.of(condition);
        }

        public Terminator withOperands(List<Operand> ops) {
            return new Branch(ops.get(0), ifTrue, ifFalse, pos);
        }

        public List<BlockId> successors() {
            return List.of(ifTrue, ifFalse);
        }

        public Terminator withSuccessors(UnaryOperator<BlockId> mapping) {
            return new Branch(condition, mapping.apply(ifTrue), mapping.apply(ifFalse), pos);
        }
    }

    /** The end of the kernel for this work-item. */
    record Return(SourcePos pos) implements Terminator {
        public List<Operand> operands() {
            return List.of();
        }

        public Terminator withOperands(List<Operand> ops) {
            return this;
        }

        public List<BlockId> successors() {
            return List.of();
        }

        public Terminator withSuccessors(UnaryOperator<BlockId> mapping) {
            return this;
        }
    }
}
