package dev.squall.jit;

import static dev.squall.jit.KernelCase.anyInts;
import static dev.squall.jit.KernelCase.bfloats;
import static dev.squall.jit.KernelCase.bytes;
import static dev.squall.jit.KernelCase.doubles;
import static dev.squall.jit.KernelCase.finiteHalves;
import static dev.squall.jit.KernelCase.floats;
import static dev.squall.jit.KernelCase.halves;
import static dev.squall.jit.KernelCase.ints;
import static dev.squall.jit.KernelCase.longs;
import static dev.squall.jit.KernelCase.poison;
import static dev.squall.jit.KernelCase.poisonHalves;
import static dev.squall.jit.KernelCase.poisonInts;
import static dev.squall.jit.KernelCase.positiveMeanFloats;
import static dev.squall.jit.KernelCase.q4;
import static dev.squall.jit.KernelCase.q8;
import static dev.squall.jit.KernelCase.shorts;
import static dev.squall.jit.KernelCase.specialFloats;

import dev.squall.api.KernelContext;
import dev.squall.api.types.DoubleArray;
import dev.squall.api.types.FloatArray;
import dev.squall.api.types.HalfFloatArray;
import dev.squall.api.types.IntArray;
import dev.squall.api.types.Q8_0Array;
import dev.squall.api.types.LongArray;
import dev.squall.api.types.ShortArray;
import dev.squall.api.types.ByteArray;
import dev.squall.jit.corpus.LoopKernels;
import dev.squall.jit.corpus.SpmdKernels;
import dev.squall.kernels.MatrixMultiplication;
import dev.squall.kernels.Reductions;
import dev.squall.kernels.Softmax;
import dev.squall.kernels.VectorKernels;
import dev.squall.kernels.transformer.Activations;
import dev.squall.kernels.transformer.ArgMax;
import dev.squall.kernels.attention.FlashAttention2;
import dev.squall.kernels.attention.FlashDecoding;
import dev.squall.kernels.attention.GrowingSplitDecoding;
import dev.squall.kernels.attention.UnifiedMaxDecoding;
import dev.squall.kernels.gemm.FlatGemm;
import dev.squall.kernels.gemm.FlatGemmByLanes;
import dev.squall.kernels.gemm.FlatGemmMma;
import dev.squall.kernels.gemm.TiledGemmMma;
import dev.squall.kernels.gemm.Gemm;
import dev.squall.kernels.transformer.DecodeAttention;
import dev.squall.kernels.transformer.MatVec;
import dev.squall.kernels.transformer.RmsNorm;
import dev.squall.kernels.transformer.RotaryEmbedding;
import java.util.List;
import java.util.Map;

/** The differential corpus: the kernel library plus kernels for every construct the front end handles. */
public final class Corpus {

    /** Why the tiled tensor-core GEMM's cases do not run on PoCL. */
    private static final String TILED_ON_POCL = "PoCL spends more than ten minutes compiling the 64 emulated mmas"
            + " of TiledGemmMma; the interpreter, ptxas and CUDA run it (NVIDIA OpenCL lacks the local memory)";

    private static final int[] MATVEC_GRID = {MatVec.spmdGlobalSize(37, 64), 1, 1};
    private static final int[] QKV_GRID = {MatVec.spmdGlobalSize(20 + 2 * 9, 32), 1, 1};
    private static final int[] MATVEC_GROUP = {MatVec.GROUP_SIZE, 1, 1};

    private Corpus() {
    }

    /** {@code UnifiedMaxDecoding.stepF16Mma}: 12 query heads on 1 kv head, 261 of 300 positions in {@code splits} splits. */
    private static KernelCase tensorCoreStep(int splits) {
        return KernelCase.spmd(UnifiedMaxDecoding.class, "stepF16Mma", new int[] {FlashDecoding.splitGlobalX(splits), 1, 1},
                new int[] {FlashDecoding.THREADS, 1, 1}, r -> new Object[] {new KernelContext(), floats(r, 12 * 128),
                        finiteHalves(r, 300 * 128), finiteHalves(r, 300 * 128), poison(12 * splits * 128),
                        poison(12 * splits), floats(r, 12 * splits * 128), floats(r, 12 * splits), new IntArray(12),
                        new IntArray(1), new FloatArray(12 * 129), poison(12 * 128), new IntArray(1), 12, 1, 128, 300,
                        261, splits, 0f, -60f, 60f})
                .mathTolerance(1e-4)
                .skipOnCpu("PoCL spends more than seven minutes compiling the step's 48 emulated mmas;"
                        + " UnifiedMaxDecodingTest runs it on the JVM and GPUs");
    }

    public static List<KernelCase> all() {
        Class<?> L = LoopKernels.class;
        Class<?> S = SpmdKernels.class;
        return List.of(
                // the kernel library
                KernelCase.of(VectorKernels.class, "vectorAdd", r -> new Object[] {floats(r, 1000), floats(r, 1000), poison(1000)}),
                KernelCase.of(VectorKernels.class, "saxpy", r -> new Object[] {r.nextFloat(), floats(r, 777), floats(r, 777)}),
                KernelCase.spmd(VectorKernels.class, "vectorAddSpmd", new int[] {1024, 1, 1}, new int[] {64, 1, 1},
                        r -> new Object[] {new KernelContext(), floats(r, 1000), floats(r, 1000), poison(1000)}),
                KernelCase.spmd(VectorKernels.class, "saxpySpmd", new int[] {128, 1, 1}, new int[] {32, 1, 1},
                        r -> new Object[] {new KernelContext(), r.nextFloat(), floats(r, 1000), floats(r, 1000)}),
                KernelCase.of(MatrixMultiplication.class, "matmul",
                        r -> new Object[] {floats(r, 19 * 23), floats(r, 23 * 17), poison(19 * 17), 19, 17, 23}),
                KernelCase.spmd(MatrixMultiplication.class, "matmulTiled", new int[] {32, 32, 1}, new int[] {16, 16, 1},
                        r -> new Object[] {new KernelContext(), floats(r, 19 * 23), floats(r, 23 * 17), poison(19 * 17), 19, 17, 23}),
                KernelCase.of(Softmax.class, "softmaxRows", r -> new Object[] {floats(r, 7 * 50), poison(7 * 50), 7, 50})
                        .mathTolerance(1e-6),
                KernelCase.spmd(Softmax.class, "softmaxRowsSpmd", new int[] {7 * 128, 1, 1}, new int[] {128, 1, 1},
                        r -> new Object[] {new KernelContext(), floats(r, 7 * 300), poison(7 * 300), 7, 300})
                        .mathTolerance(1e-6),
                KernelCase.of(Reductions.class, "sum", r -> new Object[] {positiveMeanFloats(r, 5000), FloatArray.fromElements(r.nextFloat())})
                        .tolerant(1e-4),
                KernelCase.of(Reductions.class, "sumInt", r -> new Object[] {ints(r, 5000, -1000, 1000), IntArray.fromElements(7)}),
                KernelCase.of(Reductions.class, "max", r -> new Object[] {floats(r, 3000), FloatArray.fromElements(-5f)}),
                KernelCase.spmd(Reductions.class, "sumLocal", new int[] {2048, 1, 1}, new int[] {256, 1, 1},
                        r -> new Object[] {new KernelContext(), positiveMeanFloats(r, 2000), poison(8)}).tolerant(1e-4),
                KernelCase.spmd(Reductions.class, "sumIntLocal", new int[] {2048, 1, 1}, new int[] {256, 1, 1},
                        r -> new Object[] {new KernelContext(), ints(r, 2000, -5000, 5000), poisonInts(8)}),
                KernelCase.of(Reductions.class, "sumPartials", r -> new Object[] {floats(r, 100), poison(1)}),
                // the transformer kernels (decode step)
                KernelCase.of(RmsNorm.class, "rmsNorm", r -> new Object[] {floats(r, 3 * 100), floats(r, 100), poison(300), 3, 100, 1e-5f}),
                KernelCase.spmd(RmsNorm.class, "rmsNormSpmd", new int[] {3 * RmsNorm.GROUP_SIZE, 1, 1}, new int[] {RmsNorm.GROUP_SIZE, 1, 1},
                        r -> new Object[] {new KernelContext(), floats(r, 3 * 1000), floats(r, 1000), poison(3000), 3, 1000, 1e-5f}),
                KernelCase.of(MatVec.class, "matVecF32", r -> new Object[] {floats(r, 37 * 96), floats(r, 96), poison(37), 37, 96, 0}),
                KernelCase.of(MatVec.class, "matVecF16", r -> new Object[] {halves(r, 37 * 96), floats(r, 96), floats(r, 37), 37, 96, 1}),
                KernelCase.of(MatVec.class, "matVecBF16", r -> new Object[] {bfloats(r, 37 * 96), floats(r, 96), poison(37), 37, 96, 0}),
                KernelCase.of(MatVec.class, "matVecQ8", r -> new Object[] {q8(r, 37 * 96), floats(r, 96), floats(r, 37), 37, 96, 1}),
                KernelCase.of(MatVec.class, "matVecQ4", r -> new Object[] {q4(r, 37 * 96), floats(r, 96), poison(37), 37, 96, 0}),
                KernelCase.spmd(MatVec.class, "matVecF32Spmd", MATVEC_GRID, MATVEC_GROUP,
                        r -> new Object[] {new KernelContext(), floats(r, 37 * 100), floats(r, 100), floats(r, 37), 37, 100, 1, 64}),
                KernelCase.spmd(MatVec.class, "matVecF16Spmd", MATVEC_GRID, MATVEC_GROUP,
                        r -> new Object[] {new KernelContext(), halves(r, 37 * 100), floats(r, 100), poison(37), 37, 100, 0, 64}),
                KernelCase.spmd(MatVec.class, "matVecBF16Spmd", MATVEC_GRID, MATVEC_GROUP,
                        r -> new Object[] {new KernelContext(), bfloats(r, 37 * 100), floats(r, 100), floats(r, 37), 37, 100, 1, 64}),
                KernelCase.spmd(MatVec.class, "matVecQ8Spmd", MATVEC_GRID, MATVEC_GROUP, r -> {
                    Q8_0Array w = q8(r, 37 * 96);
                    return new Object[] {new KernelContext(), w.quants(), w.scales(), floats(r, 96), poison(37), 37, 96, 0, 64};
                }),
                KernelCase.spmd(MatVec.class, "matVecQ4Spmd", MATVEC_GRID, MATVEC_GROUP,
                        r -> new Object[] {new KernelContext(), q4(r, 37 * 96), floats(r, 96), floats(r, 37), 37, 96, 1, 64}),
                KernelCase.spmd(MatVec.class, "rmsNormQkvF16Spmd", QKV_GRID, MATVEC_GROUP,
                        r -> new Object[] {new KernelContext(), halves(r, 20 * 70), halves(r, 9 * 70), halves(r, 9 * 70), floats(r, 70),
                                floats(r, 70), poison(20), poison(9), poison(9), 20, 9, 70, 1e-5f, 32, floats(r, 9), floats(r, 9),
                                floats(r, 4), IntArray.fromElements(0), 9, 8, 9, 9, 0}),
                KernelCase.spmd(MatVec.class, "rmsNormQkvQ8Spmd", QKV_GRID, MATVEC_GROUP, r -> {
                    Q8_0Array wq = q8(r, 20 * 64);
                    Q8_0Array wk = q8(r, 9 * 64);
                    Q8_0Array wv = q8(r, 9 * 64);
                    return new Object[] {new KernelContext(), wq.quants(), wq.scales(), wk.quants(), wk.scales(), wv.quants(),
                        wv.scales(), floats(r, 64), floats(r, 64), poison(20), poison(9), poison(9), 20, 9, 64, 1e-5f, 32,
                        floats(r, 9), floats(r, 9), floats(r, 4), IntArray.fromElements(0), 9, 8, 9, 9, 0};
                }),
                // RoPE taken in: 4 query heads and 2 kv heads of 6 (4 rotated), a head-major cache of 3 positions, position 2
                KernelCase.spmd(MatVec.class, "rmsNormQkvF16Spmd", new int[] {MatVec.spmdGlobalSize(48, 32), 1, 1}, MATVEC_GROUP,
                        r -> new Object[] {new KernelContext(), halves(r, 24 * 70), halves(r, 12 * 70), halves(r, 12 * 70),
                                floats(r, 70), floats(r, 70), poison(24), poison(12), poison(12), 24, 12, 70, 1e-5f, 32,
                                floats(r, 36), floats(r, 36), floats(r, 4), IntArray.fromElements(2), 6, 4, 6, 18, 1}),
                KernelCase.spmd(MatVec.class, "rmsNormSwiGluF32Spmd", MATVEC_GRID, MATVEC_GROUP,
                        r -> new Object[] {new KernelContext(), floats(r, 37 * 100), floats(r, 37 * 100), floats(r, 100), floats(r, 100),
                                poison(37), 37, 100, 1e-5f, 64}).mathTolerance(1e-6),
                KernelCase.spmd(MatVec.class, "rmsNormSwiGluBF16Spmd", MATVEC_GRID, MATVEC_GROUP,
                        r -> new Object[] {new KernelContext(), bfloats(r, 37 * 100), bfloats(r, 37 * 100), floats(r, 100), floats(r, 100),
                                poison(37), 37, 100, 1e-5f, 64}).mathTolerance(1e-6),
                KernelCase.spmd(MatVec.class, "rmsNormSwiGluQ8Spmd", MATVEC_GRID, MATVEC_GROUP, r -> {
                    Q8_0Array gate = q8(r, 37 * 96);
                    Q8_0Array up = q8(r, 37 * 96);
                    return new Object[] {new KernelContext(), gate.quants(), gate.scales(), up.quants(), up.scales(),
                        floats(r, 96), floats(r, 96), poison(37), 37, 96, 1e-5f, 64};
                }).mathTolerance(1e-6),
                KernelCase.spmd(FlatGemmByLanes.class, "q8Gemv", new int[] {FlatGemmByLanes.globalX(37, 64), 1, 1},
                        new int[] {FlatGemmByLanes.THREADS, 1, 1}, r -> {
                    Q8_0Array w = q8(r, 37 * 160);
                    return new Object[] {new KernelContext(), floats(r, 2 * 160), w.quants(), w.scales(), floats(r, 2 * 37), 2,
                        37, 160, 1, 64};
                }),
                KernelCase.spmd(MatVec.class, "rmsNormSwiGluQ4Spmd", MATVEC_GRID, MATVEC_GROUP,
                        r -> new Object[] {new KernelContext(), q4(r, 37 * 96), q4(r, 37 * 96), floats(r, 96), floats(r, 96),
                                poison(37), 37, 96, 1e-5f, 64}).mathTolerance(1e-6),
                KernelCase.of(Activations.class, "swiGlu", r -> new Object[] {floats(r, 500), floats(r, 500), 500}).mathTolerance(1e-6),
                KernelCase.of(ArgMax.class, "argmax", r -> new Object[] {floats(r, 3000), 3000, poisonInts(2)}),
                // 5 groups of 256 over 5000 values; the last group to take the ticket reduces the groups' results
                KernelCase.spmd(ArgMax.class, "argmaxSpmd", new int[] {ArgMax.globalSize(5000), 1, 1}, new int[] {ArgMax.GROUP_SIZE, 1, 1},
                        r -> new Object[] {new KernelContext(), floats(r, 5000), 5000, poison(5), poisonInts(5), poisonInts(5),
                                new IntArray(1), poisonInts(2)}),
                KernelCase.of(Activations.class, "addInPlace", r -> new Object[] {floats(r, 300), floats(r, 300), 300}),
                // 4 query heads, 2 key/value heads of 16 (12 rotated), cache of 8 positions, position 5
                KernelCase.of(RotaryEmbedding.class, "ropeAndCache", r -> new Object[] {floats(r, 64), floats(r, 32), floats(r, 32),
                        floats(r, 8 * 32), floats(r, 8 * 32), floats(r, 12), IntArray.fromElements(5), 4, 2, 16, 12, 0, 48, 32, 16}),
                KernelCase.of(RotaryEmbedding.class, "ropeAndCache", r -> new Object[] {floats(r, 64), floats(r, 32), floats(r, 32),
                        floats(r, 8 * 32), floats(r, 8 * 32), floats(r, 12), IntArray.fromElements(7), 4, 2, 16, 12, 1, 48, 16, 8 * 16}),
                KernelCase.of(DecodeAttention.class, "attention", r -> new Object[] {floats(r, 64), floats(r, 10 * 32), floats(r, 10 * 32),
                        floats(r, 4 * 10), poison(64), IntArray.fromElements(7), 4, 2, 16, 10}).mathTolerance(1e-6),
                KernelCase.spmd(DecodeAttention.class, "attentionSpmd", new int[] {4 * DecodeAttention.GROUP_SIZE, 1, 1},
                        new int[] {DecodeAttention.GROUP_SIZE, 1, 1},
                        r -> new Object[] {new KernelContext(), floats(r, 64), floats(r, 200 * 32), floats(r, 200 * 32),
                                floats(r, 4 * 200), poison(64), IntArray.fromElements(150), 4, 2, 16, 200}).mathTolerance(1e-5),
                KernelCase.spmd(DecodeAttention.class, "attentionSplitSpmd", new int[] {4 * 3 * DecodeAttention.GROUP_SIZE, 1, 1},
                        new int[] {DecodeAttention.GROUP_SIZE, 1, 1},
                        r -> new Object[] {new KernelContext(), floats(r, 64), floats(r, 200 * 32), floats(r, 200 * 32),
                                floats(r, 4 * 200), poison(4 * 3 * 16), poison(4 * 3), IntArray.fromElements(150), 4, 2, 16, 200, 3})
                        .mathTolerance(1e-5),
                // GEMM C = A·Bᵀ (20×24×19: partial tiles everywhere) and the decode flat GEMM; explicit fma
                // and a fixed summation order make them bit-exact everywhere (random half bits include NaN)
                KernelCase.spmd(Gemm.class, "tiled", new int[] {Gemm.tiledGlobalX(24), Gemm.tiledGlobalY(20), 1},
                        new int[] {Gemm.TILE, Gemm.TILE, 1}, r -> new Object[] {new KernelContext(), floats(r, 20 * 19),
                                floats(r, 24 * 19), floats(r, 24), poison(20 * 24), 20, 24, 19, 1, 0}),
                KernelCase.spmd(Gemm.class, "registerBlocked", new int[] {Gemm.blockedGlobalX(24), Gemm.blockedGlobalY(20), 1},
                        new int[] {Gemm.blockedLocalX(), Gemm.blockedLocalY(), 1}, r -> new Object[] {new KernelContext(),
                                floats(r, 20 * 19), floats(r, 24 * 19), floats(r, 24), floats(r, 20 * 24), 20, 24, 19, 0, 1}),
                KernelCase.spmd(Gemm.class, "registerBlockedF16", new int[] {Gemm.blockedGlobalX(24), Gemm.blockedGlobalY(20), 1},
                        new int[] {Gemm.blockedLocalX(), Gemm.blockedLocalY(), 1}, r -> new Object[] {new KernelContext(),
                                halves(r, 20 * 19), halves(r, 24 * 19), floats(r, 24), poison(20 * 24), 20, 24, 19, 1, 0}),
                KernelCase.spmd(FlatGemm.class, "flatGemmF16", new int[] {FlatGemm.globalX(45), 1, 1},
                        new int[] {FlatGemm.THREADS, 1, 1}, r -> new Object[] {new KernelContext(), floats(r, 3 * 300),
                                halves(r, 45 * 300), poison(3 * 45), 3, 45, 300, 0}),
                KernelCase.spmd(FlatGemm.class, "flatGemmQ8", new int[] {FlatGemm.globalX(45), 1, 1},
                        new int[] {FlatGemm.THREADS, 1, 1}, r -> new Object[] {new KernelContext(), floats(r, 9 * 96),
                                q8(r, 45 * 96), floats(r, 9 * 45), 9, 45, 96, 1}),
                KernelCase.spmd(FlatGemmByLanes.class, "f16", new int[] {FlatGemmByLanes.globalX(45, 64), 1, 1},
                        new int[] {FlatGemmByLanes.THREADS, 1, 1}, r -> new Object[] {new KernelContext(), floats(r, 6 * 300),
                                halves(r, 45 * 300), floats(r, 6 * 45), 6, 45, 300, 1, 64}),
                // tensor-core flat GEMM: one span of 1024 columns and a tail, a second tile of activation rows
                KernelCase.spmd(FlatGemmMma.class, "f16", new int[] {FlatGemmMma.globalX(37), 1, 1},
                        new int[] {FlatGemmMma.THREADS, 1, 1}, r -> new Object[] {new KernelContext(), floats(r, 11 * 1100),
                                finiteHalves(r, 37 * 1100), floats(r, 11 * 37), 11, 37, 1100, 1}).mathTolerance(1e-5)
                        .skipOnCpu("PoCL spends three and a half minutes compiling the emulated mmas of four steps per trip;"
                                + " FlatGemmTest runs the same tile code with two steps per trip there, and GPUs run this one"),
                // its stream-K form: 6 units (3 blocks × 2 chunks) over 5 groups, so blocks are shared and
                // finished by whichever group takes the last ticket; the parts start as random garbage
                KernelCase.spmd(FlatGemmMma.class, "f16Stream", new int[] {5 * FlatGemmMma.THREADS, 1, 1},
                        new int[] {FlatGemmMma.THREADS, 1, 1}, r -> new Object[] {new KernelContext(), floats(r, 11 * 600),
                                finiteHalves(r, 37 * 600), floats(r, 11 * 37), 11, 37, 600, 1,
                                floats(r, (int) FlatGemmMma.streamPartsLength(5, 11)), // garbage, not NaN: compared by norm
                                new IntArray(FlatGemmMma.streamTicketsLength(37, 11))}).mathTolerance(1e-5)
                        .skipOnCpu("PoCL spends about five minutes compiling its emulated mmas; FlatGemmTest runs"
                                + " the tile code there, and GPUs run this one"),
                // the two-chunk ring (two work-groups per unit): 9 chunks over 2 splits, the ring turned over each time
                KernelCase.spmd(TiledGemmMma.class, "f16NarrowTwoGroups",
                        new int[] {TiledGemmMma.globalX(20, 300, 2, TiledGemmMma.NARROW_ROW_WARPS), 1, 1},
                        new int[] {TiledGemmMma.THREADS, 1, 1}, r -> new Object[] {new KernelContext(),
                                finiteHalves(r, (int) TiledGemmMma.pairsLength(20, 520)), finiteHalves(r, 300 * 520),
                                floats(r, 20 * 300), 20, 300, 520, 1, 2,
                                floats(r, (int) TiledGemmMma.partsLength(20, 300, 2)),
                                new IntArray(TiledGemmMma.ticketsLength(20, 300, TiledGemmMma.NARROW_ROW_WARPS))})
                        .mathTolerance(1e-5).skipOnCpu(TILED_ON_POCL),
                // the tiled GEMM's activations split into binary16 pairs: 13 rows and 70 columns, both padded
                KernelCase.spmd(TiledGemmMma.class, "split", new int[] {TiledGemmMma.splitGlobalX(13, 70), 1, 1},
                        new int[] {TiledGemmMma.THREADS, 1, 1}, r -> new Object[] {new KernelContext(), floats(r, 13 * 70),
                                poisonHalves((int) TiledGemmMma.pairsLength(13, 70)), 13, 70}),
                // the tensor-core tiled GEMM: 9 chunks of 64 columns split 5 and 4 (each turns the ring of 3 over,
                // the second ends in 8 columns outside it), two tiles of weight rows, the ticket of a shared tile
                // (its pairs are random halves here: the kernel reads them as they are; split has a case of its own)
                KernelCase.spmd(TiledGemmMma.class, "f16", new int[] {TiledGemmMma.globalX(40, 130, 2, 4), 1, 1},
                        new int[] {TiledGemmMma.THREADS, 1, 1}, r -> new Object[] {new KernelContext(),
                                finiteHalves(r, (int) TiledGemmMma.pairsLength(40, 520)),
                                finiteHalves(r, 130 * 520), floats(r, 40 * 130), 40, 130, 520, 1, 2,
                                floats(r, (int) TiledGemmMma.partsLength(40, 130, 2)), // garbage, not NaN: compared by norm
                                new IntArray(TiledGemmMma.ticketsLength(40, 130, 4))}).mathTolerance(1e-5)
                        .skipOnCpu(TILED_ON_POCL),
                // its narrow form, unsplit: three chunks and 8 columns, 20 activation rows
                KernelCase.spmd(TiledGemmMma.class, "f16Narrow", new int[] {TiledGemmMma.globalX(20, 300, 1, 8), 1, 1},
                        new int[] {TiledGemmMma.THREADS, 1, 1}, r -> new Object[] {new KernelContext(),
                                finiteHalves(r, (int) TiledGemmMma.pairsLength(20, 200)),
                                finiteHalves(r, 300 * 200), poison(20 * 300), 20, 300, 200, 0, 1, floats(r, 1),
                                new IntArray(TiledGemmMma.ticketsLength(20, 300, 8))}).mathTolerance(1e-5)
                        .skipOnCpu(TILED_ON_POCL),
                // FlashAttention-2 forward: 37 positions (a partial second tile), 2 query heads on 1 kv head, causal
                KernelCase.spmd(FlashAttention2.class, "forward", new int[] {FlashAttention2.globalX(37), 2, 1},
                        new int[] {FlashAttention2.THREADS, 1, 1}, r -> new Object[] {new KernelContext(), floats(r, 2 * 37 * 64),
                                floats(r, 37 * 64), floats(r, 37 * 64), poison(2 * 37 * 64), poison(2 * 37), 37, 2, 1, 64, 1})
                        .mathTolerance(1e-5),
                KernelCase.spmd(FlashAttention2.class, "forwardF16", new int[] {FlashAttention2.globalX(37), 2, 1},
                        new int[] {FlashAttention2.THREADS, 1, 1}, r -> new Object[] {new KernelContext(),
                                finiteHalves(r, 2 * 37 * 128), finiteHalves(r, 2 * 37 * 128), finiteHalves(r, 2 * 37 * 128),
                                finiteHalves(r, 2 * 37 * 128), poison(2 * 37), 37, 2, 2, 128, 0}).mathTolerance(1e-3),
                // Flash-Decoding: 4 query heads on 2 kv heads, 37 of 40 cached positions in 3 splits, then the merge
                KernelCase.spmd(FlashDecoding.class, "splitKvF16", new int[] {FlashDecoding.splitGlobalX(3), 2, 1},
                        new int[] {FlashDecoding.THREADS, 1, 1}, r -> new Object[] {new KernelContext(), floats(r, 4 * 64),
                                finiteHalves(r, 2 * 40 * 64), finiteHalves(r, 2 * 40 * 64), poison(4 * 3 * 64), poison(4 * 3),
                                4, 2, 64, 40, 37, 3}).mathTolerance(1e-5),
                // the same split with its rows staged through a ring in local memory: 397 positions in 2 splits,
                // four chunks each, so the ring of two chunks turns over (the interpreter refuses any access to
                // a slot a copy is still filling)
                KernelCase.spmd(FlashDecoding.class, "splitKvF16Staged", new int[] {FlashDecoding.splitGlobalX(2), 2, 1},
                        new int[] {FlashDecoding.THREADS, 1, 1}, r -> new Object[] {new KernelContext(), floats(r, 4 * 64),
                                finiteHalves(r, 2 * 400 * 64), finiteHalves(r, 2 * 400 * 64), poison(4 * 2 * 64),
                                poison(4 * 2), 4, 2, 64, 400, 397, 2}).mathTolerance(1e-5)
                        .skipOnCpu("PoCL would compile another split body (about 40 s on CI's two cores); its copies are"
                                + " plain 16-byte copies there, as in stagedCopies"),
                // the model's step with fixed-span splits: 8 query heads on 2 kv heads at position 260 of 300, so
                // three splits are active (the last with five positions) and the last to finish merges them
                KernelCase.spmd(GrowingSplitDecoding.class, "stepAtPosition",
                        new int[] {FlashDecoding.splitGlobalX(GrowingSplitDecoding.splitsFor(300)), 2, 1},
                        new int[] {GrowingSplitDecoding.THREADS, 1, 1}, r -> new Object[] {new KernelContext(),
                                floats(r, 8 * 64), floats(r, 2 * 300 * 64), floats(r, 2 * 300 * 64), poison(8 * 3 * 64),
                                poison(8 * 3), new IntArray(2), poison(8 * 64), poison(8), IntArray.fromElements(260), 8, 2,
                                64, 300, 3}).mathTolerance(1e-5),
                // and at position 150: two splits active, the third returns at once and takes no ticket (zeroed
                // partials: the tail that two active splits lay out but never write must compare equal)
                KernelCase.spmd(GrowingSplitDecoding.class, "stepAtPosition",
                        new int[] {FlashDecoding.splitGlobalX(GrowingSplitDecoding.splitsFor(300)), 2, 1},
                        new int[] {GrowingSplitDecoding.THREADS, 1, 1}, r -> new Object[] {new KernelContext(),
                                floats(r, 8 * 64), floats(r, 2 * 300 * 64), floats(r, 2 * 300 * 64),
                                new FloatArray(8 * 3 * 64), new FloatArray(8 * 3), new IntArray(2), poison(8 * 64),
                                poison(8), IntArray.fromElements(150), 8, 2, 64, 300, 3})
                        .named("stepAtPosition-idleSplit").mathTolerance(1e-5),
                KernelCase.spmd(FlashDecoding.class, "merge", new int[] {FlashDecoding.mergeGlobalX(4), 1, 1},
                        new int[] {FlashDecoding.THREADS, 1, 1}, r -> new Object[] {new KernelContext(), floats(r, 4 * 3 * 64),
                                floats(r, 4 * 3), poison(4 * 64), poison(4), 4, 64, 3}).mathTolerance(1e-5),
                // the tensor-core step: 12 query heads on 1 kv head (passes of eight and four), 261 positions in
                // 2 splits (two trips of 64 per split and a partial third), every score in the window; and over 6
                // splits, above UnifiedMaxDecoding.SUMMED_ABOVE_SPLITS: each work-group adds its sums into rowSums
                // (both head passes), and the last one divides and sets them back to 0. Its float atomics add in
                // whatever order the work-groups come, so its outputs match the JVM's to rounding, not bit for bit.
                tensorCoreStep(2),
                tensorCoreStep(6).named("stepF16Mma-summed").tolerant(1e-5),
                KernelCase.spmd(UnifiedMaxDecoding.class, "partial", new int[] {FlashDecoding.splitGlobalX(2), 2, 1},
                        new int[] {FlashDecoding.THREADS, 1, 1}, r -> new Object[] {new KernelContext(), floats(r, 4 * 64),
                                floats(r, 2 * 40 * 64), floats(r, 2 * 40 * 64), poison(4 * 2 * 64), poison(4 * 2),
                                IntArray.fromElements(0, 0, 0, 0), 4, 2, 64, 40, 37, 2, 0f, -60f, 60f}).mathTolerance(1e-5),
                // constructs
                KernelCase.of(L, "startAndStride", r -> new Object[] {floats(r, 301), floats(r, 301), 301}),
                KernelCase.of(L, "inclusiveBound", r -> new Object[] {floats(r, 200), poison(200), 200}),
                KernelCase.of(L, "firstAbove", r -> new Object[] {floats(r, 40 * 30), poisonInts(40), 30, 0.9f}),
                KernelCase.of(L, "sumPositivesUntilNaN", r -> new Object[] {specialFloats(r, 30 * 17), poison(30), 17}),
                KernelCase.of(L, "collatz", r -> new Object[] {ints(r, 300, -100000, 100000), poisonInts(300)}),
                KernelCase.of(L, "ternaries", r -> new Object[] {floats(r, 500), poison(500)}),
                KernelCase.of(L, "tableSwitch", r -> new Object[] {anyInts(r, 500), poisonInts(500)}),
                KernelCase.of(L, "lookupSwitch", r -> new Object[] {anyInts(r, 500), poisonInts(500)}),
                KernelCase.of(L, "longMath", r -> new Object[] {longs(r, 400), LongArray.fromArray(new long[400])}),
                KernelCase.of(L, "doubleMath", r -> new Object[] {doubles(r, 400), new DoubleArray(400)}).mathTolerance(1e-13),
                KernelCase.of(L, "casts", r -> new Object[] {specialFloats(r, 500), poisonInts(500), new LongArray(500), poison(500)}),
                KernelCase.of(L, "intSemantics", r -> new Object[] {anyInts(r, 500), anyInts(r, 500), poisonInts(500)}),
                KernelCase.of(L, "floatSemantics", r -> new Object[] {specialFloats(r, 600), specialFloats(r, 600),
                        poison(600), poisonInts(600)}),
                KernelCase.of(L, "helperCalls", r -> new Object[] {specialFloats(r, 400), poison(400), poisonInts(400)}),
                KernelCase.of(L, "records", r -> new Object[] {floats(r, 300), floats(r, 300), poison(300), 5}),
                KernelCase.of(L, "bitTricks", r -> new Object[] {anyInts(r, 400), specialFloats(r, 400), poisonInts(400)}),
                KernelCase.of(L, "halfAndBfloat", r -> new Object[] {halves(r, 256), bfloats(r, 256), specialFloats(r, 256),
                        new HalfFloatArray(256), poison(256)}),
                KernelCase.of(L, "quantizedDot", r -> new Object[] {q8(r, 8 * 64), q4(r, 8 * 64), floats(r, 64), poison(8), 64}),
                KernelCase.of(L, "bytesAndShorts", r -> new Object[] {bytes(r, 300), shorts(r, 300), new ByteArray(300),
                        new ShortArray(300), poisonInts(300)}),
                KernelCase.of(L, "javaArrays", r -> new Object[] {new float[] {1.5f, -2f, 3.25f, 4f, 0.125f},
                        r.ints(90, 0, 1000).toArray(), new float[90]}),
                KernelCase.of(L, "grid3d", r -> new Object[] {floats(r, 5 * 6 * 7), poison(5 * 6 * 7), 5, 6, 7}),
                KernelCase.of(L, "triangular", r -> new Object[] {floats(r, 23 * 23), floats(r, 23 * 23), 23}),
                KernelCase.of(L, "kernelMath", r -> new Object[] {floats(r, 300), poison(300)}).mathTolerance(1e-5),
                KernelCase.of(L, "booleanLogic", r -> new Object[] {ints(r, 400, -3000, 3000), poisonInts(400)}),
                KernelCase.of(L, "specialized", r -> new Object[] {floats(r, 100), poison(100), 100, 1.5f}),
                KernelCase.of(L, "specialized", r -> new Object[] {floats(r, 100), poison(100), 100, 1.5f})
                        .specialize(Map.of(2, 100, 3, 1.5f)),
                KernelCase.of(L, "sumDouble", r -> new Object[] {doubles(r, 3000), DoubleArray.fromElements(1.0)}).tolerant(1e-12),
                KernelCase.of(L, "minLong", r -> new Object[] {longs(r, 3000), LongArray.fromElements(Long.MAX_VALUE)}),
                KernelCase.of(L, "productInt", r -> new Object[] {ints(r, 3000, -9, 9), IntArray.fromElements(1)}),
                KernelCase.of(L, "sumOfSquares", r -> new Object[] {floats(r, 3000), FloatArray.fromElements(0f)}).tolerant(1e-4),
                KernelCase.of(L, "prefixSum", r -> new Object[] {ints(r, 500, -100, 100), poisonInts(500)}),
                KernelCase.spmd(S, "rowChunks", new int[] {256, 1, 1}, new int[] {64, 1, 1},
                        r -> new Object[] {new KernelContext(), halves(r, 7 * 40), floats(r, 40), poison(256), 7, 40}),
                // the TF32 tensor-core mma: three warps, the local-memory fallback off NVIDIA
                KernelCase.spmd(S, "tf32Products", new int[] {96, 1, 1}, new int[] {96, 1, 1},
                        r -> new Object[] {new KernelContext(), floats(r, 3 * 128), floats(r, 3 * 64), poison(3 * 128)})
                        .mathTolerance(1e-6),
                // the same in two work-groups of 512 (16 warps each), allowed by the kernel's launch bound
                KernelCase.spmd(S, "tf32ProductsWide", new int[] {1024, 1, 1}, new int[] {512, 1, 1},
                        r -> new Object[] {new KernelContext(), floats(r, 32 * 128), floats(r, 32 * 64), poison(32 * 128)})
                        .mathTolerance(1e-6),
                // warp shuffles and reductions: two groups of three warps (shfl.sync on NVIDIA, local memory
                // elsewhere); the sums' order is defined, so every backend matches the JVM's bits
                KernelCase.spmd(S, "warpExchanges", new int[] {192, 1, 1}, new int[] {96, 1, 1},
                        r -> new Object[] {new KernelContext(), floats(r, 192), specialFloats(r, 192),
                                ints(r, 192, -1000, 1000), poison(6 * 192), 5}),
                // asynchronous copies: a three-stage ring per work-item, and 64 KB of local memory
                KernelCase.spmd(S, "stagedCopies", new int[] {128, 1, 1}, new int[] {64, 1, 1},
                        r -> new Object[] {new KernelContext(), finiteHalves(r, 128 * 7 * 8), floats(r, 128 * 7 * 4),
                                poison(256), 7}),
                KernelCase.spmd(S, "wideStagedCopies", new int[] {512, 1, 1}, new int[] {256, 1, 1},
                        r -> new Object[] {new KernelContext(), floats(r, 512 * 64), poison(512)}),
                KernelCase.spmd(S, "byteChunkSums", new int[] {64, 1, 1}, new int[] {32, 1, 1},
                        r -> new Object[] {new KernelContext(), bytes(r, 16 * 200 + 9), poisonInts(64), 16 * 200 + 9}),
                KernelCase.spmd(S, "histogram", new int[] {1024, 1, 1}, new int[] {128, 1, 1},
                        r -> new Object[] {new KernelContext(), anyInts(r, 1000), new IntArray(13)}),
                KernelCase.spmd(S, "localHistogram", new int[] {512, 1, 1}, new int[] {64, 1, 1},
                        r -> new Object[] {new KernelContext(), anyInts(r, 500), new IntArray(16)}),
                KernelCase.spmd(S, "transpose", new int[] {24, 16, 1}, new int[] {8, 8, 1},
                        r -> new Object[] {new KernelContext(), floats(r, 13 * 21), poison(13 * 21), 13, 21}),
                KernelCase.spmd(S, "ids3d", new int[] {4, 6, 4}, new int[] {2, 3, 2},
                        r -> new Object[] {new KernelContext(), poisonInts(96)}),
                KernelCase.spmd(S, "earlyReturn", new int[] {256, 1, 1}, new int[] {64, 1, 1},
                        r -> new Object[] {new KernelContext(), floats(r, 250), poison(250)}),
                KernelCase.spmd(S, "maxAbsBits", new int[] {64, 1, 1}, new int[] {16, 1, 1},
                        r -> new Object[] {new KernelContext(), specialFloats(r, 1000), IntArray.fromElements(0)}),
                KernelCase.spmd(S, "floatAtomicSum", new int[] {512, 1, 1}, new int[] {64, 1, 1},
                        r -> new Object[] {new KernelContext(), floats(r, 500), FloatArray.fromElements(0f)}).tolerant(1e-4),
                KernelCase.spmd(S, "stencil", new int[] {320, 1, 1}, new int[] {64, 1, 1},
                        r -> new Object[] {new KernelContext(), floats(r, 300), poison(300)}));
    }
}
