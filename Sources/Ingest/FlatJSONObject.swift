import Foundation

/// One line of an NDJSON export read straight from its bytes: a JSON object whose
/// values are strings, integers or null.
///
/// Post exports carry tens of thousands of such lines; Foundation's JSONSerialization
/// builds a bridged dictionary for each. Anything this reader does not take (nested
/// values, fractions, booleans, a repeated key, any doubt about the syntax) makes it
/// return nil, and the caller reads the line with JSONSerialization instead, so both
/// accept and refuse the same lines.
struct FlatJSONObject {
    /// Keys in their order; a value is nil for JSON null, an integer keeps its digits.
    private(set) var fields: [(key: String, value: String?)] = []

    init?(_ bytes: UnsafeBufferPointer<UInt8>) {
        var reader = Reader(bytes: bytes)
        guard reader.skipSpace(), reader.take(UInt8(ascii: "{")) else { return nil }
        guard reader.skipSpace() else { return nil }
        if reader.take(UInt8(ascii: "}")) {
            guard reader.atEndAfterSpace() else { return nil }
            return
        }
        while true {
            guard reader.skipSpace(), let key = reader.string(), reader.skipSpace(), reader.take(UInt8(ascii: ":")),
                reader.skipSpace(), let value = reader.value(), reader.skipSpace()
            else { return nil }
            guard !fields.contains(where: { $0.key == key }) else { return nil }
            fields.append((key, value))
            if reader.take(UInt8(ascii: ",")) { continue }
            guard reader.take(UInt8(ascii: "}")), reader.atEndAfterSpace() else { return nil }
            return
        }
    }

    /// The value of `key`: nil when absent, `.some(nil)` for null.
    subscript(key: String) -> String?? {
        guard let field = fields.first(where: { $0.key == key }) else { return nil }
        return .some(field.value)
    }

    private struct Reader {
        let bytes: UnsafeBufferPointer<UInt8>
        var position = 0

        /// Skips JSON white space; always true (for use in conditions).
        mutating func skipSpace() -> Bool {
            while position < bytes.count {
                switch bytes[position] {
                case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\n"), UInt8(ascii: "\r"): position += 1
                default: return true
                }
            }
            return true
        }

        mutating func atEndAfterSpace() -> Bool {
            _ = skipSpace()
            return position == bytes.count
        }

        mutating func take(_ byte: UInt8) -> Bool {
            guard position < bytes.count, bytes[position] == byte else { return false }
            position += 1
            return true
        }

        /// A string, an integer (its digits) or null (`.some(nil)`); nil for anything else.
        mutating func value() -> String?? {
            guard position < bytes.count else { return nil }
            switch bytes[position] {
            case UInt8(ascii: "\""):
                return string().map { .some($0) }
            case UInt8(ascii: "n"):
                guard position + 4 <= bytes.count, bytes[position + 1] == UInt8(ascii: "u"),
                    bytes[position + 2] == UInt8(ascii: "l"), bytes[position + 3] == UInt8(ascii: "l")
                else { return nil }
                position += 4
                return .some(nil)
            case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
                let start = position
                if bytes[position] == UInt8(ascii: "-") { position += 1 }
                let digitsStart = position
                while position < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[position]) { position += 1 }
                let digits = position - digitsStart
                // JSON integers: at least one digit, no leading zero; fractions and exponents go the slow way.
                guard digits > 0, digits < 19, !(digits > 1 && bytes[digitsStart] == UInt8(ascii: "0")) else { return nil }
                // -0 is 0 to JSONSerialization: left to it.
                guard !(digits == 1 && start != digitsStart && bytes[digitsStart] == UInt8(ascii: "0")) else { return nil }
                if position < bytes.count, [UInt8(ascii: "."), UInt8(ascii: "e"), UInt8(ascii: "E")].contains(bytes[position]) {
                    return nil
                }
                return .some(String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<position]), as: UTF8.self))
            default:
                return nil
            }
        }

        /// A JSON string with its escapes decoded; nil when it is not one.
        mutating func string() -> String? {
            guard take(UInt8(ascii: "\"")) else { return nil }
            let start = position
            // The common case: no escape, one copy of the bytes.
            while position < bytes.count {
                let byte = bytes[position]
                if byte == UInt8(ascii: "\"") {
                    let text = UnsafeBufferPointer(rebasing: bytes[start..<position])
                    position += 1
                    return Self.validUTF8(text)
                }
                if byte == UInt8(ascii: "\\") { break }
                guard byte >= 0x20 else { return nil }
                position += 1
            }
            guard position < bytes.count else { return nil }
            var decoded = Array(bytes[start..<position])
            while position < bytes.count {
                let byte = bytes[position]
                position += 1
                switch byte {
                case UInt8(ascii: "\""):
                    return decoded.withUnsafeBufferPointer { Self.validUTF8($0) }
                case UInt8(ascii: "\\"):
                    guard position < bytes.count else { return nil }
                    let escape = bytes[position]
                    position += 1
                    switch escape {
                    case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): decoded.append(escape)
                    case UInt8(ascii: "b"): decoded.append(0x08)
                    case UInt8(ascii: "f"): decoded.append(0x0C)
                    case UInt8(ascii: "n"): decoded.append(0x0A)
                    case UInt8(ascii: "r"): decoded.append(0x0D)
                    case UInt8(ascii: "t"): decoded.append(0x09)
                    case UInt8(ascii: "u"):
                        guard var scalar = hex4() else { return nil }
                        if (0xD800..<0xDC00).contains(scalar) {
                            // A high surrogate must be followed by its low half.
                            guard take(UInt8(ascii: "\\")), take(UInt8(ascii: "u")), let low = hex4(),
                                (0xDC00..<0xE000).contains(low)
                            else { return nil }
                            scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                        }
                        guard let unicode = Unicode.Scalar(scalar) else { return nil }
                        decoded.append(contentsOf: unicode.utf8)
                    default: return nil
                    }
                default:
                    guard byte >= 0x20 else { return nil }
                    decoded.append(byte)
                }
            }
            return nil
        }

        private mutating func hex4() -> UInt32? {
            guard position + 4 <= bytes.count else { return nil }
            var value: UInt32 = 0
            for _ in 0..<4 {
                let byte = bytes[position]
                let digit: UInt8
                switch byte {
                case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
                case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
                case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
                default: return nil
                }
                value = value << 4 | UInt32(digit)
                position += 1
            }
            return value
        }

        /// The text, or nil when the bytes are not valid UTF-8 (JSONSerialization refuses those too).
        private static func validUTF8(_ bytes: UnsafeBufferPointer<UInt8>) -> String? {
            String(validating: bytes, as: UTF8.self)
        }
    }
}
