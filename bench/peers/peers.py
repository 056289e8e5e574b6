#!/usr/bin/env python3
"""The peers of Squall's kernel benchmark (bench KernelBench), on the same shapes and keys:
torch.matmul (cuBLAS) for flat GEMM and GEMM, scaled_dot_product_attention (flash, cuDNN and
memory-efficient backends) for prefill and decode attention, plus the device ceilings (copy
bandwidth, fp16 and fp32 GEMM peak). Each time is the median of CUDA-event-timed runs after
warm-up, with inputs rotated over enough copies that they do not sit in L2.

Usage: peers.py --out peers.json [--quick] [--only flat_gemm,gemm,prefill,decode]
"""
import argparse
import json
import math
import statistics

import torch
import torch.nn.functional as F
from torch.nn.attention import SDPBackend, sdpa_kernel

FLAT_SHAPES = [(4096, 4096), (11008, 4096), (4096, 11008), (14336, 4096), (128256, 2048)]


def l2_bytes():
    props = torch.cuda.get_device_properties(0)
    return getattr(props, "L2_cache_size", 64 << 20)


def copies_for(bytes_per_copy):
    return int(max(1, min(8, math.ceil(3.0 * l2_bytes() / bytes_per_copy))))


# GPU cycles of torch.cuda._sleep before each timed call (about 0.5 ms): the call's launches queue
# behind it, so the events time the GPU's work and not Python's and the driver's launch latency, as
# for Squall's kernels (bench BenchCase.QUEUE_TASK) and as triton.testing.do_bench's cache flush does.
QUEUE_CYCLES = 1_000_000


def time_ms(fns, runs):
    """Median and spread of event-timed calls, cycling over fns (one per input copy), each queued behind a sleep."""
    for f in fns:
        f()
        f()
    torch.cuda.synchronize()
    times = []
    for r in range(max(runs, len(fns))):
        start = torch.cuda.Event(enable_timing=True)
        end = torch.cuda.Event(enable_timing=True)
        torch.cuda._sleep(QUEUE_CYCLES)
        start.record()
        fns[r % len(fns)]()
        end.record()
        end.synchronize()
        times.append(start.elapsed_time(end))
    times.sort()
    q = lambda p: times[min(len(times) - 1, int(round(p * (len(times) - 1))))]
    return {"ms": statistics.median(times), "p10": q(0.1), "p90": q(0.9), "runs": len(times)}


def ceilings():
    n = 1 << 28  # 1 GiB of fp32
    src = torch.empty(n, device="cuda")
    dst = torch.empty_like(src)
    copy = time_ms([lambda: dst.copy_(src)], 30)
    del src, dst
    torch.backends.cuda.matmul.allow_tf32 = False
    a = torch.randn(8192, 8192, device="cuda", dtype=torch.float16)
    b = torch.randn(8192, 8192, device="cuda", dtype=torch.float16)
    fp16 = time_ms([lambda: a @ b], 20)
    a32, b32 = a.float(), b.float()
    fp32 = time_ms([lambda: a32 @ b32], 10)
    flops = 2.0 * 8192 ** 3
    return {"copy_gbs": 2.0 * 4 * n / (copy["ms"] * 1e6), "fp16_gemm_tflops": flops / (fp16["ms"] * 1e9),
            "fp32_gemm_tflops": flops / (fp32["ms"] * 1e9)}


def flat_gemm(quick, runs):
    out = []
    ms = [1, 8] if quick else [1, 2, 4, 8, 16, 32, 64]
    for n, k in FLAT_SHAPES:
        ws = [torch.rand(n, k, device="cuda", dtype=torch.float16) * 2 - 1 for _ in range(copies_for(2.0 * n * k))]
        for m in ms:
            x = torch.rand(m, k, device="cuda", dtype=torch.float16) * 2 - 1
            key = f"flat_gemm f16 M={m} N={n} K={k}"
            out.append({"key": key, "peer": "torch.matmul (cuBLAS)", **time_ms([lambda w=w: x @ w.t() for w in ws], runs)})
        del ws
    return out


def gemm(quick, runs):
    torch.backends.cuda.matmul.allow_tf32 = False
    a = torch.rand(4096, 4096, device="cuda") * 2 - 1
    b = torch.rand(4096, 4096, device="cuda") * 2 - 1
    res = [{"key": "gemm f32 M=4096 N=4096 K=4096", "peer": "torch.matmul fp32, no TF32 (cuBLAS)",
            **time_ms([lambda: a @ b.t()], runs)}]
    a16, b16 = a.half(), b.half()
    res.append({"key": "gemm f16 M=4096 N=4096 K=4096", "peer": "torch.matmul fp16 (cuBLAS, tensor cores)",
                **time_ms([lambda: a16 @ b16.t()], runs)})
    return res


BACKENDS = {"flash": SDPBackend.FLASH_ATTENTION, "cuDNN": SDPBackend.CUDNN_ATTENTION,
            "efficient": SDPBackend.EFFICIENT_ATTENTION}


def sdpa(name, q, k, v, causal, gqa):
    def f():
        with sdpa_kernel(BACKENDS[name]):
            return F.scaled_dot_product_attention(q, k, v, is_causal=causal, enable_gqa=gqa)
    return f


def prefill(quick, runs):
    res = []
    for s in ([1024] if quick else [1024, 4096]):
        q, k, v = (torch.rand(1, 32, s, 128, device="cuda", dtype=torch.float16) * 2 - 1 for _ in range(3))
        for causal in (0, 1):
            key = f"prefill f16 B=1 H=32 D=128 S={s} causal={causal}"
            for name in ("flash", "cuDNN"):
                try:
                    res.append({"key": key, "peer": f"SDPA {name}", **time_ms([sdpa(name, q, k, v, causal == 1, False)], runs)})
                except RuntimeError as e:
                    res.append({"key": key, "peer": f"SDPA {name}", "error": str(e)[:200]})
    return res


def decode(quick, runs):
    res = []
    for b in ([1] if quick else [1, 8]):
        for hkv in (32, 8):
            for length in ([4096] if quick else [4096, 32768, 131072]):
                key = f"decode f16 B={b} Hq=32 Hkv={hkv} D=128 L={length}"
                per_copy = 2.0 * 2 * b * hkv * length * 128
                copies = copies_for(per_copy)
                q = torch.rand(b, 32, 1, 128, device="cuda", dtype=torch.float16) * 2 - 1
                kvs = [(torch.rand(b, hkv, length, 128, device="cuda", dtype=torch.float16) * 2 - 1,
                        torch.rand(b, hkv, length, 128, device="cuda", dtype=torch.float16) * 2 - 1) for _ in range(copies)]
                for name in ("flash", "efficient", "cuDNN"):
                    try:
                        res.append({"key": key, "peer": f"SDPA {name}",
                                    **time_ms([sdpa(name, q, k, v, False, hkv != 32) for k, v in kvs], runs)})
                    except RuntimeError as e:
                        res.append({"key": key, "peer": f"SDPA {name}", "error": str(e)[:200]})
                del kvs
                torch.cuda.empty_cache()
    return res


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--out", required=True)
    p.add_argument("--quick", action="store_true")
    p.add_argument("--only", default="flat_gemm,gemm,prefill,decode")
    a = p.parse_args()
    runs = 10 if a.quick else 50
    doc = {"device": torch.cuda.get_device_name(0), "torch": torch.__version__, "cuda": torch.version.cuda,
           "ceilings": ceilings(), "results": []}
    groups = {"flat_gemm": flat_gemm, "gemm": gemm, "prefill": prefill, "decode": decode}
    for g in a.only.split(","):
        for r in groups[g](a.quick, runs):
            doc["results"].append(r)
            print(f"  {r['key']:<44} {r['peer']:<42} " + (f"{r['ms']:.4f} ms" if "ms" in r else r["error"]), flush=True)
    with open(a.out, "w") as f:
        json.dump(doc, f, indent=1)
    print("ceilings:", doc["ceilings"])


if __name__ == "__main__":
    main()
