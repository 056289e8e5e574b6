package dev.squall.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.squall.api.types.FloatArray;
import java.lang.reflect.Method;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code --specialize IDX=VALUE} values are read as the parameter's Java type. */
class SpecializationsTest {

    @SuppressWarnings("unused")
    static void signature(int i, long l, float f, double d, boolean b, FloatArray data) {
    }

    private static Method signature() throws NoSuchMethodException {
        return SpecializationsTest.class.getDeclaredMethod("signature", int.class, long.class, float.class,
                double.class, boolean.class, FloatArray.class);
    }

    @Test
    void readsEachScalarTypeIntoItsBox() throws Exception {
        Map<Integer, Object> values = Specializations.parse(signature(),
                List.of("0=-7", "1=9000000000", "2=0.1", "3=1e-300", "4=true"));
        assertEquals(Map.of(0, -7, 1, 9_000_000_000L, 2, 0.1f, 3, 1e-300, 4, true), values);
        assertEquals(Integer.class, values.get(0).getClass());
        assertEquals(Long.class, values.get(1).getClass());
        assertEquals(Float.class, values.get(2).getClass());
        assertEquals(Double.class, values.get(3).getClass());
        assertEquals(Boolean.class, values.get(4).getClass());
        assertEquals(Map.of(), Specializations.parse(signature(), List.of()));
    }

    @Test
    void refusesValuesThatDoNotFitTheParameter() throws Exception {
        assertEquals("--specialize 0=3000000000: parameter 0 'i' is an int and '3000000000' is not an int",
                message("0=3000000000"));
        assertEquals("--specialize 1=1.5: parameter 1 'l' is a long and '1.5' is not a long", message("1=1.5"));
        assertEquals("--specialize 4=1: parameter 4 'b' is a boolean and '1' is not a boolean (true or false)",
                message("4=1"));
        assertEquals("--specialize 5=2: parameter 5 'data' is a FloatArray; only int, long, float, double and boolean"
                + " parameters can be specialised", message("5=2"));
        assertEquals("--specialize 'x': expected IDX=VALUE, e.g. 3=100", message("x"));
        assertEquals("--specialize =1: expected IDX=VALUE, e.g. 3=100", message("=1").replace("'", ""));
        assertEquals("--specialize i=1: 'i' is not a parameter index; signature has parameters 0 i (int), 1 l (long),"
                + " 2 f (float), 3 d (double), 4 b (boolean), 5 data (FloatArray)", message("i=1"));
        assertEquals("--specialize 6=1: no parameter 6; signature has parameters 0 i (int), 1 l (long), 2 f (float),"
                + " 3 d (double), 4 b (boolean), 5 data (FloatArray)", message("6=1"));
        assertEquals("--specialize binds parameter 0 twice: 0=1 and 0=2",
                assertThrows(IllegalArgumentException.class,
                        () -> Specializations.parse(signature(), List.of("0=1", "0=2"))).getMessage());
    }

    private static String message(String argument) throws Exception {
        Method m = signature();
        return assertThrows(IllegalArgumentException.class, () -> Specializations.parse(m, List.of(argument)))
                .getMessage();
    }
}
