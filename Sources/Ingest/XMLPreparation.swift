import Foundation
import Model

/// Makes a fetched XML feed safe and readable before libxml2 reads it (see `XMLFeedReader`).
///
/// - Decodes the bytes with `TextDecoding`, the declared charset taken from the
///   HTTP Content-Type, else from the XML declaration. The result is UTF-8 with a
///   matching declaration.
/// - Refuses documents that declare entities (`<!ENTITY`): no external entity is
///   ever fetched, and a billion-laughs document fails at once, in bounded memory.
/// - Repairs what real feeds get wrong in ways that would lose text: HTML named
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
        text = rewriteDeclaration(text)
        let repaired = text.withUTF8 { bytes in repair(bytes) }
        // Looked for in the very bytes libxml2 will read, anywhere in them: a check
        // made before the repair, or one that follows the document's structure, can be
        // led astray (a control character inside the keyword, a `<` in a literal).
        // Feeds never declare entities; a document that does is refused whole.
        if repaired.data.withUnsafeBytes({ raw in declaresEntities(raw.bindMemory(to: UInt8.self)) }) {
            throw .malformedDocument(
                source: source, line: nil,
                reason: "文档声明了实体（<!ENTITY），可能是实体膨胀攻击或外部引用，已拒绝读取")
        }
        return Prepared(data: repaired.data, isRecovered: repaired.changed || decoded.isRepaired, encoding: decoded.encoding)
    }

    /// Whether `<!ENTITY` occurs anywhere in the bytes.
    static func declaresEntities(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        find(Array("<!ENTITY".utf8), in: bytes, from: 0) != nil
    }

    private static func starts(with needle: [UInt8], in bytes: UnsafeBufferPointer<UInt8>, at index: Int) -> Bool {
        guard index + needle.count <= bytes.count else { return false }
        for offset in needle.indices where bytes[index + offset] != needle[offset] { return false }
        return true
    }

    private static func find(_ needle: [UInt8], in bytes: UnsafeBufferPointer<UInt8>, from start: Int) -> Int? {
        var index = start
        while index + needle.count <= bytes.count {
            if bytes[index] == needle[0] && starts(with: needle, in: bytes, at: index) { return index }
            index += 1
        }
        return nil
    }

    /// The text of `data`: the HTTP charset counts before the XML declaration.
    static func decode(
        _ data: Data, source: String,
        contentType: String?
    ) throws(IngestError) -> (text: String, encoding: String, isRepaired: Bool) {
        let declared = TextDecoding.charset(inContentType: contentType) ?? charset(inDeclaration: data[...])
        return try TextDecoding.decodeRepairing(data, source: source, declaredCharset: declared)
    }

    static func charset(inDeclaration bytes: Data.SubSequence) -> String? {
        let head = String(decoding: bytes.prefix(200).filter { $0 < 0x80 }, as: UTF8.self)
        guard head.hasPrefix("<?xml"), let end = head.range(of: "?>"),
            let key = head[..<end.lowerBound].range(of: "encoding=")
        else { return nil }
        let rest = head[key.upperBound...]
        guard let quote = rest.first, quote == "\"" || quote == "'" else { return nil }
        return rest.dropFirst().prefix { $0 != quote }.lowercased()
    }

    /// The document with its declaration saying UTF-8, which it now is.
    static func rewriteDeclaration(_ text: String) -> String {
        // Look at the head only: searching a large document as a whole costs an index of all of it.
        let head = text.utf8.prefix(256)
        guard head.starts(with: "<?xml".utf8), let close = head.firstRange(of: "?>".utf8) else { return text }
        guard head[..<close.lowerBound].firstRange(of: "encoding=".utf8) != nil else { return text }
        return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>" + text[close.upperBound...]
    }

    private static let xmlEntities: Set<String> = ["amp", "lt", "gt", "quot", "apos"]

    /// Entities and `&` fixed, control characters dropped; CDATA sections left as they are.
    /// Works on the UTF-8 bytes in one pass, copying runs of ordinary bytes whole.
    static func repair(_ bytes: UnsafeBufferPointer<UInt8>) -> (data: Data, changed: Bool) {
        var output = [UInt8]()
        output.reserveCapacity(bytes.count + bytes.count / 64)
        var changed = false
        var index = 0
        var runStart = 0
        func flush(upTo end: Int) {
            if runStart < end { output.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<end])) }
        }
        let cdata = Array("<![CDATA[".utf8)
        let comment = Array("<!--".utf8)
        while index < bytes.count {
            let byte = bytes[index]
            if byte == 0x3C, starts(with: cdata, in: bytes, at: index) {
                // A CDATA section is copied untouched, up to and with its "]]>".
                index = min(bytes.count, (find(Array("]]>".utf8), in: bytes, from: index + cdata.count) ?? bytes.count) + 3)
                continue
            }
            if byte == 0x3C, starts(with: comment, in: bytes, at: index) {
                // So is a comment: a bare & in it is no error to repair.
                index = min(bytes.count, (find(Array("-->".utf8), in: bytes, from: index + comment.count) ?? bytes.count) + 3)
                continue
            }
            if byte == 0x26 {  // &
                var end = index + 1
                while end < bytes.count, end - index <= HTMLText.longestEntityName + 1, bytes[end] != 0x3B, bytes[end] != 0x26,
                    bytes[end] < 0x80,
                    bytes[end] != 0x20, bytes[end] != 0x09, bytes[end] != 0x0A, bytes[end] != 0x0D
                { end += 1 }
                let name =
                    end < bytes.count && bytes[end] == 0x3B
                    ? String(decoding: UnsafeBufferPointer(rebasing: bytes[(index + 1)..<end]), as: UTF8.self) : nil
                if let name, xmlEntities.contains(name) || name.hasPrefix("#") {
                    index = end + 1
                    continue
                }
                flush(upTo: index)
                changed = true
                if let name, let values = HTMLText.entityScalars(named: name) {
                    for value in values { output.append(contentsOf: Array("&#\(value);".utf8)) }
                    index = end + 1
                } else {
                    output.append(contentsOf: Array("&amp;".utf8))
                    index += 1
                }
                runStart = index
                continue
            }
            let isControl = byte < 0x20 && byte != 0x09 && byte != 0x0A && byte != 0x0D
            // U+FFFE and U+FFFF, which XML forbids: EF BF BE, EF BF BF.
            let isNonCharacter =
                byte == 0xEF && index + 2 < bytes.count && bytes[index + 1] == 0xBF
                && (bytes[index + 2] == 0xBE || bytes[index + 2] == 0xBF)
            if isControl || isNonCharacter {
                flush(upTo: index)
                changed = true
                index += isControl ? 1 : 3
                runStart = index
                continue
            }
            index += 1
        }
        flush(upTo: bytes.count)
        return (Data(output), changed)
    }
}
