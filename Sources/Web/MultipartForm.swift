import Foundation
import HTTPTypes
import MultipartKit
import NIOCore

/// A file of a `multipart/form-data` form: the name the browser gave it and its bytes.
struct UploadedFile: Sendable {
    var filename: String
    var bytes: [UInt8]
}

extension FormFields {
    /// The fields and files of a `multipart/form-data` body (MultipartKit's parser): a part
    /// with a file name is a file (an empty one, a file input left empty, is skipped), any
    /// other a field.
    /// - Throws: `WebError` 400 when the body is not such a form.
    init(multipart body: ByteBuffer, contentType: String) throws {
        guard let boundary = Self.parameter("boundary", of: contentType), !boundary.isEmpty, boundary.count <= 200 else {
            throw WebError.badRequest("表单格式有误（multipart 缺少 boundary）")
        }
        // A form of ours has a few fields and files: a body of thousands of parts is refused
        // before it is parsed (parsing half a million tiny parts took seconds of a core).
        guard Self.count(of: Array("--\(boundary)".utf8), in: body, atMost: Self.maxParts + 1) <= Self.maxParts + 1 else {
            throw WebError.badRequest("表单项过多（最多 \(Self.maxParts) 项），未保存")
        }
        var parts: [(headers: [String: String], body: [UInt8])] = []
        var headers: [String: String] = [:]
        var bytes: [UInt8] = []
        let parser = MultipartParser(boundary: boundary)
        parser.onHeader = { name, value in headers[name.lowercased()] = value }
        parser.onBody = { buffer in bytes += buffer.readBytes(length: buffer.readableBytes) ?? [] }
        parser.onPartComplete = {
            parts.append((headers, bytes))
            headers = [:]
            bytes = []
        }
        do { try parser.execute(body) } catch { throw WebError.badRequest("表单格式有误（multipart 无法解析）") }
        self.init(encoded: "")
        for part in parts {
            guard let disposition = part.headers["content-disposition"], let name = Self.parameter("name", of: disposition) else {
                continue
            }
            if let filename = Self.parameter("filename", of: disposition) {
                if !part.body.isEmpty { files.append(UploadedFile(filename: filename, bytes: part.body)) }
            } else {
                add(name, String(decoding: part.body, as: UTF8.self))
            }
        }
    }

    /// The most parts a form may have.
    static let maxParts = 200

    /// How many times `needle` occurs in `body`, counting no further than `limit + 1`.
    static func count(of needle: [UInt8], in body: ByteBuffer, atMost limit: Int) -> Int {
        guard !needle.isEmpty else { return 0 }
        return body.withUnsafeReadableBytes { bytes in
            var found = 0
            var from = 0
            while found <= limit, let at = FormToken.firstIndex(of: needle, in: bytes, from: from) {
                found += 1
                from = at + needle.count
            }
            return found
        }
    }

    /// The parameter `key` of a header value (`form-data; name="x"; filename="a.pdf"`),
    /// quoted or not; `filename*` (RFC 5987, UTF-8) wins over `filename`.
    static func parameter(_ key: String, of header: String) -> String? {
        var found: String?
        var scanner = Substring(header)
        while let semicolon = scanner.firstIndex(of: ";") {
            scanner = scanner[scanner.index(after: semicolon)...].drop { $0 == " " || $0 == "\t" }
            guard let equals = scanner.firstIndex(of: "=") else { break }
            let name = scanner[..<equals].trimmingCharacters(in: .whitespaces).lowercased()
            var rest = scanner[scanner.index(after: equals)...]
            var value = ""
            if rest.first == "\"" {
                rest = rest.dropFirst()
                var escaped = false
                var end = rest.endIndex
                for index in rest.indices {
                    let character = rest[index]
                    if escaped {
                        value.append(character)
                        escaped = false
                    } else if character == "\\" {
                        escaped = true
                    } else if character == "\"" {
                        end = index
                        break
                    } else {
                        value.append(character)
                    }
                }
                scanner = end < rest.endIndex ? rest[rest.index(after: end)...] : rest[rest.endIndex...]
            } else {
                let end = rest.firstIndex(of: ";") ?? rest.endIndex
                value = rest[..<end].trimmingCharacters(in: .whitespaces)
                scanner = rest[end...]
            }
            if name == key + "*", let quote = value.range(of: "''") {
                found = value[quote.upperBound...].removingPercentEncoding
                if found != nil { return found }
            } else if name == key, found == nil {
                found = value
            }
        }
        return found
    }
}
