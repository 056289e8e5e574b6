package dev.squall.jit.ir;

/** An input of an instruction: an SSA variable or a constant. */
public sealed interface Operand permits Var, Const {

    Type type();

    /** The text form used by the printer. */
    String text();
}
