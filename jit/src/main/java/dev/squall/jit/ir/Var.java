package dev.squall.jit.ir;

/**
 * An SSA variable: defined exactly once, by an instruction or as a kernel parameter. Identity is
 * the id; the name is the Java variable it came from, when the front end knows it (for readable
 * output), or empty.
 */
public record Var(int id, Type type, String name) implements Operand {

    @Override
    public boolean equals(Object other) {
        return other instanceof Var v && v.id == id;
    }

    @Override
    public int hashCode() {
        return Integer.hashCode(id);
    }

    @Override
    public String text() {
        return "%" + id + (name.isEmpty() ? "" : "." + name);
    }

    public Var withType(Type newType) {
        return new Var(id, newType, name);
    }
}
