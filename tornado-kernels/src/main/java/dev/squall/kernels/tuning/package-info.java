/**
 * Host-side support for choices measured per device and shipped as resources (the dataflow
 * thresholds of {@link dev.squall.kernels.gemm.DataflowChooser}, the split counts of
 * {@link dev.squall.kernels.attention.DecodeSplits}); no kernels.
 */
package dev.squall.kernels.tuning;
