package dev.squall.drivers.opencl;

import static java.lang.foreign.ValueLayout.ADDRESS;

import dev.squall.api.DeviceException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.function.Supplier;

/**
 * One enqueued command (a launch, a transfer, a copy, a fill). Its profiling times are readable
 * once it has completed; {@link #timing()} waits for that. Close it when done; events still open
 * are released when their context closes.
 */
public final class OpenCLEvent extends ClResource {

    private final String apiCall;
    /** Spelled out only when asked for: a launch makes an event, and most are never described. */
    private Supplier<String> commandSource;
    private String command;
    private EventTiming timing;

    OpenCLEvent(OpenCLContext context, MemorySegment handle, String apiCall, String command) {
        this(context, handle, apiCall, () -> command);
    }

    OpenCLEvent(OpenCLContext context, MemorySegment handle, String apiCall, Supplier<String> command) {
        super(context, handle);
        this.apiCall = apiCall;
        this.commandSource = command;
    }

    /** Blocks until the command has completed. */
    public void waitFor() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment list = arena.allocate(ADDRESS);
            list.set(ADDRESS, 0, handle());
            int code = context.library().waitForEvents(1, list);
            if (code != CL.SUCCESS) {
                // the command itself failed: report its status, named
                int status = rawStatus();
                throw OpenCLErrors.failure("clWaitForEvents", code, command()
                        + (status < 0 ? " terminated abnormally: " + OpenCLErrors.describe(status) : ""));
            }
        }
    }

    /**
     * Where the command is now.
     *
     * @throws DeviceException naming the command's error when it terminated abnormally
     */
    public ExecutionStatus status() {
        int status = rawStatus();
        return switch (status) {
            case CL.COMPLETE -> ExecutionStatus.COMPLETE;
            case CL.RUNNING -> ExecutionStatus.RUNNING;
            case CL.SUBMITTED -> ExecutionStatus.SUBMITTED;
            case CL.QUEUED -> ExecutionStatus.QUEUED;
            default -> throw new DeviceException(apiCall, OpenCLErrors.name(status), status,
                    command() + " terminated abnormally");
        };
    }

    public boolean isComplete() {
        return status() == ExecutionStatus.COMPLETE;
    }

    private int rawStatus() {
        return OpenCLLibrary.queryInt("clGetEventInfo", CL.EVENT_COMMAND_EXECUTION_STATUS,
                context.library().eventInfo(handle(), CL.EVENT_COMMAND_EXECUTION_STATUS));
    }

    /** Waits for the command, then returns its profiling timestamps. */
    public EventTiming timing() {
        if (timing == null) {
            waitFor();
            OpenCLLibrary cl = context.library();
            MemorySegment h = handle();
            timing = new EventTiming(profile(cl, h, CL.PROFILING_COMMAND_QUEUED),
                    profile(cl, h, CL.PROFILING_COMMAND_SUBMIT), profile(cl, h, CL.PROFILING_COMMAND_START),
                    profile(cl, h, CL.PROFILING_COMMAND_END));
        }
        return timing;
    }

    /** Waits for the command, then returns how long it ran on the device (end minus start). */
    public long durationNanos() {
        return timing().durationNanos();
    }

    private static long profile(OpenCLLibrary cl, MemorySegment event, int param) {
        return OpenCLLibrary.queryLong("clGetEventProfilingInfo", param, cl.eventProfilingInfo(event, param));
    }

    /** What the command was, such as {@code "kernel vadd [1024] / [64]"}. */
    public String command() {
        if (command == null) {
            command = commandSource.get();
            commandSource = null;
        }
        return command;
    }

    @Override
    int release(OpenCLLibrary cl, MemorySegment handle) {
        return cl.releaseEvent(handle);
    }

    @Override
    String releaseCall() {
        return "clReleaseEvent";
    }

    @Override
    int releaseOrder() {
        return 0;
    }

    @Override
    String describe() {
        return "OpenCLEvent of " + command();
    }
}
