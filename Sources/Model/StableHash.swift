/// FNV-1a, 64 bit: a hash that is the same in every process and on every run,
/// unlike `Hasher`, for ids and version stamps that are stored.
public enum StableHash {
    /// The FNV-1a hash of the UTF-8 bytes of `text`.
    /// - Complexity: O(n) in the length of `text`.
    public static func value(of text: String) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01b3
        }
        return hash
    }

    /// Hashes many values one after another without building one big string.
    public struct Accumulator: Sendable {
        private var hash: UInt64 = 0xcbf2_9ce4_8422_2325

        public init() {}

        /// Adds `text` and a separator to the hash.
        public mutating func add(text: String) {
            var text = text
            var hash = hash
            text.withUTF8 { bytes in
                for byte in bytes {
                    hash ^= UInt64(byte)
                    hash = hash &* 0x0000_0100_0000_01b3
                }
            }
            hash ^= 0x1F
            self.hash = hash &* 0x0000_0100_0000_01b3
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
