import Foundation
import Model

/// Makes a fetched XML feed safe and readable for XMLParser before it sees it.
///
/// - Decodes the bytes with `TextDecoding`, the declared charset taken from the
///   HTTP Content-Type, else from the XML declaration. The result is UTF-8 with a
///   matching declaration.
/// - Refuses documents that declare entities (`<!ENTITY`): no external entity is
///   ever fetched, and a billion-laughs document fails at once, in bounded memory.
/// - Repairs what real feeds get wrong and XMLParser rejects: HTML named
///   entities without a DTD (`&nbsp;`, `&mdash;` …) become numeric references, a
///   bare `&` becomes `&amp;`, stray control characters are dropped. A repaired
///   feed is marked recovered.
public enum XMLPreparation {
    /// The prepared document and whether anything had to be repaired.
    public struct Prepared: Sendable {
        public var data: Data
        public var isRecovered: Bool
        /// The encoding the bytes turned out to be (see `TextDecoding.decodeReporting`).
        public var encoding: String
    }

    public static func prepare(_ data: Data, source: String, contentType: String? = nil) throws(IngestError) -> Prepared {
        let decoded = try decode(data, source: source, contentType: contentType)
        var text = decoded.text
        if let doctype = text.range(of: "<!DOCTYPE", options: [.caseInsensitive]),
           text[doctype.lowerBound...].prefix(4096).contains("<!ENTITY") {
            throw .malformedDocument(source: source, line: nil,
                                     reason: "the document declares entities (<!ENTITY); refused, as an entity-expansion attack or an external reference")
        }
        text = rewriteDeclaration(text)
        let repaired = repair(text)
        return Prepared(data: Data(repaired.text.utf8), isRecovered: repaired.changed, encoding: decoded.encoding)
    }

    /// The text of `data`: the HTTP charset counts before the XML declaration.
    static func decode(_ data: Data, source: String,
                       contentType: String?) throws(IngestError) -> (text: String, encoding: String) {
        let declared = TextDecoding.charset(inContentType: contentType) ?? charset(inDeclaration: data[...])
        return try TextDecoding.decodeReporting(data, source: source, declaredCharset: declared)
    }

    static func charset(inDeclaration bytes: Data.SubSequence) -> String? {
        let head = String(decoding: bytes.prefix(200).filter { $0 < 0x80 }, as: UTF8.self)
        guard head.hasPrefix("<?xml"), let end = head.range(of: "?>"),
              let key = head[..<end.lowerBound].range(of: "encoding=") else { return nil }
        let rest = head[key.upperBound...]
        guard let quote = rest.first, quote == "\"" || quote == "'" else { return nil }
        return rest.dropFirst().prefix { $0 != quote }.lowercased()
    }

    /// The document with its declaration saying UTF-8, which it now is.
    static func rewriteDeclaration(_ text: String) -> String {
        guard text.hasPrefix("<?xml"), let end = text.range(of: "?>") else { return text }
        let declaration = text[..<end.upperBound]
        guard declaration.contains("encoding=") else { return text }
        return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>" + text[end.upperBound...]
    }

    private static let xmlEntities: Set<String> = ["amp", "lt", "gt", "quot", "apos"]

    /// Entities and `&` fixed, control characters dropped; CDATA sections left as they are.
    static func repair(_ text: String) -> (text: String, changed: Bool) {
        var output = String.UnicodeScalarView()
        var changed = false
        let scalars = Array(text.unicodeScalars)
        var index = 0
        while index < scalars.count {
            let scalar = scalars[index]
            if scalar == "<", index + 8 < scalars.count, String(String.UnicodeScalarView(scalars[index..<(index + 9)])) == "<![CDATA[" {
                // Copy a CDATA section untouched.
                var end = index + 9
                while end + 2 < scalars.count && !(scalars[end] == "]" && scalars[end + 1] == "]" && scalars[end + 2] == ">") { end += 1 }
                let stop = min(scalars.count, end + 3)
                output.append(contentsOf: scalars[index..<stop])
                index = stop
                continue
            }
            if scalar == "&" {
                var end = index + 1
                while end < scalars.count, end - index <= 12, scalars[end] != ";", !scalars[end].properties.isWhitespace, scalars[end] != "&" { end += 1 }
                let name = end < scalars.count && scalars[end] == ";" ? String(String.UnicodeScalarView(scalars[(index + 1)..<end])) : nil
                if let name, xmlEntities.contains(name) || name.hasPrefix("#") {
                    output.append(contentsOf: scalars[index...end])
                    index = end + 1
                    continue
                }
                changed = true
                if let name, let value = HTMLText.namedEntities[name] {
                    output.append(contentsOf: "&#\(value);".unicodeScalars)
                    index = end + 1
                } else {
                    output.append(contentsOf: "&amp;".unicodeScalars)
                    index += 1
                }
                continue
            }
            if scalar.value < 0x20 && scalar != "\t" && scalar != "\n" && scalar != "\r" || scalar.value == 0xFFFE || scalar.value == 0xFFFF {
                changed = true
                index += 1
                continue
            }
            output.append(scalar)
            index += 1
        }
        return (String(output), changed)
    }
}
