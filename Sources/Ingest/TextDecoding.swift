import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Turns the bytes of a feed or office export into text.
///
/// UTF-8 (with or without a byte-order mark) is taken as it is; anything else
/// is read as GB18030, the superset of GB2312 and GBK that Excel and older
/// systems in China write.
public enum TextDecoding {
    /// Decodes `data`, naming `source` in the error when no encoding fits.
    public static func decode(_ data: Data, source: String) throws(IngestError) -> String {
        var bytes = data[...]
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) {
            bytes = bytes.dropFirst(3)
        }
        if let text = String(validating: bytes, as: UTF8.self) {
            return text
        }
        if let text = convert(bytes, from: "GB18030") {
            return text
        }
        throw .undecodableText(source: source)
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
