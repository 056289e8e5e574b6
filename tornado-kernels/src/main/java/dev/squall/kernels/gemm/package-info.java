/**
 * Matrix products C = A·Bᵀ with B in nn.Linear's (n × k) row-major layout, fp32 accumulation:
 * {@link dev.squall.kernels.gemm.Gemm} for prefill-sized m (local-memory tiled, and register-blocked
 * with double-buffered tiles), and {@link dev.squall.kernels.gemm.FlatGemm} for decoding's m = 1..64
 * (FlashDecoding++'s flat GEMM: M padded to 8, each weight element read once for all 8 rows, so it
 * runs at memory bandwidth like a GEMV), with fp32, binary16 and Q8_0 weights.
 */
package dev.squall.kernels.gemm;
