// Experiment (not part of the build): how fast can one decode-attention step go where it is latency-bound
// (B = 1, L = 4096, Hq = 32, D = 128, f16 cache), and how fast can any kernel read that many bytes?
//  - empty: an empty kernel, the harness's own floor;
//  - read<N>: every thread issues N 16-byte loads up front and folds them (the size's read floor);
//  - decode<G, T, SHUF>: split-KV decode, one work-group per 16·T positions of a kv head, every load issued
//    up front (T key and T value pieces per thread), 16 threads per position, the last work-group of the kv
//    row merging (a ticket); SHUF: reductions by warp shuffles, else by local-memory trees and barriers
//    (what a Squall kernel can say without shuffles).
// Timing as KernelBench: each timed launch queued behind a spin kernel, event-timed, inputs rotated past
// the L2. Build: nvcc -O3 -arch=sm_90 -o decode-latency decode-latency.cu
#include <cuda_runtime.h>
#include <cuda_fp16.h>
#include <cstdio>
#include <cstdlib>
#include <cmath>
#include <vector>
#include <algorithm>
#include <functional>
#define CK(x) do { cudaError_t e = (x); if (e != cudaSuccess) { printf("%s:%d %s\n", __FILE__, __LINE__, cudaGetErrorString(e)); exit(1);} } while (0)

constexpr int D = 128;
constexpr int THREADS = 256;

__global__ void spin(long long cycles) { long long t0 = clock64(); while (clock64() - t0 < cycles) {} }
__global__ void empty() {}

template <int N>
__global__ void __launch_bounds__(256) readUpFront(const uint4* __restrict__ src, long count, unsigned* sink) {
    long base = (long) blockIdx.x * 256 * N + threadIdx.x;
    uint4 v[N];
#pragma unroll
    for (int i = 0; i < N; i++) { long j = base + 256L * i; v[i] = j < count ? __ldg(src + j) : make_uint4(0, 0, 0, 0); }
    unsigned x = 0;
#pragma unroll
    for (int i = 0; i < N; i++) x ^= v[i].x ^ v[i].y ^ v[i].z ^ v[i].w;
    if (x == 0x9e3779b9u) sink[0] = x;
}

__device__ inline void toFloats(uint4 u, float* f) {
    const half2* h = (const half2*) &u;
#pragma unroll
    for (int i = 0; i < 4; i++) { float2 p = __half22float2(h[i]); f[2 * i] = p.x; f[2 * i + 1] = p.y; }
}

// q (Hq, D) f32; K, V (Hkv, cap, D) f16; out (Hq, D); partials pOut (Hq, S, D), pM, pL (Hq, S); tickets (Hkv)
// MODE 0: the work-group's max, partials, the last work-group merges; 1: partials only (no ticket, no
// merge: not a result); 2: unified max phi = 0 (FlashDecoding++), sums added into num/den by red.add, the
// last work-group divides; 3: no global write at all (not a result)
template <int G, int T, bool SHUF, int MODE = 0>
__global__ void __launch_bounds__(THREADS, 2) decode(const float* __restrict__ q, const half* __restrict__ K,
        const half* __restrict__ V, float* __restrict__ out, float* pOut, float* pM, float* pL, unsigned* tickets,
        int cap, int len, float scaleLog2) {
    constexpr int P = 16 * T;
    constexpr int PARTS = THREADS / (G * 32) > 0 ? THREADS / (G * 32) : 1;
    __shared__ float qs[G * D];
    __shared__ float red[8 * G * D];        // per-warp sums of the outputs (SHUF) / per-row-group sums
    __shared__ float stat[16 * G];
    __shared__ float dots[SHUF ? 1 : P * G * 17];
    __shared__ float scores[SHUF ? 1 : P * G];
    __shared__ float wsplit[G * 256];
    __shared__ unsigned last;
    const int split = blockIdx.x, kv = blockIdx.y, S = gridDim.x;
    const int tid = threadIdx.x, lane = tid & 31, warp = tid >> 5, chunk = tid & 15, r0 = tid >> 4;
    const int first = split * P;
    const uint4* K4 = (const uint4*) (K + (long) kv * cap * D);
    const uint4* V4 = (const uint4*) (V + (long) kv * cap * D);
    uint4 kr[T], vr[T];
#pragma unroll
    for (int t = 0; t < T; t++) {
        int p = min(first + r0 + 16 * t, len - 1);
        kr[t] = __ldg(K4 + p * 16 + chunk);
    }
#pragma unroll
    for (int t = 0; t < T; t++) {
        int p = min(first + r0 + 16 * t, len - 1);
        vr[t] = __ldg(V4 + p * 16 + chunk);
    }
    for (int i = tid; i < G * D / 4; i += THREADS)
        ((float4*) qs)[i] = ((const float4*) (q + (long) kv * G * D))[i];
    __syncthreads();
    float s[T][G];
#pragma unroll
    for (int t = 0; t < T; t++) {
        float k[8];
        toFloats(kr[t], k);
#pragma unroll
        for (int h = 0; h < G; h++) {
            float4 a = ((float4*) qs)[(h * D + chunk * 8) / 4], b = ((float4*) qs)[(h * D + chunk * 8) / 4 + 1];
            float d = a.x * k[0] + a.y * k[1] + a.z * k[2] + a.w * k[3] + b.x * k[4] + b.y * k[5] + b.z * k[6] + b.w * k[7];
            if (SHUF) {
#pragma unroll
                for (int m = 8; m > 0; m >>= 1) d += __shfl_xor_sync(0xffffffffu, d, m);
                s[t][h] = first + r0 + 16 * t < len ? d * scaleLog2 : -INFINITY;
            } else {
                dots[((r0 + 16 * t) * G + h) * 17 + chunk] = d;
            }
        }
    }
    float mx[G];
    if (!SHUF) {
        __syncthreads();
        for (int i = tid; i < P * G; i += THREADS) {
            float d = 0;
#pragma unroll
            for (int c = 0; c < 16; c++) d += dots[i * 17 + c];
            scores[i] = first + i / G < len ? d * scaleLog2 : -INFINITY;
        }
        __syncthreads();
#pragma unroll
        for (int t = 0; t < T; t++)
#pragma unroll
            for (int h = 0; h < G; h++) s[t][h] = scores[(r0 + 16 * t) * G + h];
    }
    // the work-group's max per head
#pragma unroll
    for (int h = 0; h < G; h++) {
        if (MODE == 2) { mx[h] = 0; continue; }
        float m = s[0][h];
#pragma unroll
        for (int t = 1; t < T; t++) m = fmaxf(m, s[t][h]);
        mx[h] = m;
    }
    if (MODE == 2) {
    } else if (SHUF) {
#pragma unroll
        for (int h = 0; h < G; h++) mx[h] = fmaxf(mx[h], __shfl_xor_sync(0xffffffffu, mx[h], 16));
        if (lane == 0)
#pragma unroll
            for (int h = 0; h < G; h++) stat[warp * G + h] = mx[h];
        __syncthreads();
#pragma unroll
        for (int h = 0; h < G; h++) {
            float m = stat[h];
#pragma unroll
            for (int w = 1; w < 8; w++) m = fmaxf(m, stat[w * G + h]);
            mx[h] = m;
        }
    } else {
        if (chunk == 0)
#pragma unroll
            for (int h = 0; h < G; h++) stat[r0 * G + h] = mx[h];
        __syncthreads();
#pragma unroll
        for (int h = 0; h < G; h++) {
            float m = stat[h];
#pragma unroll
            for (int w = 1; w < 16; w++) m = fmaxf(m, stat[w * G + h]);
            mx[h] = m;
        }
    }
    float acc[G][8], l[G];
#pragma unroll
    for (int h = 0; h < G; h++) { l[h] = 0; for (int i = 0; i < 8; i++) acc[h][i] = 0; }
    const float base0 = 0;
#pragma unroll
    for (int t = 0; t < T; t++) {
        float v[8];
        toFloats(vr[t], v);
#pragma unroll
        for (int h = 0; h < G; h++) {
            float w = mx[h] == -INFINITY ? base0 : exp2f(s[t][h] - mx[h]);
            l[h] += w;
#pragma unroll
            for (int i = 0; i < 8; i++) acc[h][i] += w * v[i];
        }
    }
    __syncthreads();  // stat and scores are read above
    if (SHUF) {
#pragma unroll
        for (int h = 0; h < G; h++) {
            l[h] += __shfl_xor_sync(0xffffffffu, l[h], 16);
#pragma unroll
            for (int i = 0; i < 8; i++) acc[h][i] += __shfl_xor_sync(0xffffffffu, acc[h][i], 16);
        }
        if (lane < 16) {
#pragma unroll
            for (int h = 0; h < G; h++) {
                float4* dst = (float4*) &red[(warp * G + h) * D + chunk * 8];
                dst[0] = make_float4(acc[h][0], acc[h][1], acc[h][2], acc[h][3]);
                dst[1] = make_float4(acc[h][4], acc[h][5], acc[h][6], acc[h][7]);
                if (chunk == 0) stat[warp * G + h] = l[h];
            }
        }
    } else {
        // sixteen row groups: two rounds of eight through red
#pragma unroll
        for (int round = 0; round < 2; round++) {
            if ((r0 >> 3) == round) {
                int g8 = r0 & 7;
#pragma unroll
                for (int h = 0; h < G; h++) {
                    float4* dst = (float4*) &red[(g8 * G + h) * D + chunk * 8];
                    float4 o0 = make_float4(acc[h][0], acc[h][1], acc[h][2], acc[h][3]);
                    float4 o1 = make_float4(acc[h][4], acc[h][5], acc[h][6], acc[h][7]);
                    if (round == 1) {
                        float4 p0 = dst[0], p1 = dst[1];
                        o0.x += p0.x; o0.y += p0.y; o0.z += p0.z; o0.w += p0.w;
                        o1.x += p1.x; o1.y += p1.y; o1.z += p1.z; o1.w += p1.w;
                    }
                    dst[0] = o0; dst[1] = o1;
                    if (chunk == 0) stat[r0 * G + h] = l[h];
                }
            }
            __syncthreads();
        }
    }
    __syncthreads();
    constexpr int RG = SHUF ? 8 : 16;  // groups holding l
    constexpr int OG = 8;              // groups holding outputs
    float* myOut = out;
    for (int i = tid; i < G * D; i += THREADS) {
        int h = i / D, d = i % D;
        float o = 0, lt = 0;
#pragma unroll
        for (int w = 0; w < OG; w++) o += red[(w * G + h) * D + d];
#pragma unroll
        for (int w = 0; w < RG; w++) lt += stat[w * G + h];
        int row = kv * G + h;
        if (MODE == 3) {
            if (o == 12345.f) out[0] = lt;
        } else if (MODE == 2) {
            atomicAdd(pOut + (long) row * D + d, o);
            if (d == 0) atomicAdd(pL + row, lt);
        } else if (S == 1) {
            myOut[(long) row * D + d] = o / lt;
        } else {
            pOut[((long) row * S + split) * D + d] = o;
            if (d == 0) { pM[row * S + split] = mx[h]; pL[row * S + split] = lt; }
        }
    }
    if (S == 1 || MODE == 1 || MODE == 3) return;
    __threadfence();
    __syncthreads();
    if (tid == 0) last = atomicAdd(&tickets[kv], 1u) == (unsigned) S - 1;
    __syncthreads();
    if (!last) return;
    __threadfence();
    if (MODE == 2) {
        for (int i = tid; i < G * D; i += THREADS) {
            int row = kv * G + i / D;
            float o = __ldcg(pOut + (long) kv * G * D + i), lt = __ldcg(pL + row);
            out[(long) kv * G * D + i] = o / lt;
        }
        __syncthreads();
        for (int i = tid; i < G * D; i += THREADS) pOut[(long) kv * G * D + i] = 0;
        if (tid < G) pL[kv * G + tid] = 0;
        if (tid == 0) tickets[kv] = 0;
        return;
    }
    // merge: per head, the common max and each split's weight (S ≤ 256)
    for (int i = tid; i < G * S; i += THREADS) wsplit[i] = __ldcg(pM + (long) (kv * G + i / S) * S + i % S);
    __syncthreads();
    if (warp < G) {
        float m = -INFINITY;
        for (int sp = lane; sp < S; sp += 32) m = fmaxf(m, wsplit[warp * S + sp]);
#pragma unroll
        for (int o = 16; o > 0; o >>= 1) m = fmaxf(m, __shfl_xor_sync(0xffffffffu, m, o));
        float lt = 0;
        for (int sp = lane; sp < S; sp += 32) {
            float ms = wsplit[warp * S + sp];
            float w = ms == -INFINITY ? 0.f : exp2f(ms - m);
            wsplit[warp * S + sp] = w;
            lt += w * __ldcg(pL + (long) (kv * G + warp) * S + sp);
        }
#pragma unroll
        for (int o = 16; o > 0; o >>= 1) lt += __shfl_xor_sync(0xffffffffu, lt, o);
        if (lane == 0) stat[warp] = lt;
    }
    __syncthreads();
    // G·32 float4 columns; PARTS threads per column, each over every PARTS-th split
    int col = tid % (G * 32), part = tid / (G * 32);
    if (part < PARTS) {
        int h = col / 32, d4 = col % 32;
        const float4* src = (const float4*) (pOut + (long) (kv * G + h) * S * D) + d4;
        float4 o = make_float4(0, 0, 0, 0);
#pragma unroll 8
        for (int sp = part; sp < S; sp += PARTS) {
            float w = wsplit[h * S + sp];
            float4 x = __ldcg(src + sp * (D / 4));
            o.x += w * x.x; o.y += w * x.y; o.z += w * x.z; o.w += w * x.w;
        }
        ((float4*) red)[part * G * 32 + col] = o;
    }
    __syncthreads();
    if (tid < G * 32) {
        int h = tid / 32;
        float4 o = ((float4*) red)[tid];
        for (int p = 1; p < PARTS; p++) {
            float4 x = ((float4*) red)[p * G * 32 + tid];
            o.x += x.x; o.y += x.y; o.z += x.z; o.w += x.w;
        }
        float inv = 1.f / stat[h];
        o.x *= inv; o.y *= inv; o.z *= inv; o.w *= inv;
        ((float4*) (out + (long) (kv * G) * D))[tid] = o;
    }
    if (tid == 0) tickets[kv] = 0;
}

static float median(std::vector<float> v, float* p10, float* p90) {
    std::sort(v.begin(), v.end());
    *p10 = v[v.size() / 10]; *p90 = v[v.size() * 9 / 10];
    return v[v.size() / 2];
}

// times launch(i) for runs rotated sets, each behind a spin kernel; prints median [p10-p90] in us
static float timeIt(const char* name, int sets, std::function<void(int)> launch, double bytes) {
    cudaEvent_t a, b;
    CK(cudaEventCreate(&a)); CK(cudaEventCreate(&b));
    for (int i = 0; i < 5; i++) launch(i % sets);
    CK(cudaDeviceSynchronize());
    std::vector<float> t;
    for (int i = 0; i < 60; i++) {
        spin<<<1, 1>>>(200000);
        CK(cudaEventRecord(a));
        launch(i % sets);
        CK(cudaEventRecord(b));
        CK(cudaEventSynchronize(b));
        float ms; CK(cudaEventElapsedTime(&ms, a, b));
        t.push_back(ms * 1000.f);
    }
    CK(cudaGetLastError());
    float p10, p90, m = median(t, &p10, &p90);
    printf("%-34s %8.2f us [%6.2f-%6.2f]  %7.1f GB/s\n", name, m, p10, p90, bytes > 0 ? bytes / m / 1e3 : 0.0);
    return m;
}

template <int G, int T, bool SHUF, int MODE = 0>
static void runDecode(int hkv, int len, int sets, std::vector<half*>& Ks, std::vector<half*>& Vs, float* q, float* out,
                      float* pOut, float* pM, float* pL, unsigned* tickets, const std::vector<float>& ref, double bytes) {
    int S = (len + 16 * T - 1) / (16 * T);
    float scaleLog2 = (float) (1.0 / std::sqrt((double) D) / std::log(2.0));
    auto launch = [&](int i) {
        decode<G, T, SHUF, MODE><<<dim3(S, hkv), THREADS>>>(q, Ks[i], Vs[i], out, pOut, pM, pL, tickets, len, len, scaleLog2);
    };
    // check set 0 against the float64 reference, output poisoned first
    CK(cudaMemset(out, 0xff, (size_t) hkv * G * D * 4));
    if (MODE == 2) { CK(cudaMemset(pOut, 0, (size_t) hkv * G * D * 4)); CK(cudaMemset(pL, 0, (size_t) hkv * G * 4)); }
    launch(0);
    CK(cudaDeviceSynchronize());
    std::vector<float> got((size_t) hkv * G * D);
    CK(cudaMemcpy(got.data(), out, got.size() * 4, cudaMemcpyDeviceToHost));
    double err = 0;
    for (size_t i = 0; i < got.size(); i++) err = std::isnan(got[i]) ? 1e9 : std::max(err, (double) std::fabs(got[i] - ref[i]));
    char name[96];
    const char* modes[] = {"", " partials only", " unified+red", " no writes"};
    snprintf(name, sizeof name, "decode G=%d T=%d S=%d %s%s", G, T, S, SHUF ? "shfl" : "trees", modes[MODE]);
    if (MODE == 0 || MODE == 2) printf("%s max|err| %.2e %s\n", name, err, err < 2e-3 ? "ok" : "WRONG");
    timeIt(name, sets, launch, bytes);
}

int main(int argc, char** argv) {
    bool reads = argc < 2;  // any argument: skip the read floors
    int dev; CK(cudaGetDevice(&dev));
    cudaDeviceProp prop; CK(cudaGetDeviceProperties(&prop, dev));
    printf("%s, %d SMs, L2 %d MB\n", prop.name, prop.multiProcessorCount, prop.l2CacheSize >> 20);
    unsigned* sink; CK(cudaMalloc(&sink, 4));
    timeIt("empty kernel", 1, [&](int) { empty<<<132, 256>>>(); }, 0);
    // read floors
    size_t total = 400ull << 20;
    uint4* pool; CK(cudaMalloc(&pool, total));
    CK(cudaMemset(pool, 1, total));
    for (double mb : {8.4, 12.6, 16.8, 33.6, 67.1, 134.2, 268.4}) {
        if (!reads) break;
        long count = (long) (mb * 1e6 / 16);
        int sets = std::max(1, (int) (total / (count * 16)));
        sets = std::min(sets, 8);
        char name[64];
        snprintf(name, sizeof name, "read %.1f MB, 4 up front", mb);
        timeIt(name, sets, [&](int i) { readUpFront<4><<<(count + 1023) / 1024, 256>>>(pool + i * count, count, sink); }, mb * 1e6);
        snprintf(name, sizeof name, "read %.1f MB, 8 up front", mb);
        timeIt(name, sets, [&](int i) { readUpFront<8><<<(count + 2047) / 2048, 256>>>(pool + i * count, count, sink); }, mb * 1e6);
        snprintf(name, sizeof name, "read %.1f MB, 16 up front", mb);
        timeIt(name, sets, [&](int i) { readUpFront<16><<<(count + 4095) / 4096, 256>>>(pool + i * count, count, sink); }, mb * 1e6);
    }
    CK(cudaFree(pool));
    // decode, B = 1, Hq = 32, L = 4096
    const int len = 4096, hq = 32;
    for (int hkv : {8, 32}) {
        size_t elems = (size_t) hkv * len * D;
        double bytes = 2.0 * elems * 2;
        int sets = std::max(2, (int) (160e6 / bytes) + 1);
        std::vector<half*> Ks(sets), Vs(sets);
        std::vector<half> hk(elems), hv(elems);
        std::vector<float> hq32((size_t) hq * D);
        srand(1234 + hkv);
        auto rnd = [] { return (float) rand() / RAND_MAX * 2 - 1; };
        for (auto& x : hq32) x = rnd() * 2;
        for (int s = 0; s < sets; s++) {
            for (size_t i = 0; i < elems; i++) { hk[i] = __float2half(rnd()); hv[i] = __float2half(rnd()); }
            CK(cudaMalloc(&Ks[s], elems * 2)); CK(cudaMalloc(&Vs[s], elems * 2));
            CK(cudaMemcpy(Ks[s], hk.data(), elems * 2, cudaMemcpyHostToDevice));
            CK(cudaMemcpy(Vs[s], hv.data(), elems * 2, cudaMemcpyHostToDevice));
            if (s == 0) continue;
        }
        // reference for set 0 (re-create it: the loop above overwrote hk, hv)
        srand(1234 + hkv);
        for (auto& x : hq32) x = rnd() * 2;
        for (size_t i = 0; i < elems; i++) { hk[i] = __float2half(rnd()); hv[i] = __float2half(rnd()); }
        int g = hq / hkv;
        std::vector<float> ref((size_t) hq * D);
        for (int h = 0; h < hq; h++) {
            int kvh = h / g;
            std::vector<double> sc(len);
            double m = -1e300;
            for (int p = 0; p < len; p++) {
                double d = 0;
                for (int i = 0; i < D; i++) d += (double) hq32[h * D + i] * (double) __half2float(hk[((size_t) kvh * len + p) * D + i]);
                sc[p] = d / std::sqrt((double) D);
                m = std::max(m, sc[p]);
            }
            double l = 0;
            for (int p = 0; p < len; p++) { sc[p] = std::exp(sc[p] - m); l += sc[p]; }
            for (int i = 0; i < D; i++) {
                double o = 0;
                for (int p = 0; p < len; p++) o += sc[p] * (double) __half2float(hv[((size_t) kvh * len + p) * D + i]);
                ref[h * D + i] = (float) (o / l);
            }
        }
        float *q, *out, *pOut, *pM, *pL; unsigned* tickets;
        CK(cudaMalloc(&q, hq * D * 4)); CK(cudaMemcpy(q, hq32.data(), hq * D * 4, cudaMemcpyHostToDevice));
        CK(cudaMalloc(&out, hq * D * 4));
        CK(cudaMalloc(&pOut, (size_t) hq * 256 * D * 4)); CK(cudaMalloc(&pM, hq * 256 * 4)); CK(cudaMalloc(&pL, hq * 256 * 4));
        CK(cudaMalloc(&tickets, hkv * 4)); CK(cudaMemset(tickets, 0, hkv * 4));
        printf("== decode B=1 Hq=32 Hkv=%d L=%d D=128 f16: %.1f MB of K and V, %d sets\n", hkv, len, bytes / 1e6, sets);
        if (hkv == 8) {
            runDecode<4, 2, true>(hkv, len, sets, Ks, Vs, q, out, pOut, pM, pL, tickets, ref, bytes);
            runDecode<4, 4, true>(hkv, len, sets, Ks, Vs, q, out, pOut, pM, pL, tickets, ref, bytes);
            runDecode<4, 8, true>(hkv, len, sets, Ks, Vs, q, out, pOut, pM, pL, tickets, ref, bytes);
            runDecode<4, 8, true, 1>(hkv, len, sets, Ks, Vs, q, out, pOut, pM, pL, tickets, ref, bytes);
            runDecode<4, 8, true, 3>(hkv, len, sets, Ks, Vs, q, out, pOut, pM, pL, tickets, ref, bytes);
            runDecode<4, 8, true, 2>(hkv, len, sets, Ks, Vs, q, out, pOut, pM, pL, tickets, ref, bytes);
            runDecode<4, 4, true, 2>(hkv, len, sets, Ks, Vs, q, out, pOut, pM, pL, tickets, ref, bytes);
            runDecode<4, 4, true, 3>(hkv, len, sets, Ks, Vs, q, out, pOut, pM, pL, tickets, ref, bytes);
        } else {
            runDecode<1, 4, true>(hkv, len, sets, Ks, Vs, q, out, pOut, pM, pL, tickets, ref, bytes);
            runDecode<1, 8, true>(hkv, len, sets, Ks, Vs, q, out, pOut, pM, pL, tickets, ref, bytes);
            runDecode<1, 8, true, 1>(hkv, len, sets, Ks, Vs, q, out, pOut, pM, pL, tickets, ref, bytes);
            runDecode<1, 8, true, 3>(hkv, len, sets, Ks, Vs, q, out, pOut, pM, pL, tickets, ref, bytes);
            runDecode<1, 8, true, 2>(hkv, len, sets, Ks, Vs, q, out, pOut, pM, pL, tickets, ref, bytes);
            runDecode<1, 4, true, 2>(hkv, len, sets, Ks, Vs, q, out, pOut, pM, pL, tickets, ref, bytes);
        }
        for (int s = 0; s < sets; s++) { cudaFree(Ks[s]); cudaFree(Vs[s]); }
        cudaFree(q); cudaFree(out); cudaFree(pOut); cudaFree(pM); cudaFree(pL); cudaFree(tickets);
    }
    return 0;
}
