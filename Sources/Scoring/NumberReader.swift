/// Reads head counts and amounts written in a text: 35名工人, 三十多人, 十几个木工, 5万元,
/// 一百二十万, 三万五千元, 两千五, 4.6万元, 1,200,000元, 3000人民币.
///
/// Works on folded scalars (full-width digits are already ASCII).
public enum NumberReader {
    /// The largest head count and the largest amount in yuan the text gives.
    public static func read(_ scalars: ArraySlice<UInt32>) -> (people: Int?, amount: Double?) {
        var people: Int?
        var amount: Double?
        var index = scalars.startIndex
        let starters = Self.starters
        while index < scalars.endIndex {
            // Most characters start no number: skip them in a tight loop over the raw scalars.
            index =
                scalars.startIndex
                + scalars.withUnsafeBufferPointer { buffer in
                    starters.firstMember(in: buffer, from: index - scalars.startIndex)
                }
            guard index < scalars.endIndex else { break }
            guard let found = number(in: scalars, at: index) else {
                index += 1
                continue
            }
            var value = found.value
            var cursor = found.end
            // 多, 余, 几 after the number: "三十多人" is at least thirty.
            if cursor < scalars.endIndex, approximate.contains(scalars[cursor]) { cursor += 1 }
            var multiplier = 1.0
            if cursor < scalars.endIndex, let magnitude = magnitude(scalars[cursor]) {
                multiplier = magnitude
                cursor += 1
                // 三万五千: Chinese numerals after 万 add to it.
                if magnitude >= 10_000, cursor < scalars.endIndex, !isASCIIDigit(scalars[cursor]),
                    let rest = number(in: scalars, at: cursor), rest.value < magnitude
                {
                    value += rest.value / magnitude
                    cursor = rest.end
                }
                if cursor < scalars.endIndex, approximate.contains(scalars[cursor]) { cursor += 1 }
            }
            if starts(with: moneyUnits, in: scalars, at: cursor) {
                amount = max(amount ?? 0, value * multiplier)
            } else if multiplier == 1, value < 100_000,
                starts(with: personUnits, in: scalars, at: cursor) || namesWorkers(scalars, at: cursor)
            {
                people = max(people ?? 0, Int(value))
            } else if multiplier >= 10_000 {
                amount = max(amount ?? 0, value * multiplier)
            } else if value * multiplier >= 100, owedBefore(scalars, at: index), endsBare(scalars, at: cursor) {
                // 欠他九千多, 被欠两千, 还有两千八没拿到: people leave the unit out after a word of owing.
                amount = max(amount ?? 0, value * multiplier)
            }
            index = max(cursor, index + 1)
        }
        return (people, amount)
    }

    /// A word of owing or paying within the three characters before a number: 欠, 差, 剩, 有 (还有), 给, 拿, 少.
    private static func owedBefore(_ scalars: ArraySlice<UInt32>, at index: Int) -> Bool {
        var cursor = index - 1
        while cursor >= scalars.startIndex, cursor >= index - 3 {
            if oweMarks.contains(scalars[cursor]) { return true }
            if !isHan(scalars[cursor]) { return false }
            cursor -= 1
        }
        return false
    }

    /// A bare amount ends the clause or runs into a verb (没, 说, 还): not 九千多平方, 两千个人, 三百车.
    private static func endsBare(_ scalars: ArraySlice<UInt32>, at index: Int) -> Bool {
        guard index < scalars.endIndex else { return true }
        let next = scalars[index]
        return !isHan(next) && !isASCIIDigit(next) && !(next >= 0x41 && next <= 0x7A) || bareFollowers.contains(next)
    }

    private static let oweMarks = ScalarBitmap("欠差剩有给拿少")
    private static let bareFollowers = ScalarBitmap("没未还也都就说到了呢啊吧的")

    /// Characters that may start a number: ASCII digits, Chinese digits and units below 万.
    private static let starters = ScalarBitmap("0123456789零〇一二两三四五六七八九十百千")
    // Character sets as bitmaps: a set of scalars hashes every lookup.
    private static let approximate = ScalarBitmap("多余几来")

    /// The magnitude a character multiplies by, or nil.
    @inline(__always)
    private static func magnitude(_ value: UInt32) -> Double? {
        switch value {
        case 0x4E07: 10_000  // 万
        case 0x5343: 1_000  // 千 after ASCII digits: 5千
        case 0x4EBF: 100_000_000  // 亿
        case 0x77: 10_000  // w
        case 0x6B: 1_000  // k
        default: nil
        }
    }
    // 人民币 before 人: "3000人民币" is money, not 3000 people.
    private static let moneyUnits: [[UInt32]] = ["元", "块", "人民币"].map { $0.unicodeScalars.map(\.value) }
    private static let personUnits: [[UInt32]] = ["人", "名", "位", "个人", "号人", "户"].map { $0.unicodeScalars.map(\.value) }
    private static let counters = ScalarBitmap("个名位")
    private static let workerEndings = ScalarBitmap("工人弟友傅")
    private static let notWorkers = ScalarBitmap("月天年时周星次项点")
    private static let notAfterWork = ScalarBitmap("地程资钱期作")
    private static let work: UInt32 = 0x5DE5  // 工
    private static let workerAfterWork = ScalarBitmap("人友")

    /// The value of a Chinese digit (零〇一二两三四五六七八九), or nil.
    @inline(__always)
    static func digit(_ value: UInt32) -> Int? {
        switch value {
        case 0x96F6, 0x3007: 0  // 零 〇
        case 0x4E00: 1  // 一
        case 0x4E8C, 0x4E24: 2  // 二 两
        case 0x4E09: 3  // 三
        case 0x56DB: 4  // 四
        case 0x4E94: 5  // 五
        case 0x516D: 6  // 六
        case 0x4E03: 7  // 七
        case 0x516B: 8  // 八
        case 0x4E5D: 9  // 九
        default: nil
        }
    }

    /// The value of a Chinese unit below 万 (十百千), or nil.
    @inline(__always)
    static func unit(_ value: UInt32) -> Int? {
        switch value {
        case 0x5341: 10  // 十
        case 0x767E: 100  // 百
        case 0x5343: 1_000  // 千
        default: nil
        }
    }

    @inline(__always)
    static func isASCIIDigit(_ value: UInt32) -> Bool {
        value >= 0x30 && value <= 0x39
    }

    /// 个/名/位 followed within a few characters by a word for workers: 十几个木工,
    /// 二十名绿化工人, 五个兄弟; but not 五个月, 三个工地, 两个工程.
    private static func namesWorkers(_ scalars: ArraySlice<UInt32>, at index: Int) -> Bool {
        guard index < scalars.endIndex, counters.contains(scalars[index]) else { return false }
        let end = min(scalars.endIndex, index + 6)
        var cursor = index + 1
        while cursor < end {
            let value = scalars[cursor]
            if notWorkers.contains(value) { return false }
            if workerEndings.contains(value) {
                // 三十多个工 counts days of work, not workers.
                if value == work, cursor == index + 1,
                    cursor + 1 >= scalars.endIndex || !workerAfterWork.contains(scalars[cursor + 1])
                {
                    return false
                }
                // 工 must end the word (木工, 小工), not start one (工地, 工程, 工资).
                guard value == work, cursor + 1 < scalars.endIndex else { return true }
                return !notAfterWork.contains(scalars[cursor + 1])
            }
            if value < 0x4E00 || value > 0x9FFF { return false }
            cursor += 1
        }
        return false
    }

    private static func starts(with candidates: [[UInt32]], in scalars: ArraySlice<UInt32>, at index: Int) -> Bool {
        candidates.contains { word in
            index + word.count <= scalars.endIndex && scalars[index..<(index + word.count)].elementsEqual(word)
        }
    }

    /// A number written in ASCII digits (with `,` and `.`) or in Chinese numerals, and where it ends.
    static func number(in scalars: ArraySlice<UInt32>, at index: Int) -> (value: Double, end: Int)? {
        let first = scalars[index]
        if isASCIIDigit(first) {
            // Not the tail of a longer token such as a phone number or a project code.
            if index > scalars.startIndex {
                let previous = scalars[index - 1]
                if isASCIIDigit(previous) || (previous >= 0x61 && previous <= 0x7A) || previous == 0x2D { return nil }
            }
            var cursor = index
            var text = ""
            while cursor < scalars.endIndex {
                let value = scalars[cursor]
                if isASCIIDigit(value) || value == 0x2E {
                    // swift-format-ignore: NeverForceUnwrap
                    // (an ASCII digit or a dot)
                    text.unicodeScalars.append(Unicode.Scalar(value)!)
                } else if value == 0x2C, cursor + 1 < scalars.endIndex, isASCIIDigit(scalars[cursor + 1]) {
                    // thousands separator
                } else {
                    break
                }
                cursor += 1
            }
            guard text.count <= 12, let value = Double(text) else { return nil }
            return (value, cursor)
        }
        return chineseNumber(in: scalars, at: index)
    }

    /// Chinese numerals: 一百二十, 三十, 十五, 两千五百, 两千五 (= 2500), 一百零一.
    /// 万 and 亿 are left to the caller as magnitudes.
    static func chineseNumber(in scalars: ArraySlice<UInt32>, at index: Int) -> (value: Double, end: Int)? {
        var total = 0
        var pending: Int?
        var lastUnit = 0
        var sawDigit = false
        var afterZero = false
        var cursor = index
        while cursor < scalars.endIndex {
            let value = scalars[cursor]
            if let next = digit(value) {
                // 五六个人 is "five or six", not 56: keep the first of two neighbouring digits.
                if let previous = pending, previous >= 1, previous < 10, next == previous + 1 {
                    cursor += 1
                    continue
                }
                if next == 0 { afterZero = true }
                pending = (pending ?? 0) * 10 + next
                sawDigit = true
            } else if let size = unit(value) {
                total += (pending ?? 1) * size
                lastUnit = size
                pending = nil
                afterZero = false
            } else {
                break
            }
            cursor += 1
        }
        // 千万 ("by all means") and 百般 are words, not numbers: a numeral needs a digit, or to start with 十.
        let startsWithTen = scalars[index] == 0x5341
        guard sawDigit || startsWithTen else { return nil }
        if let last = pending {
            // 两千五 is 2500: a lone digit right after 百 or 千 counts in the next unit down.
            let colloquial = lastUnit >= 100 && last < 10 && !afterZero
            total += colloquial ? last * (lastUnit / 10) : last
        }
        return (Double(total), cursor)
    }
}
