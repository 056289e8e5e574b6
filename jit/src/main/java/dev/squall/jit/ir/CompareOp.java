package dev.squall.jit.ir;

/**
 * Comparisons giving {@code bool}. On integers they are signed. On floats, {@code EQ, LT, LE, GT,
 * GE} are ordered (false if either side is NaN, as Java's operators) and {@code NE} is true for NaN
 * (as Java's {@code !=}); the {@code U*} forms are true when unordered, which the front end needs
 * for negated branch conditions such as javac's {@code fcmpg; ifge}.
 */
public enum CompareOp {
    EQ("eq"), NE("ne"), LT("lt"), LE("le"), GT("gt"), GE("ge"),
    UEQ("ueq"), ONE("one"), ULT("ult"), ULE("ule"), UGT("ugt"), UGE("uge");

    private final String text;

    CompareOp(String text) {
        this.text = text;
    }

    public String text() {
        return text;
    }

    /** The comparison with operands swapped: {@code a < b} is {@code b > a}. */
    public CompareOp swapped() {
        return switch (this) {
            case LT -> GT; case GT -> LT; case LE -> GE; case GE -> LE;
            case ULT -> UGT; case UGT -> ULT; case ULE -> UGE; case UGE -> ULE;
            default -> this;
        };
    }

    /** The logical negation, exact also for NaN: {@code !(a < b)} is {@code a UGE b}. */
    public CompareOp negated(boolean floating) {
        if (!floating) {
            return switch (this) {
                case EQ -> NE; case NE -> EQ; case LT -> GE; case GE -> LT; case LE -> GT; case GT -> LE;
                default -> throw new IllegalStateException(this + " is a floating-point comparison");
            };
        }
        return switch (this) {
            case EQ -> NE; case NE -> EQ; case LT -> UGE; case UGE -> LT; case LE -> UGT; case UGT -> LE;
            case GT -> ULE; case ULE -> GT; case GE -> ULT; case ULT -> GE; case UEQ -> ONE; case ONE -> UEQ;
        };
    }
}
