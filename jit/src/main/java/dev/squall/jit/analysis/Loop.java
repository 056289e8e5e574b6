package dev.squall.jit.analysis;

import dev.squall.jit.ir.BlockId;
import java.util.List;
import java.util.Set;

/**
 * A natural loop: the blocks from which a back edge's source is reachable without passing the
 * header, plus the header.
 *
 * @param header  the block every back edge jumps to
 * @param body    all blocks of the loop, header included
 * @param latches blocks with a back edge to the header
 * @param exits   blocks outside the loop that loop blocks jump to
 * @param parent  the innermost enclosing loop's header, or null
 */
public record Loop(BlockId header, Set<BlockId> body, List<BlockId> latches, List<BlockId> exits, BlockId parent) {

    public boolean contains(BlockId b) {
        return body.contains(b);
    }
}
