import Foundation
import HTTPTypes
import Hummingbird
import Model
import NIOCore

/// The request context of the web UI: Hummingbird's core storage and the caller's address
/// (login attempts are counted per name and per address).
public struct WebContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// The peer's IP address; nil for in-process requests (tests).
    public var remoteAddress: String?

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        remoteAddress = source.channel.remoteAddress?.ipAddress
    }

    /// Forms are small: a reason, a project name, a password.
    public var maxUploadSize: Int { 64 * 1024 }

    /// A path parameter, percent-decoded (item ids hold `:`, departments Chinese).
    func pathParameter(_ name: String) throws -> String {
        let raw = try parameters.require(name)
        // A NUL is no part of any id: a lookup would cut the id there while a check compares it whole.
        guard let decoded = raw.removingPercentEncoding, !decoded.utf8.contains(0) else { throw WebError.badRequest("地址有误：\(name)") }
        return decoded
    }
}

/// An error a page or endpoint answers with: its status and a message in Chinese (never
/// personal data: messages name items, projects and fields, not text).
struct WebError: Error {
    var status: HTTPResponse.Status
    var message: String
    /// A page of this site the error leads to (the open case a second one would repeat).
    var link: String?
    var linkLabel: String?

    init(status: HTTPResponse.Status, message: String, link: String? = nil, linkLabel: String? = nil) {
        self.status = status
        self.message = message
        self.link = link
        self.linkLabel = linkLabel
    }

    static func notFound(_ what: String) -> WebError { WebError(status: .notFound, message: "找不到\(what)") }
    static func badRequest(_ message: String) -> WebError { WebError(status: .badRequest, message: message) }
}

/// Form fields and query parameters (`application/x-www-form-urlencoded`): `+` is a space,
/// `%XX` a byte of UTF-8. A field given twice keeps its first value.
struct FormFields: Sendable {
    private(set) var values: [String: String] = [:]
    /// The files of a `multipart/form-data` form, in their order.
    var files: [UploadedFile] = []

    /// Adds a field, unless it is there already (the first value wins). A name or value
    /// holding a NUL is no field (a lookup would cut it there while a check compares it whole).
    mutating func add(_ name: String, _ value: String) {
        guard !name.utf8.contains(0), !value.utf8.contains(0) else { return }
        if values[name] == nil { values[name] = value }
    }

    init(encoded text: Substring) {
        for pair in text.split(separator: "&", omittingEmptySubsequences: true) {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard let name = Self.decode(parts[0]) else { continue }
            add(name, parts.count > 1 ? Self.decode(parts[1]) ?? "" : "")
        }
    }

    subscript(name: String) -> String? { values[name] }

    /// The field's value with surrounding spaces removed, nil when missing or empty.
    func text(_ name: String) -> String? {
        guard let value = values[name]?.trimmingCharacters(in: .whitespacesAndNewlines), !value.isEmpty else { return nil }
        return value
    }

    private static func decode(_ text: Substring) -> String? {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.utf8.count)
        var iterator = text.utf8.makeIterator()
        while let byte = iterator.next() {
            switch byte {
            case UInt8(ascii: "+"): bytes.append(UInt8(ascii: " "))
            case UInt8(ascii: "%"):
                guard let high = iterator.next().flatMap(hexValue), let low = iterator.next().flatMap(hexValue) else { return nil }
                bytes.append(high << 4 | low)
            default: bytes.append(byte)
            }
        }
        return String(validating: bytes, as: UTF8.self)
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}

extension Request {
    /// The query string's fields.
    var query: FormFields { FormFields(encoded: Substring(uri.query ?? "")) }

    /// The cookie `name`'s value.
    func cookie(_ name: String) -> String? {
        cookies[name]?.value
    }
}

/// Random tokens: session ids and CSRF tokens, 32 bytes from the system's generator, as URL-safe base64.
enum Token {
    static func make() -> String {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<32).map { _ in UInt8.random(in: 0...255, using: &generator) }
        return Data(bytes).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    /// Compares two tokens in time that does not depend on where they differ.
    static func equal(_ lhs: String, _ rhs: String) -> Bool {
        let left = Array(lhs.utf8)
        let right = Array(rhs.utf8)
        guard left.count == right.count else { return false }
        var difference: UInt8 = 0
        for index in left.indices { difference |= left[index] ^ right[index] }
        return difference == 0
    }
}
