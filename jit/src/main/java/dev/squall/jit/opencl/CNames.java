package dev.squall.jit.opencl;

import dev.squall.jit.ir.Var;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/** Readable, unique C identifiers for IR variables: the Java name where known ({@code sum_43}), else {@code t43}. */
final class CNames {

    private static final Set<String> RESERVED = Set.of("auto", "break", "case", "char", "const", "continue", "default",
            "do", "double", "else", "enum", "extern", "float", "for", "goto", "if", "inline", "int", "long", "register",
            "restrict", "return", "short", "signed", "sizeof", "static", "struct", "switch", "typedef", "union",
            "unsigned", "void", "volatile", "while", "bool", "half", "uchar", "ushort", "uint", "ulong", "size_t",
            "global", "local", "constant", "private", "kernel", "read_only", "write_only", "read_write", "image2d_t",
            "image3d_t", "sampler_t", "event_t", "true", "false", "complex", "imaginary", "main",
            // OpenCL C 2.0 and 3.0, which kernels with device-scope fences are built as
            "generic", "pipe", "memory_order", "memory_scope");

    private final Map<Integer, String> names = new HashMap<>();

    /** The name of a kernel parameter: the Java name as it is, when it is a valid C identifier. */
    void param(Var v) {
        names.put(v.id(), identifier(v.name().isEmpty() ? "p" + v.id() : v.name()));
    }

    String of(Var v) {
        return names.computeIfAbsent(v.id(), id -> v.name().isEmpty() ? "t" + id : identifier(v.name()) + "_" + id);
    }

    static String identifier(String raw) {
        StringBuilder s = new StringBuilder();
        for (char c : raw.toCharArray()) {
            s.append(Character.isLetterOrDigit(c) && c < 128 ? c : '_');
        }
        if (s.isEmpty() || Character.isDigit(s.charAt(0))) {
            s.insert(0, '_');
        }
        String id = s.toString();
        return RESERVED.contains(id) || id.startsWith("squall_") || id.startsWith("get_") ? id + "_" : id;
    }
}
