import Foundation
import Model
import Synchronization

/// Reads the date forms that feeds and petition systems write.
///
/// A time without a zone is taken as Asia/Shanghai. Unreadable dates give nil,
/// never "now": an item with an unknown date must not look fresh.
public enum DateParsing {
    /// RFC 3339 (`2024-12-03T09:15:00+08:00`), `YYYY-MM-DD HH:MM[:SS]` or RFC 822.
    public static func date(from text: String) -> Date? {
        let trimmed = text.trimmingSpaces
        guard !trimmed.isEmpty else { return nil }
        // Every form read below is ASCII, but for 年月日; Foundation's DateFormatter on Linux
        // traps on some other text (found by fuzzing: "Tue, " and Thai letters), and a date
        // over 64 characters is no date.
        guard trimmed.utf8.count <= 64,
            trimmed.unicodeScalars.allSatisfy({ $0.isASCII || $0 == "年" || $0 == "月" || $0 == "日" })
        else {
            return nil
        }
        return rfc3339(trimmed) ?? localDateTime(trimmed) ?? RFC822.date(from: trimmed) ?? rfc822(trimmed)
    }

    static func rfc3339(_ text: String) -> Date? {
        if let shaped = plainRFC3339(text) { return shaped }
        // Only texts shaped like 2024-12-03T…: the formatters are not asked in vain.
        guard text.count >= 20, text.dropFirst(10).first == "T" else { return nil }
        return Formatters.shared.withLock { formatters in
            formatters.iso.date(from: text) ?? formatters.isoFractional.date(from: text)
        }
    }

    /// The common shape `2024-12-03T09:15:00[.123](Z|+08:00)` read from the bytes (feeds
    /// carry one per item; the Foundation formatter costs tens of microseconds). Nil for
    /// another shape, which then goes to the formatters; `.some(nil)` for this shape with
    /// impossible values (2023-02-29), which the lenient formatter would roll over.
    static func plainRFC3339(_ text: String) -> Date?? {
        var text = text
        return text.withUTF8 { bytes -> Date?? in
            guard bytes.count >= 20, bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-"),
                bytes[10] == UInt8(ascii: "T") || bytes[10] == UInt8(ascii: "t"),
                bytes[13] == UInt8(ascii: ":"), bytes[16] == UInt8(ascii: ":")
            else { return nil }
            func number(_ start: Int, _ count: Int) -> Int? {
                var value = 0
                for index in start..<(start + count) {
                    let digit = Int(bytes[index]) - 48
                    guard (0...9).contains(digit) else { return nil }
                    value = value * 10 + digit
                }
                return value
            }
            guard let year = number(0, 4), let month = number(5, 2), let dayOfMonth = number(8, 2),
                let hour = number(11, 2), let minute = number(14, 2), let second = number(17, 2)
            else { return nil }
            guard hour < 24, minute < 60, second < 61, let day = Day(year: year, month: month, day: dayOfMonth) else {
                return .some(nil)
            }
            var index = 19
            var fraction = 0.0
            if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
                index += 1
                var scale = 0.1
                let start = index
                while index < bytes.count, (48...57).contains(bytes[index]) {
                    fraction += Double(bytes[index] - 48) * scale
                    scale /= 10
                    index += 1
                }
                guard index > start else { return nil }
            }
            var offset = 0
            guard index < bytes.count else { return nil }
            switch bytes[index] {
            case UInt8(ascii: "Z"), UInt8(ascii: "z"):
                guard index + 1 == bytes.count else { return nil }
            case UInt8(ascii: "+"), UInt8(ascii: "-"):
                guard index + 6 == bytes.count, bytes[index + 3] == UInt8(ascii: ":"),
                    let hours = number(index + 1, 2), let minutes = number(index + 4, 2), hours < 24, minutes < 60
                else { return nil }
                offset = (hours * 3600 + minutes * 60) * (bytes[index] == UInt8(ascii: "-") ? -1 : 1)
            default:
                return nil
            }
            let seconds = day.ordinal * 86_400 + hour * 3600 + minute * 60 + second - offset
            return .some(Date(timeIntervalSince1970: Double(seconds) + fraction))
        }
    }

    /// `2025-01-03 14:05[:SS]`, `2025/1/3 14:05`, `2025年1月3日 14:05`, `2025-01-03T14:05` or a
    /// bare date, without a zone: local to Shanghai.
    static func localDateTime(_ text: String) -> Date? {
        var numbers: [Int] = []
        var separators: [Character] = []
        var current = ""
        for character in text {
            if character.isASCII && character.isNumber {
                current.append(character)
            } else {
                guard !current.isEmpty else {
                    if character != " " { return nil }
                    continue
                }
                guard let value = Int(current) else { return nil }
                numbers.append(value)
                separators.append(character)
                current = ""
            }
        }
        if !current.isEmpty, let value = Int(current) { numbers.append(value) }
        guard [3, 5, 6].contains(numbers.count), numbers[0] >= 1900, numbers[0] <= 2999 else { return nil }
        let dateSeparators: Set<Character> = ["-", "/", ".", "年", "月", "日"]
        guard separators.prefix(2).allSatisfy(dateSeparators.contains) else { return nil }
        if numbers.count > 3 {
            // After the day: 日, a space or T, then HH:MM[:SS].
            guard ["日", " ", "T"].contains(separators[2]), separators.dropFirst(3).prefix(numbers.count - 4).allSatisfy({ $0 == ":" })
            else {
                return nil
            }
        }
        guard let day = Day(year: numbers[0], month: numbers[1], day: numbers[2]) else { return nil }
        var seconds = 0
        if numbers.count > 3 {
            let hour = numbers[3]
            let minute = numbers[4]
            let second = numbers.count == 6 ? numbers[5] : 0
            guard (0..<24).contains(hour), (0..<60).contains(minute), (0..<61).contains(second) else { return nil }
            seconds = hour * 3600 + minute * 60 + second
        }
        return day.start.addingTimeInterval(TimeInterval(seconds))
    }

    static func rfc822(_ text: String) -> Date? {
        // Chinese feeds write CST for China Standard Time, which the formatter reads as US Central.
        var text = text.replacingOccurrences(of: " (CST)", with: "")
        for (zone, offset) in [(" CST", " +0800"), (" GMT+8", " +0800"), (" GMT+08:00", " +0800"), (" UTC+8", " +0800"), (" UT", " +0000")]
        where text.hasSuffix(zone) {
            text = String(text.dropLast(zone.count)) + offset
            break
        }
        return Formatters.shared.withLock { formatters in
            for formatter in formatters.rfc822 {
                // yyyy reads "24" as the year 24: such a date is a two-digit year for the yy format.
                if let date = formatter.date(from: text), Calendar.shanghai.component(.year, from: date) >= 1970 { return date }
            }
            return nil
        }
    }
}

/// Date formatters are costly to make and not Sendable: made once, used under a lock.
private enum Formatters {
    static let shared = Mutex(Kit())

    struct Kit {
        let iso: ISO8601DateFormatter
        let isoFractional: ISO8601DateFormatter
        let rfc822: [DateFormatter]

        init() {
            iso = ISO8601DateFormatter()
            iso.formatOptions = [.withInternetDateTime]
            isoFractional = ISO8601DateFormatter()
            isoFractional.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
            rfc822 = [
                "EEE, dd MMM yyyy HH:mm:ss Z", "EEE, d MMM yyyy HH:mm:ss zzz", "EEE, d MMM yyyy HH:mm:ss",
                "dd MMM yyyy HH:mm:ss Z", "EEE, dd MMM yyyy HH:mm Z", "EEE, dd MMM yyyy HH:mm:ss xxx",
                "EEE, dd MMM yy HH:mm:ss Z", "EEE dd MMM yyyy HH:mm:ss Z", "dd MMM yyyy HH:mm Z",
            ].map { format in
                let formatter = DateFormatter()
                formatter.locale = Locale(identifier: "en_US_POSIX")
                formatter.timeZone = TimeZone(identifier: "Asia/Shanghai")
                formatter.dateFormat = format
                return formatter
            }
        }
    }
}

/// RFC 822 dates as feeds write them (`Mon, 06 Jan 2025 09:12:00 +0800`), read by
/// hand: a DateFormatter costs tens of microseconds a date, and a 20,000-item feed
/// has 20,000 of them. Forms it does not know fall through to the formatters.
enum RFC822 {
    private static let months = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
    private static let weekdays: Set<String> = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
    /// Zones by name, in minutes east of UTC. CST is China Standard Time here: Chinese
    /// feeds mean it, and a US Central reading would put posts 14 hours off.
    private static let zones: [String: Int] = [
        "gmt": 0, "ut": 0, "utc": 0, "z": 0, "cst": 480, "gmt+8": 480, "utc+8": 480, "gmt+08:00": 480,
        "utc+08:00": 480, "est": -300, "edt": -240, "cdt": -300, "mst": -420, "mdt": -360, "pst": -480, "pdt": -420,
    ]

    static func date(from text: String) -> Date? {
        var tokens = text.split(whereSeparator: { $0 == " " || $0 == "," }).map { $0.lowercased() }
        if tokens.last == "(cst)" { tokens.removeLast() }
        if let first = tokens.first, first.count >= 3, weekdays.contains(String(first.prefix(3))), first.allSatisfy(\.isLetter) {
            tokens.removeFirst()
        }
        guard tokens.count == 4 || tokens.count == 5,
            let day = Int(tokens[0]), let month = months.firstIndex(of: String(tokens[1].prefix(3))),
            tokens[1].count == 3 || tokens[1].count >= 4 && tokens[1].allSatisfy(\.isLetter),
            var year = Int(tokens[2]), tokens[2].count == 2 || tokens[2].count == 4
        else { return nil }
        if tokens[2].count == 2 {
            // Two digits: this century up to next year, else the last one (which is before
            // 1970 for 46-69 and so refused below, as the formatters refuse it).
            let nextYear = Calendar.shanghai.component(.year, from: Date()) + 1
            year += 2000 + year <= nextYear ? 2000 : 1900
        }
        let fields = tokens[3].split(separator: ":")
        let clock = fields.compactMap { Int($0) }
        guard clock.count == fields.count, clock.count == 2 || clock.count == 3 else { return nil }
        let hour = clock[0]
        let minute = clock[1]
        let second = clock.count == 3 ? clock[2] : 0
        guard (0..<24).contains(hour), (0..<60).contains(minute), (0..<61).contains(second),
            let calendarDay = Day(year: year, month: month + 1, day: day)
        else { return nil }
        let offset: Int
        if tokens.count == 5 {
            guard let zone = zoneOffset(tokens[4]) else { return nil }
            offset = zone
        } else {
            offset = 480  // no zone: Asia/Shanghai
        }
        let seconds = calendarDay.ordinal * 86_400 + hour * 3600 + minute * 60 + second - offset * 60
        guard year >= 1970 else { return nil }
        return Date(timeIntervalSince1970: TimeInterval(seconds))
    }

    /// `+0800`, `-05:00`, or a zone name.
    private static func zoneOffset(_ text: String) -> Int? {
        if let named = zones[text] { return named }
        guard let sign = text.first, sign == "+" || sign == "-" else { return nil }
        let digits = text.dropFirst().filter { $0 != ":" }
        guard digits.count == 4, digits.allSatisfy({ $0.isASCII && $0.isNumber }), let value = Int(digits),
            value % 100 < 60, value / 100 <= 14
        else { return nil }
        let minutes = value / 100 * 60 + value % 100
        return sign == "-" ? -minutes : minutes
    }
}
