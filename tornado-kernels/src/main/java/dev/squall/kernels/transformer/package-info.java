/**
 * The kernels of a Llama-family decoder step, each in two forms: a {@code @Parallel} loop (its
 * meaning, and what runs on the JVM and on CPUs, one work-item per row) and a {@code KernelContext}
 * form for GPUs, where a row is shared by several work-items that combine their partial results
 * in local memory. Both forms compute the same formulas in the same float precision; only the
 * order of additions differs.
 *
 * <p>Scalars that change every token (the position) travel in a small {@link
 * dev.squall.api.types.IntArray} copied to the device each execution, so one execution plan
 * serves every token.
 */
package dev.squall.kernels.transformer;
