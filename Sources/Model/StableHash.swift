/// FNV-1a, 64 bit: a hash that is the same in every process and on every run,
/// unlike `Hasher`, for ids and version stamps that are stored.
public enum StableHash {
    /// FNV-1a's starting value (offset basis) for 64 bits.
    public static let offsetBasis: UInt64 = 0xcbf2_9ce4_8422_2325

    /// The FNV-1a hash of `bytes`, continued from `hash`: the one loop every stable hash
    /// of the project goes through.
    /// - Complexity: O(n) in the number of bytes.
    @inlinable
    public static func value<Bytes: Sequence>(of bytes: Bytes, from hash: UInt64 = offsetBasis) -> UInt64
    where Bytes.Element == UInt8 {
        var hash = hash
        for byte in bytes { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01b3 }
        return hash
    }

    /// The FNV-1a hash of the UTF-8 bytes of `text`.
    /// - Complexity: O(n) in the length of `text`.
    public static func value(of text: String) -> UInt64 {
        var text = text
        return text.withUTF8 { value(of: $0) }
    }

    /// Hashes many values one after another without building one big string.
    public struct Accumulator: Sendable {
        private var hash = StableHash.offsetBasis

        public init() {}

        /// Adds `text` and a separator to the hash.
        public mutating func add(text: String) {
            var text = text
            let withText = text.withUTF8 { StableHash.value(of: $0, from: hash) }
            hash = StableHash.value(of: CollectionOfOne(0x1F), from: withText)  // the separator
        }

        /// The hash so far as 16 hex digits.
        public var hex: String {
            let digits = String(hash, radix: 16)
            return String(repeating: "0", count: 16 - digits.count) + digits
        }
    }

    /// The hash as 16 lowercase hex digits.
    public static func hex(of text: String) -> String {
        let digits = String(value(of: text), radix: 16)
        return String(repeating: "0", count: 16 - digits.count) + digits
    }
}
