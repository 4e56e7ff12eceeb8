import Foundation
import Model

/// Reads the date forms that feeds and petition systems write.
///
/// A time without a zone is taken as Asia/Shanghai. Unreadable dates give nil,
/// never "now": an item with an unknown date must not look fresh.
public enum DateParsing {
    /// RFC 3339 (`2024-12-03T09:15:00+08:00`), `YYYY-MM-DD HH:MM[:SS]` or RFC 822.
    public static func date(from text: String) -> Date? {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty else { return nil }
        return rfc3339(trimmed) ?? localDateTime(trimmed) ?? rfc822(trimmed)
    }

    static func rfc3339(_ text: String) -> Date? {
        // Only texts shaped like 2024-12-03T…: the formatters are not asked in vain.
        guard text.count >= 20, text.dropFirst(10).first == "T" else { return nil }
        return Formatters.shared.withLock { formatters in
            formatters.iso.date(from: text) ?? formatters.isoFractional.date(from: text)
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
            guard ["日", " ", "T"].contains(separators[2]), separators.dropFirst(3).prefix(numbers.count - 4).allSatisfy({ $0 == ":" }) else {
                return nil
            }
        }
        guard let day = Day(year: numbers[0], month: numbers[1], day: numbers[2]) else { return nil }
        var seconds = 0
        if numbers.count > 3 {
            let hour = numbers[3], minute = numbers[4], second = numbers.count == 6 ? numbers[5] : 0
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
private final class Formatters: @unchecked Sendable {
    static let shared = Formatters()

    struct Kit {
        let iso: ISO8601DateFormatter
        let isoFractional: ISO8601DateFormatter
        let rfc822: [DateFormatter]
    }

    private let lock = NSLock()
    private let kit: Kit

    private init() {
        let iso = ISO8601DateFormatter()
        iso.formatOptions = [.withInternetDateTime]
        let isoFractional = ISO8601DateFormatter()
        isoFractional.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        let rfc822 = ["EEE, dd MMM yyyy HH:mm:ss Z", "EEE, d MMM yyyy HH:mm:ss zzz", "EEE, d MMM yyyy HH:mm:ss",
                      "dd MMM yyyy HH:mm:ss Z", "EEE, dd MMM yyyy HH:mm Z", "EEE, dd MMM yyyy HH:mm:ss xxx",
                      "EEE, dd MMM yy HH:mm:ss Z", "EEE dd MMM yyyy HH:mm:ss Z", "dd MMM yyyy HH:mm Z"].map { format in
            let formatter = DateFormatter()
            formatter.locale = Locale(identifier: "en_US_POSIX")
            formatter.timeZone = TimeZone(identifier: "Asia/Shanghai")
            formatter.dateFormat = format
            return formatter
        }
        kit = Kit(iso: iso, isoFractional: isoFractional, rfc822: rfc822)
    }

    func withLock<Result>(_ body: (Kit) -> Result) -> Result {
        lock.lock()
        defer { lock.unlock() }
        return body(kit)
    }
}
