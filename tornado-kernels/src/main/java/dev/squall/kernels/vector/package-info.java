/**
 * Small register-resident values shared by the kernels: runs of consecutive elements whose loads
 * the compiler can combine into wide memory accesses.
 */
package dev.squall.kernels.vector;
