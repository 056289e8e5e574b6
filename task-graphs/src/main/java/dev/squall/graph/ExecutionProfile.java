package dev.squall.graph;

import java.util.List;

/**
 * Everything one execution did: tasks and transfers with their times and bytes.
 *
 * @param device     the device id
 * @param tasks      the launches in order
 * @param transfers  the copies in order (skipped ones are not listed)
 * @param totalNanos wall time of the whole execution, host side
 */
public record ExecutionProfile(String device, List<TaskProfile> tasks, List<TransferProfile> transfers,
                               long totalNanos) {

    public ExecutionProfile {
        tasks = List.copyOf(tasks);
        transfers = List.copyOf(transfers);
    }

    public long compileNanos() {
        return tasks.stream().mapToLong(TaskProfile::compileNanos).sum();
    }

    public long kernelNanos() {
        return tasks.stream().mapToLong(TaskProfile::kernelNanos).sum();
    }

    public long copyInBytes() {
        return transfers.stream().filter(t -> t.direction().equals("to-device")).mapToLong(TransferProfile::bytes).sum();
    }

    public long copyOutBytes() {
        return transfers.stream().filter(t -> t.direction().equals("to-host")).mapToLong(TransferProfile::bytes).sum();
    }

    public long copyInNanos() {
        return transfers.stream().filter(t -> t.direction().equals("to-device")).mapToLong(TransferProfile::nanos).sum();
    }

    public long copyOutNanos() {
        return transfers.stream().filter(t -> t.direction().equals("to-host")).mapToLong(TransferProfile::nanos).sum();
    }

    /** A readable table, one line per task and a summary line. */
    public String toTable() {
        StringBuilder out = new StringBuilder();
        out.append(String.format("%-28s %12s %12s %12s%n", "task (" + device + ")", "compile ms", "kernel ms", "arg MB"));
        for (TaskProfile t : tasks) {
            out.append(String.format("%-28s %12.3f %12.3f %12.3f%n", t.name(), t.compileNanos() / 1e6,
                    t.kernelNanos() / 1e6, t.argumentBytes() / 1e6));
        }
        out.append(String.format("copy-in %.3f MB in %.3f ms, copy-out %.3f MB in %.3f ms, total %.3f ms%n",
                copyInBytes() / 1e6, copyInNanos() / 1e6, copyOutBytes() / 1e6, copyOutNanos() / 1e6, totalNanos / 1e6));
        return out.toString();
    }
}
