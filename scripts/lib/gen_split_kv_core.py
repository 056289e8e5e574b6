# Regenerates tornado-kernels/.../attention/SplitKvCore.java, whose F32 and F16 bodies are twins with
# unrolled register accumulators (kernel helpers return one value, so they are written out).
# Usage, from the repository root:
#   python3 scripts/lib/gen_split_kv_core.py [VALUE_DIMS (2, 4 or 8), default 4] [VALUE_ROWS in flight, default 8]
# On sm_90, VALUE_DIMS 4 compiles to 128 registers for any VALUE_ROWS up to 8 (two work-groups per SM);
# VALUE_DIMS 8 to 156 (one), which is why 4 is the default.
import sys
VD = int(sys.argv[1]) if len(sys.argv) > 1 else 4
VALUE_ROWS = int(sys.argv[2]) if len(sys.argv) > 2 else 8
assert VD in (2, 4, 8) and VALUE_ROWS >= 1
H = range(4)

def mul(n, name):
    return "" if n == 0 else (f"{name} + " if n == 1 else f"{n} * {name} + ")

K = range(VD)

def fmas(p, v, ind):
    return "\n".join(f"{ind}a{h}{k} = Math.fma({p}{h}, {v}{k}, a{h}{k});" for h in H for k in K)

def core(typ, get, suffix):
    ind4 = " " * 20
    acc_decl = "\n".join(f"            float a{h}{k} = 0f;" for h in H for k in K)
    rescale_acc = "\n".join(f"                a{h}{k} *= al{h};" for h in H for k in K)
    write_acc = "\n".join(f"            partials[{h * VD + k} * THREADS + t] = a{h}{k};" for h in H for k in K)
    def loads(var, row):
        return "".join(f"                    float {var}{k} = vCache.{get}({row}" + ("" if k == 0 else f" + {k}") + ");\n" for k in K)
    eloads = loads("e", "r0")
    U = VALUE_ROWS
    parts = []
    for u in range(U):
        parts.append((f"                    int r{u}x = rowBase + (p + " + ("replicas" if u == 1 else f"{u} * replicas") + ") * headDim;") if u else "                    int r0x = rowBase + p * headDim;")
    for u in range(U):
        for k in K:
            parts.append(f"                    float e{u}{k} = vCache.{get}(r{u}x" + ("" if k == 0 else f" + {k}") + ");")
    for u in range(U):
        for h in H:
            off = "" if h == 0 else (" + CHUNK" if h == 1 else f" + {h} * CHUNK")
            pos = "p" if u == 0 else ("p + replicas" if u == 1 else f"p + {u} * replicas")
            parts.append(f"                    float w{u}{h} = probs[{pos}{off}];")
        for h in H:
            for k in K:
                parts.append(f"                    a{h}{k} = Math.fma(w{u}{h}, e{u}{k}, a{h}{k});")
    unrolled = "\n".join(parts)
    return f'''
    /**
     * {"F32" if suffix == "F32" else "F16"}-cache body. Writes, per query row r = kvRow·g + head and split s:
     * {{@code outA[(r·splits + s)·headDim + d]}} and {{@code outB[r·splits + s]}}: the normalised output and the
     * log-sum-exp (synchronised mode, {{@code unified == 0}}) or Σ e^{{x−φ}}·v and Σ e^{{x−φ}} (unified mode).
     * With {{@code active == 0}} the work-group does nothing. Returns, in unified mode, a bit mask (bit =
     * query head within the kv head's group) of heads for which this work-item saw x − φ outside (low, high).
     */
    static int run{suffix}(KernelContext c, FloatArray q, {typ} kCache, {typ} vCache, FloatArray outA,
                      FloatArray outB, int heads, int kvHeads, int headDim, int capacity, int length, int splits,
                      int unified, int active, float phi, float low, float high, float[] query, float[] partials,
                      float[] probs, float[] statM, float[] statL) {{
        int t = c.localIdx;
        int split = c.groupIdx;
        int kvRow = c.groupIdy;
        int g = heads / kvHeads;
        int start = splitStart(length, splits, split);
        int n = active != 0 ? splitEnd(length, splits, split) - start : 0;
        int cacheBase = (kvRow * capacity + start) * headDim;
        float scale = (float) (1.0 / Math.sqrt(headDim));
        int owner = t % OWNERS;
        int ownHead = t / OWNERS;
        int cols = headDim / VALUE_DIMS;
        int replicas = THREADS / cols;
        int valueRow = t / cols;
        int valueDim = t % cols;
        int mask = 0;
        int blocks = active != 0 ? (g + HEAD_BLOCK - 1) / HEAD_BLOCK : 0;
        for (int block = 0; block < blocks; block++) {{
            int firstHead = block * HEAD_BLOCK;
            int blockHeads = Math.min(HEAD_BLOCK, g - firstHead);
            loadQueries(q, query, t, kvRow * g + firstHead, blockHeads, headDim);
            c.localBarrier();
            float m0 = Float.NEGATIVE_INFINITY;
            float m1 = Float.NEGATIVE_INFINITY;
            float m2 = Float.NEGATIVE_INFINITY;
            float m3 = Float.NEGATIVE_INFINITY;
            float l0 = 0f;
            float l1 = 0f;
            float l2 = 0f;
            float l3 = 0f;
            float ownSum = 0f;
{acc_decl}
            for (int chunk = 0; chunk < n; chunk += CHUNK) {{
                int count = Math.min(CHUNK, n - chunk);
                keyPartials{suffix}(kCache, query, partials, t, cacheBase + chunk * headDim, headDim, count);
                c.localBarrier();
                // This work-item owns the scores of head ownHead at positions owner + OWNERS·j of the chunk.
                int v0 = owner < count ? 1 : 0;
                int v1 = owner + OWNERS < count ? 1 : 0;
                int v2 = owner + 2 * OWNERS < count ? 1 : 0;
                int v3 = owner + 3 * OWNERS < count ? 1 : 0;
                float x0 = ownedScore(partials, ownHead, 0, owner) * scale;
                float x1 = ownedScore(partials, ownHead, 1, owner) * scale;
                float x2 = ownedScore(partials, ownHead, 2, owner) * scale;
                float x3 = ownedScore(partials, ownHead, 3, owner) * scale;
                int at = ownHead * CHUNK + owner;
                float al0 = 1f;
                float al1 = 1f;
                float al2 = 1f;
                float al3 = 1f;
                if (unified != 0) {{
                    ownSum += storeProbability(probs, at, x0, phi, v0) + storeProbability(probs, at + OWNERS, x1, phi, v1)
                            + storeProbability(probs, at + 2 * OWNERS, x2, phi, v2)
                            + storeProbability(probs, at + 3 * OWNERS, x3, phi, v3);
                    int out = outsideAny(x0 - phi, v0, x1 - phi, v1, x2 - phi, v2, x3 - phi, v3, low, high);
                    mask |= out != 0 && ownHead < blockHeads ? 1 << (firstHead + ownHead) : 0;
                }} else {{
                    float ownMax = validMax(x0, v0, validMax(x1, v1, validMax(x2, v2, validMax(x3, v3,
                            Float.NEGATIVE_INFINITY))));
                    float own = validExp(x0, v0, ownMax) + validExp(x1, v1, ownMax) + validExp(x2, v2, ownMax)
                            + validExp(x3, v3, ownMax);
                    combineStatistics(c, statM, statL, t, ownMax, own);
                    float n0 = Math.max(m0, statM[0]);
                    float n1 = Math.max(m1, statM[OWNERS]);
                    float n2 = Math.max(m2, statM[2 * OWNERS]);
                    float n3 = Math.max(m3, statM[3 * OWNERS]);
                    al0 = rescale(m0, n0);
                    al1 = rescale(m1, n1);
                    al2 = rescale(m2, n2);
                    al3 = rescale(m3, n3);
                    l0 = al0 * l0 + statL[0] * rescale(statM[0], n0);
                    l1 = al1 * l1 + statL[OWNERS] * rescale(statM[OWNERS], n1);
                    l2 = al2 * l2 + statL[2 * OWNERS] * rescale(statM[2 * OWNERS], n2);
                    l3 = al3 * l3 + statL[3 * OWNERS] * rescale(statM[3 * OWNERS], n3);
                    m0 = n0;
                    m1 = n1;
                    m2 = n2;
                    m3 = n3;
                    // Probabilities relative to the new running max, so the value pass needs no second factor.
                    float ownNew = pick(ownHead, n0, n1, n2, n3);
                    storeProbability(probs, at, x0, ownNew, v0);
                    storeProbability(probs, at + OWNERS, x1, ownNew, v1);
                    storeProbability(probs, at + 2 * OWNERS, x2, ownNew, v2);
                    storeProbability(probs, at + 3 * OWNERS, x3, ownNew, v3);
                }}
                c.localBarrier(); // the probabilities are complete before the value pass reads them
{rescale_acc}
                // Value pass: dimensions VALUE_DIMS·valueDim + k (k < VALUE_DIMS, one wide load) of positions
                // valueRow, valueRow + replicas, …
                int rowBase = cacheBase + chunk * headDim + VALUE_DIMS * valueDim;
                int p = valueRow < replicas ? valueRow : count;
                for (; p + {U - 1} * replicas < count; p += {U} * replicas) {{
{unrolled}
                }}
                for (; p < count; p += replicas) {{
                    int r0 = rowBase + p * headDim;
{eloads}                    float w0 = probs[p];
                    float w1 = probs[CHUNK + p];
                    float w2 = probs[2 * CHUNK + p];
                    float w3 = probs[3 * CHUNK + p];
{fmas("w", "e", ind4)}
                }}
            }}
            if (unified != 0) {{
                combineStatistics(c, statM, statL, t, phi, ownSum);
                l0 = statL[0];
                l1 = statL[OWNERS];
                l2 = statL[2 * OWNERS];
                l3 = statL[3 * OWNERS];
            }}
            // Replicas of each value column meet in local memory (every read of partials is behind a barrier).
{write_acc}
            c.localBarrier();
            writeSplit(partials, outA, outB, t, kvRow * g + firstHead, blockHeads, split, splits, headDim, cols,
                    replicas, unified, m0, m1, m2, m3, l0, l1, l2, l3);
            c.localBarrier(); // local memory is free for the next head block
        }}
        return mask;
    }}
'''

def keyfn(typ, get, suffix):
    rows = "\n".join(f"        int r{j} = base + (slot + {mul(j, 'OWNERS')[:-3]} < count ? slot + {mul(j, 'OWNERS')[:-3]} : 0) * headDim;" if j else
                     "        int r0 = base + (slot < count ? slot : 0) * headDim;" for j in range(4))
    decl = "\n".join(f"        float s{h}{j} = 0f;" for h in H for j in range(4))
    def qload(h, off, decl):
        return f"            {decl}q{h} = query[{mul(h, 'MAX_HEAD_DIM')}d{off}];"
    def body(off):
        qs = "\n".join(qload(h, off, "float ") for h in H)
        ks = "\n".join(f"            float k{j} = k.{get}(r{j} + d{off});" for j in range(4))
        fm = "\n".join(f"            s{h}{j} = Math.fma(q{h}, k{j}, s{h}{j});" for h in H for j in range(4))
        return qs + "\n" + ks + "\n" + fm
    def body8():
        ks = "\n".join(f"            Run8 k{j} = Run8.of(k, r{j} + d);" for j in range(4))
        qs = "\n".join(f"            Run8 q{h} = Run8.of(query, {mul(h, 'MAX_HEAD_DIM')}d);" for h in H)
        fm = "\n".join(f"            s{h}{j} += q{h}.dot(k{j});" for h in H for j in range(4))
        return "\n".join([ks, qs, fm])
    writes = "\n".join(f"        partials[{h * 4 + j} * BLOCK_STRIDE + at] = s{h}{j};" for h in H for j in range(4))
    return f'''
    /**
     * Partial q·k for the block's 4 heads and this work-item's 4 positions slot + OWNERS·j of the chunk
     * (slot = t / LANES) over runs of eight dimensions 8·lane…, 8·(lane + LANES)… (lane = t % LANES), then the
     * last headDim % 8 dimensions one per lane: one query run from local memory serves four key runs. Positions past {{@code count}} reread row 0 of the chunk (in bounds;
     * their sums are never used). Results go to partials[(h·4 + j)·BLOCK_STRIDE + lane·LANE_STRIDE + slot].
     */
    static void keyPartials{suffix}({typ} k, float[] query, float[] partials, int t, int base, int headDim, int count) {{
        int lane = t % LANES;
        int slot = t / LANES;
{rows}
{decl}
        for (int d = 8 * lane; d + 7 < headDim; d += 8 * LANES) {{
{body8()}
        }}
        for (int d = (headDim & ~7) + lane; d < headDim; d += LANES) {{
{body("")}
        }}
        int at = lane * LANE_STRIDE + slot;
{writes}
    }}
'''

head = '''package dev.squall.kernels.attention;

import dev.squall.api.KernelContext;
import dev.squall.api.KernelMath;
import dev.squall.api.types.FloatArray;
import dev.squall.api.types.HalfFloatArray;
import dev.squall.kernels.vector.Run8;

/**
 * The body shared by the split-KV decode kernels ({@link FlashDecoding} and
 * {@link UnifiedMaxDecoding}); the kernels inline it. One work-group of {@link #THREADS} handles one
 * split of one kv head for all g = heads / kvHeads query heads of that kv head, {@link #HEAD_BLOCK}
 * query heads at a time, so for g ≤ HEAD_BLOCK every K and V element is read from memory once (for
 * larger g, once per block of four heads).
 *
 * <p>The split is walked in chunks of {@link #CHUNK} positions, whose probabilities stay in local
 * memory. Per chunk:
 * <ol>
 * <li>key pass: {@link #LANES} neighbouring work-items share a key row (lane l reads runs of eight
 * dimensions 8l…8l+7, 8(l+LANES)…, one 16-byte load of halves each, so a warp reads whole sectors of
 * consecutive rows); each work-item covers four
 * rows (OWNERS apart) for the four heads, so one query value from local memory serves four key
 * loads; 16 partial sums per work-item meet in local memory (one barrier);</li>
 * <li>work-item t owns the four scores of head t / OWNERS at positions t % OWNERS + OWNERS·j;
 * synchronised mode: a (max, Σ e^{x−max}) tree over the OWNERS owners of each head gives the chunk's
 * statistics, the running max and sum are updated (§0), and the owners store e^{x − new max};
 * unified mode: the owners store e^{x − φ} directly and check the window, no tree, no rescaling;</li>
 * <li>value pass: work-item t takes the VALUE_DIMS consecutive dimensions VALUE_DIMS·(t % cols) + k
 * (cols = headDim / VALUE_DIMS) of every (THREADS / cols)-th position: one wide load per row (@VBYTES@ bytes
 * of halves, @FBYTES@ of floats; coalesced rows, @VROWS@ rows in flight per work-item, so each waits for
 * memory once per @VROWS@ rows), and one probability load serves VALUE_DIMS value elements; 4·VALUE_DIMS
 * accumulators per work-item stay in registers across chunks.</li>
 * </ol>
 * Every barrier sits where the whole work-group arrives (loops with work-group-uniform trip counts,
 * branches on kernel arguments); positions past the split's end never touch memory past
 * {@code length} (the cache there may hold garbage, even NaN).
 *
 * <p>Generated by {@code scripts/lib/gen_split_kv_core.py} (the F32 and F16 twins and their unrolled
 * accumulators); edit the generator, not this file.
 */
final class SplitKvCore {

    /** Work-items per work-group. */
    static final int THREADS = 256;
    /** Query heads processed together per walk over the split. */
    static final int HEAD_BLOCK = 4;
    /** Largest supported head dimension (a multiple of {@link #VALUE_DIMS}). */
    static final int MAX_HEAD_DIM = 128;
    /** Work-items per key row in the key pass. */
    static final int LANES = 4;
    /** Score owners per head (and key-pass rows per step): THREADS / HEAD_BLOCK. */
    static final int OWNERS = THREADS / HEAD_BLOCK;
    /** Positions per chunk: each work-item covers four rows of it in the key pass. */
    static final int CHUNK = 4 * OWNERS;
    /** Value dimensions per work-item in the value pass. */
    static final int VALUE_DIMS = @VD@;
    /** Layout of the key-pass partial sums: padded so that both their writes and reads are free of bank conflicts. */
    static final int LANE_STRIDE = OWNERS + 8;
    static final int BLOCK_STRIDE = LANES * LANE_STRIDE;

    /** Local array sizes, allocated by the kernels and passed in. */
    static final int QUERY_FLOATS = HEAD_BLOCK * MAX_HEAD_DIM;
    /** Key-pass partial sums, then the value replicas (HEAD_BLOCK · VALUE_DIMS · THREADS): the larger. */
    static final int PARTIAL_FLOATS = 16 * BLOCK_STRIDE > HEAD_BLOCK * VALUE_DIMS * THREADS ? 16 * BLOCK_STRIDE
            : HEAD_BLOCK * VALUE_DIMS * THREADS;
    static final int PROB_FLOATS = HEAD_BLOCK * CHUNK;
    static final int STAT_FLOATS = THREADS;

    private SplitKvCore() {
    }

    /** First position of split {@code split} of {@code length} positions cut into {@code splits} equal spans. */
    static int splitStart(int length, int splits, int split) {
        int span = (length + splits - 1) / splits;
        return Math.min(length, split * span);
    }

    /** One past the last position of split {@code split}. */
    static int splitEnd(int length, int splits, int split) {
        int span = (length + splits - 1) / splits;
        return Math.min(length, split * span + span);
    }

    /** e^{from − to}, and 0 when {@code from} is −∞ (so −∞ − −∞ is never evaluated). */
    static float rescale(float from, float to) {
        return from == Float.NEGATIVE_INFINITY ? 0f : KernelMath.exp(from - to);
    }

    static float pick(int h, float v0, float v1, float v2, float v3) {
        return h == 0 ? v0 : h == 1 ? v1 : h == 2 ? v2 : v3;
    }

    static float validMax(float x, int valid, float max) {
        return valid != 0 ? Math.max(max, x) : max;
    }

    static float validExp(float x, int valid, float max) {
        return valid != 0 ? KernelMath.exp(x - max) : 0f;
    }

    /** Stores e^{x − shift} at probs[at] when the position is valid, and returns it (0 otherwise). */
    static float storeProbability(float[] probs, int at, float x, float shift, int valid) {
        float e = 0f;
        if (valid != 0) {
            e = KernelMath.exp(x - shift);
            probs[at] = e;
        }
        return e;
    }

    /** 1 when a valid shifted score lies outside the open window (low, high) (NaN counts as outside). */
    static int outsideAny(float s0, int v0, float s1, int v1, float s2, int v2, float s3, int v3, float low, float high) {
        int out = v0 != 0 && !(s0 > low && s0 < high) ? 1 : 0;
        out |= v1 != 0 && !(s1 > low && s1 < high) ? 1 : 0;
        out |= v2 != 0 && !(s2 > low && s2 < high) ? 1 : 0;
        out |= v3 != 0 && !(s3 > low && s3 < high) ? 1 : 0;
        return out;
    }

    /**
     * The block's queries into local memory; zeros for heads past the group and dimensions past
     * headDim, so unused heads compute harmless finite values.
     */
    static void loadQueries(FloatArray q, float[] query, int t, int firstRow, int heads, int headDim) {
        for (int e = t; e < QUERY_FLOATS; e += THREADS) {
            int h = e / MAX_HEAD_DIM;
            int d = e % MAX_HEAD_DIM;
            query[e] = h < heads && d < headDim ? q.get((firstRow + h) * headDim + d) : 0f;
        }
    }

    /** The score of head h at chunk position owner + OWNERS·j: the sum of its LANES partials. */
    static float ownedScore(float[] partials, int h, int j, int owner) {
        int at = (h * 4 + j) * BLOCK_STRIDE + owner;
        return (partials[at] + partials[at + LANE_STRIDE]) + (partials[at + 2 * LANE_STRIDE] + partials[at + 3 * LANE_STRIDE]);
    }
'''

tail = '''
    /**
     * (max, Σ e^{x−max}) of each head over its OWNERS owners, by a tree in local memory: on return
     * statM[h·OWNERS] and statL[h·OWNERS] hold head h's pair for every work-item. Contains barriers;
     * the caller puts a barrier between the reads of the result and the next call.
     */
    static void combineStatistics(KernelContext c, float[] statM, float[] statL, int t, float max, float sum) {
        statM[t] = max;
        statL[t] = sum;
        c.localBarrier();
        int j = t % OWNERS;
        for (int stride = OWNERS / 2; stride > 0; stride >>= 1) {
            if (j < stride) {
                float m1 = statM[t];
                float m2 = statM[t + stride];
                float m = Math.max(m1, m2);
                statL[t] = statL[t] * rescale(m1, m) + statL[t + stride] * rescale(m2, m);
                statM[t] = m;
            }
            c.localBarrier();
        }
    }

    /**
     * Sums the value replicas (partials[(h·4 + k)·THREADS + r·cols + d] holds dimension VALUE_DIMS·d + k of
     * replica r) and stores the split's result for the block's heads: synchronised mode the normalised
     * output (0 for an empty split) and m + log ℓ (−∞ when empty); unified mode the numerator and the
     * denominator.
     */
    static void writeSplit(float[] partials, FloatArray outA, FloatArray outB, int t, int firstRow, int heads, int split,
                           int splits, int headDim, int cols, int replicas, int unified, float m0, float m1, float m2,
                           float m3, float l0, float l1, float l2, float l3) {
        if (t < headDim) {
            int k = t % VALUE_DIMS;
            int d = t / VALUE_DIMS;
            for (int h = 0; h < heads; h++) {
                float o = 0f;
                for (int r = 0; r < replicas; r++) {
                    o += partials[(h * VALUE_DIMS + k) * THREADS + r * cols + d];
                }
                float l = pick(h, l0, l1, l2, l3);
                int at = (firstRow + h) * splits + split;
                if (unified != 0) {
                    outA.set(at * headDim + t, o);
                    if (t == 0) {
                        outB.set(at, l);
                    }
                } else {
                    outA.set(at * headDim + t, l > 0f ? o / l : 0f);
                    if (t == 0) {
                        outB.set(at, l > 0f ? pick(h, m0, m1, m2, m3) + KernelMath.log(l) : Float.NEGATIVE_INFINITY);
                    }
                }
            }
        }
    }
}
'''
src = head + core("FloatArray", "get", "F32") + core("HalfFloatArray", "getFloat", "F16") + keyfn("FloatArray", "get", "F32") + keyfn("HalfFloatArray", "getFloat", "F16") + tail
src = src.replace("@VD@", str(VD)).replace("@VBYTES@", str(2 * VD)).replace("@FBYTES@", str(4 * VD))
src = src.replace("@VROWS@", str(VALUE_ROWS))
open("tornado-kernels/src/main/java/dev/squall/kernels/attention/SplitKvCore.java", "w").write(src)
