/// Turns the HTML of feed descriptions into plain text.
///
/// Paragraph ends and `<br>` become line breaks; scripts, styles and all other
/// tags are dropped; the common character references are decoded.
public enum HTMLText {
    /// Plain text of an HTML fragment.
    /// - Complexity: O(n) in the length of `html`.
    public static func plainText(from html: String) -> String {
        guard html.contains("<") || html.contains("&") else { return html }
        var text = ""
        var index = html.startIndex
        var skippingUntil: String?
        while index < html.endIndex {
            let character = html[index]
            if character == "<", startsTag(html, after: index), let close = html[index...].firstIndex(of: ">") {
                let tag = html[html.index(after: index)..<close].lowercased()
                let name = tag.split(whereSeparator: { $0 == " " || $0 == "/" || $0 == "\t" || $0 == "\n" }).first.map(String.init) ?? ""
                if let end = skippingUntil {
                    if tag.hasPrefix("/") && name == end { skippingUntil = nil }
                } else if name == "script" || name == "style" {
                    if !tag.hasSuffix("/") { skippingUntil = name }
                } else if ["br", "p", "/p", "div", "/div", "li", "tr"].contains(tag.hasPrefix("/") ? "/" + name : name) {
                    text.append("\n")
                }
                index = html.index(after: close)
                continue
            }
            if skippingUntil == nil {
                text.append(character)
            }
            index = html.index(after: index)
        }
        return decodeEntities(text)
            .split(separator: "\n", omittingEmptySubsequences: false)
            .map { $0.trimmingSpaces }
            .filter { !$0.isEmpty }
            .joined(separator: "\n")
    }

    /// A `<` opens a tag only before a letter, `/` or `!`; "工资<5000" is text.
    private static func startsTag(_ html: String, after index: String.Index) -> Bool {
        let next = html.index(after: index)
        guard next < html.endIndex else { return false }
        let character = html[next]
        return (character.isASCII && character.isLetter) || character == "/" || character == "!"
    }

    /// The named character references feeds use, XML's five among them: the one table
    /// for cleaning descriptions (here), repairing feeds (XMLPreparation) and folding
    /// text for matching (TextNormalizer).
    public static let namedEntities: [String: UInt32] = [
        "amp": 0x26, "lt": 0x3C, "gt": 0x3E, "quot": 0x22, "apos": 0x27,
        "nbsp": 0xA0, "mdash": 0x2014, "ndash": 0x2013, "hellip": 0x2026, "ldquo": 0x201C, "rdquo": 0x201D,
        "lsquo": 0x2018, "rsquo": 0x2019, "middot": 0xB7, "copy": 0xA9, "reg": 0xAE, "times": 0xD7,
        "yen": 0xA5, "bull": 0x2022, "laquo": 0xAB, "raquo": 0xBB, "deg": 0xB0, "emsp": 0x2003,
        "ensp": 0x2002, "thinsp": 0x2009,
    ]

    /// Decodes `&name;`, `&#NNN;` and `&#xHH;`; leaves unknown references as they are.
    static func decodeEntities(_ text: String) -> String {
        guard text.contains("&") else { return text }
        var result = ""
        var rest = text[...]
        while let amp = rest.firstIndex(of: "&") {
            result += rest[..<amp]
            let after = rest[rest.index(after: amp)...]
            if let semicolon = after.prefix(10).firstIndex(of: ";") {
                let name = String(after[..<semicolon])
                var replacement: String?
                if name.hasPrefix("#x") || name.hasPrefix("#X") {
                    replacement = UInt32(name.dropFirst(2), radix: 16).flatMap(Unicode.Scalar.init).map { String($0) }
                } else if name.hasPrefix("#") {
                    replacement = UInt32(name.dropFirst()).flatMap(Unicode.Scalar.init).map { String($0) }
                } else {
                    // A no-break space is a plain space in clean text.
                    replacement = namedEntities[name].flatMap(Unicode.Scalar.init).map { $0.value == 0xA0 ? " " : String($0) }
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

extension Substring {
    var trimmingSpaces: String {
        let isSpace: (Character) -> Bool = { $0.isWhitespace }
        guard let first = firstIndex(where: { !isSpace($0) }) else { return "" }
        let last = lastIndex(where: { !isSpace($0) })!
        return String(self[first...last])
    }
}
