import Model

/// Folds text into the form the matcher compares.
///
/// - full-width digits and letters to ASCII, ASCII to lower case;
/// - traditional characters to simplified ones (a table taken from OpenCC);
/// - whitespace, control, zero-width and emoji characters dropped;
/// - HTML remnants: tags dropped, the common character references decoded.
///
/// Patterns and texts go through the same folding, so 欠 薪, 拖欠工資 and
/// ＡＢＣ建筑 meet 欠薪, 拖欠工资 and abc建筑. Each folded scalar remembers the
/// UTF-8 offset of the character it came from, so matches can be marked in the
/// original text.
public struct TextNormalizer: Sendable {
    /// The folded form of every BMP scalar: itself, its replacement, `dropped`, or
    /// `markup` for `<` and `&`, which may open a tag or a character reference.
    /// One load per character instead of a cascade of range tests.
    /// Two bytes an entry (128 KiB), so that it shares the L2 cache well with the matcher.
    private let bmp: [UInt16]
    /// Bit v set when `bmp[v]` is not v itself (8 KiB, so that it stays in the L1 cache):
    /// the table is read only for characters that change.
    private let changed: [UInt64]
    /// Simplified forms of traditional characters outside the BMP (CJK extension B and later).
    private let astralSimplified: [UInt32: UInt32]
    /// Simplified forms outside the BMP of traditional characters inside it (the table says `outsideBMP`).
    private let simplifiedOutsideBMP: [UInt32: UInt32]
    private static let dropped: UInt32 = 0
    /// U+FFFF, a noncharacter: as text it folds to itself through the same path.
    private static let markup: UInt32 = 0xFFFF
    /// U+FFFE, a noncharacter: the simplified form is outside the BMP, in `simplifiedOutsideBMP`.
    private static let outsideBMP: UInt32 = 0xFFFE

    /// A normalizer that folds traditional characters with `traditionalToSimplified`
    /// (see `ChineseConversion.TraditionalToSimplified.characterTable()`).
    public init(traditionalToSimplified: [UInt32: UInt32] = [:]) {
        var table = [UInt16](unsafeUninitializedCapacity: 0x10000) { buffer, count in
            for value in 0..<UInt32(0x10000) {
                // Characters of the BMP fold into the BMP (full-width forms to ASCII).
                buffer[Int(value)] = UInt16(Self.foldWithoutTable(value) ?? Self.dropped)
            }
            count = 0x10000
        }
        var astral: [UInt32: UInt32] = [:]
        var outside: [UInt32: UInt32] = [:]
        for (traditional, simple) in traditionalToSimplified where Self.foldWithoutTable(traditional) == traditional {
            if traditional >= 0x10000 {
                astral[traditional] = simple
            } else if simple < 0x10000 {
                table[Int(traditional)] = UInt16(simple)
            } else {
                table[Int(traditional)] = UInt16(Self.outsideBMP)
                outside[traditional] = simple
            }
        }
        simplifiedOutsideBMP = outside
        table[0x3C] = UInt16(Self.markup)
        table[0x26] = UInt16(Self.markup)
        bmp = table
        var changed = [UInt64](repeating: 0, count: 0x10000 / 64)
        for value in 0..<0x10000 where table[value] != UInt16(value) { changed[value >> 6] |= 1 << UInt64(value & 63) }
        self.changed = changed
        astralSimplified = astral
    }

    /// The folded form of `text` as a string (for patterns and tests).
    public func normalize(_ text: String) -> String {
        var view = String.UnicodeScalarView()
        // swift-format-ignore: NeverForceUnwrap
        // (folding maps scalars to scalars)
        for value in normalizedScalars(text) { view.append(Unicode.Scalar(value)!) }
        return String(view)
    }

    /// The folded scalars of `text`, without the map back (for patterns).
    public func normalizedScalars(_ text: String) -> [UInt32] {
        var text = text
        return text.withUTF8 { bytes in
            [UInt32](unsafeUninitializedCapacity: max(1, bytes.count)) { buffer, count in
                // swift-format-ignore: NeverForceUnwrap
                // (a capacity of at least 1)
                count = fold(bytes, scalars: buffer.baseAddress!, origins: nil)
            }
        }
    }

    /// Folds `text` onto the end of `buffer`, without an array of its own (for building
    /// tables of hundreds of thousands of names). - Returns: how many scalars were added.
    @discardableResult
    func appendFolded(_ text: String, to buffer: inout [UInt32]) -> Int {
        var text = text
        return text.withUTF8 { bytes in
            guard !bytes.isEmpty else { return 0 }
            let old = buffer.count
            // Room for the worst case (a scalar a byte), trimmed to what was written.
            buffer.append(contentsOf: repeatElement(0, count: bytes.count))
            let written = buffer.withUnsafeMutableBufferPointer { storage in
                // swift-format-ignore: NeverForceUnwrap
                // (bytes.count > 0 elements were just appended)
                fold(bytes, scalars: storage.baseAddress! + old, origins: nil)
            }
            buffer.removeLast(bytes.count - written)
            return written
        }
    }

    /// Folds `text` and appends it to `result` as a new field.
    /// - Parameter keepingOrigins: false to skip the map back (`origins` stays as it is),
    ///   when nothing will be highlighted.
    /// - Complexity: O(n) in the UTF-8 length of `text`; allocates only when `result`
    ///   must grow, so a `NormalizedText` emptied with `removeAll()` can serve item after item.
    public func append(_ text: String, to result: inout NormalizedText, keepingOrigins: Bool = true) {
        result.fieldStarts.append(result.scalars.count)
        result.fieldByteCounts.append(text.utf8.count)
        guard keepingOrigins else {
            appendFolded(text, to: &result.scalars)
            return
        }
        var text = text
        text.withUTF8 { bytes in
            guard !bytes.isEmpty else { return }
            let old = result.scalars.count
            result.scalars.append(contentsOf: repeatElement(0, count: bytes.count))
            result.origins.append(contentsOf: repeatElement(0, count: bytes.count))
            let written = result.scalars.withUnsafeMutableBufferPointer { scalars in
                result.origins.withUnsafeMutableBufferPointer { origins in
                    // swift-format-ignore: NeverForceUnwrap
                    // (bytes.count > 0 elements were just appended to both)
                    fold(bytes, scalars: scalars.baseAddress! + old, origins: origins.baseAddress! + old)
                }
            }
            result.scalars.removeLast(bytes.count - written)
            result.origins.removeLast(bytes.count - written)
        }
    }

    /// Folds several fields into one `NormalizedText`.
    /// - Parameter keepingOrigins: false to skip the map back (left empty), when nothing will be highlighted.
    public func normalize(fields texts: [String], keepingOrigins: Bool = true) -> NormalizedText {
        var result = NormalizedText()
        let total = texts.reduce(0) { $0 + $1.utf8.count }
        result.scalars.reserveCapacity(total)
        if keepingOrigins { result.origins.reserveCapacity(total) }
        for text in texts { append(text, to: &result, keepingOrigins: keepingOrigins) }
        return result
    }

    /// Folds `bytes` into `scalars` (and their offsets into `origins`); returns how many were written.
    /// Both buffers must have room for `bytes.count` values.
    private func fold(
        _ bytes: UnsafeBufferPointer<UInt8>, scalars: UnsafeMutablePointer<UInt32>,
        origins: UnsafeMutablePointer<Int32>?
    ) -> Int {
        bmp.withUnsafeBufferPointer { table in
            changed.withUnsafeBufferPointer { changed in
                fold(bytes, table: table, changed: changed, scalars: scalars, origins: origins)
            }
        }
    }

    @inline(__always)
    private func fold(
        _ bytes: UnsafeBufferPointer<UInt8>, table: UnsafeBufferPointer<UInt16>, changed: UnsafeBufferPointer<UInt64>,
        scalars: UnsafeMutablePointer<UInt32>, origins: UnsafeMutablePointer<Int32>?
    ) -> Int {
        let count = bytes.count
        var index = 0
        var written = 0
        @inline(__always) func emit(_ value: UInt32, _ start: Int) {
            scalars[written] = value
            origins?[written] = Int32(start)
            written += 1
        }
        while index < count {
            // Without the map back, a run of three-byte characters that stand as they are
            // (most Chinese text) takes a loop of its own, a dozen instructions a character.
            if origins == nil {
                while index &+ 3 <= count {
                    let lead = bytes[index]
                    guard lead & 0xF0 == 0xE0 else { break }
                    let value =
                        UInt32(lead & 0x0F) &<< 12 | UInt32(bytes[index &+ 1] & 0x3F) &<< 6
                        | UInt32(bytes[index &+ 2] & 0x3F)
                    guard changed[Int(value &>> 6)] & (1 &<< UInt64(value & 63)) == 0 else { break }
                    scalars[written] = value
                    written &+= 1
                    index &+= 3
                }
                guard index < count else { break }
            }
            let start = index
            var value = UInt32(bytes[index])
            // Decode one UTF-8 scalar; invalid bytes cannot occur in a Swift String.
            if value < 0x80 {
                index += 1
            } else if value < 0xE0 {
                value = (value & 0x1F) << 6 | UInt32(bytes[index + 1] & 0x3F)
                index += 2
            } else if value < 0xF0 {
                value = (value & 0x0F) << 12 | UInt32(bytes[index + 1] & 0x3F) << 6 | UInt32(bytes[index + 2] & 0x3F)
                index += 3
            } else {
                value =
                    (value & 0x07) << 18 | UInt32(bytes[index + 1] & 0x3F) << 12
                    | UInt32(bytes[index + 2] & 0x3F) << 6 | UInt32(bytes[index + 3] & 0x3F)
                index += 4
            }

            // Most characters stand as they are: one bit in the cache says so.
            if value < 0x10000 && changed[Int(value >> 6)] & (1 << UInt64(value & 63)) == 0 {
                emit(value, start)
                continue
            }
            var folded = value < 0x10000 ? UInt32(table[Int(value)]) : fold(astral: value)
            if folded == Self.outsideBMP { folded = simplifiedOutsideBMP[value] ?? value }
            if folded == Self.markup {
                if value == 0x3C, let end = Self.tagEnd(bytes, from: start) {
                    // '<' opening a tag: skip to its '>'
                    index = end
                    continue
                }
                folded = value
                if value == 0x26, let (decoded, end) = Self.reference(bytes, from: start) {
                    // '&' opening a character reference: fold what it stands for
                    index = end
                    folded = decoded < 0x10000 ? UInt32(table[Int(decoded)]) : fold(astral: decoded)
                    if folded == Self.outsideBMP { folded = simplifiedOutsideBMP[decoded] ?? decoded }
                    if folded == Self.markup { folded = decoded }
                }
            }
            if folded != Self.dropped { emit(folded, start) }
        }
        return written
    }

    private func fold(astral value: UInt32) -> UInt32 {
        guard let folded = Self.foldWithoutTable(value) else { return Self.dropped }
        return astralSimplified[folded] ?? folded
    }

    /// One scalar folded by the rules that need no table (width, case, dropped
    /// characters), or nil when it is dropped.
    private static func foldWithoutTable(_ value: UInt32) -> UInt32? {
        if value < 0x80 { return foldASCIIOrDrop(value) }
        switch value {
        case 0xFF01...0xFF5E:  // full-width ASCII forms
            return foldASCIIOrDrop(value - 0xFEE0)
        case 0x3000, 0x00A0, 0x2000...0x200F, 0x2028...0x202F, 0x205F...0x206F, 0xFEFF,
            0xFE00...0xFE0F, 0x1F000...0x1FAFF, 0x2600...0x27BF, 0xE0000...0xE007F:
            return nil  // spaces, zero-width and direction marks, variation selectors, emoji
        default:
            return value
        }
    }

    private static func foldASCIIOrDrop(_ value: UInt32) -> UInt32? {
        if value <= 0x20 || value == 0x7F { return nil }
        if value >= 0x41 && value <= 0x5A { return value + 0x20 }
        return value
    }

    /// The offset after the `>` of a tag starting at `start`, if `start` opens one.
    private static func tagEnd(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int) -> Int? {
        guard start + 1 < bytes.count else { return nil }
        let next = bytes[start + 1]
        let opensTag = (next >= 0x41 && next <= 0x5A) || (next >= 0x61 && next <= 0x7A) || next == 0x2F || next == 0x21
        guard opensTag else { return nil }
        var index = start + 2
        let limit = min(bytes.count, start + 512)
        while index < limit {
            if bytes[index] == 0x3E { return index + 1 }
            if bytes[index] == 0x3C { return nil }
            index += 1
        }
        return nil
    }

    /// The scalar and end offset of a character reference starting at `start`.
    private static func reference(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int) -> (UInt32, Int)? {
        var index = start + 1
        let limit = min(bytes.count, start + 12)
        while index < limit && bytes[index] != 0x3B { index += 1 }
        guard index < limit, index > start + 1 else { return nil }
        let name = String(decoding: UnsafeBufferPointer(rebasing: bytes[(start + 1)..<index]), as: UTF8.self)
        let value: UInt32?
        if name.hasPrefix("#x") || name.hasPrefix("#X") {
            value = UInt32(name.dropFirst(2), radix: 16)
        } else if name.hasPrefix("#") {
            value = UInt32(name.dropFirst())
        } else {
            value = HTMLText.namedEntities[name]
        }
        guard let value, Unicode.Scalar(value) != nil else { return nil }
        return (value, index + 1)
    }
}
