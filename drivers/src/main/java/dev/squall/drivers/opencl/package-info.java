/**
 * The OpenCL backend: hand-written FFM bindings to the ICD loader and a small runtime on top.
 *
 * <h2>Discovery</h2>
 * {@link dev.squall.drivers.opencl.OpenCLRuntime#system()} loads {@code libOpenCL.so.1} (or the
 * library named by {@code -Dsquall.opencl.library}, a file name or a path) once and enumerates every
 * platform's devices; {@link dev.squall.drivers.opencl.OpenCLDeviceProvider} publishes them to
 * {@link dev.squall.api.Devices} as {@code opencl:P:D}. A missing library or a loader without
 * platforms makes the backend unavailable with the reason; it never throws from discovery.
 *
 * <h2>Running kernels</h2>
 * <pre>{@code
 * OpenCLDevice device = (OpenCLDevice) Devices.get("opencl:0:0");
 * try (OpenCLContext cl = OpenCLContext.create(device)) {          // context + in-order profiling queue
 *     OpenCLBuffer a = cl.allocate(bytes);                          // CL_MEM_READ_WRITE
 *     a.write(array.segment());                                     // blocking; writeAsync(...) returns an event
 *     OpenCLProgram p = cl.build(source, "-cl-mad-enable");         // build log in the exception on failure
 *     OpenCLKernel k = p.kernel("scale").setBuffer(0, a).setFloat(1, 2f).setInt(2, n);
 *     try (OpenCLEvent e = cl.launch(k, new long[] {n}, new long[] {256})) {
 *         a.read(array.segment());                                  // in order: after the kernel
 *         long kernelNanos = e.durationNanos();                     // profiling end - start
 *     }
 * }                                                                 // releases whatever is still open
 * }</pre>
 *
 * <h2>Errors</h2>
 * Every return code is checked; a failure is a {@link dev.squall.api.DeviceException} naming the
 * call and the error ({@code clEnqueueNDRangeKernel failed: CL_INVALID_WORK_GROUP_SIZE (-54)}) with
 * what was asked. Misuse that OpenCL would not catch safely (a closed object, a heap segment for an
 * asynchronous transfer, an out-of-range copy) is refused before the call with a precise message.
 *
 * <h2>Program cache</h2>
 * Built binaries are kept in {@code ${squall.cache.dir}/opencl} ({@code squall.cache.dir} defaults
 * to {@code ~/.cache/squall}), keyed by source, options, platform, device and driver; see
 * {@link dev.squall.drivers.opencl.ProgramCache}.
 *
 * <h2>Portability</h2>
 * Only OpenCL 1.2 entry points are required. The queue comes from
 * {@code clCreateCommandQueueWithProperties} on OpenCL 2.0+ devices and from
 * {@code clCreateCommandQueue} otherwise. NVIDIA devices also report their compute capability and
 * warp size (cl_nv_device_attribute_query). {@code size_t} must be 64-bit.
 */
package dev.squall.drivers.opencl;
