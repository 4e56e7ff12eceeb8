/// Quotes untrusted field values in error messages without leaking personal data.
///
/// A petition export may put a phone or ID number, or the petitioner's name, in the
/// wrong field (a column shifted by one); the message that names the field must not
/// repeat it into logs, or to readers not allowed to see it.
enum ClerkText {
    /// `value` with every run of 7 or more digits masked, and every run of Chinese
    /// characters shown by its first one only (张** for a name, 来* for 来电: enough to
    /// find the cell, not enough to name anyone), cut to 24 characters.
    static func quote(_ value: String) -> String {
        var result = ""
        var digits = ""
        var hanzi = 0
        func flush() {
            result += digits.count >= 7 ? String(repeating: "*", count: digits.count) : digits
            digits = ""
        }
        for character in value {
            if character.isASCII && character.isNumber {
                digits.append(character)
                hanzi = 0
                continue
            }
            flush()
            if character.unicodeScalars.first?.properties.isIdeographic == true {
                result.append(hanzi == 0 ? character : "*")
                hanzi += 1
            } else {
                result.append(character)
                hanzi = 0
            }
        }
        flush()
        return result.count > 24 ? String(result.prefix(24)) + "…" : result
    }
}
