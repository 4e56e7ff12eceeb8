import ChineseConversion
import Foundation
import Model
import Testing

@testable import Scoring

/// The masker's promise, checked on thousands of generated records (a fixed seed, so the
/// same ones every run): no phone number, ID number or the record's petitioner name, in
/// any form the text writes it, survives in the masked text.
@Suite struct MaskerPropertyTests {
    /// Surname and given-name characters, simplified with their traditional forms.
    static let characters: [(String, String)] = [
        ("张", "張"), ("陈", "陳"), ("刘", "劉"), ("李", "李"), ("王", "王"), ("赵", "趙"), ("华", "華"),
        ("于", "於"), ("国", "國"), ("东", "東"), ("红", "紅"), ("丽", "麗"), ("伟", "偉"), ("军", "軍"),
        ("兰", "蘭"), ("凤", "鳳"), ("龙", "龍"), ("杰", "傑"), ("明", "明"), ("强", "強"),
    ]
    static let fillers = [
        "工地拖欠工资三个月", "老板说下个月再给", "我们去项目部问过", "至今没有结果", "请领导帮忙",
        "家里等着钱用", "劳务队长联系不上", "金额共计一万二千元",
    ]

    static func idNumber(_ rng: inout SplitMix) -> String {
        let body =
            "110101" + String(1960 + Int.random(in: 0...40, using: &rng))
            + String(format: "%02d%02d", Int.random(in: 1...12, using: &rng), Int.random(in: 1...28, using: &rng))
            + String(format: "%03d", Int.random(in: 0...999, using: &rng))
        let weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
        let sum = zip(body, weights).reduce(0) { $0 + Int(String($1.0))! * $1.1 }
        return body + String(Array("10X98765432")[sum % 11])
    }

    /// An ID number of before 1999: 15 digits, the year in two.
    static func legacyIDNumber(_ rng: inout SplitMix) -> String {
        "110101"
            + String(
                format: "%02d%02d%02d%03d", Int.random(in: 50...98, using: &rng), Int.random(in: 1...12, using: &rng),
                Int.random(in: 1...28, using: &rng), Int.random(in: 0...999, using: &rng))
    }

    /// A landline as a record gives it (area code, hyphen, number), and as a text may write it.
    static func landline(_ rng: inout SplitMix) -> (recorded: String, written: String) {
        let area = ["010", "021", "0755", "0571"].randomElement(using: &rng)!
        let number = (0..<8).map { _ in String(Int.random(in: 0...9, using: &rng)) }.joined()
        let digits = Array(number)
        let written =
            switch Int.random(in: 0..<4, using: &rng) {
            case 0: area + "-" + number
            case 1: area + number
            case 2: "(" + area + ")" + number
            default: area + "-" + String(digits[0..<4]) + "-" + String(digits[4...])
            }
        return (area + "-" + number, written)
    }

    static func written(phone: String, _ rng: inout SplitMix) -> String {
        let digits = Array(phone)
        switch Int.random(in: 0..<5, using: &rng) {
        case 0: return phone
        case 1: return String(digits[0..<3]) + "-" + String(digits[3..<7]) + "-" + String(digits[7...])
        case 2: return String(digits[0..<3]) + " " + String(digits[3..<7]) + " " + String(digits[7...])
        case 3: return "+86" + phone
        default:
            return String(String.UnicodeScalarView(phone.unicodeScalars.map { Unicode.Scalar($0.value + 0xFEE0)! }))
        }
    }

    /// A phone number written out in Chinese digits (as a letter may) is masked as one in
    /// figures is; counting words and dates written in characters are left alone.
    @Test func aPhoneInChineseDigitsIsMaskedAndOrdinaryNumeralsAreNot() {
        #expect(PersonalDataMasker.mask("我的电话一三九八七六五四三二一，请回电") == "我的电话一三九＊＊＊＊四三二一，请回电")
        #expect(PersonalDataMasker.mask("电话一三九-八七六五-四三二一") == "电话一三九-＊＊＊＊-四三二一")
        for text in [
            "二〇二四年十二月一日，九个工人干了一百二十天", "一一一二二二三三三四四四五五", "第一二三四五六七八九〇一期",
            "欠了一年零三个月，共十一个人",
        ] {
            #expect(PersonalDataMasker.mask(text) == text, "\(text)")
        }
    }

    @Test func noNumberOrNameOfTheRecordSurvivesInAnyForm() throws {
        let variants = try TraditionalToSimplified.characterTable()
        var rng = SplitMix(seed: 20_261_205)
        func fold(_ text: String) -> String {
            String(
                String.UnicodeScalarView(
                    text.unicodeScalars.compactMap { scalar -> Unicode.Scalar? in
                        if PersonalDataMasker.isNameGap(scalar) { return nil }
                        var value = scalar.value
                        if (0xFF01...0xFF5E).contains(value) { value -= 0xFEE0 }
                        return Unicode.Scalar(variants[value] ?? value)
                    }))
        }
        for _ in 0..<3_000 {
            let parts = (0..<Int.random(in: 2...3, using: &rng)).map { _ in Self.characters.randomElement(using: &rng)! }
            // Recorded in one form, written in another, character by character, maybe spaced.
            let recorded = parts.map { Bool.random(using: &rng) ? $0.0 : $0.1 }.joined()
            let inText = parts.map { Bool.random(using: &rng) ? $0.0 : $0.1 }
                .joined(separator: ["", " ", "\u{3000}", "·"].randomElement(using: &rng)!)
            let phone =
                "1" + String(Int.random(in: 3...9, using: &rng)) + (0..<9).map { _ in String(Int.random(in: 0...9, using: &rng)) }.joined()
            let id = Bool.random(using: &rng) ? Self.idNumber(&rng) : Self.legacyIDNumber(&rng)
            // Half the records give a landline as the phone, which no pattern knows: the record names it.
            let landline = Bool.random(using: &rng) ? Self.landline(&rng) : nil
            var pieces = [inText + "反映", "电话" + Self.written(phone: phone, &rng), "身份证号" + id]
            if let landline { pieces.append("座机" + landline.written) }
            pieces += (0..<3).map { _ in Self.fillers.randomElement(using: &rng)! }
            pieces.shuffle(using: &rng)
            let text = pieces.joined(separator: "，")
            let masked = PersonalDataMasker.mask(text, names: [recorded, landline?.recorded ?? phone], variants: variants)
            let digits = String(fold(masked).filter(\.isNumber))
            #expect(!digits.contains(phone), "\(masked)")
            if let landline { #expect(!digits.contains(landline.recorded.filter(\.isNumber)), "\(masked)") }
            #expect(!masked.contains(id), "\(masked)")
            #expect(!fold(masked).contains(fold(recorded)), "\(recorded) in \(masked)")
            #expect(masked.utf8.count == text.utf8.count)
        }
    }
}
