package dev.squall.drivers.opencl;

/** Where a command is (CL_EVENT_COMMAND_EXECUTION_STATUS); a failed command raises instead. */
public enum ExecutionStatus {
    QUEUED,
    SUBMITTED,
    RUNNING,
    COMPLETE
}
