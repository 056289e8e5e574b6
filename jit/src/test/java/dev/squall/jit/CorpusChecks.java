package dev.squall.jit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.squall.api.Devices;
import dev.squall.api.KernelContext;
import dev.squall.api.LaunchBounds;
import dev.squall.api.types.NativeArray;
import dev.squall.drivers.jvm.JavaDevice;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandles;
import java.lang.reflect.InvocationTargetException;

/** Running corpus kernels as Java, and comparing results: shared by every backend's differential tests. */
public final class CorpusChecks {

    private CorpusChecks() {
    }

    public static void runJava(KernelCase c, Object[] args) throws Throwable {
        if (c.global() != null) {
            int ctx = -1;
            for (int i = 0; i < args.length; i++) {
                ctx = args[i] instanceof KernelContext ? i : ctx;
            }
            c.kernel().setAccessible(true);
            ((JavaDevice) Devices.get("java")).launcher().launch(c.name(), MethodHandles.lookup().unreflect(c.kernel()),
                    args, ctx, c.global(), c.local(),
                    KernelContext.warpGroupLimit(c.kernel().getAnnotation(LaunchBounds.class)));
        } else {
            try {
                c.kernel().invoke(null, args);
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
        }
    }

    /**
     * Compares one argument after a run: integers and (with {@code tolerance} 0) floats bit for bit,
     * any NaN equal to any NaN; otherwise float arrays within {@code tolerance} relative L2 error.
     */
    public static void compare(String where, Object expected, Object actual, double tolerance, String context) {
        MemorySegment e = segment(expected);
        MemorySegment a = segment(actual);
        if (e == null) {
            return;
        }
        if (tolerance > 0 && (expected instanceof dev.squall.api.types.FloatArray
                || expected instanceof dev.squall.api.types.DoubleArray)) {
            boolean single = expected instanceof dev.squall.api.types.FloatArray;
            double diff = 0;
            double norm = 0;
            long n = e.byteSize() / (single ? 4 : 8);
            for (long i = 0; i < n; i++) {
                double x = single ? e.getAtIndex(ValueLayout.JAVA_FLOAT, i) : e.getAtIndex(ValueLayout.JAVA_DOUBLE, i);
                double y = single ? a.getAtIndex(ValueLayout.JAVA_FLOAT, i) : a.getAtIndex(ValueLayout.JAVA_DOUBLE, i);
                diff += (x - y) * (x - y);
                norm += x * x;
            }
            double rel = Math.sqrt(diff) / Math.max(Math.sqrt(norm), 1e-30);
            assertTrue(rel <= tolerance, where + ": relative error " + rel);
            return;
        }
        assertEquals(e.byteSize(), a.byteSize());
        // Bit for bit, except that NaN payloads are not portable (the JDK's own float16 conversion gives
        // different payloads interpreted and compiled), so any NaN equals any NaN.
        int width = expected instanceof dev.squall.api.types.FloatArray || expected instanceof float[] ? 4
                : expected instanceof dev.squall.api.types.DoubleArray || expected instanceof double[] ? 8
                : expected instanceof dev.squall.api.types.HalfFloatArray
                || expected instanceof dev.squall.api.types.BFloat16Array ? 2 : 1;
        long count = e.byteSize() / width;
        for (long i = 0; i < count; i++) {
            boolean same = switch (width) {
                case 4 -> Float.floatToIntBits(e.getAtIndex(ValueLayout.JAVA_FLOAT_UNALIGNED, i))
                        == Float.floatToIntBits(a.getAtIndex(ValueLayout.JAVA_FLOAT_UNALIGNED, i));
                case 8 -> Double.doubleToLongBits(e.getAtIndex(ValueLayout.JAVA_DOUBLE_UNALIGNED, i))
                        == Double.doubleToLongBits(a.getAtIndex(ValueLayout.JAVA_DOUBLE_UNALIGNED, i));
                case 2 -> {
                    short x = e.getAtIndex(ValueLayout.JAVA_SHORT_UNALIGNED, i);
                    short y = a.getAtIndex(ValueLayout.JAVA_SHORT_UNALIGNED, i);
                    boolean bf = expected instanceof dev.squall.api.types.BFloat16Array;
                    yield x == y || (isNaN16(x, bf) && isNaN16(y, bf));
                }
                default -> e.get(ValueLayout.JAVA_BYTE, i) == a.get(ValueLayout.JAVA_BYTE, i);
            };
            if (!same) {
                fail(where + ": first difference at element " + i + " of " + count + "\n" + context);
            }
        }
    }

    private static boolean isNaN16(short bits, boolean bfloat) {
        return bfloat ? (bits & 0x7f80) == 0x7f80 && (bits & 0x7f) != 0 : (bits & 0x7c00) == 0x7c00 && (bits & 0x3ff) != 0;
    }

    private static MemorySegment segment(Object o) {
        return switch (o) {
            case NativeArray a -> a.segment();
            case float[] x -> MemorySegment.ofArray(x);
            case int[] x -> MemorySegment.ofArray(x);
            case long[] x -> MemorySegment.ofArray(x);
            case double[] x -> MemorySegment.ofArray(x);
            default -> null;
        };
    }
}
