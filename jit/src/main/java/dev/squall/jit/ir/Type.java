package dev.squall.jit.ir;

/** The type of an IR value: a scalar, or a pointer into one address space. */
public sealed interface Type permits ScalarType, PointerType {

    /** The text form used by the printer, such as {@code i32} or {@code ptr<global f32>}. */
    String text();
}
