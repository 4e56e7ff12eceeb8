/// A set of BMP scalars as 65,536 bits (8 KiB): membership is one load and a
/// mask, where a `Set<UInt32>` hashes. For the per-character tests of the
/// text readers, which look at every character of every item.
struct ScalarBitmap: Sendable {
    private var words = [UInt64](repeating: 0, count: 0x10000 / 64)

    init(_ characters: String) {
        for scalar in characters.unicodeScalars { insert(scalar.value) }
    }

    init(_ values: some Sequence<UInt32>) {
        for value in values { insert(value) }
    }

    private mutating func insert(_ value: UInt32) {
        precondition(value < 0x10000, "ScalarBitmap holds BMP scalars only")
        words[Int(value >> 6)] |= 1 << UInt64(value & 63)
    }

    /// The first index from `start` on whose scalar is in the set, or `buffer.count`: a
    /// loop over raw words for the long runs of characters that a reader skips.
    @inline(__always)
    func firstMember(in buffer: UnsafeBufferPointer<UInt32>, from start: Int) -> Int {
        words.withUnsafeBufferPointer { words in
            var index = start
            while index < buffer.count && !Self.isMember(buffer[index], in: words) { index += 1 }
            return index
        }
    }

    @inline(__always)
    func contains(_ value: UInt32) -> Bool {
        words.withUnsafeBufferPointer { Self.isMember(value, in: $0) }
    }

    @inline(__always)
    private static func isMember(_ value: UInt32, in words: UnsafeBufferPointer<UInt64>) -> Bool {
        value < 0x10000 && words[Int(value &>> 6)] & (1 &<< UInt64(value & 63)) != 0
    }
}

/// Whether a folded scalar is a Han character (the unified block and extension A): the one
/// test the text readers (numbers, site names, other places) share.
@inline(__always)
func isHan(_ value: UInt32) -> Bool {
    (0x4E00...0x9FFF).contains(value) || (0x3400...0x4DBF).contains(value)
}
