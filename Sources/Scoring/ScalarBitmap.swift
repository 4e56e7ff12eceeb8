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

    @inline(__always)
    func contains(_ value: UInt32) -> Bool {
        value < 0x10000 && words[Int(value >> 6)] & (1 << UInt64(value & 63)) != 0
    }
}
