/// Reads head counts and amounts written in a text: 35名工人, 三十多人, 5万元, 一百二十万, 4.6万元, 1,200,000元.
///
/// Works on folded scalars (full-width digits are already ASCII).
public enum NumberReader {
    /// The largest head count and the largest amount in yuan the text gives.
    public static func read(_ scalars: ArraySlice<UInt32>) -> (people: Int?, amount: Double?) {
        var people: Int?
        var amount: Double?
        var index = scalars.startIndex
        while index < scalars.endIndex {
            let scalar = scalars[index]
            // Most characters start no number: decide that without a call.
            guard (scalar >= 0x30 && scalar <= 0x39) || (scalar >= 0x3007 && (digit(scalar) != nil || unit(scalar) != nil)),
                  let (value, after) = number(in: scalars, at: index) else {
                index += 1
                continue
            }
            var cursor = after
            // 多, 余, 几 after the number: "三十多人" is at least thirty.
            if cursor < scalars.endIndex, approximate.contains(scalars[cursor]) { cursor += 1 }
            var multiplier = 1.0
            if cursor < scalars.endIndex, let unit = magnitudes[scalars[cursor]] {
                multiplier = unit
                cursor += 1
                if cursor < scalars.endIndex, approximate.contains(scalars[cursor]) { cursor += 1 }
            }
            if (starts(with: personUnits, in: scalars, at: cursor) || namesWorkers(scalars, at: cursor)),
               multiplier == 1, value < 100_000 {
                people = max(people ?? 0, Int(value))
            } else if multiplier >= 10_000 || starts(with: moneyUnits, in: scalars, at: cursor) {
                amount = max(amount ?? 0, value * multiplier)
            }
            index = max(cursor, index + 1)
        }
        return (people, amount)
    }

    private static let approximate: Set<UInt32> = Set("多余几来".unicodeScalars.map(\.value))
    private static let magnitudes: [UInt32: Double] = [
        ("万" as Unicode.Scalar).value: 10_000, ("千" as Unicode.Scalar).value: 1_000, ("亿" as Unicode.Scalar).value: 100_000_000,
        ("w" as Unicode.Scalar).value: 10_000, ("k" as Unicode.Scalar).value: 1_000,
    ]
    private static let personUnits: [[UInt32]] = ["人", "名", "位", "个人", "个工人", "个农民工", "号人", "户"].map { $0.unicodeScalars.map(\.value) }
    private static let moneyUnits: [[UInt32]] = ["元", "块"].map { $0.unicodeScalars.map(\.value) }
    /// The value of a Chinese digit (零〇一二两三四五六七八九), or nil.
    @inline(__always)
    static func digit(_ value: UInt32) -> Int? {
        switch value {
        case 0x96F6, 0x3007: 0   // 零 〇
        case 0x4E00: 1           // 一
        case 0x4E8C, 0x4E24: 2   // 二 两
        case 0x4E09: 3           // 三
        case 0x56DB: 4           // 四
        case 0x4E94: 5           // 五
        case 0x516D: 6           // 六
        case 0x4E03: 7           // 七
        case 0x516B: 8           // 八
        case 0x4E5D: 9           // 九
        default: nil
        }
    }

    /// The value of a Chinese unit below 万 (十百千), or nil.
    @inline(__always)
    static func unit(_ value: UInt32) -> Int? {
        switch value {
        case 0x5341: 10      // 十
        case 0x767E: 100     // 百
        case 0x5343: 1_000   // 千
        default: nil
        }
    }

    /// 个/名 followed within a few characters by a word for workers: 十几个木工, 二十名绿化工人, 五个兄弟.
    private static func namesWorkers(_ scalars: ArraySlice<UInt32>, at index: Int) -> Bool {
        guard index < scalars.endIndex, counters.contains(scalars[index]) else { return false }
        let end = min(scalars.endIndex, index + 6)
        var cursor = index + 1
        while cursor < end {
            if workerEndings.contains(scalars[cursor]) { return true }
            if !(0x4E00...0x9FFF).contains(scalars[cursor]) { return false }
            cursor += 1
        }
        return false
    }

    private static let counters: Set<UInt32> = Set("个名位".unicodeScalars.map(\.value))
    private static let workerEndings: Set<UInt32> = Set("工人兄弟友".unicodeScalars.map(\.value))

    private static func starts(with candidates: [[UInt32]], in scalars: ArraySlice<UInt32>, at index: Int) -> Bool {
        candidates.contains { word in
            index + word.count <= scalars.endIndex && scalars[index..<(index + word.count)].elementsEqual(word)
        }
    }

    /// A number written in ASCII digits (with `,` and `.`) or in Chinese numerals, and where it ends.
    static func number(in scalars: ArraySlice<UInt32>, at index: Int) -> (Double, Int)? {
        let first = scalars[index]
        if first >= 0x30 && first <= 0x39 {
            // Not the tail of a longer token such as a phone number or a project code.
            if index > scalars.startIndex, let previous = Optional(scalars[index - 1]),
               (previous >= 0x30 && previous <= 0x39) || (previous >= 0x61 && previous <= 0x7A) || previous == 0x2D {
                return nil
            }
            var cursor = index
            var text = ""
            while cursor < scalars.endIndex {
                let value = scalars[cursor]
                if value >= 0x30 && value <= 0x39 || value == 0x2E {
                    text.unicodeScalars.append(Unicode.Scalar(value)!)
                } else if value == 0x2C, cursor + 1 < scalars.endIndex, scalars[cursor + 1] >= 0x30, scalars[cursor + 1] <= 0x39 {
                    // thousands separator
                } else {
                    break
                }
                cursor += 1
            }
            guard text.count <= 12, let value = Double(text) else { return nil }
            return (value, cursor)
        }
        guard digit(first) != nil || unit(first) != nil else { return nil }
        // Chinese numerals: 一百二十, 三十, 十五, 两千五百; 万 and 亿 are left to the caller as magnitudes
        // unless more numerals follow them (一百二十万 -> 1200000 with 万 as the caller's magnitude).
        var total = 0
        var pending: Int?
        var cursor = index
        var sawNumeral = false
        while cursor < scalars.endIndex {
            let value = scalars[cursor]
            if let next = Self.digit(value) {
                // 五六个人 is "five or six", not 56: keep the first of two neighbouring digits.
                if let previous = pending, previous < 10, next == previous + 1 {
                    cursor += 1
                    continue
                }
                pending = (pending ?? 0) * 10 + next
                sawNumeral = true
            } else if let unit = Self.unit(value) {
                total += (pending ?? 1) * unit
                pending = nil
                sawNumeral = true
            } else {
                break
            }
            cursor += 1
        }
        guard sawNumeral else { return nil }
        total += pending ?? 0
        // A lone 一 or 十 is rarely a count ("一起", "十分"); demand a unit right after it.
        return (Double(total), cursor)
    }
}
