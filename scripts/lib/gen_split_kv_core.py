# Regenerates tornado-kernels/.../attention/SplitKvCore.java: the split-KV decode body in four twins
# (F32 and F16 caches, one query head per pass and four), with unrolled register accumulators
# (kernel helpers return one value and kernels have no private arrays, so they are written out).
# Usage, from the repository root:
#   python3 scripts/lib/gen_split_kv_core.py [THREADS, default 256] [CHUNK, default 64]
# CHUNK ≤ THREADS / 4. The defaults are the measured best on an H200; 128 work-items with 32-position
# chunks ran within 3.2% of them either way. The variants measured and dropped (four heads' query runs in
# registers, the four-head value loads issued after the key products) are in
# bench/results/2026-11-29-h200-decode.md; the four-head body on tensor cores (both products) in
# bench/results/2026-11-30-h200-decode-splits.md.
import sys

THREADS = int(sys.argv[1]) if len(sys.argv) > 1 else 256
CHUNK = int(sys.argv[2]) if len(sys.argv) > 2 else 64
LANES = 16           # key pass: work-items per key row (one run of eight dimensions each)
assert THREADS in (128, 256) and CHUNK in (32, 64, 128) and CHUNK * LANES % THREADS == 0 and CHUNK % (THREADS // 16) == 0
# the four-head synchronised body shares a slot's 4·VALUE_ROWS weights over its 16 work-items
assert CHUNK <= THREADS // 4, 'CHUNK must be at most THREADS / 4'
BLOCKS = 16          # value pass: 8-dimension column blocks of a 128-dimension row
KEY_ROWS = CHUNK * LANES // THREADS    # key rows per work-item per chunk
SLOTS = THREADS // BLOCKS              # value pass: row slots
VALUE_ROWS = CHUNK // SLOTS            # value rows per work-item per chunk
KR = range(KEY_ROWS)
VR = range(VALUE_ROWS)
K8 = range(8)


def plus(base, n, unit):
    return base if n == 0 else (f"{base} + {unit}" if n == 1 else f"{base} + {n} * {unit}")


def unified_slot(o, hb):
    """Where owner o's unified weight of (head h{o}, row r{o}) goes in scores[]: a row's heads side by side."""
    return f"i{o}" if hb == 1 else f"r{o} * {hb} + h{o}"


def body(typ, get, suffix, hb, staged=False):
    H = range(hb)
    name = f"run{suffix}{'Staged' if staged else ''}H{hb}"
    L = []
    w = L.append
    w(f'''
    /** {{@link #run{suffix}{'Staged' if staged else ''}}} for {hb} quer{"y head" if hb == 1 else "y heads"} per pass. */
    static int {name}(KernelContext c, FloatArray q, {typ} kCache, {typ} vCache, FloatArray outA, FloatArray outB,
                      int heads, int kvHeads, int headDim, int capacity, int length, int splits, int unified,
                      int active, float phi, float low, float high, float[] query, float[] partials, float[] scores,
                      float[] statM, float[] statL{', short[] ring, int stages' if staged else ''}) {{
        int t = c.localIdx;
        int split = c.groupIdx;
        int kvRow = c.groupIdy;
        int g = heads / kvHeads;
        int start = splitStart(length, splits, split);
        int n = active != 0 ? splitEnd(length, splits, split) - start : 0;
        int cacheBase = (kvRow * capacity + start) * headDim;
        float scale = (float) (1.0 / Math.sqrt(headDim));
        int lane = t % LANES;
        int keyRow = t / LANES;
        int column = t % COLUMN_BLOCKS;
        int slot = t / COLUMN_BLOCKS;
        // Runs of eight dimensions (headDim is a multiple of 8); a run past the row is read at its last
        // run and weighted 0 (so every load stays inside the row and keeps its 16-byte alignment).
        int runs = headDim / 8;
        int lastRun = 8 * runs - 8;''')
    w("        int keyAt = Math.min(8 * lane, lastRun);")
    w("        float keyOn = lane < runs ? 1f : 0f;")
    w("        int valueAt = Math.min(8 * column, lastRun);")
    w("        float valueOn = column < runs ? 1f : 0f;")
    w("        int mask = 0;")
    w(f"        int blocks = active != 0 ? (g + {hb - 1}) / {hb} : 0;")
    w("        for (int block = 0; block < blocks; block++) {")
    w(f"            int firstHead = block * {hb};")
    w(f"            int blockHeads = Math.min({hb}, g - firstHead);")
    w("            loadQueries(q, query, t, kvRow * g + firstHead, blockHeads, headDim);")
    w("            c.localBarrier();")
    if hb == 1:
        w("            Run8 q0 = Run8.of(query, keyAt);")
    for h in H:
        w(f"            float m{h} = unified != 0 ? phi : Float.NEGATIVE_INFINITY;")
        w(f"            float l{h} = 0f;")
        for k in K8:
            w(f"            float a{h}{k} = 0f;")
    if staged:
        w("            // The ring's first stages − 1 chunks (empty groups too: every chunk's group is stages − 1 back).")
        w("            for (int p = 0; p + 1 < stages; p++) {")
        w("                if (p * CHUNK < n) {")
        w("                    stageChunk(c, kCache, vCache, ring, cacheBase + p * CHUNK * headDim, Math.min(CHUNK, n - p * CHUNK),")
        w("                            p * RING_STAGE + 8 * t, keyRow, slot, keyAt, valueAt, headDim);")
        w("                }")
        w("                c.commitCopies();")
        w("            }")
        w("            int ringStage = 0;")
    w("            for (int chunk = 0; chunk < n; chunk += CHUNK) {")
    w("                int count = Math.min(CHUNK, n - chunk);")
    if staged:
        w("                // This chunk's rows landed stages − 1 chunks ago; refill the stage the last chunk read.")
        w("                int ahead = chunk + (stages - 1) * CHUNK;")
        w("                int refill = ringStage == 0 ? stages - 1 : ringStage - 1;")
        w("                if (ahead < n) {")
        w("                    stageChunk(c, kCache, vCache, ring, cacheBase + ahead * headDim, Math.min(CHUNK, n - ahead),")
        w("                            refill * RING_STAGE + 8 * t, keyRow, slot, keyAt, valueAt, headDim);")
        w("                }")
        w("                c.commitCopies();")
        w("                c.waitCopies(stages - 1);")
        w("                int from = ringStage * RING_STAGE + 8 * t;")
        w("                ringStage = ringStage + 1 == stages ? 0 : ringStage + 1;")
        for r in KR:
            w(f"                int kr{r} = {plus('keyRow', r, f'{THREADS // LANES}')};")
            w(f"                Run8 k{r} = Run8.ofHalves(ring, {plus('from', r, '8 * THREADS')});")
        for v in VR:
            w(f"                int vr{v} = {plus('slot', v, 'SLOTS')};")
            w(f"                Run8 e{v} = Run8.ofHalves(ring, {plus('from', KEY_ROWS + v, '8 * THREADS')});")
    else:
        w("                int base = cacheBase + chunk * headDim;")
        w("                // Every key and value load of the chunk is issued before the first use of any of them.")
        for r in KR:
            row = plus("keyRow", r, f"{THREADS // LANES}")
            w(f"                int kr{r} = {row};")
            w(f"                int kx{r} = base + (kr{r} < count ? kr{r} : 0) * headDim;")
            w(f"                Run8 k{r} = Run8.of(kCache, kx{r} + keyAt);")
        for v in VR:
            row = plus("slot", v, "SLOTS")
            w(f"                int vr{v} = {row};")
            w(f"                int vx{v} = base + (vr{v} < count ? vr{v} : 0) * headDim;")
            w(f"                Run8 e{v} = Run8.of(vCache, vx{v} + valueAt);")
    for h in H:
        if hb > 1:
            w(f"                Run8 q{h} = Run8.of(query, {h * 128} + keyAt);")
        for r in KR:
            w(f"                float s{h}{r} = q{h}.dot(k{r}) * keyOn;")
    for h in H:
        for r in KR:
            w(f"                partials[({h} * CHUNK + kr{r}) * STRIDE + lane] = s{h}{r};")
    w("                c.localBarrier();")
    w("                // Owners: the lanes of each (head, row) meet. Unified mode checks the window and stores")
    w("                // e^{x−φ} itself (0 past the chunk's end), so the value pass needs no exponential.")
    owners = -(-hb * CHUNK // THREADS)
    for o in range(owners):
        idx = "t" if o == 0 else f"t + {o * THREADS}"
        w(f"                int i{o} = {idx};")
        guard = f"i{o} < {hb * CHUNK}" if hb * CHUNK < (o + 1) * THREADS else "true"
        w(f"                if ({guard}) {{")
        w(f"                    int h{o} = i{o} / CHUNK;")
        w(f"                    int r{o} = i{o} % CHUNK;")
        w(f"                    float x{o} = laneSum(partials, i{o} * STRIDE) * scale;")
        w(f"                    if (unified != 0) {{")
        w(f"                        int in{o} = r{o} < count ? 1 : 0;")
        w(f"                        scores[{unified_slot(o, hb)}] = validExp(x{o}, in{o}, phi);")
        w(f"                        if (in{o} != 0 && h{o} < blockHeads && !(x{o} - phi > low && x{o} - phi < high)) {{")
        w(f"                            mask |= 1 << (firstHead + h{o});")
        w("                        }")
        w("                    } else {")
        w(f"                        scores[i{o}] = x{o};")
        w("                    }")
        w("                }")
    w("                c.localBarrier();")
    w("                // Value pass: this work-item's rows, all heads of the pass (scores[] holds the scores in")
    w("                // synchronised mode and the weights e^{x−φ} in unified mode).")
    for v in VR:
        w(f"                int ok{v} = vr{v} < count ? 1 : 0;")
    # unified mode: a row's heads side by side, so the reads of one row combine into one 16-byte load
    # (synchronised mode keeps a head's rows side by side: that layout was 3-5% faster there on an H200)
    for v in VR:
        for h in H:
            if hb == 1:
                w(f"                float x{h}{v} = scores[vr{v}];")
            else:
                w(f"                float x{h}{v} = unified != 0 ? scores[vr{v} * {hb}{'' if h == 0 else f' + {h}'}] : scores[{h} * CHUNK + vr{v}];")
            w(f"                float p{h}{v} = x{h}{v};")
    w("                if (unified == 0) {")
    for h in H:
        mx = "Float.NEGATIVE_INFINITY"
        for v in VR:
            mx = f"validMax(x{h}{v}, ok{v}, {mx})"
        w(f"                    float top{h} = Math.max(m{h}, {mx});")
        w(f"                    float al{h} = top{h} == m{h} ? 1f : rescale(m{h}, top{h});")
        w(f"                    m{h} = top{h};")
        w(f"                    l{h} *= al{h};")
        for k in K8:
            w(f"                    a{h}{k} *= al{h};")
    if hb == 1:
        for v in VR:
            w(f"                    p0{v} = validExp(x0{v}, ok{v}, m0);")
    else:
        w(f"                    // The {hb * VALUE_ROWS} weights of this slot, one per work-item of the slot (its sixteen")
        w("                    // work-items would otherwise each compute all of them).")
        w(f"                    if (column < {hb * VALUE_ROWS}) {{")
        w(f"                        int ph = column / {VALUE_ROWS};")
        w(f"                        int pr = slot + SLOTS * (column % {VALUE_ROWS});")
        w("                        scores[WEIGHTS + slot * COLUMN_BLOCKS + column] = validExp(scores[ph * CHUNK + pr],"
          " pr < count ? 1 : 0, pick(ph, " + ", ".join(f"m{h}" for h in H) + "));")
        w("                    }")
        w("                    c.localBarrier();")
        for h in H:
            for v in VR:
                w(f"                    p{h}{v} = scores[WEIGHTS + slot * COLUMN_BLOCKS + {h * VALUE_ROWS + v}];")
    w("                }")
    for h in H:
        w(f"                l{h} += " + " + ".join(f"p{h}{v}" for v in VR) + ";")
        for v in VR:
            w(f"                float pw{h}{v} = p{h}{v} * valueOn;")
            for k in K8:
                w(f"                a{h}{k} = Math.fma(pw{h}{v}, e{v}.v{k}(), a{h}{k});")
    w("            }")
    w("            // The row slots of each head meet in local memory (every read of partials is behind a barrier).")
    for h in H:
        for k in K8:
            w(f"            partials[slot * MAX_HEAD_DIM + 8 * column + {k}] = a{h}{k};")
        w("            if (column == 0) {")
        w(f"                statM[slot] = m{h};")
        w(f"                statL[slot] = l{h};")
        w("            }")
        w("            c.localBarrier();")
        w("            if (unified == 0) {")
        w("                // Each slot's weight e^{m_s − max m} once, not once per output dimension.")
        w("                if (t < SLOTS) {")
        w("                    scores[t] = rescale(statM[t], slotMax(statM));")
        w("                }")
        w("                c.localBarrier();")
        w("            }")
        w(f"            if ({h} < blockHeads) {{")
        w(f"                writeSplit(partials, statM, statL, scores, outA, outB, t, kvRow * g + firstHead + {h}, split,"
          " splits, headDim, unified);")
        w("            }")
        w("            c.localBarrier();")
    w("        }")
    w("        return mask;")
    w("    }")
    return "\n".join(L)


def dispatch(typ, suffix):
    return f'''
    /**
     * {suffix}-cache body. Writes, per query row r = kvRow·g + head and split s:
     * {{@code outA[(r·splits + s)·headDim + d]}} and {{@code outB[r·splits + s]}}: the normalised output and the
     * log-sum-exp (synchronised mode, {{@code unified == 0}}) or Σ e^{{x−φ}}·v and Σ e^{{x−φ}} (unified mode).
     * With {{@code active == 0}} the work-group does nothing. Returns, in unified mode, a bit mask (bit =
     * query head within the kv head's group) of heads for which this work-item saw x − φ outside (low, high).
     * One query head per kv head (g = 1) takes the one-head body (a quarter of the arithmetic and
     * registers); a task that specialises heads and kvHeads compiles only the body it takes.
     */
    static int run{suffix}(KernelContext c, FloatArray q, {typ} kCache, {typ} vCache, FloatArray outA,
                      FloatArray outB, int heads, int kvHeads, int headDim, int capacity, int length, int splits,
                      int unified, int active, float phi, float low, float high, float[] query, float[] partials,
                      float[] scores, float[] statM, float[] statL) {{
        if (heads == kvHeads) {{
            return run{suffix}H1(c, q, kCache, vCache, outA, outB, heads, kvHeads, headDim, capacity, length, splits,
                    unified, active, phi, low, high, query, partials, scores, statM, statL);
        }}
        return run{suffix}H4(c, q, kCache, vCache, outA, outB, heads, kvHeads, headDim, capacity, length, splits,
                unified, active, phi, low, high, query, partials, scores, statM, statL);
    }}
'''


def staged_dispatch():
    copies = []
    for r in KR:
        copies.append(f"        int kr{r} = {plus('keyRow', r, f'{THREADS // LANES}')};")
        copies.append(f"        c.copyAsync(ring, {plus('at', r, '8 * THREADS')}, kCache, base + (kr{r} < count ? kr{r} : 0) * headDim + keyAt);")
    for v in VR:
        copies.append(f"        int vr{v} = {plus('slot', v, 'SLOTS')};")
        copies.append(f"        c.copyAsync(ring, {plus('at', KEY_ROWS + v, '8 * THREADS')}, vCache, base + (vr{v} < count ? vr{v} : 0) * headDim + valueAt);")
    copy_lines = "\n".join(copies)
    return f'''
    /**
     * {{@link #runF16}} with the four-head body's key and value rows copied into local memory
     * {{@code stages − 1}} chunks before they are used ({{@link KernelContext#copyAsync}}: {{@code cp.async}} on
     * CUDA), a ring of {{@code stages}} chunks in {{@code ring}} ({{@code stages · }}{{@link #RING_STAGE}} halves),
     * so the bytes in flight wait in local memory, not in registers. Each work-item reads back only the
     * rows it copied (the same rows it would have loaded), so the ring needs no barrier. {{@code stages}} is
     * a compile-time constant of the caller, at least 1. One query head per kv head takes the unstaged
     * one-head body: on an H200 the staged one was 8–10% slower at L ≥ 32768 (the four-head body 5–9%
     * faster, bench/results/2026-11-30-h200-async-copies.md).
     */
    static int runF16Staged(KernelContext c, FloatArray q, HalfFloatArray kCache, HalfFloatArray vCache,
                            FloatArray outA, FloatArray outB, int heads, int kvHeads, int headDim, int capacity,
                            int length, int splits, int unified, int active, float phi, float low, float high,
                            float[] query, float[] partials, float[] scores, float[] statM, float[] statL, short[] ring,
                            int stages) {{
        if (heads == kvHeads) {{
            return runF16H1(c, q, kCache, vCache, outA, outB, heads, kvHeads, headDim, capacity, length, splits,
                    unified, active, phi, low, high, query, partials, scores, statM, statL);
        }}
        return runF16StagedH4(c, q, kCache, vCache, outA, outB, heads, kvHeads, headDim, capacity, length, splits,
                unified, active, phi, low, high, query, partials, scores, statM, statL, ring, stages);
    }}

    /**
     * Starts the copies of one chunk's rows for work-item t into the ring at {{@code at}} (its stage's
     * offset plus 8t): the {KEY_ROWS} key rows and {VALUE_ROWS} value rows the work-item reads, rows past
     * {{@code count}} as the chunk's first row (as the unstaged body loads them).
     */
    static void stageChunk(KernelContext c, HalfFloatArray kCache, HalfFloatArray vCache, short[] ring, int base,
                           int count, int at, int keyRow, int slot, int keyAt, int valueAt, int headDim) {{
{copy_lines}
    }}
'''


head = f'''package dev.squall.kernels.attention;

import dev.squall.api.KernelContext;
import dev.squall.api.KernelMath;
import dev.squall.api.types.FloatArray;
import dev.squall.api.types.HalfFloatArray;
import dev.squall.kernels.vector.Run8;

/**
 * The body shared by the split-KV decode kernels ({{@link FlashDecoding}} and
 * {{@link UnifiedMaxDecoding}}); the kernels inline it. One work-group of {{@link #THREADS}} handles one
 * split of one kv head for all g = heads / kvHeads query heads of that kv head (one head per pass when
 * g = 1, else {{@link #HEAD_BLOCK}} at a time), so for g ≤ HEAD_BLOCK every K and V element is read
 * from memory once.
 *
 * <p>The split is walked in chunks of {{@link #CHUNK}} positions. Decode attention is bound by memory
 * bandwidth, so the design keeps as many bytes in flight as it can: at the top of a chunk every
 * work-item issues all of its key and value loads (16 bytes each: eight halves, or two loads of four
 * floats) before it uses any of them, so a chunk waits for memory once. Per chunk:
 * <ol>
 * <li>key pass: {{@link #LANES}} neighbouring work-items share a key row (a warp reads two whole rows per
 * load), lane l reading dimensions 8l…8l+7 of the rows t / 16 + 16·j, so one run of the query (in
 * registers, or one local load per head for four heads) serves four key rows; the partial dot
 * products meet in local memory (one barrier);</li>
 * <li>owners: one work-item per (head, position) adds the sixteen partials and scales; synchronised mode
 * stores the score, unified mode checks the window and stores the weight e^{{x−φ}} (one barrier). With
 * four heads, unified mode puts a position's four weights side by side, so the value pass reads them in
 * one 16-byte load (1–2% faster on an H200; the same layout made the synchronised body 3–5% slower,
 * bench/results/2026-11-30-h200-decode-splits.md);</li>
 * <li>value pass: work-item t owns the eight dimensions 8·(t % 16)… of the rows t / 16 + SLOTS·j (the
 * same rows as in the key pass). Unified mode takes the weights as they are (no exponential, no
 * rescaling: the point of the unified max); synchronised mode keeps, per head, the row slot's own
 * running max and sum (the sixteen work-items of a slot hold the same ones) and rescales its
 * accumulators when the max grows, so no statistics cross slots inside the loop; with four heads the
 * slot's weights are computed once each by its work-items and shared through local memory (a third
 * barrier).</li>
 * </ol>
 * At the end of the split the {{@link #SLOTS}} row slots of each head meet in local memory with the §0
 * merge (the slots' own maxima; all sixteen work-items of a slot hold the same statistics).
 * Every barrier sits where the whole work-group arrives (loops with work-group-uniform trip counts,
 * branches on kernel arguments); positions past the split's end read the chunk's first row (in
 * bounds, weighted 0), so nothing past {{@code length}} is touched (the cache there may hold garbage,
 * even NaN). headDim must be a multiple of 8, at most {{@link #MAX_HEAD_DIM}} (checked on the host by
 * {{@link FlashDecoding#requireSupported}}).
 *
 * <p>Generated by {{@code scripts/lib/gen_split_kv_core.py}} (the F32 and F16 twins and their unrolled
 * accumulators); edit the generator, not this file.
 */
final class SplitKvCore {{

    /** Work-items per work-group. */
    static final int THREADS = {THREADS};
    /** Query heads processed together per walk over the split (g > 1). */
    static final int HEAD_BLOCK = 4;
    /** Largest supported head dimension. */
    static final int MAX_HEAD_DIM = 128;
    /** Positions per chunk. */
    static final int CHUNK = {CHUNK};
    /** Work-items per key row in the key pass. */
    static final int LANES = {LANES};
    /** Value pass: column blocks of eight dimensions (MAX_HEAD_DIM / 8). */
    static final int COLUMN_BLOCKS = {BLOCKS};
    /** Value pass: row slots (THREADS / COLUMN_BLOCKS); a work-item takes rows slot + SLOTS·j of a chunk. */
    static final int SLOTS = THREADS / COLUMN_BLOCKS;
    /** Stride of the key-pass partial sums of one (head, row): odd, so that the owners' reads are free of bank conflicts. */
    static final int STRIDE = LANES + 1;

    /** Local array sizes, allocated by the kernels and passed in. */
    static final int QUERY_FLOATS = HEAD_BLOCK * MAX_HEAD_DIM;
    /** Key-pass partial sums, then the value pass's row slots (SLOTS · MAX_HEAD_DIM): the larger. */
    static final int PARTIAL_FLOATS = Math.max(HEAD_BLOCK * CHUNK * STRIDE, SLOTS * MAX_HEAD_DIM);
    /** Scores (or unified weights) of a chunk, then the synchronised weights of each row slot, from {{@link #WEIGHTS}}. */
    static final int PROB_FLOATS = 2 * HEAD_BLOCK * CHUNK;
    static final int WEIGHTS = HEAD_BLOCK * CHUNK;
    static final int STAT_FLOATS = SLOTS;
    /** Halves of one chunk in {{@link #runF16Staged}}'s ring: every work-item's {KEY_ROWS + VALUE_ROWS} runs of eight. */
    static final int RING_STAGE = {KEY_ROWS + VALUE_ROWS} * THREADS * 8;

    private SplitKvCore() {{
    }}

    /** {{@code bytes}} rounded up to 16: what a local array takes where devices align each to 16 bytes. */
    static long padded(long bytes) {{
        return (bytes + 15) / 16 * 16;
    }}

    /** First position of split {{@code split}} of {{@code length}} positions cut into {{@code splits}} equal spans. */
    static int splitStart(int length, int splits, int split) {{
        int span = (length + splits - 1) / splits;
        return Math.min(length, split * span);
    }}

    /** One past the last position of split {{@code split}}. */
    static int splitEnd(int length, int splits, int split) {{
        int span = (length + splits - 1) / splits;
        return Math.min(length, split * span + span);
    }}

    /** e^{{from − to}}, and 0 when {{@code from}} is −∞ (so −∞ − −∞ is never evaluated). */
    static float rescale(float from, float to) {{
        return from == Float.NEGATIVE_INFINITY ? 0f : KernelMath.exp(from - to);
    }}

    /** The {{@link #LANES}} key-pass partials of one (head, row), at partials[at…at + LANES − 1], in a balanced tree. */
    static float laneSum(float[] partials, int at) {{
        float s01 = (partials[at] + partials[at + 1]) + (partials[at + 2] + partials[at + 3]);
        float s23 = (partials[at + 4] + partials[at + 5]) + (partials[at + 6] + partials[at + 7]);
        float s45 = (partials[at + 8] + partials[at + 9]) + (partials[at + 10] + partials[at + 11]);
        float s67 = (partials[at + 12] + partials[at + 13]) + (partials[at + 14] + partials[at + 15]);
        return (s01 + s23) + (s45 + s67);
    }}

    static float pick(int h, float v0, float v1, float v2, float v3) {{
        return h == 0 ? v0 : h == 1 ? v1 : h == 2 ? v2 : v3;
    }}

    static float validMax(float x, int valid, float max) {{
        return valid != 0 ? Math.max(max, x) : max;
    }}

    static float validExp(float x, int valid, float max) {{
        return valid != 0 ? KernelMath.exp(x - max) : 0f;
    }}

    /**
     * The block's queries into local memory; zeros for heads past the group and dimensions past
     * headDim, so unused heads compute harmless finite values.
     */
    static void loadQueries(FloatArray q, float[] query, int t, int firstRow, int heads, int headDim) {{
        for (int e = t; e < QUERY_FLOATS; e += THREADS) {{
            int h = e / MAX_HEAD_DIM;
            int d = e % MAX_HEAD_DIM;
            query[e] = h < heads && d < headDim ? q.get((firstRow + h) * headDim + d) : 0f;
        }}
    }}
'''

tail = '''
    /** The largest of the row slots' running maxima. */
    static float slotMax(float[] statM) {
        float top = Float.NEGATIVE_INFINITY;
        for (int s = 0; s < SLOTS; s++) {
            top = Math.max(top, statM[s]);
        }
        return top;
    }

    /**
     * Merges the row slots of one head (slot s: partials[s·MAX_HEAD_DIM + d], statM[s], statL[s], and in
     * synchronised mode its weight e^{m_s − M} in weights[s]) and stores the split's result for query row
     * {@code row}: synchronised mode the §0 merge, normalised (0 for an empty split), and M + log ℓ (−∞
     * when empty); unified mode the numerator and the denominator (every slot's shift is φ, so they add).
     */
    static void writeSplit(float[] partials, float[] statM, float[] statL, float[] weights, FloatArray outA,
                           FloatArray outB, int t, int row, int split, int splits, int headDim, int unified) {
        if (t < headDim) {
            int at = row * splits + split;
            float o = 0f;
            float l = 0f;
            if (unified != 0) {
                for (int s = 0; s < SLOTS; s++) {
                    o += partials[s * MAX_HEAD_DIM + t];
                    l += statL[s];
                }
                outA.set(at * headDim + t, o);
                if (t == 0) {
                    outB.set(at, l);
                }
            } else {
                float top = slotMax(statM);
                for (int s = 0; s < SLOTS; s++) {
                    float w = weights[s];
                    o = Math.fma(w, partials[s * MAX_HEAD_DIM + t], o);
                    l = Math.fma(w, statL[s], l);
                }
                outA.set(at * headDim + t, !(l <= 0f) ? o / l : 0f); // a NaN score passes
                if (t == 0) {
                    outB.set(at, !(l <= 0f) ? top + KernelMath.log(l) : Float.NEGATIVE_INFINITY);
                }
            }
        }
    }
}
'''

src = (head + dispatch("FloatArray", "F32") + dispatch("HalfFloatArray", "F16")
       + body("FloatArray", "get", "F32", 1) + "\n" + body("FloatArray", "get", "F32", 4) + "\n"
       + body("HalfFloatArray", "getFloat", "F16", 1) + "\n" + body("HalfFloatArray", "getFloat", "F16", 4) + "\n"
       + staged_dispatch() + body("HalfFloatArray", "getFloat", "F16", 4, True) + "\n" + tail)
open("tornado-kernels/src/main/java/dev/squall/kernels/attention/SplitKvCore.java", "w").write(src)
