/**
 * Attention over whole sequences (prefill): FlashAttention-2's forward pass, which streams key and
 * value tiles through local memory past a resident query tile and keeps the softmax online, so the
 * seqLen × seqLen score matrix never reaches global memory. Per-work-item state lives in small
 * value records ({@code Float4}, {@code Float8} and blocks of them) that the JIT keeps in registers,
 * since Java has no private arrays.
 */
package dev.squall.kernels.attention;
