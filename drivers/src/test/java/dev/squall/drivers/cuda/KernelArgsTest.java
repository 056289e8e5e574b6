package dev.squall.drivers.cuda;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_DOUBLE;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.List;
import org.junit.jupiter.api.Test;

class KernelArgsTest {

    @Test
    void pointerArrayPointsAtOneAlignedSlotPerValue() {
        try (Arena arena = Arena.ofConfined()) {
            KernelArgs args = KernelArgs.in(arena).pointer(0x7f00_1234_5600L).i8((byte) -3).i16((short) -1234)
                    .i32(-56789).i64(Long.MIN_VALUE + 7).f32(1.5f).f64(-2.25e300);
            assertEquals(7, args.count());
            assertEquals(List.of(KernelArgs.Kind.POINTER, KernelArgs.Kind.BYTE, KernelArgs.Kind.SHORT,
                    KernelArgs.Kind.INT, KernelArgs.Kind.LONG, KernelArgs.Kind.FLOAT, KernelArgs.Kind.DOUBLE),
                    java.util.stream.IntStream.range(0, 7).mapToObj(args::kind).toList());
            MemorySegment pointers = args.pointerArray();
            assertEquals(7 * ADDRESS.byteSize(), pointers.byteSize());
            long first = pointers.getAtIndex(ADDRESS, 0).address();
            assertEquals(0, first % 8, "slots are 8-byte aligned");
            for (int i = 0; i < 7; i++) {
                assertEquals(first + 8L * i, pointers.getAtIndex(ADDRESS, i).address(), "slot " + i);
            }
            MemorySegment values = pointers.getAtIndex(ADDRESS, 0).reinterpret(7 * 8L);
            assertEquals(0x7f00_1234_5600L, values.get(JAVA_LONG, 0));
            assertEquals((byte) -3, values.get(JAVA_BYTE, 8));
            assertEquals((short) -1234, values.get(JAVA_SHORT, 16));
            assertEquals(-56789, values.get(JAVA_INT, 24));
            assertEquals(Long.MIN_VALUE + 7, values.get(JAVA_LONG, 32));
            assertEquals(1.5f, values.get(JAVA_FLOAT, 40));
            assertEquals(-2.25e300, values.get(JAVA_DOUBLE, 48));
            // the rest of each narrow slot is zero, little-endian after the value
            assertEquals(0xfdL, values.get(JAVA_LONG, 8));
            assertEquals(0xfb2eL, values.get(JAVA_LONG, 16));
            assertEquals(-56789L & 0xffff_ffffL, values.get(JAVA_LONG, 24));
            assertEquals(Float.floatToRawIntBits(1.5f), values.get(JAVA_LONG, 40));
        }
    }

    @Test
    void settersChangeValuesInPlace() {
        try (Arena arena = Arena.ofConfined()) {
            KernelArgs args = KernelArgs.in(arena).pointer(16).i32(1).f32(2f);
            MemorySegment pointers = args.pointerArray();
            args.setI32(1, 42).setF32(2, -0f).setPointer(0, 32);
            assertSame(pointers, args.pointerArray(), "no new array for changed values");
            MemorySegment values = pointers.getAtIndex(ADDRESS, 0).reinterpret(24);
            assertEquals(32L, values.get(JAVA_LONG, 0));
            assertEquals(42, values.get(JAVA_INT, 8));
            assertEquals(Float.floatToRawIntBits(-0f), values.get(JAVA_INT, 16));
            IllegalArgumentException wrongKind = assertThrows(IllegalArgumentException.class, () -> args.setI64(1, 3));
            assertEquals("kernel argument 1 is a INT, not a LONG", wrongKind.getMessage());
            assertThrows(IndexOutOfBoundsException.class, () -> args.setI32(3, 0));
            // adding after use makes a new, longer array
            args.i64(9);
            MemorySegment longer = args.pointerArray();
            assertEquals(4 * ADDRESS.byteSize(), longer.byteSize());
            assertEquals(9L, longer.getAtIndex(ADDRESS, 3).reinterpret(8).get(JAVA_LONG, 0));
        }
    }

    @Test
    void noArgumentsStillGiveAnArray() {
        try (Arena arena = Arena.ofConfined()) {
            KernelArgs args = KernelArgs.in(arena);
            assertEquals(0, args.count());
            assertEquals(ADDRESS.byteSize(), args.pointerArray().byteSize());
        }
    }
}
