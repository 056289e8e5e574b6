package dev.squall.jit;

import dev.squall.api.KernelContext;
import dev.squall.api.types.BFloat16Array;
import dev.squall.api.types.ByteArray;
import dev.squall.api.types.DoubleArray;
import dev.squall.api.types.FloatArray;
import dev.squall.api.types.HalfFloatArray;
import dev.squall.api.types.IntArray;
import dev.squall.api.types.LongArray;
import dev.squall.api.types.NativeArray;
import dev.squall.api.types.Q4_0Array;
import dev.squall.api.types.Q8_0Array;
import dev.squall.api.types.ShortArray;
import java.lang.foreign.MemorySegment;
import java.lang.reflect.Method;
import java.util.Map;
import java.util.Random;
import java.util.function.Function;

/**
 * One kernel of the differential corpus: how to make fresh random arguments, its grid if it takes
 * a KernelContext, optional specialisation, and whether floats must match bit for bit.
 *
 * @param name           test name
 * @param kernel         the kernel method
 * @param arguments      fresh random arguments for a run
 * @param global         grid for KernelContext kernels, else null
 * @param local          work-group size for KernelContext kernels, else null
 * @param specialization scalar parameters bound at compile time
 * @param floatTolerance 0 for bit-exact comparison, else the relative L2 bound (reassociating reductions)
 * @param deviceTolerance on devices, whose math functions differ from Java's within a few ulp: 0 for
 *                        bit-exact, else the relative L2 bound for float arrays
 * @param cpuSkip         null, or why OpenCL on a CPU does not run this case (the JVM, the interpreter and
 *                        GPUs still do)
 */
public record KernelCase(String name, Method kernel, Function<Random, Object[]> arguments, int[] global, int[] local,
                         Map<Integer, Object> specialization, double floatTolerance, double deviceTolerance,
                         String cpuSkip) {

    public static KernelCase of(Class<?> owner, String method, Function<Random, Object[]> arguments) {
        return new KernelCase(method, find(owner, method), arguments, null, null, Map.of(), 0, 0, null);
    }

    public static KernelCase spmd(Class<?> owner, String method, int[] global, int[] local,
                                  Function<Random, Object[]> arguments) {
        return new KernelCase(method, find(owner, method), arguments, global, local, Map.of(), 0, 0, null);
    }

    /** What a task graph would compile this case with for {@code args}: the specialisation plus the int arguments' divisors. */
    public Map<Integer, Object> compileFacts(Object[] args) {
        return KnownDivisor.withFacts(kernel, java.util.Arrays.asList(args), specialization);
    }

    /** Reassociates floats (reductions, float atomics): compared within {@code tolerance} everywhere. */
    public KernelCase tolerant(double tolerance) {
        return new KernelCase(name, kernel, arguments, global, local, specialization, tolerance,
                Math.max(tolerance, deviceTolerance), cpuSkip);
    }

    /** Calls math functions whose device versions may differ from Java's by a few ulp. */
    public KernelCase mathTolerance(double tolerance) {
        return new KernelCase(name, kernel, arguments, global, local, specialization, floatTolerance, tolerance, cpuSkip);
    }

    /** Not run by OpenCL on a CPU, for {@code reason}. */
    public KernelCase skipOnCpu(String reason) {
        return new KernelCase(name, kernel, arguments, global, local, specialization, floatTolerance, deviceTolerance,
                reason);
    }

    /** The same case under another name, for a kernel the corpus runs more than once. */
    public KernelCase named(String label) {
        return new KernelCase(label, kernel, arguments, global, local, specialization, floatTolerance, deviceTolerance,
                cpuSkip);
    }

    public KernelCase specialize(Map<Integer, Object> values) {
        return new KernelCase(name + "-specialized", kernel, arguments, global, local, values, floatTolerance,
                deviceTolerance, cpuSkip);
    }

    public static Method find(Class<?> owner, String name) {
        for (Method m : owner.getDeclaredMethods()) {
            if (m.getName().equals(name)) {
                return m;
            }
        }
        throw new IllegalArgumentException(owner.getSimpleName() + "." + name);
    }

    // ---- argument factories ----------------------------------------------------------------------

    /**
     * n values in [−0.5, 1): both signs, but with mean 0.25, so a sum of many is far from 0 and its
     * relative error does not depend on the seed (a 5000-term sum of values in [−1, 1) once landed near 0
     * and missed 1e-4).
     */
    static FloatArray positiveMeanFloats(Random r, int n) {
        FloatArray a = new FloatArray(n);
        for (int i = 0; i < n; i++) {
            a.set(i, r.nextFloat() * 1.5f - 0.5f);
        }
        return a;
    }

    static FloatArray floats(Random r, int n) {
        FloatArray a = new FloatArray(n);
        for (int i = 0; i < n; i++) {
            a.set(i, r.nextFloat() * 2 - 1);
        }
        return a;
    }

    /** Floats with the awkward values mixed in: NaN, ±0, ±infinity, subnormals, extremes. */
    static FloatArray specialFloats(Random r, int n) {
        float[] specials = {Float.NaN, 0f, -0f, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.MIN_VALUE,
                -Float.MIN_VALUE, Float.MAX_VALUE, -Float.MAX_VALUE, 1f, -1f, 0.5f, 1e-40f, 3e9f, -3e9f};
        FloatArray a = new FloatArray(n);
        for (int i = 0; i < n; i++) {
            a.set(i, r.nextInt(3) == 0 ? specials[r.nextInt(specials.length)] : (r.nextFloat() * 2 - 1) * 100);
        }
        return a;
    }

    static FloatArray poison(int n) {
        FloatArray a = new FloatArray(n);
        a.init(Float.NaN);
        return a;
    }

    static IntArray ints(Random r, int n, int lo, int hi) {
        return IntArray.fromArray(r.ints(n, lo, hi).toArray());
    }

    static IntArray anyInts(Random r, int n) {
        int[] v = r.ints(n).toArray();
        int[] specials = {0, 1, -1, Integer.MIN_VALUE, Integer.MAX_VALUE, 31, 32, 33, -32};
        for (int i = 0; i < n; i += 3) {
            v[i] = specials[r.nextInt(specials.length)];
        }
        return IntArray.fromArray(v);
    }

    /** n binary16 NaNs: an element a kernel should have written and did not shows. */
    static HalfFloatArray poisonHalves(int n) {
        HalfFloatArray a = new HalfFloatArray(n);
        for (int i = 0; i < n; i++) {
            a.setBits(i, (short) 0x7E00);
        }
        return a;
    }

    static IntArray poisonInts(int n) {
        IntArray a = new IntArray(n);
        a.init(0xDEADBEEF);
        return a;
    }

    static LongArray longs(Random r, int n) {
        long[] v = r.longs(n).toArray();
        for (int i = 0; i < n; i += 4) {
            v[i] = i % 8 == 0 ? Long.MIN_VALUE : r.nextInt(100) - 50;
        }
        return LongArray.fromArray(v);
    }

    static DoubleArray doubles(Random r, int n) {
        DoubleArray a = new DoubleArray(n);
        for (int i = 0; i < n; i++) {
            a.set(i, r.nextDouble() * 4 - 2);
        }
        return a;
    }

    static HalfFloatArray halves(Random r, int n) {
        HalfFloatArray a = new HalfFloatArray(n);
        for (int i = 0; i < n; i++) {
            a.setBits(i, (short) r.nextInt(1 << 16));
        }
        return a;
    }

    /** Halves of values in [-1, 1): for kernels whose results are compared within a tolerance. */
    static HalfFloatArray finiteHalves(Random r, int n) {
        HalfFloatArray a = new HalfFloatArray(n);
        for (int i = 0; i < n; i++) {
            a.setFloat(i, r.nextFloat() * 2 - 1);
        }
        return a;
    }

    static BFloat16Array bfloats(Random r, int n) {
        BFloat16Array a = new BFloat16Array(n);
        for (int i = 0; i < n; i++) {
            a.setFloat(i, r.nextFloat() * 10 - 5);
        }
        return a;
    }

    static Q8_0Array q8(Random r, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) r.nextGaussian();
        }
        return Q8_0Array.quantize(v);
    }

    static Q4_0Array q4(Random r, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) r.nextGaussian();
        }
        return Q4_0Array.quantize(v);
    }

    static ByteArray bytes(Random r, int n) {
        byte[] b = new byte[n];
        r.nextBytes(b);
        return ByteArray.fromArray(b);
    }

    static ShortArray shorts(Random r, int n) {
        short[] s = new short[n];
        for (int i = 0; i < n; i++) {
            s[i] = (short) r.nextInt();
        }
        return ShortArray.fromArray(s);
    }

    // ---- copies ----------------------------------------------------------------------------------

    /** A deep copy: arrays copied, scalars shared, a fresh KernelContext. */
    public static Object[] copy(Object[] args) {
        Object[] out = new Object[args.length];
        for (int i = 0; i < args.length; i++) {
            out[i] = copyOne(args[i]);
        }
        return out;
    }

    private static Object copyOne(Object a) {
        return switch (a) {
            case FloatArray x -> copyInto(x, new FloatArray(x.getSize()));
            case DoubleArray x -> copyInto(x, new DoubleArray(x.getSize()));
            case IntArray x -> copyInto(x, new IntArray(x.getSize()));
            case LongArray x -> copyInto(x, new LongArray(x.getSize()));
            case ShortArray x -> copyInto(x, new ShortArray(x.getSize()));
            case ByteArray x -> copyInto(x, new ByteArray(x.getSize()));
            case HalfFloatArray x -> copyInto(x, new HalfFloatArray(x.getSize()));
            case BFloat16Array x -> copyInto(x, new BFloat16Array(x.getSize()));
            case Q8_0Array x -> copyInto(x, new Q8_0Array(x.getSize()));
            case Q4_0Array x -> copyInto(x, new Q4_0Array(x.getSize()));
            case float[] x -> x.clone();
            case int[] x -> x.clone();
            case long[] x -> x.clone();
            case double[] x -> x.clone();
            case KernelContext k -> new KernelContext();
            default -> a;
        };
    }

    private static NativeArray copyInto(NativeArray from, NativeArray to) {
        MemorySegment.copy(from.segment(), 0, to.segment(), 0, from.byteSize());
        return to;
    }

    @Override
    public String toString() {
        return name;
    }
}
