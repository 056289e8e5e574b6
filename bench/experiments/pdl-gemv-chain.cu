// Experiment (not part of the build): does programmatic dependent launch shorten a Llama-3.2-1B-like decode
// step (81 latency-bound GEMVs in a CUDA graph: per layer QKV, a 2400x128 stand-in for attention, O, gate/up
// and down, then the vocabulary)? Variants: 0 plain; 1 PDL, wait first; 2 PDL, weights preloaded into
// registers before the wait; 3 PDL, L2 bulk prefetch of the block's rows before the wait; 4 PDL, wait first
// and no explicit trigger (what Squall's PTX does since the eighteenth session). Results and how to run it:
// bench/results/2026-11-30-h200-growing-splits.md, bench/results/2026-11-30-h200-llama-step-host.md. Build: nvcc -O3 -arch=sm_90 -o pdl pdl-gemv-chain.cu
#include <cuda.h>
#include <cuda_runtime.h>
#include <cuda_fp16.h>
#include <cstdio>
#include <cstdlib>
#include <vector>
#include <algorithm>
#define CK(x) do { cudaError_t e = (x); if (e != cudaSuccess) { printf("%s:%d %s\n", __FILE__, __LINE__, cudaGetErrorString(e)); exit(1);} } while (0)

constexpr int WARPS = 4;       // one row per warp
constexpr int PRE = 8;         // uint4 per lane preloaded (K up to 2048 fully)

template <int MODE>
__global__ void __launch_bounds__(128) gemv(const half* __restrict__ W, const float* __restrict__ x, float* __restrict__ y, int N, int K) {
    int warp = threadIdx.x / 32, lane = threadIdx.x % 32;
    int row = blockIdx.x * WARPS + warp;
    if (MODE == 3 && threadIdx.x == 0) {
        long first = (long) blockIdx.x * WARPS;
        long rows = min((long) WARPS, (long) N - first);
        const char* p = (const char*) (W + first * K);
        unsigned bytes = (unsigned) (rows * K * 2);
        asm volatile("cp.async.bulk.prefetch.L2.global [%0], %1;" :: "l"(p), "r"(bytes) : "memory");
    }
    uint4 pre[PRE];
    const uint4* wrow = (const uint4*) (W + (long) min(row, N - 1) * K);
    int pieces = K / 8;  // 16-byte pieces in a row
    if (MODE == 2) {
#pragma unroll
        for (int i = 0; i < PRE; i++) { int j = lane + 32 * i; pre[i] = j < pieces ? __ldg(wrow + j) : make_uint4(0,0,0,0); }
    }
    if (MODE != 0 && MODE != 4) {
        asm volatile("griddepcontrol.launch_dependents;" ::: "memory");
    }
    if (MODE != 0) {
        asm volatile("griddepcontrol.wait;" ::: "memory");
    }
    if (row >= N) return;
    float acc = 0;
    const float4* x4 = (const float4*) x;
    int start = 0;
    if (MODE == 2) {
#pragma unroll
        for (int i = 0; i < PRE; i++) {
            int j = lane + 32 * i;
            if (j < pieces) {
                const half2* h = (const half2*) &pre[i];
                float4 a = x4[2 * j], b = x4[2 * j + 1];
                float2 f0 = __half22float2(h[0]), f1 = __half22float2(h[1]), f2 = __half22float2(h[2]), f3 = __half22float2(h[3]);
                acc += f0.x * a.x + f0.y * a.y + f1.x * a.z + f1.y * a.w + f2.x * b.x + f2.y * b.y + f3.x * b.z + f3.y * b.w;
            }
        }
        start = 32 * PRE;
    }
#pragma unroll 4
    for (int j = start + lane; j < pieces; j += 32) {
        uint4 w = __ldg(wrow + j);
        const half2* h = (const half2*) &w;
        float4 a = x4[2 * j], b = x4[2 * j + 1];
        float2 f0 = __half22float2(h[0]), f1 = __half22float2(h[1]), f2 = __half22float2(h[2]), f3 = __half22float2(h[3]);
        acc += f0.x * a.x + f0.y * a.y + f1.x * a.z + f1.y * a.w + f2.x * b.x + f2.y * b.y + f3.x * b.z + f3.y * b.w;
    }
    for (int o = 16; o > 0; o /= 2) acc += __shfl_xor_sync(0xffffffff, acc, o);
    if (lane == 0) y[row] = acc * 1e-3f + 0.5f * x[row % K];
}

struct Mat { half* w; int n, k; };

template <int MODE>
void launch(cudaStream_t s, const Mat& m, const float* x, float* y) {
    cudaLaunchConfig_t cfg = {};
    cfg.gridDim = dim3((m.n + WARPS - 1) / WARPS); cfg.blockDim = dim3(32 * WARPS); cfg.stream = s;
    cudaLaunchAttribute attr[1];
    attr[0].id = cudaLaunchAttributeProgrammaticStreamSerialization;
    attr[0].val.programmaticStreamSerializationAllowed = 1;
    cfg.attrs = attr; cfg.numAttrs = MODE == 0 ? 0 : 1;
    CK(cudaLaunchKernelEx(&cfg, gemv<MODE>, (const half*) m.w, x, y, m.n, m.k));
}

int main(int argc, char** argv) {
    int only = argc > 1 ? atoi(argv[1]) : -1;  // one mode, three replays (for Nsight Compute)
    int layers = 16, dim = 2048, ffn = 8192, vocab = 128256;
    std::vector<Mat> mats;
    auto mk = [&](int n, int k) { Mat m{nullptr, n, k}; CK(cudaMalloc(&m.w, (size_t) n * k * 2)); CK(cudaMemset(m.w, 0x11, (size_t) n * k * 2)); return m; };
    for (int l = 0; l < layers; l++) {
        mats.push_back(mk(3072, dim));      // qkv
        mats.push_back(mk(8 * 300, 128));   // attention stand-in (small)
        mats.push_back(mk(dim, dim));       // o
        mats.push_back(mk(2 * ffn, dim));   // gate/up
        mats.push_back(mk(dim, ffn));       // down
    }
    mats.push_back(mk(vocab, dim));
    float *x, *y;
    CK(cudaMalloc(&x, 1 << 20)); CK(cudaMalloc(&y, 1 << 20));
    CK(cudaMemset(x, 0, 1 << 20));
    cudaStream_t s; CK(cudaStreamCreate(&s));
    cudaEvent_t e0, e1; CK(cudaEventCreate(&e0)); CK(cudaEventCreate(&e1));
    const char* names[] = {"plain", "pdl-wait-first", "pdl-preload-regs", "pdl-l2-prefetch", "pdl-wait-only"};
    cudaGraphExec_t execs[5];
    for (int mode = 0; mode < 5; mode++) {
        if (only >= 0 && mode != only) continue;
        cudaGraph_t g;
        CK(cudaStreamBeginCapture(s, cudaStreamCaptureModeThreadLocal));
        for (size_t i = 0; i < mats.size(); i++) {
            float* in = (i % 2) ? y : x; float* out = (i % 2) ? x : y;
            switch (mode) { case 0: launch<0>(s, mats[i], in, out); break; case 1: launch<1>(s, mats[i], in, out); break;
                            case 2: launch<2>(s, mats[i], in, out); break; case 3: launch<3>(s, mats[i], in, out); break;
                            default: launch<4>(s, mats[i], in, out); }
        }
        CK(cudaStreamEndCapture(s, &g));
        CK(cudaGraphInstantiate(&execs[mode], g, 0));
    }
    if (only >= 0) { for (int i = 0; i < 3; i++) CK(cudaGraphLaunch(execs[only], s)); CK(cudaStreamSynchronize(s)); return 0; }
    for (int round = 0; round < 3; round++) {
        for (int mode = 0; mode < 5; mode++) {
            for (int i = 0; i < 20; i++) CK(cudaGraphLaunch(execs[mode], s));
            std::vector<float> t;
            for (int i = 0; i < 50; i++) {
                CK(cudaEventRecord(e0, s)); CK(cudaGraphLaunch(execs[mode], s)); CK(cudaEventRecord(e1, s));
                CK(cudaEventSynchronize(e1)); float ms; CK(cudaEventElapsedTime(&ms, e0, e1)); t.push_back(ms);
            }
            std::sort(t.begin(), t.end());
            printf("round %d %-18s median %.4f ms  p10 %.4f p90 %.4f\n", round, names[mode], t[25], t[5], t[45]);
        }
    }
    return 0;
}
