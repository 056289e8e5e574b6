package dev.squall.jit.ir;

/**
 * Where an instruction came from in Java: the method (after inlining, possibly a helper), its
 * source line and bytecode index.
 */
public record SourcePos(String className, String methodName, int line, int bci) {

    public static final SourcePos NONE = new SourcePos("", "", -1, -1);

    @Override
    public String toString() {
        return line > 0 ? simpleName() + "." + methodName + ":" + line : "";
    }

    private String simpleName() {
        return className.substring(className.lastIndexOf('.') + 1);
    }
}
