package dev.squall.api.types;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.List;
import java.util.Random;
import java.util.function.Consumer;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class NativeArraysTest {

    private final Random random = new Random();

    @Test
    void floatArrayAccessors() {
        float[] values = new float[37];
        for (int i = 0; i < values.length; i++) {
            values[i] = random.nextFloat() * 100 - 50;
        }
        FloatArray array = FloatArray.fromArray(values);
        assertEquals(37, array.getSize());
        assertEquals(37 * 4, array.byteSize());
        assertArrayEquals(values, array.toHeapArray());
        array.set(5, 1.5f);
        assertEquals(1.5f, array.get(5));
        array.init(-2f);
        assertTrue(IntStream.range(0, 37).allMatch(i -> array.get(i) == -2f));
        FloatArray copy = new FloatArray(37);
        copy.copyFrom(array);
        assertArrayEquals(array.toHeapArray(), copy.toHeapArray());
        assertThrows(IllegalArgumentException.class, () -> copy.copyFrom(new FloatArray(3)));
    }

    @Test
    void everyTypeStoresAndReadsBackItsElements() {
        int n = 101;
        double[] d = random.doubles(n).toArray();
        assertArrayEquals(d, DoubleArray.fromArray(d).toHeapArray());
        int[] ints = random.ints(n).toArray();
        assertArrayEquals(ints, IntArray.fromArray(ints).toHeapArray());
        long[] longs = random.longs(n).toArray();
        assertArrayEquals(longs, LongArray.fromArray(longs).toHeapArray());
        short[] shorts = new short[n];
        byte[] bytes = new byte[n];
        for (int i = 0; i < n; i++) {
            shorts[i] = (short) random.nextInt();
            bytes[i] = (byte) random.nextInt();
        }
        assertArrayEquals(shorts, ShortArray.fromArray(shorts).toHeapArray());
        assertArrayEquals(bytes, ByteArray.fromArray(bytes).toHeapArray());

        IntArray intArray = new IntArray(n);
        LongArray longArray = new LongArray(n);
        ShortArray shortArray = new ShortArray(n);
        ByteArray byteArray = new ByteArray(n);
        DoubleArray doubleArray = new DoubleArray(n);
        for (int i = 0; i < n; i++) {
            intArray.set(i, ints[i]);
            longArray.set(i, longs[i]);
            shortArray.set(i, shorts[i]);
            byteArray.set(i, bytes[i]);
            doubleArray.set(i, d[i]);
        }
        for (int i = 0; i < n; i++) {
            assertEquals(ints[i], intArray.get(i));
            assertEquals(longs[i], longArray.get(i));
            assertEquals(shorts[i], shortArray.get(i));
            assertEquals(bytes[i], byteArray.get(i));
            assertEquals(d[i], doubleArray.get(i));
        }
    }

    @Test
    void halfFloatArrayConvertsOnTheFly() {
        HalfFloatArray halves = new HalfFloatArray(4);
        halves.setFloat(0, 1f / 3);
        halves.setFloat(1, 70000f);
        halves.setFloat(2, -0f);
        halves.setBits(3, (short) 0x3c00);
        assertEquals(Float.float16ToFloat(Float.floatToFloat16(1f / 3)), halves.getFloat(0));
        assertEquals(Float.POSITIVE_INFINITY, halves.getFloat(1));
        assertEquals((short) 0x8000, halves.getBits(2));
        assertEquals(1f, halves.getFloat(3));
        assertArrayEquals(new float[] {halves.getFloat(0), Float.POSITIVE_INFINITY, -0f, 1f}, halves.toFloatArray());
        assertEquals(8, halves.byteSize());
    }

    @Test
    void boundsErrorsNameTheTypeIndexAndLength() {
        List<Consumer<Integer>> readers = List.of(
                i -> new FloatArray(3).get(i), i -> new DoubleArray(3).get(i), i -> new IntArray(3).get(i),
                i -> new LongArray(3).get(i), i -> new ShortArray(3).get(i), i -> new ByteArray(3).get(i),
                i -> new HalfFloatArray(3).getFloat(i), i -> new FloatArray(3).set(i, 1f),
                i -> new IntArray(3).set(i, 1), i -> new HalfFloatArray(3).setFloat(i, 1f));
        for (Consumer<Integer> reader : readers) {
            for (int bad : new int[] {-1, 3, Integer.MIN_VALUE, Integer.MAX_VALUE}) {
                ArrayIndexOutOfBoundsException e = assertThrows(ArrayIndexOutOfBoundsException.class,
                        () -> reader.accept(bad));
                assertTrue(e.getMessage().matches("\\w+Array index " + bad + " out of bounds for length 3"),
                        e.getMessage());
            }
        }
    }

    @Test
    void negativeSizeIsRejected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new FloatArray(-1));
        assertEquals("FloatArray size must not be negative, got -1", e.getMessage());
    }

    @Test
    void freedArraysRefuseEveryAccess() {
        FloatArray array = new FloatArray(8);
        MemorySegment old = array.segment();
        int version = array.version();
        array.free();
        assertTrue(array.isFreed());
        assertEquals(version + 1, array.version());
        assertEquals("FloatArray was freed", assertThrows(IllegalStateException.class, () -> array.get(0)).getMessage());
        assertThrows(IllegalStateException.class, () -> array.set(0, 1f));
        assertThrows(IllegalStateException.class, array::segment);
        assertThrows(IllegalStateException.class, array::toHeapArray);
        assertThrows(IllegalStateException.class, () -> old.get(ValueLayout.JAVA_FLOAT, 0), "the memory is released");
        array.free(); // idempotent
    }

    @Test
    void releasedHostMemoryKeepsTheSizeAndRefusesAccess() {
        FloatArray array = FloatArray.fromArray(new float[] {1, 2, 3, 4, 5, 6});
        MemorySegment old = array.segment();
        int version = array.version();
        array.releaseHostMemory();
        assertTrue(array.isHostReleased());
        assertEquals(6, array.getSize(), "the device copy keeps its size");
        assertEquals(24, array.byteSize());
        assertEquals(version, array.version(), "plans that hold the device copy go on using it");
        assertEquals("FloatArray[6, on the device only]", array.toString());
        String message = assertThrows(IllegalStateException.class, () -> array.get(0)).getMessage();
        assertEquals("FloatArray of 6 elements keeps its data only on a device: its host memory was released"
                + " (ExecutionPlan.releaseHostCopies)", message);
        assertThrows(IllegalStateException.class, () -> array.set(5, 1f));
        assertThrows(IllegalStateException.class, array::segment);
        assertThrows(IllegalStateException.class, () -> array.resize(8));
        assertThrows(IllegalStateException.class, array::releaseHostMemory);
        assertThrows(IllegalStateException.class, () -> old.get(ValueLayout.JAVA_FLOAT, 0), "the memory is released");
        array.free();
        assertTrue(array.isFreed());
        assertEquals(0, array.getSize());
        assertEquals("FloatArray was freed", assertThrows(IllegalStateException.class, () -> array.get(0)).getMessage());
        Q8_0Array blocks = new Q8_0Array(96);
        blocks.releaseHostMemory();
        assertEquals(3, blocks.blockCount());
        assertEquals(3 * 34, blocks.byteSize());
        assertThrows(IllegalStateException.class, () -> blocks.getFloat(0));
    }

    @Test
    void resizeKeepsThePrefixAndBumpsTheVersion() {
        IntArray array = IntArray.fromElements(1, 2, 3, 4);
        int version = array.version();
        array.resize(6);
        assertArrayEquals(new int[] {1, 2, 3, 4, 0, 0}, array.toHeapArray());
        assertEquals(version + 1, array.version());
        array.resize(2);
        assertArrayEquals(new int[] {1, 2}, array.toHeapArray());
        assertThrows(ArrayIndexOutOfBoundsException.class, () -> array.get(2));
    }

    @Test
    void fromSegmentWrapsWithoutCopying() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment segment = arena.allocate(16 * 4, 4);
            FloatArray view = FloatArray.fromSegment(segment);
            assertEquals(16, view.getSize());
            assertFalse(view.ownsMemory());
            segment.setAtIndex(ValueLayout.JAVA_FLOAT, 3, 42f);
            assertEquals(42f, view.get(3));
            view.set(4, 7f);
            assertEquals(7f, segment.getAtIndex(ValueLayout.JAVA_FLOAT, 4));
            assertEquals(segment.address(), view.segment().address());
            assertThrows(UnsupportedOperationException.class, () -> view.resize(4));

            HalfFloatArray halves = HalfFloatArray.fromSegment(segment.asSlice(0, 8));
            assertEquals(4, halves.getSize());
            view.free(); // a view only detaches; the caller's memory stays valid
            assertEquals(42f, segment.getAtIndex(ValueLayout.JAVA_FLOAT, 3));
        }
    }

    @Test
    void fromSegmentRejectsRaggedOrMisalignedMemory() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment segment = arena.allocate(64, 8);
            IllegalArgumentException ragged = assertThrows(IllegalArgumentException.class,
                    () -> FloatArray.fromSegment(segment.asSlice(0, 10)));
            assertTrue(ragged.getMessage().contains("not a whole number of 4-byte elements"), ragged.getMessage());
            IllegalArgumentException misaligned = assertThrows(IllegalArgumentException.class,
                    () -> FloatArray.fromSegment(segment.asSlice(2, 8)));
            assertTrue(misaligned.getMessage().contains("is not aligned to 4 bytes"), misaligned.getMessage());
            assertEquals(4, ByteArray.fromSegment(segment.asSlice(3, 4)).getSize());
        }
    }

    @Test
    void atomicsAreAtomicAcrossThreads() throws InterruptedException {
        IntArray counter = new IntArray(1);
        LongArray longCounter = new LongArray(1);
        FloatArray floatCounter = new FloatArray(1);
        IntArray extremes = IntArray.fromElements(0, 0);
        Thread[] threads = new Thread[4];
        for (int t = 0; t < threads.length; t++) {
            int id = t;
            threads[t] = Thread.ofPlatform().start(() -> {
                for (int i = 0; i < 10_000; i++) {
                    counter.atomicGetAndAdd(0, 1);
                    longCounter.atomicGetAndAdd(0, 3L);
                    floatCounter.atomicGetAndAdd(0, 1f);
                    extremes.atomicGetAndMax(0, id * 10_000 + i);
                    extremes.atomicGetAndMin(1, -(id * 10_000 + i));
                }
            });
        }
        for (Thread t : threads) {
            t.join();
        }
        assertEquals(40_000, counter.get(0));
        assertEquals(120_000L, longCounter.get(0));
        assertEquals(40_000f, floatCounter.get(0), "integers below 2^24 add exactly in float");
        assertEquals(39_999, extremes.get(0));
        assertEquals(-39_999, extremes.get(1));
    }
}
