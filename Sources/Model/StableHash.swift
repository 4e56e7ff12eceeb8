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

    /// The hash as 16 lowercase hex digits.
    public static func hex(of text: String) -> String {
        let digits = String(value(of: text), radix: 16)
        return String(repeating: "0", count: 16 - digits.count) + digits
    }
}
