import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Turns the bytes of a feed or office export into text, by the usual precedence:
/// a byte-order mark (UTF-8, UTF-16), then bytes that are already valid UTF-8
/// (never decoded twice), then the declared charset (HTTP Content-Type or XML
/// declaration), then GB18030, the superset of GB2312 and GBK that Excel and
/// older systems in China write.
public enum TextDecoding {
    /// Decodes `data`, naming `source` in the error when no encoding fits.
    /// - Parameter declaredCharset: the charset the sender declared, if any (gb2312, big5 ...).
    public static func decode(_ data: Data, source: String, declaredCharset: String? = nil) throws(IngestError) -> String {
        try decodeReporting(data, source: source, declaredCharset: declaredCharset).text
    }

    /// Decodes `data` and says which encoding it turned out to be, for an operator
    /// wondering why a feed "shows nothing" (`UTF-8`, `UTF-8 (BOM)`, `GB18030 (declared gb2312)` ...).
    public static func decodeReporting(_ data: Data, source: String,
                                       declaredCharset: String? = nil) throws(IngestError) -> (text: String, encoding: String) {
        if data.starts(with: [0xFF, 0xFE]) || data.starts(with: [0xFE, 0xFF]) {
            let little = data.starts(with: [0xFF, 0xFE])
            guard let text = String(data: data.dropFirst(2), encoding: little ? .utf16LittleEndian : .utf16BigEndian) else {
                throw .undecodableText(source: source)
            }
            return (text, little ? "UTF-16LE (BOM)" : "UTF-16BE (BOM)")
        }
        var bytes = data[...]
        let hasBOM = bytes.starts(with: [0xEF, 0xBB, 0xBF])
        if hasBOM {
            bytes = bytes.dropFirst(3)
        }
        if let text = String(validating: bytes, as: UTF8.self) {
            return (text, hasBOM ? "UTF-8 (BOM)" : "UTF-8")
        }
        if let declaredCharset {
            let name = iconvName(for: declaredCharset)
            if let text = convert(bytes, from: name) { return (text, "\(name) (declared \(declaredCharset))") }
        }
        // No declaration, or a wrong one: GB18030 is what Chinese exports most often really are.
        if let text = convert(bytes, from: "GB18030") {
            return (text, declaredCharset.map { "GB18030 (declared \($0), which did not fit)" } ?? "GB18030 (not declared)")
        }
        throw .undecodableText(source: source)
    }

    /// The charset parameter of a Content-Type header, lower-cased.
    public static func charset(inContentType contentType: String?) -> String? {
        guard let contentType else { return nil }
        for parameter in contentType.split(separator: ";").dropFirst() {
            let pair = parameter.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            if pair.count == 2, pair[0].lowercased() == "charset" {
                return pair[1].trimmingCharacters(in: CharacterSet(charactersIn: "\"'")).lowercased()
            }
        }
        return nil
    }

    /// iconv's name for a declared charset; GB2312 and GBK are read as GB18030, their superset.
    static func iconvName(for charset: String) -> String {
        switch charset.lowercased() {
        case "gb2312", "gbk", "gb18030", "x-gbk", "cp936", "euc-cn": "GB18030"
        case "big5", "big5-hkscs", "x-big5": "BIG5-HKSCS"
        default: charset.uppercased()
        }
    }

    /// Converts `bytes` in `encoding` to a String with iconv; nil when the bytes are invalid.
    static func convert(_ bytes: Data.SubSequence, from encoding: String) -> String? {
        let converter = iconv_open("UTF-8", encoding)
        guard converter != iconv_t(bitPattern: -1) else { return nil }
        defer { iconv_close(converter) }
        var input = Array(bytes)
        // GB18030 needs at most 3 UTF-8 bytes per 2-byte character, 4 per 4-byte one.
        var output = [UInt8](repeating: 0, count: input.count * 2 + 4)
        let converted: Int? = input.withUnsafeMutableBufferPointer { inBuffer in
            output.withUnsafeMutableBufferPointer { outBuffer in
                var inPointer = UnsafeMutableRawPointer(inBuffer.baseAddress)?.assumingMemoryBound(to: CChar.self)
                var inLeft = inBuffer.count
                var outPointer = UnsafeMutableRawPointer(outBuffer.baseAddress)?.assumingMemoryBound(to: CChar.self)
                var outLeft = outBuffer.count
                let result = iconv(converter, &inPointer, &inLeft, &outPointer, &outLeft)
                guard result != -1, inLeft == 0 else { return nil }
                return outBuffer.count - outLeft
            }
        }
        guard let converted else { return nil }
        return String(decoding: output[..<converted], as: UTF8.self)
    }
}
