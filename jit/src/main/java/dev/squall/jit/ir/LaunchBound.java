package dev.squall.jit.ir;

/**
 * A kernel's {@code @LaunchBounds}: at most {@code maxGroupSize} work-items per work-group, and at
 * least {@code minGroupsPerComputeUnit} such groups resident on a compute unit.
 */
public record LaunchBound(int maxGroupSize, int minGroupsPerComputeUnit) {
}
