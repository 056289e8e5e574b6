package dev.squall.drivers.cuda;

/**
 * Hand-written PTX for the CUDA tests and {@code CudaBench}: PTX ISA 8.0 for sm_80, so every
 * driver since CUDA 12.0 and every GPU since the A100 takes it. {@code PtxSourcesTest} assembles
 * each with {@code ptxas} where the CUDA toolkit is installed.
 */
public final class TestPtx {

    private TestPtx() {
    }

    private static final String HEADER = """
            .version 8.0
            .target sm_80
            .address_size 64

            """;

    /** {@code vadd_f32(float* a, float* b, float* c, u32 n)}: c[i] = a[i] + b[i] for i < n, one thread each. */
    public static final String VADD = HEADER + """
            .visible .entry vadd_f32(
                .param .u64 vadd_f32_a,
                .param .u64 vadd_f32_b,
                .param .u64 vadd_f32_c,
                .param .u32 vadd_f32_n
            )
            {
                .reg .pred %p<2>;
                .reg .b32 %r<6>;
                .reg .f32 %f<4>;
                .reg .b64 %rd<11>;

                ld.param.u64 %rd1, [vadd_f32_a];
                ld.param.u64 %rd2, [vadd_f32_b];
                ld.param.u64 %rd3, [vadd_f32_c];
                ld.param.u32 %r1, [vadd_f32_n];
                mov.u32 %r2, %ctaid.x;
                mov.u32 %r3, %ntid.x;
                mov.u32 %r4, %tid.x;
                mad.lo.s32 %r5, %r2, %r3, %r4;
                setp.ge.u32 %p1, %r5, %r1;
                @%p1 bra DONE;
                cvta.to.global.u64 %rd4, %rd1;
                cvta.to.global.u64 %rd5, %rd2;
                cvta.to.global.u64 %rd6, %rd3;
                mul.wide.u32 %rd7, %r5, 4;
                add.s64 %rd8, %rd4, %rd7;
                add.s64 %rd9, %rd5, %rd7;
                add.s64 %rd10, %rd6, %rd7;
                ld.global.f32 %f1, [%rd8];
                ld.global.f32 %f2, [%rd9];
                add.rn.f32 %f3, %f1, %f2;
                st.global.f32 [%rd10], %f3;
            DONE:
                ret;
            }
            """;

    /** {@link #VADD} with an unknown operand on the line of the addition: the JIT compiler refuses it. */
    public static final String VADD_BROKEN = VADD.replace("add.rn.f32 %f3, %f1, %f2;",
            "add.rn.f32 %f3, %f1, syntax_error;");

    /** The 1-based line of {@link #VADD_BROKEN} the JIT error log must name. */
    public static int brokenLine() {
        String before = VADD_BROKEN.substring(0, VADD_BROKEN.indexOf("syntax_error"));
        return (int) before.chars().filter(c -> c == '\n').count() + 1;
    }

    /** {@code inc_i32(int* x, u32 n)}: x[i] += 1 for i < n. */
    public static final String INC = HEADER + """
            .visible .entry inc_i32(
                .param .u64 inc_i32_x,
                .param .u32 inc_i32_n
            )
            {
                .reg .pred %p<2>;
                .reg .b32 %r<8>;
                .reg .b64 %rd<5>;

                ld.param.u64 %rd1, [inc_i32_x];
                ld.param.u32 %r1, [inc_i32_n];
                mov.u32 %r2, %ctaid.x;
                mov.u32 %r3, %ntid.x;
                mov.u32 %r4, %tid.x;
                mad.lo.s32 %r5, %r2, %r3, %r4;
                setp.ge.u32 %p1, %r5, %r1;
                @%p1 bra DONE;
                cvta.to.global.u64 %rd2, %rd1;
                mul.wide.u32 %rd3, %r5, 4;
                add.s64 %rd4, %rd2, %rd3;
                ld.global.u32 %r6, [%rd4];
                add.s32 %r7, %r6, 1;
                st.global.u32 [%rd4], %r7;
            DONE:
                ret;
            }
            """;
    /**
     * {@code inc_many_early(u32* x, u32 n, u32 times)}: x[i] += 1, {@code times} (at least 1) times over, for i < n, after letting
     * the next grid launch at once ({@code griddepcontrol.launch_dependents} at entry) and waiting for the previous
     * one: a kernel after it that does not wait would see its writes half done.
     */
    public static final String INC_MANY_EARLY = """
            .version 8.0
            .target sm_90
            .address_size 64

            .visible .entry inc_many_early(
                .param .u64 inc_many_early_x,
                .param .u32 inc_many_early_n,
                .param .u32 inc_many_early_times
            )
            {
                .reg .pred %p<3>;
                .reg .b32 %r<10>;
                .reg .b64 %rd<5>;

                griddepcontrol.launch_dependents;
                griddepcontrol.wait;
                ld.param.u64 %rd1, [inc_many_early_x];
                ld.param.u32 %r1, [inc_many_early_n];
                ld.param.u32 %r8, [inc_many_early_times];
                mov.u32 %r2, %ctaid.x;
                mov.u32 %r3, %ntid.x;
                mov.u32 %r4, %tid.x;
                mad.lo.s32 %r5, %r2, %r3, %r4;
                setp.ge.u32 %p1, %r5, %r1;
                @%p1 bra DONE;
                cvta.to.global.u64 %rd2, %rd1;
                mul.wide.u32 %rd3, %r5, 4;
                add.s64 %rd4, %rd2, %rd3;
                mov.u32 %r9, 0;
            LOOP:
                ld.volatile.global.u32 %r6, [%rd4];
                add.s32 %r7, %r6, 1;
                st.volatile.global.u32 [%rd4], %r7;
                add.s32 %r9, %r9, 1;
                setp.lt.u32 %p2, %r9, %r8;
                @%p2 bra LOOP;
            DONE:
                ret;
            }
            """;

    /**
     * {@link #INC} for sm_90 that first waits for the previous grid ({@code griddepcontrol.wait}), as a
     * kernel launched with {@link CudaContext#launchAfterPrevious} must.
     */
    public static final String INC_AFTER_PREVIOUS = INC.replace(".target sm_80", ".target sm_90")
            .replace("inc_i32", "inc_after_i32")
            .replace("    ld.param.u64 %rd1", "    griddepcontrol.wait;\n    ld.param.u64 %rd1");


    /** {@code empty()}: does nothing; for launch overhead. */
    public static final String EMPTY = HEADER + """
            .visible .entry empty()
            {
                ret;
            }
            """;

    /**
     * {@code shared_reverse(u32* out, u32 words)}, one block: fills {@code words} 32-bit words of
     * dynamic shared memory with 3j + 1, then writes them to out in reverse order, so
     * out[j] = 3 (words - 1 - j) + 1. Needs {@code 4 * words} bytes of dynamic shared memory.
     */
    public static final String SHARED_REVERSE = HEADER + """
            .extern .shared .align 16 .b8 dyn_smem[];

            .visible .entry shared_reverse(
                .param .u64 shared_reverse_out,
                .param .u32 shared_reverse_words
            )
            {
                .reg .pred %p<3>;
                .reg .b32 %r<12>;
                .reg .b64 %rd<5>;

                ld.param.u64 %rd1, [shared_reverse_out];
                ld.param.u32 %r1, [shared_reverse_words];
                cvta.to.global.u64 %rd2, %rd1;
                mov.u32 %r2, %tid.x;
                mov.u32 %r3, %ntid.x;
                mov.u32 %r4, dyn_smem;
                mov.u32 %r5, %r2;
            FILL:
                setp.ge.u32 %p1, %r5, %r1;
                @%p1 bra FILLED;
                mad.lo.s32 %r6, %r5, 3, 1;
                shl.b32 %r7, %r5, 2;
                add.s32 %r7, %r4, %r7;
                st.shared.u32 [%r7], %r6;
                add.s32 %r5, %r5, %r3;
                bra FILL;
            FILLED:
                bar.sync 0;
                mov.u32 %r5, %r2;
            COPY:
                setp.ge.u32 %p2, %r5, %r1;
                @%p2 bra DONE;
                sub.s32 %r8, %r1, 1;
                sub.s32 %r8, %r8, %r5;
                shl.b32 %r9, %r8, 2;
                add.s32 %r9, %r4, %r9;
                ld.shared.u32 %r10, [%r9];
                mul.wide.u32 %rd3, %r5, 4;
                add.s64 %rd4, %rd2, %rd3;
                st.global.u32 [%rd4], %r10;
                add.s32 %r5, %r5, %r3;
                bra COPY;
            DONE:
                ret;
            }
            """;

    /**
     * {@code args_probe(u64* out, s8 a, s16 b, s32 c, s64 d, f32 e, f64 f)}: writes a, b, c, d
     * sign-extended to 64 bits into out[0..3], e as a float at byte 32 and f as a double at byte 40,
     * so a test sees exactly what {@link KernelArgs} passed.
     */
    public static final String ARGS_PROBE = HEADER + """
            .visible .entry args_probe(
                .param .u64 args_probe_out,
                .param .s8 args_probe_a,
                .param .s16 args_probe_b,
                .param .s32 args_probe_c,
                .param .s64 args_probe_d,
                .param .f32 args_probe_e,
                .param .f64 args_probe_f
            )
            {
                .reg .b16 %rs<3>;
                .reg .b32 %r<2>;
                .reg .f32 %f<2>;
                .reg .f64 %fd<2>;
                .reg .b64 %rd<6>;

                ld.param.u64 %rd1, [args_probe_out];
                cvta.to.global.u64 %rd1, %rd1;
                ld.param.s8 %rs1, [args_probe_a];
                ld.param.s16 %rs2, [args_probe_b];
                ld.param.s32 %r1, [args_probe_c];
                ld.param.s64 %rd2, [args_probe_d];
                ld.param.f32 %f1, [args_probe_e];
                ld.param.f64 %fd1, [args_probe_f];
                cvt.s64.s16 %rd3, %rs1;
                cvt.s64.s16 %rd4, %rs2;
                cvt.s64.s32 %rd5, %r1;
                st.global.u64 [%rd1], %rd3;
                st.global.u64 [%rd1+8], %rd4;
                st.global.u64 [%rd1+16], %rd5;
                st.global.u64 [%rd1+24], %rd2;
                st.global.f32 [%rd1+32], %f1;
                st.global.f64 [%rd1+40], %fd1;
                ret;
            }
            """;

    /**
     * {@code copy_v4(float4* src, float4* dst, u64 vectors)}: grid-stride copy of 16-byte vectors with
     * {@code ld.global.v4.f32} / {@code st.global.v4.f32}; launch with any grid.
     */
    public static final String COPY_V4 = HEADER + """
            .visible .entry copy_v4(
                .param .u64 copy_v4_src,
                .param .u64 copy_v4_dst,
                .param .u64 copy_v4_vectors
            )
            {
                .reg .pred %p<2>;
                .reg .b32 %r<5>;
                .reg .f32 %f<5>;
                .reg .b64 %rd<10>;

                ld.param.u64 %rd1, [copy_v4_src];
                ld.param.u64 %rd2, [copy_v4_dst];
                ld.param.u64 %rd3, [copy_v4_vectors];
                cvta.to.global.u64 %rd1, %rd1;
                cvta.to.global.u64 %rd2, %rd2;
                mov.u32 %r1, %ctaid.x;
                mov.u32 %r2, %ntid.x;
                mov.u32 %r3, %tid.x;
                mov.u32 %r4, %nctaid.x;
                mul.wide.u32 %rd4, %r1, %r2;
                cvt.u64.u32 %rd5, %r3;
                add.s64 %rd4, %rd4, %rd5;
                mul.wide.u32 %rd6, %r4, %r2;
            LOOP:
                setp.ge.u64 %p1, %rd4, %rd3;
                @%p1 bra DONE;
                shl.b64 %rd7, %rd4, 4;
                add.s64 %rd8, %rd1, %rd7;
                add.s64 %rd9, %rd2, %rd7;
                ld.global.v4.f32 {%f1, %f2, %f3, %f4}, [%rd8];
                st.global.v4.f32 [%rd9], {%f1, %f2, %f3, %f4};
                add.s64 %rd4, %rd4, %rd6;
                bra LOOP;
            DONE:
                ret;
            }
            """;

    /** Every valid module above, by name, for the ptxas check. */
    public static java.util.Map<String, String> all() {
        return java.util.Map.of("VADD", VADD, "INC", INC, "EMPTY", EMPTY, "SHARED_REVERSE", SHARED_REVERSE,
                "ARGS_PROBE", ARGS_PROBE, "COPY_V4", COPY_V4, "INC_AFTER_PREVIOUS", INC_AFTER_PREVIOUS,
                "INC_MANY_EARLY", INC_MANY_EARLY);
    }
}
