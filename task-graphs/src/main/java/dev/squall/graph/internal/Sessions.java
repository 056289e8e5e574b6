package dev.squall.graph.internal;

import dev.squall.api.Device;
import dev.squall.drivers.jvm.JavaDevice;
import dev.squall.graph.TaskGraphException;

/** Opens the session that runs plans on a device. */
public final class Sessions {

    private Sessions() {
    }

    public static DeviceSession open(Device device) {
        return open(device, false);
    }

    /** With {@code cudaGraph}, CUDA devices capture a plan's launches once and replay them as a graph. */
    public static DeviceSession open(Device device, boolean cudaGraph) {
        if (device instanceof JavaDevice java) {
            return new JavaSession(java);
        }
        if (device instanceof dev.squall.drivers.opencl.OpenCLDevice opencl) {
            return new OpenCLSession(opencl);
        }
        if (device instanceof dev.squall.drivers.cuda.CudaDevice cuda) {
            return new CudaSession(cuda, cudaGraph);
        }
        throw new TaskGraphException("task graphs cannot run on device '" + device.id() + "' (" + device.backend()
                + "): no execution backend for it in this build");
    }
}
