package dev.squall.jit.ir;

/** A pointer to elements of {@code element} in {@code space}; indexing scales by the element size. */
public record PointerType(AddressSpace space, ScalarType element) implements Type {

    public static PointerType global(ScalarType element) {
        return new PointerType(AddressSpace.GLOBAL, element);
    }

    public static PointerType local(ScalarType element) {
        return new PointerType(AddressSpace.LOCAL, element);
    }

    public PointerType withSpace(AddressSpace newSpace) {
        return new PointerType(newSpace, element);
    }

    @Override
    public String text() {
        return "ptr<" + space.text() + " " + element.text() + ">";
    }
}
