/// Folds text into the form the matcher compares: half-width ASCII, lower case,
/// no whitespace, no zero-width or emoji-presentation characters.
///
/// Both the patterns and the texts go through the same folding, so 欠 薪,
/// ＡＢＣ建筑 and abc建筑 all meet.
public enum TextNormalizer {
    /// The folded form of `text`.
    /// - Complexity: O(n) in the number of Unicode scalars.
    public static func normalize(_ text: String) -> String {
        var scalars = String.UnicodeScalarView()
        scalars.reserveCapacity(text.unicodeScalars.count)
        for scalar in text.unicodeScalars {
            if let folded = fold(scalar) {
                scalars.append(folded)
            }
        }
        return String(scalars)
    }

    /// One scalar folded, or nil when it is dropped.
    @inline(__always)
    static func fold(_ scalar: Unicode.Scalar) -> Unicode.Scalar? {
        var value = scalar.value
        switch value {
        case 0xFF01...0xFF5E:  // full-width ASCII forms
            value -= 0xFEE0
        case 0x3000:  // ideographic space
            return nil
        case 0x200B...0x200F, 0x2060, 0xFEFF, 0xFE0F:  // zero-width and variation selectors
            return nil
        default:
            break
        }
        if value < 0x80 {
            if value == 0x20 || (0x09...0x0D).contains(value) { return nil }
            if (0x41...0x5A).contains(value) { value += 0x20 }
            return Unicode.Scalar(value)
        }
        let folded = Unicode.Scalar(value)!
        if folded.properties.isWhitespace || folded.properties.isEmojiPresentation {
            return nil
        }
        return folded
    }
}
