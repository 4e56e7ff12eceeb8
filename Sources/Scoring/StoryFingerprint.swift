import Foundation

/// Near-copy detection for posts: a 64-bit SimHash over character 3-grams.
///
/// Reposts (`转发`, `//@author:` chains) are reduced to the text they repeat
/// before hashing; copies with a few characters changed land within a small
/// Hamming distance of each other.
public enum StoryFingerprint {
    /// Copies whose fingerprints differ in at most this many bits are one story.
    /// Unrelated texts differ in about 32 bits (standard deviation 4); a short
    /// post with a few characters changed stays within about 10.
    public static let sameStoryDistance = 12

    /// The fingerprint of folded content `scalars`.
    /// - Complexity: O(n). The 64 per-bit counters are kept bit-sliced (one word
    ///   per binary digit of the counts). Shingle hashes are first summed eight at a
    ///   time by carry-save adders (ones, twos, fours, eights: a few word operations
    ///   each, no branches); only the eights ripple into the counters.
    public static func fingerprint(_ scalars: ArraySlice<UInt32>) -> UInt64 {
        let text = repeatedText(scalars)
        guard text.count >= 3 else {
            return text.reduce(0xcbf2_9ce4_8422_2325) { ($0 ^ UInt64($1)) &* 0x0000_0100_0000_01b3 }
        }
        return text.withUnsafeBufferPointer { text in
            withUnsafeTemporaryAllocation(of: UInt64.self, capacity: 64) { planes in
                planes.initialize(repeating: 0)
                let shingles = text.count - 2
                @inline(__always) func shingle(_ index: Int) -> UInt64 {
                    shingleHash(text[index], text[index + 1], text[index + 2])
                }
                /// Adds `value` (bit b counts for bit b's counter) at weight 2^plane.
                @inline(__always) func add(_ value: UInt64, at plane: Int) {
                    var carry = value
                    var plane = plane
                    while carry != 0 {
                        let next = planes[plane] & carry
                        planes[plane] ^= carry
                        carry = next
                        plane += 1
                    }
                }
                /// A full adder on 64 lanes: returns (carry, sum) of a + b + c.
                @inline(__always) func csa(_ a: UInt64, _ b: UInt64, _ c: UInt64) -> (UInt64, UInt64) {
                    let u = a ^ b
                    return ((a & b) | (u & c), u ^ c)
                }
                var ones: UInt64 = 0
                var twos: UInt64 = 0
                var fours: UInt64 = 0
                var index = 0
                while index + 8 <= shingles {
                    var twosA: UInt64
                    var twosB: UInt64
                    var foursA: UInt64
                    var foursB: UInt64
                    var eights: UInt64
                    (twosA, ones) = csa(ones, shingle(index), shingle(index + 1))
                    (twosB, ones) = csa(ones, shingle(index + 2), shingle(index + 3))
                    (foursA, twos) = csa(twos, twosA, twosB)
                    (twosA, ones) = csa(ones, shingle(index + 4), shingle(index + 5))
                    (twosB, ones) = csa(ones, shingle(index + 6), shingle(index + 7))
                    (foursB, twos) = csa(twos, twosA, twosB)
                    (eights, fours) = csa(fours, foursA, foursB)
                    add(eights, at: 3)
                    index += 8
                }
                while index < shingles {
                    add(shingle(index), at: 0)
                    index += 1
                }
                add(ones, at: 0)
                add(twos, at: 1)
                add(fours, at: 2)
                // Bit b is set when more than half of the shingle hashes have it set: compare
                // all 64 bit-sliced counters with shingles / 2 at once, highest plane first.
                let threshold = shingles / 2
                var greater: UInt64 = 0
                var equal: UInt64 = ~0
                // Counters never exceed `shingles`, so planes above its bit width are all zero.
                var plane = 64 - UInt64(shingles).leadingZeroBitCount
                while plane > 0 {
                    plane -= 1
                    let bits = planes[plane]
                    let wanted: UInt64 = (threshold >> plane) & 1 == 1 ? ~0 : 0
                    greater |= equal & bits & ~wanted
                    equal &= ~(bits ^ wanted)
                }
                return greater
            }
        }
    }

    /// Bits that differ between two fingerprints.
    public static func distance(_ lhs: UInt64, _ rhs: UInt64) -> Int {
        (lhs ^ rhs).nonzeroBitCount
    }

    /// The fingerprint as 16 hex digits, as stored.
    public static func hex(_ fingerprint: UInt64) -> String {
        // Written in place: one allocation (16 bytes is one more than a small string holds).
        String(unsafeUninitializedCapacity: 16) { bytes in
            let digits: StaticString = "0123456789abcdef"
            for index in 0..<16 {
                bytes[index] = digits.utf8Start[Int(fingerprint >> UInt64(60 - 4 * index) & 0xF)]
            }
            return 16
        }
    }

    /// Parses a stored fingerprint.
    public static func value(ofHex text: String) -> UInt64? {
        // The register parses every signal's key: the stored form (16 digits) read here.
        var text = text
        let parsed: UInt64?? = text.withUTF8 { digits in
            guard digits.count == 16 else { return nil }
            var value: UInt64 = 0
            for digit in digits {
                let nibble: UInt8
                switch digit {
                case UInt8(ascii: "0")...UInt8(ascii: "9"): nibble = digit - UInt8(ascii: "0")
                case UInt8(ascii: "a")...UInt8(ascii: "f"): nibble = digit - UInt8(ascii: "a") + 10
                case UInt8(ascii: "A")...UInt8(ascii: "F"): nibble = digit - UInt8(ascii: "A") + 10
                default: return .some(nil)
                }
                value = value << 4 | UInt64(nibble)
            }
            return .some(value)
        }
        return parsed ?? UInt64(text, radix: 16)
    }

    /// The text a repost repeats: drop a leading 转发/转发微博, and for `own//@author:quoted`
    /// keep the own words, or the quoted post when there are none.
    static func repeatedText(_ scalars: ArraySlice<UInt32>) -> ArraySlice<UInt32> {
        var text = scalars
        for prefix in [Self.repostWeibo, Self.repost] where text.starts(with: prefix) {
            text = text.dropFirst(prefix.count)
            break
        }
        guard let chain = firstIndex(of: Self.chainMarker, in: text) else { return text }
        let own = text[text.startIndex..<chain]
        if !own.isEmpty { return own }
        var quoted = text[(chain + Self.chainMarker.count)...]
        if let colon = quoted.firstIndex(where: { $0 == 0x3A || $0 == 0xFF1A }) {
            quoted = quoted[(colon + 1)...]
        }
        return repeatedText(quoted)
    }

    private static let repost = "转发".unicodeScalars.map(\.value)
    private static let repostWeibo = "转发微博".unicodeScalars.map(\.value)
    private static let chainMarker = "//@".unicodeScalars.map(\.value)

    private static func firstIndex(of needle: [UInt32], in text: ArraySlice<UInt32>) -> Int? {
        guard text.count >= needle.count, let head = needle.first else { return nil }
        return text.withUnsafeBufferPointer { buffer in
            needle.withUnsafeBufferPointer { needle in
                var index = 0
                // Eight characters at a time while none of them is the needle's first.
                let heads = SIMD8<UInt32>(repeating: head)
                while index + 8 <= buffer.count {
                    // swift-format-ignore: NeverForceUnwrap
                    // (the buffer holds at least 8 scalars here)
                    let block = UnsafeRawPointer(buffer.baseAddress! + index).loadUnaligned(as: SIMD8<UInt32>.self)
                    if any(block .== heads) { break }
                    index += 8
                }
                while index + needle.count <= buffer.count {
                    // swift-format-ignore: NeverForceUnwrap
                    // (neither is empty: the needle has a head and the text is at least as long)
                    if buffer[index] == head && memcmp(buffer.baseAddress! + index, needle.baseAddress!, needle.count * 4) == 0 {
                        return text.startIndex + index
                    }
                    index += 1
                }
                return nil
            }
        }
    }

    /// The hash of one 3-gram.
    @inline(__always)
    static func shingleHash(_ first: UInt32, _ second: UInt32, _ third: UInt32) -> UInt64 {
        mix(UInt64(first) << 42 ^ UInt64(second) << 21 ^ UInt64(third))
    }

    @inline(__always)
    private static func mix(_ value: UInt64) -> UInt64 {
        // splitmix64 finalizer
        var z = value &+ 0x9E37_79B9_7F4A_7C15
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
