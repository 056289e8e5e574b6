package dev.squall.jit.passes;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;

/**
 * The wide accesses a set of element accesses at {@code base + offset} can become, for
 * {@link LoadCombining} and {@link StoreCombining}: from the lowest offset up, the widest run of
 * consecutive offsets (16, 8 or 4 bytes, at least two elements) whose first offset is a multiple of
 * the run's length, and whose base is known to be one too.
 */
final class AlignedRuns {

    /** The widest access in bytes. */
    static final int MAX_BYTES = 16;

    /** One wide access: its first offset, and the positions of its accesses in element order. */
    record Run(long offset, List<Integer> positions) {
    }

    private AlignedRuns() {
    }

    /**
     * The runs among {@code byOffset} (offset → position in the block) of elements of
     * {@code elementBytes}, where the base is a multiple of {@code baseDivisor}.
     */
    static List<Run> of(TreeMap<Long, Integer> byOffset, int elementBytes, int baseDivisor) {
        List<Run> out = new ArrayList<>();
        Set<Long> taken = new HashSet<>();
        for (long offset : byOffset.keySet()) {
            if (taken.contains(offset)) {
                continue;
            }
            for (int width = MAX_BYTES / elementBytes; width >= 2; width /= 2) {
                if (width * elementBytes < 4 || baseDivisor < width || Math.floorMod(offset, width) != 0) {
                    continue;
                }
                List<Integer> positions = new ArrayList<>();
                for (long k = offset; k < offset + width && byOffset.containsKey(k); k++) {
                    positions.add(byOffset.get(k));
                }
                if (positions.size() == width) {
                    for (long k = offset; k < offset + width; k++) {
                        taken.add(k);
                    }
                    out.add(new Run(offset, positions));
                    break;
                }
            }
        }
        return out;
    }
}
