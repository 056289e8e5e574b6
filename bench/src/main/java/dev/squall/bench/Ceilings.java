package dev.squall.bench;

import dev.squall.api.Device;
import dev.squall.drivers.cuda.CudaDevice;
import dev.squall.drivers.cuda.CudaDeviceInfo;

/**
 * What a device can do at best, measured or from its attributes: the driver's device-to-device
 * copy (bytes read + written per second; the bandwidth ceiling every memory-bound kernel is
 * compared with), the FP32 FMA peak (SMs × 128 lanes × 2 FLOP × clock on NVIDIA), and the L2 size
 * that decides how many input copies a benchmark rotates over.
 */
public record Ceilings(double copyGBs, double fp32Tflops, long l2Bytes) {

    public static Ceilings measure(Device device) {
        double copy = DeviceBench.driverCopy(device, 1L << 30).median();
        if (device instanceof CudaDevice cuda) {
            CudaDeviceInfo info = cuda.info();
            double tflops = info.multiprocessors() * 128.0 * 2 * info.clockKHz() * 1e3 / 1e12;
            return new Ceilings(copy, tflops, info.l2CacheBytes());
        }
        return new Ceilings(copy, Double.NaN, 64L << 20);
    }
}
