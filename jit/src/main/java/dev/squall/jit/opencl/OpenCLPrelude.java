package dev.squall.jit.opencl;

/**
 * Helper functions generated kernels call, each giving an operation Java's exact meaning where
 * OpenCL C's differs: integer division and remainder (no trap on MIN_VALUE / -1, 0 for a zero
 * divisor, where Java would throw), float min/max (NaN wins, -0.0 below +0.0), half and
 * bfloat16 conversions, float atomics as compare-and-swap loops.
 */
final class OpenCLPrelude {

    private OpenCLPrelude() {
    }

    static final String COMMON = """
            static inline int squall_idiv(int a, int b) { return b == -1 ? (int) (0u - (uint) a) : b == 0 ? 0 : a / b; }
            static inline int squall_irem(int a, int b) { return b == -1 || b == 0 ? 0 : a % b; }
            static inline long squall_ldiv(long a, long b) { return b == -1 ? (long) (0ul - (ulong) a) : b == 0 ? 0 : a / b; }
            static inline long squall_lrem(long a, long b) { return b == -1 || b == 0 ? 0 : a % b; }
            static inline float squall_fminf(float a, float b) {
                return isnan(a) || isnan(b) ? a + b : a == b ? as_float(as_uint(a) | as_uint(b)) : a < b ? a : b;
            }
            static inline float squall_fmaxf(float a, float b) {
                return isnan(a) || isnan(b) ? a + b : a == b ? as_float(as_uint(a) & as_uint(b)) : a > b ? a : b;
            }
            static inline float squall_signumf(float a) { return isnan(a) || a == 0.0f ? a : copysign(1.0f, a); }
            static inline int squall_ctz(int a) { return a == 0 ? 32 : 31 - (int) clz(a & -a); }
            static inline long squall_ctzl(long a) { return a == 0 ? 64 : 63 - (long) clz(a & -a); }
            static inline float squall_h2f(short bits) { return vload_half(0, (const __private half*) &bits); }
            static inline short squall_f2h(float f) { short bits; vstore_half_rte(f, 0, (__private half*) &bits); return bits; }
            static inline float squall_bf2f(short bits) { return as_float(((uint) (ushort) bits) << 16); }
            static inline short squall_f2bf(float f) {
                uint b = as_uint(f);
                return isnan(f) ? (short) ((b >> 16) | 0x40u) : (short) ((b + 0x7fffu + ((b >> 16) & 1u)) >> 16);
            }
            static inline float squall_atomic_add_global_f32(volatile __global float* p, float v) {
                uint old = as_uint(*p);
                uint seen;
                do {
                    seen = old;
                    old = atomic_cmpxchg((volatile __global uint*) p, seen, as_uint(as_float(seen) + v));
                } while (old != seen);
                return as_float(old);
            }
            static inline float squall_atomic_add_local_f32(volatile __local float* p, float v) {
                uint old = as_uint(*p);
                uint seen;
                do {
                    seen = old;
                    old = atomic_cmpxchg((volatile __local uint*) p, seen, as_uint(as_float(seen) + v));
                } while (old != seen);
                return as_float(old);
            }
            """;

    /**
     * {@code KernelContext.mma16x8x16} and {@code mma16x8x8Tf32}. With {@code SQUALL_PTX_MMA} defined
     * (the session does so on NVIDIA devices) the call is the tensor-core instruction as inline PTX; otherwise the warp's
     * operands go through local memory, as on the JVM, between two barriers that the emitter writes
     * into the kernel itself (PoCL mishandles barriers inside helper functions).
     */
    static final String MMA = """
            #ifndef SQUALL_PTX_MMA
            #define SQUALL_MMA_WORDS 6
            static inline float squall_mma_dot(__local const int* warp, int row, int col) {
                float sum = 0.0f;
                for (int k = 0; k < 16; k++) {
                    int a = warp[(4 * (row & 7) + ((k & 7) >> 1)) * SQUALL_MMA_WORDS + (row >> 3) + 2 * (k >> 3)];
                    int b = warp[(4 * col + ((k & 7) >> 1)) * SQUALL_MMA_WORDS + 4 + (k >> 3)];
                    sum += squall_h2f((short) ((k & 1) == 0 ? a : (int) ((uint) a >> 16)))
                            * squall_h2f((short) ((k & 1) == 0 ? b : (int) ((uint) b >> 16)));
                }
                return sum;
            }
            static inline float squall_mma_dot_tf32(__local const int* warp, int row, int col) {
                float sum = 0.0f;
                for (int k = 0; k < 8; k++) {
                    int a = warp[(4 * (row & 7) + (k & 3)) * SQUALL_MMA_WORDS + (row >> 3) + 2 * (k >> 2)];
                    int b = warp[(4 * col + (k & 3)) * SQUALL_MMA_WORDS + 4 + (k >> 2)];
                    sum += as_float(a & (int) %dU) * as_float(b & (int) %dU);
                }
                return sum;
            }
            #endif
            """.formatted(Integer.toUnsignedLong(dev.squall.api.spi.MmaSemantics.TF32_MASK),
            Integer.toUnsignedLong(dev.squall.api.spi.MmaSemantics.TF32_MASK));

    static final String DOUBLE = """
            static inline double squall_fmin(double a, double b) {
                return isnan(a) || isnan(b) ? a + b : a == b ? as_double(as_ulong(a) | as_ulong(b)) : a < b ? a : b;
            }
            static inline double squall_fmax(double a, double b) {
                return isnan(a) || isnan(b) ? a + b : a == b ? as_double(as_ulong(a) & as_ulong(b)) : a > b ? a : b;
            }
            static inline double squall_signum(double a) { return isnan(a) || a == 0.0 ? a : copysign(1.0, a); }
            """;
}
