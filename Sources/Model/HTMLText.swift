/// Turns the HTML of feed descriptions into plain text.
///
/// Paragraph ends and `<br>` become line breaks; scripts, styles and all other
/// tags are dropped; the common character references are decoded.
public enum HTMLText {
    /// Plain text of an HTML fragment.
    /// - Complexity: O(n) in the length of `html`, over its UTF-8 bytes.
    public static func plainText(from html: String) -> String {
        guard html.utf8.contains(0x3C) || html.utf8.contains(0x26) else { return html }  // < &
        var html = html
        let stripped: String = html.withUTF8 { bytes in
            var output = [UInt8]()
            output.reserveCapacity(bytes.count)
            var index = 0
            var skippingUntil: [UInt8]?
            // The next `>` at or after a position, found once and reused: text full of `a<b`
            // with no `>` would otherwise be searched to its end at every `<` (quadratic).
            var nextClose = -1
            func close(after index: Int) -> Int? {
                if nextClose <= index && nextClose != Int.max {
                    nextClose = bytes[(index + 1)...].firstIndex(of: 0x3E) ?? Int.max
                }
                return nextClose == Int.max ? nil : nextClose
            }
            /// The `>` that ends the tag opened at `start`, skipping quoted attribute values;
            /// read at most 4 KiB ahead (so that the whole stays linear), else `naive`.
            func tagEnd(from start: Int, naive: Int) -> Int {
                var position = start + 1
                var quote: UInt8?
                var previous: UInt8 = 0
                let limit = min(bytes.count, start + 4096)
                while position < limit {
                    let next = bytes[position]
                    if let open = quote {
                        if next == open { quote = nil }
                    } else if (next == 0x22 || next == 0x27) && previous == 0x3D {
                        quote = next
                    } else if next == 0x3E {
                        return position
                    }
                    if next != 0x20 && next != 0x09 && next != 0x0A && next != 0x0D { previous = next }
                    position += 1
                }
                return naive
            }
            while index < bytes.count {
                let byte = bytes[index]
                if byte == 0x3C, startsTag(bytes, after: index), let naive = close(after: index) {
                    // A `>` inside a quoted attribute value (title="1>2") does not end the tag.
                    let close = tagEnd(from: index, naive: naive)
                    // The tag's name, read in place: <name ...>, </name>, <name/>.
                    var start = index + 1
                    let isClosing = bytes[start] == 0x2F
                    if isClosing { start += 1 }
                    var end = start
                    while end < close {
                        let next = bytes[end]
                        if next == 0x20 || next == 0x2F || next == 0x09 || next == 0x0A || next == 0x0D { break }
                        end += 1
                    }
                    let name = UnsafeBufferPointer(rebasing: bytes[start..<end])
                    if let skipped = skippingUntil {
                        if isClosing && Self.equal(name, skipped) { skippingUntil = nil }
                    } else if Self.equal(name, Self.script) || Self.equal(name, Self.style) {
                        if bytes[close - 1] != 0x2F { skippingUntil = Self.equal(name, Self.script) ? Self.script : Self.style }
                    } else if Self.breaking.contains(where: { Self.equal(name, $0) }),
                              !isClosing || Self.breakingWhenClosed.contains(where: { Self.equal(name, $0) }) {
                        output.append(0x0A)
                    }
                    index = close + 1
                    continue
                }
                if skippingUntil == nil { output.append(byte) }
                index += 1
            }
            return String(decoding: output, as: UTF8.self)
        }
        var lines: [String] = []
        let decoded = decodeEntities(stripped)
        for line in decoded.utf8.split(separator: 0x0A, omittingEmptySubsequences: true) {
            let trimmed = Substring(line).trimmingSpaces
            if !trimmed.isEmpty { lines.append(trimmed) }
        }
        return lines.joined(separator: "\n")
    }

    private static let script = Array("script".utf8)
    private static let style = Array("style".utf8)
    /// Tags that end a line: all of them when opened, `p` and `div` also when closed.
    private static let breaking = ["br", "p", "div", "li", "tr"].map { Array($0.utf8) }
    private static let breakingWhenClosed = ["p", "div"].map { Array($0.utf8) }

    /// Whether a tag name equals a lower-case ASCII name, ignoring case.
    private static func equal(_ name: UnsafeBufferPointer<UInt8>, _ lowercase: [UInt8]) -> Bool {
        guard name.count == lowercase.count else { return false }
        for offset in 0..<name.count {
            let byte = name[offset]
            if (byte >= 0x41 && byte <= 0x5A ? byte + 0x20 : byte) != lowercase[offset] { return false }
        }
        return true
    }

    /// A `<` opens a tag only before a letter, `/` or `!`; "工资<5000" is text.
    private static func startsTag(_ bytes: UnsafeBufferPointer<UInt8>, after index: Int) -> Bool {
        guard index + 1 < bytes.count else { return false }
        let next = bytes[index + 1]
        return (next >= 0x41 && next <= 0x5A) || (next >= 0x61 && next <= 0x7A) || next == 0x2F || next == 0x21
    }

    /// The named references feeds use most, XML's five among them: looked up before the
    /// whole list (`HTMLEntityTable.swift`), and all that folding text for matching
    /// (TextNormalizer) decodes on its hot path.
    public static let namedEntities: [String: UInt32] = [
        "amp": 0x26, "lt": 0x3C, "gt": 0x3E, "quot": 0x22, "apos": 0x27,
        "nbsp": 0xA0, "mdash": 0x2014, "ndash": 0x2013, "hellip": 0x2026, "ldquo": 0x201C, "rdquo": 0x201D,
        "lsquo": 0x2018, "rsquo": 0x2019, "middot": 0xB7, "copy": 0xA9, "reg": 0xAE, "times": 0xD7,
        "yen": 0xA5, "bull": 0x2022, "laquo": 0xAB, "raquo": 0xBB, "deg": 0xB0, "emsp": 0x2003,
        "ensp": 0x2002, "thinsp": 0x2009,
    ]

    /// The characters a named reference stands for (one, or two for a few such as
    /// `&NotEqualTilde;`): the table above first (no lookup for the common ones), then
    /// HTML's whole list of named references (`HTMLEntityTable.swift`: frac12, eacute,
    /// alpha, and HTML5's check, bigstar, NewLine ...).
    public static func entityScalars(named name: String) -> [UInt32]? {
        if let value = namedEntities[name] { return [value] }
        guard !name.isEmpty, name.utf8.count <= longestEntityName else { return nil }
        return allEntities[name]
    }

    /// The longest name of a named reference (CounterClockwiseContourIntegral).
    public static let longestEntityName = 32

    /// `entityTable` read into a dictionary, once.
    private static let allEntities: [String: [UInt32]] = {
        var table: [String: [UInt32]] = [:]
        table.reserveCapacity(2_200)
        for line in entityTable.split(separator: "\n") {
            let parts = line.split(separator: " ")
            guard parts.count >= 2 else { continue }
            table[String(parts[0])] = parts.dropFirst().compactMap { UInt32($0, radix: 16) }
        }
        return table
    }()

    /// Decodes `&name;`, `&#NNN;` and `&#xHH;`; leaves unknown references as they are.
    static func decodeEntities(_ text: String) -> String {
        guard text.utf8.contains(0x26) else { return text }
        var result = ""
        var rest = text[...]
        while let amp = rest.firstIndex(of: "&") {
            result += rest[..<amp]
            let after = rest[rest.index(after: amp)...]
            if let semicolon = after.prefix(longestEntityName + 1).firstIndex(of: ";") {
                let name = String(after[..<semicolon])
                var replacement: String?
                if name.hasPrefix("#x") || name.hasPrefix("#X") {
                    replacement = UInt32(name.dropFirst(2), radix: 16).flatMap(Unicode.Scalar.init).map { String($0) }
                } else if name.hasPrefix("#") {
                    replacement = UInt32(name.dropFirst()).flatMap(Unicode.Scalar.init).map { String($0) }
                } else {
                    // A no-break space is a plain space in clean text.
                    replacement = entityScalars(named: name).map { scalars in
                        String(String.UnicodeScalarView(scalars.compactMap(Unicode.Scalar.init).map { $0.value == 0xA0 ? " " : $0 }))
                    }
                }
                if let replacement {
                    result += replacement
                    rest = after[after.index(after: semicolon)...]
                    continue
                }
            }
            result.append("&")
            rest = after
        }
        return result + rest
    }
}

extension StringProtocol {
    /// The text without white space (Unicode's, full-width spaces included) at either end.
    public var trimmingSpaces: String {
        let scalars = unicodeScalars
        guard let first = scalars.firstIndex(where: { !$0.properties.isWhitespace }) else { return "" }
        let last = scalars.lastIndex(where: { !$0.properties.isWhitespace })!
        return String(self[first..<scalars.index(after: last)])
    }
}
