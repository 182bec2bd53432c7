/// The bytes of the text and blobs bound to one statement's parameters, copied into blocks the statement owns.
///
/// SQLite copies a value bound `SQLITE_TRANSIENT` into an allocation of its own, freed when the parameter is bound
/// again: a statement inserting 64 op rows binds about a thousand strings, each a malloc and a free on the server's
/// one writer. Copied here instead, into blocks kept from one execution to the next, the values are bound
/// `SQLITE_STATIC`: SQLite reads them in place while the statement runs. The blocks stay valid until the statement
/// binds again (`reset()`, after `sqlite3_reset`, before the first value) or is finalized; blocks never move or
/// shrink, so a value copied stays where it was while later ones are added.
struct BoundBytes {
    private var blocks: [UnsafeMutableRawBufferPointer] = []
    /// The block being filled, and how much of it is used.
    private var current = 0
    private var used = 0

    /// The first block's size: most statements bind a few short strings.
    private static let firstBlock = 1 << 10

    /// Forgets the values copied so far, keeping the blocks: call only when no parameter will be read before it is
    /// bound again (the statement was reset, and is bound whole, or cleared, before it runs).
    mutating func reset() {
        current = 0
        used = 0
    }

    /// Copies `bytes` and returns where they now are, valid until `reset()` or `release()`.
    mutating func copy(_ bytes: UnsafeRawBufferPointer) -> UnsafeRawPointer {
        let count = bytes.count
        while current < blocks.count, blocks[current].count - used < count {
            current += 1
            used = 0
        }
        if current == blocks.count {
            // Each new block at least doubles what the statement holds, so a statement settles on a few blocks.
            let held = blocks.reduce(0) { $0 + $1.count }
            blocks.append(.allocate(byteCount: max(count, held, Self.firstBlock), alignment: 8))
            used = 0
        }
        let target = blocks[current].baseAddress! + used
        if let source = bytes.baseAddress, count > 0 {
            target.copyMemory(from: source, byteCount: count)
        }
        used += count
        return UnsafeRawPointer(target)
    }

    /// Frees the blocks: call once the statement is finalized.
    mutating func release() {
        for block in blocks { block.deallocate() }
        blocks = []
        reset()
    }
}
