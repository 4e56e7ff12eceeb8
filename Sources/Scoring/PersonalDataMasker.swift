/// Finds personal data in free text and masks it for readers who may not see it:
/// mobile phone numbers (also written 139-1234-5678, 139 1234 5678, +86…, in
/// full-width digits or in Chinese ones, 一三九…), 18-digit resident ID numbers (check digit, or a plausible
/// birth date), bank card numbers (16 to 19 digits passing the Luhn check, also
/// in groups), and the names the record gives (信访人).
///
/// Masking keeps every byte offset: an ASCII digit becomes `*`, a full-width
/// digit or a Chinese character `＊`, so matches found in the original can be
/// marked in the masked copy.
public enum PersonalDataMasker {
    /// The kinds of personal number found in text.
    public enum Kind: String, Sendable, CaseIterable {
        case phone
        case idNumber = "id_number"
        case bankCard = "bank_card"
    }

    /// `text` with every personal number masked (139****5678, 110101********0017,
    /// ***************3446) and every occurrence of `names` starred out.
    ///
    /// A name is found in any variant form: each character folded through `variants`
    /// (traditional to simplified, as OpenCC's table gives it: 李於華 is 李于华), full-width
    /// and ASCII case folded, and with spaces or a middle dot between its characters
    /// (李 于 华).
    public static func mask(_ text: String, names: [String] = [], variants: [UInt32: UInt32] = [:]) -> String {
        // The shortest number masked is a mobile phone's 11 digits: a text with fewer
        // digits in all (most posts) and no name to hide is returned as it is, unread.
        if !names.contains(where: { $0.count >= 2 }) && digitCount(text, atLeast: 11) < 11 { return text }
        var scalars = Array(text.unicodeScalars)
        for run in numberRuns(in: scalars) {
            // swift-format-ignore: NeverForceUnwrap
            // (each position holds a digit or a check X, both read by digitValue)
            guard let (kind, digits) = classify(run.digitPositions.map { digitValue(scalars[$0])! }, in: run, of: scalars)
            else { continue }
            let keep: (prefix: Int, suffix: Int)
            switch kind {
            case .phone: keep = (3, 4)
            case .idNumber: keep = digits.count == 15 ? (6, 3) : (6, 4)
            case .bankCard: keep = (0, 4)
            }
            for (offset, position) in digits.enumerated() where offset >= keep.prefix && offset < digits.count - keep.suffix {
                scalars[position] = star(for: scalars[position])
            }
        }
        let forms = nameForms(names)
        if !forms.isEmpty { maskNames(forms, in: &scalars, variants: variants) }
        return String(String.UnicodeScalarView(scalars))
    }

    /// Stars out every occurrence of each form, compared character by character after
    /// folding, with at most one space or dot between two of its characters.
    static func maskNames(_ forms: [String], in scalars: inout [Unicode.Scalar], variants: [UInt32: UInt32]) {
        func canonical(_ scalar: Unicode.Scalar) -> UInt32 {
            var value = scalar.value
            if (0xFF01...0xFF5E).contains(value) { value -= 0xFEE0 }
            if (65...90).contains(value) { value += 32 }
            return variants[value] ?? value
        }
        let folded = scalars.map(canonical)
        for form in forms {
            let pattern = form.unicodeScalars.filter { !isNameGap($0) }.map(canonical)
            guard pattern.count >= 2 else { continue }
            // A number (a landline) may be grouped any way in the text: 010-6666-8888, (010)66668888.
            let isNumber = pattern.allSatisfy { (48...57).contains($0) }
            func isGap(_ scalar: Unicode.Scalar) -> Bool { isNameGap(scalar) || (isNumber && isNumberGap(scalar)) }
            var start = 0
            while start < folded.count {
                guard folded[start] == pattern[0] else {
                    start += 1
                    continue
                }
                var positions = [start]
                var index = start + 1
                while positions.count < pattern.count, index < folded.count {
                    if folded[index] == pattern[positions.count] {
                        positions.append(index)
                    } else if !(isGap(scalars[index]) && index == positions[positions.count - 1] + 1) {
                        break
                    }
                    index += 1
                }
                guard positions.count == pattern.count else {
                    start += 1
                    continue
                }
                for position in positions { scalars[position] = star(for: scalars[position]) }
                start = index
            }
        }
    }

    /// What may stand between two digits of a number written in groups: a hyphen or dash, a bracket.
    static func isNumberGap(_ scalar: Unicode.Scalar) -> Bool {
        ["-", "\u{FF0D}", "\u{2010}", "\u{2013}", "\u{2014}", "(", ")", "\u{FF08}", "\u{FF09}"].contains(scalar)
    }

    /// What may stand between two characters of a name: a space of either width, a dot.
    static func isNameGap(_ scalar: Unicode.Scalar) -> Bool {
        [" ", "\u{3000}", "\u{A0}", "·", "•", "・", "\u{2027}"].contains(scalar)
    }

    /// Each name as given and each part of it of two characters or more (艾力 of 买买提·艾力,
    /// a name written with a space), longest first, so that a part never cuts a longer form.
    static func nameForms(_ names: [String]) -> [String] {
        var forms: Set<String> = []
        for name in names where name.count >= 2 {
            forms.insert(name)
            // A number (a landline given as the phone, 010-66668888) is hidden whole, and
            // as its digits run together: its parts (010) are in every other text.
            if name.allSatisfy({ $0.isNumber || $0 == "-" || $0 == " " || $0 == "+" }) {
                let digits = String(name.filter(\.isNumber))
                if digits.count >= 2 { forms.insert(digits) }
                continue
            }
            for part in name.split(whereSeparator: { !$0.isLetter && !$0.isNumber }) where part.count >= 2 {
                forms.insert(String(part))
            }
            forms.formUnion(addressForms(name))
        }
        return forms.sorted { ($0.count, $0) > ($1.count, $1) }
    }

    /// Surnames of two characters (欧阳华: 欧阳 and 华).
    static let compoundSurnames: Set<String> = [
        "欧阳", "司马", "上官", "诸葛", "东方", "皇甫", "尉迟", "公孙", "慕容", "长孙", "宇文", "司徒", "夏侯", "令狐", "独孤",
        "端木", "呼延", "南宫", "西门", "轩辕", "钟离", "闻人", "万俟", "澹台", "申屠",
    ]

    /// Words that follow a surname to name a person (钱师傅, 钱先生).
    static let honorifics = [
        "先生", "女士", "师傅", "老师", "大哥", "大姐", "阿姨", "老板", "经理", "主任", "同志", "小姐", "大爷", "大妈", "大叔", "大婶",
    ]

    /// How a Chinese name of two to four characters is also written in a text: the given
    /// name alone when it has two characters (小军 of 钱小军), the surname with a word of
    /// address (钱师傅, 钱先生, 老钱).
    static func addressForms(_ name: String) -> [String] {
        let characters = Array(name)
        let isHan = name.unicodeScalars.allSatisfy { (0x4E00...0x9FFF).contains($0.value) || (0x3400...0x4DBF).contains($0.value) }
        guard isHan, (2...4).contains(characters.count) else { return [] }
        let surnameLength = characters.count >= 3 && compoundSurnames.contains(String(characters[0..<2])) ? 2 : 1
        let surname = String(characters[0..<surnameLength])
        let given = String(characters[surnameLength...])
        var forms = honorifics.map { surname + $0 } + ["老" + surname]
        if given.count >= 2 { forms.append(given) }
        return forms
    }

    /// The kinds of personal number in `text`, in order, for tests and audit.
    public static func kinds(in text: String) -> [Kind] {
        let scalars = Array(text.unicodeScalars)
        return numberRuns(in: scalars).compactMap { run in
            // swift-format-ignore: NeverForceUnwrap
            // (each position holds a digit or a check X, both read by digitValue)
            classify(run.digitPositions.map { digitValue(scalars[$0])! }, in: run, of: scalars)?.kind
        }
    }

    /// A run of digits, possibly split by single spaces or hyphens, with the
    /// positions of its digits (and of a trailing X of an ID number).
    struct Run {
        var digitPositions: [Int]
        var hasCheckX: Bool
    }

    static func numberRuns(in scalars: [Unicode.Scalar]) -> [Run] {
        var runs: [Run] = []
        var index = 0
        while index < scalars.count {
            guard digitValue(scalars[index]) != nil else {
                index += 1
                continue
            }
            var positions: [Int] = []
            var cursor = index
            while cursor < scalars.count {
                if digitValue(scalars[cursor]) != nil {
                    positions.append(cursor)
                    cursor += 1
                } else if isSeparator(scalars[cursor]), cursor + 1 < scalars.count, digitValue(scalars[cursor + 1]) != nil {
                    cursor += 1
                } else {
                    break
                }
            }
            var hasCheckX = false
            if positions.count == 17, cursor < scalars.count, "Xx\u{FF38}\u{FF58}".unicodeScalars.contains(scalars[cursor]) {
                positions.append(cursor)
                hasCheckX = true
                cursor += 1
            }
            runs.append(Run(digitPositions: positions, hasCheckX: hasCheckX))
            index = cursor
        }
        return runs
    }

    /// What a run is, and the positions of the digits that make it (without a +86 prefix).
    static func classify(_ values: [Int], in run: Run, of scalars: [Unicode.Scalar]) -> (kind: Kind, positions: [Int])? {
        let positions = run.digitPositions
        if values.count == 11, values[0] == 1, (3...9).contains(values[1]) { return (.phone, positions) }
        if values.count == 13, values[0] == 8, values[1] == 6, values[2] == 1, (3...9).contains(values[3]) {
            return (.phone, Array(positions.dropFirst(2)))
        }
        if values.count == 18, isValidIDNumber(values) || hasPlausibleBirthDate(values) { return (.idNumber, positions) }
        // The 15-digit numbers issued before 1999: a six-digit area code, then YYMMDD.
        if values.count == 15, !run.hasCheckX, hasPlausibleShortBirthDate(values) { return (.idNumber, positions) }
        if (16...19).contains(values.count), !run.hasCheckX, passesLuhn(values) { return (.bankCard, positions) }
        return nil
    }

    /// How many ASCII, full-width and Chinese digits (〇零一二三四五六七八九) `text` holds,
    /// counting stops at `limit`.
    static func digitCount(_ text: String, atLeast limit: Int) -> Int {
        var count = 0
        var previous: (UInt8, UInt8) = (0, 0)
        for byte in text.utf8 {
            if byte >= 0x30 && byte <= 0x39 {
                count += 1
            } else if previous == (0xEF, 0xBC) && byte >= 0x90 && byte <= 0x99 {
                // U+FF10...U+FF19, full-width 0-9: EF BC 90...99.
                count += 1
            } else if byte >= 0x80 && previous.0 >= 0xE3 && previous.0 <= 0xE9 && isChineseDigit(previous.0, previous.1, byte) {
                count += 1
            }
            if count >= limit { return count }
            previous = (previous.1, byte)
        }
        return count
    }

    /// Whether three bytes are the UTF-8 of a Chinese digit (a phone number written out
    /// in characters: 一三九八七六五四三二一).
    private static func isChineseDigit(_ first: UInt8, _ second: UInt8, _ third: UInt8) -> Bool {
        switch (first, second, third) {
        case (0xE3, 0x80, 0x87), (0xE9, 0x9B, 0xB6), (0xE4, 0xB8, 0x80), (0xE4, 0xBA, 0x8C), (0xE4, 0xB8, 0x89), (0xE5, 0x9B, 0x9B),
            (0xE4, 0xBA, 0x94), (0xE5, 0x85, 0xAD), (0xE4, 0xB8, 0x83), (0xE5, 0x85, 0xAB), (0xE4, 0xB9, 0x9D):
            true
        default: false
        }
    }

    /// 0-9 for ASCII, full-width and Chinese digits (〇 and 零 are 0), 10 for the X of an
    /// ID number, nil otherwise.
    static func digitValue(_ scalar: Unicode.Scalar) -> Int? {
        switch scalar.value {
        case 0x30...0x39: Int(scalar.value - 0x30)
        case 0xFF10...0xFF19: Int(scalar.value - 0xFF10)
        case 0x58, 0x78, 0xFF38, 0xFF58: 10
        case 0x3007, 0x96F6: 0
        case 0x4E00: 1
        case 0x4E8C: 2
        case 0x4E09: 3
        case 0x56DB: 4
        case 0x4E94: 5
        case 0x516D: 6
        case 0x4E03: 7
        case 0x516B: 8
        case 0x4E5D: 9
        default: nil
        }
    }

    private static func isSeparator(_ scalar: Unicode.Scalar) -> Bool {
        scalar == " " || scalar == "-" || scalar == "\u{2010}" || scalar == "\u{2013}"
    }

    private static func star(for scalar: Unicode.Scalar) -> Unicode.Scalar {
        // Same UTF-8 length as what it hides.
        switch scalar.utf8.count {
        case 1: "*"
        case 3: "\u{FF0A}"
        default: scalar
        }
    }

    /// GB 11643: weights 7 9 10 5 8 4 2 1 6 3 7 9 10 5 8 4 2, check digits 1 0 X 9 8 7 6 5 4 3 2.
    static func isValidIDNumber(_ values: [Int]) -> Bool {
        let weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
        let checks = [1, 0, 10, 9, 8, 7, 6, 5, 4, 3, 2]
        guard values.prefix(17).allSatisfy({ $0 < 10 }) else { return false }
        let sum = zip(values.prefix(17), weights).reduce(0) { $0 + $1.0 * $1.1 }
        return values[17] == checks[sum % 11]
    }

    static func hasPlausibleShortBirthDate(_ values: [Int]) -> Bool {
        guard values.allSatisfy({ $0 < 10 }) else { return false }
        let month = values[8] * 10 + values[9]
        let day = values[10] * 10 + values[11]
        return (1...12).contains(month) && (1...31).contains(day) && values[0] != 0
    }

    static func hasPlausibleBirthDate(_ values: [Int]) -> Bool {
        guard values.prefix(17).allSatisfy({ $0 < 10 }) else { return false }
        let year = values[6...9].reduce(0) { $0 * 10 + $1 }
        let month = values[10] * 10 + values[11]
        let day = values[12] * 10 + values[13]
        return (1900...2100).contains(year) && (1...12).contains(month) && (1...31).contains(day)
    }

    static func passesLuhn(_ values: [Int]) -> Bool {
        guard values.allSatisfy({ $0 < 10 }) else { return false }
        var sum = 0
        for (offset, value) in values.reversed().enumerated() {
            var digit = value
            if offset % 2 == 1 {
                digit *= 2
                if digit > 9 { digit -= 9 }
            }
            sum += digit
        }
        return sum % 10 == 0
    }
}
