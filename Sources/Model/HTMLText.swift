/// HTML's named character references: the common ones, and HTML5's whole list
/// (`HTMLEntityTable.swift`). Feeds' HTML is read by libxml2 (Ingest's `HTMLToText`),
/// which knows HTML 4's references only; folding text for matching decodes the common
/// ones on its hot path.
public enum HTMLText {
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
}

extension StringProtocol {
    /// The text without white space (Unicode's, full-width spaces included) at either end.
    public var trimmingSpaces: String {
        let scalars = unicodeScalars
        guard let first = scalars.firstIndex(where: { !$0.properties.isWhitespace }),
            let last = scalars.lastIndex(where: { !$0.properties.isWhitespace })
        else { return "" }
        return String(self[first..<scalars.index(after: last)])
    }
}
