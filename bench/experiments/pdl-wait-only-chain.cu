// Experiment (not part of the build): a chain of 65 f16 mat-vecs shaped like a Llama-3.2-1B step (per layer
// 3072x2048, 2048x2048, 16384x2048, 2048x8192, then 128256x2048; one warp per row, 256-thread blocks) in a
// CUDA graph, launched plainly or with programmatic dependent launch in the modes below. The eighteenth
// session's results: bench/results/2026-11-30-h200-llama-step-host.md. Build: nvcc -O3 -arch=sm_90 -o pdl2
// pdl-wait-only-chain.cu; ./pdl2 (every mode); see also pdl-gemv-chain.cu (128-thread blocks, 81 launches).
#include <cuda_fp16.h>
#include <cstdio>
#include <vector>
#include <algorithm>
#define CK(x) do { cudaError_t e = (x); if (e != cudaSuccess) { printf("%s:%d %s\n", __FILE__, __LINE__, cudaGetErrorString(e)); exit(1);} } while (0)

// MODE 0 plain; 1 trigger+wait at entry; 2 prefetch 1, trigger, wait; 3 wait only (implicit trigger);
// 4 prefetch 4 per lane, trigger, wait; 5 prefetch 4, wait, trigger after the loop; 6 prefetch 4, wait (implicit trigger)
template <int MODE>
__global__ void __launch_bounds__(256) matvec(const __half* __restrict__ w, const float* x, float* out, int n, int k) {
  int warp = (blockIdx.x * 256 + threadIdx.x) >> 5, lane = threadIdx.x & 31;
  int row = min(warp, n - 1);
  const uint4* wr = reinterpret_cast<const uint4*>(w + (size_t)row * k);
  constexpr int PRE = (MODE == 2) ? 1 : (MODE == 4 || MODE == 5 || MODE == 6 ? 4 : 0);
  uint4 pre[4];
#pragma unroll
  for (int i = 0; i < PRE; i++) pre[i] = wr[lane + 32 * i];
  if (MODE == 1 || MODE == 2 || MODE == 4) asm volatile("griddepcontrol.launch_dependents;");
  if (MODE >= 1) asm volatile("griddepcontrol.wait;" ::: "memory");
  float acc = 0.f;
  int i = 0;
  for (int c = lane; c < k / 8; c += 32, i++) {
    uint4 v;
    if (PRE > 0 && i < PRE) { v = pre[0]; if (PRE > 1) { if (i == 1) v = pre[1]; if (i == 2) v = pre[2]; if (i == 3) v = pre[3]; } }
    else v = wr[c];
    const __half2* h = reinterpret_cast<const __half2*>(&v);
    const float4* xp = reinterpret_cast<const float4*>(x + c * 8);
    float4 a = xp[0], b = xp[1];
    float2 f0 = __half22float2(h[0]), f1 = __half22float2(h[1]), f2 = __half22float2(h[2]), f3 = __half22float2(h[3]);
    acc = fmaf(f0.x, a.x, acc); acc = fmaf(f0.y, a.y, acc); acc = fmaf(f1.x, a.z, acc); acc = fmaf(f1.y, a.w, acc);
    acc = fmaf(f2.x, b.x, acc); acc = fmaf(f2.y, b.y, acc); acc = fmaf(f3.x, b.z, acc); acc = fmaf(f3.y, b.w, acc);
  }
  if (MODE == 5) asm volatile("griddepcontrol.launch_dependents;");
  for (int o = 16; o; o >>= 1) acc += __shfl_xor_sync(0xffffffff, acc, o);
  if (lane == 0 && warp < n) out[warp] = acc * 1e-3f;
}

struct Op { int n, k; __half* w; float* in; float* out; };

int main() {
  int dim = 2048, ffn = 8192, vocab = 128256, layers = 16;
  std::vector<std::pair<int,int>> shapes;
  for (int l = 0; l < layers; l++) { shapes.push_back({3072, dim}); shapes.push_back({dim, 3072 > dim ? dim : dim}); shapes.push_back({2 * ffn, dim}); shapes.push_back({dim, ffn}); }
  shapes.push_back({vocab, dim});
  // x buffers: max size
  float *xa, *xb; CK(cudaMalloc(&xa, 4 * 2 * 128256 * 4)); CK(cudaMalloc(&xb, 4 * 2 * 128256 * 4));
  CK(cudaMemset(xa, 0, 4 * 2 * 128256 * 4)); CK(cudaMemset(xb, 0, 4 * 2 * 128256 * 4));
  std::vector<Op> ops; size_t bytes = 0;
  for (size_t i = 0; i < shapes.size(); i++) {
    Op op{shapes[i].first, shapes[i].second};
    CK(cudaMalloc(&op.w, (size_t)op.n * op.k * 2)); CK(cudaMemset(op.w, 0x11, (size_t)op.n * op.k * 2));
    op.in = (i % 2) ? xb : xa; op.out = (i % 2) ? xa : xb; ops.push_back(op); bytes += (size_t)op.n * op.k * 2;
  }
  printf("%zu launches, %.1f MB of weights\n", ops.size(), bytes / 1e6);
  cudaStream_t s; CK(cudaStreamCreateWithFlags(&s, cudaStreamNonBlocking));
  for (int mode : {0, 1, 2, 3, 4, 5, 6, 0, 3}) {
    for (int rep = 0; rep < 1; rep++) {
    cudaGraph_t g; cudaGraphExec_t ge;
    CK(cudaStreamBeginCapture(s, cudaStreamCaptureModeThreadLocal));
    for (auto& op : ops) {
      cudaLaunchConfig_t cfg = {}; cudaLaunchAttribute at[1];
      cfg.gridDim = dim3((op.n + 7) / 8); cfg.blockDim = dim3(256); cfg.stream = s;
      at[0].id = cudaLaunchAttributeProgrammaticStreamSerialization; at[0].val.programmaticStreamSerializationAllowed = 1;
      cfg.attrs = at; cfg.numAttrs = mode >= 1 ? 1 : 0;
      void (*kern[7])(const __half*, const float*, float*, int, int) = {matvec<0>, matvec<1>, matvec<2>, matvec<3>, matvec<4>, matvec<5>, matvec<6>};
      CK(cudaLaunchKernelEx(&cfg, kern[mode], (const __half*)op.w, (const float*)op.in, op.out, op.n, op.k));
    }
    CK(cudaStreamEndCapture(s, &g)); CK(cudaGraphInstantiate(&ge, g, 0));
    for (int i = 0; i < 20; i++) CK(cudaGraphLaunch(ge, s));
    CK(cudaStreamSynchronize(s));
    cudaEvent_t e0, e1; cudaEventCreate(&e0); cudaEventCreate(&e1);
    std::vector<float> t;
    for (int i = 0; i < 200; i++) {
      cudaEventRecord(e0, s); CK(cudaGraphLaunch(ge, s)); cudaEventRecord(e1, s); cudaEventSynchronize(e1);
      float ms; cudaEventElapsedTime(&ms, e0, e1); t.push_back(ms);
    }
    std::sort(t.begin(), t.end());
    printf("mode %d (%s): median %.1f us [p10 %.1f, p90 %.1f]  %.0f GB/s\n", mode,
           mode == 0 ? "plain" : mode == 1 ? "trigger+wait at entry" : mode == 2 ? "prefetch 1, trigger, wait" : mode == 3 ? "wait only" : mode == 4 ? "prefetch 4, trigger, wait" : mode == 5 ? "prefetch 4, wait, trigger late" : "prefetch 4, wait (implicit trigger)",
           t[100] * 1e3, t[20] * 1e3, t[180] * 1e3, bytes / (t[100] * 1e-3) / 1e9);
    cudaGraphExecDestroy(ge); cudaGraphDestroy(g);
    }
  }
  return 0;
}
