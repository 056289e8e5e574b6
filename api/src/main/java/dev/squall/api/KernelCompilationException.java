package dev.squall.api;

/**
 * A kernel that a backend cannot compile. The message names the class, method, source line,
 * bytecode index and the unsupported construct; nothing falls back silently.
 */
public class KernelCompilationException extends SquallException {
    private static final long serialVersionUID = 1L;

    private final String className;
    private final String methodName;
    private final int sourceLine;
    private final int bytecodeIndex;
    private final String construct;

    public KernelCompilationException(String className, String methodName, int sourceLine, int bytecodeIndex,
                                      String construct) {
        super(format(className, methodName, sourceLine, bytecodeIndex, construct));
        this.className = className;
        this.methodName = methodName;
        this.sourceLine = sourceLine;
        this.bytecodeIndex = bytecodeIndex;
        this.construct = construct;
    }

    /** A failure that is not tied to one bytecode (a backend limit, a build error). */
    public KernelCompilationException(String message) {
        this(message, (Throwable) null);
    }

    public KernelCompilationException(String message, Throwable cause) {
        super(message, cause);
        this.className = null;
        this.methodName = null;
        this.sourceLine = -1;
        this.bytecodeIndex = -1;
        this.construct = message;
    }

    private static String format(String className, String methodName, int line, int bci, String construct) {
        String where = className + "." + methodName + "(" + simpleFileName(className)
                + (line > 0 ? ":" + line : "") + ")";
        return "cannot compile kernel " + where + " at bytecode index " + bci + ": " + construct;
    }

    private static String simpleFileName(String className) {
        String simple = className.substring(className.lastIndexOf('.') + 1);
        int dollar = simple.indexOf('$');
        return (dollar >= 0 ? simple.substring(0, dollar) : simple) + ".java";
    }

    /** Binary name of the kernel's class, or null when the failure is not tied to a bytecode. */
    public String className() {
        return className;
    }

    public String methodName() {
        return methodName;
    }

    /** Source line of the construct, or -1 when unknown. */
    public int sourceLine() {
        return sourceLine;
    }

    /** Bytecode index of the construct, or -1 when unknown. */
    public int bytecodeIndex() {
        return bytecodeIndex;
    }

    /** What is unsupported, in words. */
    public String construct() {
        return construct;
    }
}
