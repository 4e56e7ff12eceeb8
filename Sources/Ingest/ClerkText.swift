/// Quotes untrusted field values in error messages without leaking personal data.
///
/// A petition export may put a phone or ID number in the wrong field; the
/// message that names the field must not repeat it into logs.
enum ClerkText {
    /// `value` with every run of 7 or more digits masked, cut to 24 characters.
    static func quote(_ value: String) -> String {
        var result = ""
        var digits = ""
        func flush() {
            result += digits.count >= 7 ? String(repeating: "*", count: digits.count) : digits
            digits = ""
        }
        for character in value {
            if character.isASCII && character.isNumber {
                digits.append(character)
            } else {
                flush()
                result.append(character)
            }
        }
        flush()
        return result.count > 24 ? String(result.prefix(24)) + "…" : result
    }
}
