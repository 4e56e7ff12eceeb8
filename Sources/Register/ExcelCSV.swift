import Foundation

/// CSV as Excel opens it: UTF-8 with a byte order mark, CRLF line ends, fields quoted
/// as RFC 4180 says, and text that Excel would run as a formula defused.
public enum ExcelCSV {
    public static func document(_ rows: [[String]]) -> String {
        "\u{FEFF}" + rows.map { $0.map(field).joined(separator: ",") }.joined(separator: "\r\n") + "\r\n"
    }

    /// Quotes a field when it holds a comma, quote or line break; a leading = + - @ is
    /// prefixed with ' so that Excel never runs untrusted text as a formula.
    public static func field(_ text: String) -> String {
        var text = text
        if let first = text.first, "=+-@\t\r".contains(first), Double(text) == nil { text = "'" + text }
        // By scalars: "\r\n" is one Character, so a set of Characters would miss a lone \n or \r.
        guard text.unicodeScalars.contains(where: { $0 == "," || $0 == "\"" || $0 == "\r" || $0 == "\n" }) else { return text }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
