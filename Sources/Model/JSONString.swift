/// A text as a JSON string, written directly (JSONEncoder costs microseconds a call, and
/// JSONSerialization casts every value at run time): the store's list columns, the alerts'
/// message bodies and the JSON log lines write their strings through it.
public enum JSONString {
    /// Appends `string` quoted: quote, backslash and control characters escaped, the rest
    /// as it is.
    public static func appendQuoted(_ string: String, to result: inout String) {
        result += "\""
        // Most texts need no escape: appended whole, not scalar by scalar.
        if !string.utf8.contains(where: { $0 < 0x20 || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") }) {
            result += string
            result += "\""
            return
        }
        for scalar in string.unicodeScalars {
            switch scalar {
            case "\"": result += "\\\""
            case "\\": result += "\\\\"
            case "\n": result += "\\n"
            case "\r": result += "\\r"
            case "\t": result += "\\t"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                result += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: result.unicodeScalars.append(scalar)
            }
        }
        result += "\""
    }
}
