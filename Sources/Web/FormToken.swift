import NIOCore

/// The form's `csrf` field read straight from a raw body, before the form is parsed: the
/// first `csrf=` of a URL-encoded body (at its start or after an `&`), or the body of the
/// first part named `csrf` of a multipart one. Nil when there is none.
enum FormToken {
    static func find(in body: ByteBuffer, multipart: Bool) -> String? {
        body.withUnsafeReadableBytes { bytes in
            multipart ? inMultipart(UnsafeRawBufferPointer(rebasing: bytes.prefix(64 * 1024))) : inEncoded(bytes)
        }
    }

    private static func inEncoded(_ bytes: UnsafeRawBufferPointer) -> String? {
        let key = Array("csrf=".utf8)
        var start = 0
        while start + key.count <= bytes.count {
            if (start == 0 || bytes[start - 1] == UInt8(ascii: "&")) && key.indices.allSatisfy({ bytes[start + $0] == key[$0] }) {
                var end = start + key.count
                while end < bytes.count && bytes[end] != UInt8(ascii: "&") { end += 1 }
                let value = String(decoding: bytes[(start + key.count)..<end], as: UTF8.self)
                return FormFields(encoded: Substring("csrf=" + value))["csrf"]
            }
            start += 1
        }
        return nil
    }

    /// The token's part comes first in this app's forms: it is looked for in the first
    /// 64 KB of the body only.
    private static func inMultipart(_ bytes: UnsafeRawBufferPointer) -> String? {
        let name = Array("name=\"csrf\"".utf8)
        guard let at = firstIndex(of: name, in: bytes, from: 0),
            let headEnd = firstIndex(of: Array("\r\n\r\n".utf8), in: bytes, from: at)
        else { return nil }
        let valueStart = headEnd + 4
        guard let valueEnd = firstIndex(of: Array("\r\n".utf8), in: bytes, from: valueStart) else { return nil }
        return String(decoding: bytes[valueStart..<valueEnd], as: UTF8.self)
    }

    /// Where `needle` first occurs in `bytes` at or after `start`.
    static func firstIndex(of needle: [UInt8], in bytes: UnsafeRawBufferPointer, from start: Int) -> Int? {
        guard needle.count <= bytes.count else { return nil }
        var index = start
        while index + needle.count <= bytes.count {
            if bytes[index] == needle[0] && needle.indices.allSatisfy({ bytes[index + $0] == needle[$0] }) { return index }
            index += 1
        }
        return nil
    }
}
