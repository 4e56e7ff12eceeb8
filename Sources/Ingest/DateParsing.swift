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
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        if let date = formatter.date(from: text) { return date }
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.date(from: text)
    }

    /// `YYYY-MM-DD HH:MM[:SS]` or a bare `YYYY-MM-DD`, local to Shanghai.
    static func localDateTime(_ text: String) -> Date? {
        let halves = text.split(separator: " ", omittingEmptySubsequences: true)
        guard (1...2).contains(halves.count), let day = Day(String(halves[0])) else { return nil }
        var seconds = 0
        if halves.count == 2 {
            let clock = halves[1].split(separator: ":").map { Int($0) }
            guard (2...3).contains(clock.count), clock.allSatisfy({ $0 != nil }) else { return nil }
            let hour = clock[0]!, minute = clock[1]!, second = clock.count == 3 ? clock[2]! : 0
            guard (0..<24).contains(hour), (0..<60).contains(minute), (0..<61).contains(second) else { return nil }
            seconds = hour * 3600 + minute * 60 + second
        }
        return day.start.addingTimeInterval(TimeInterval(seconds))
    }

    static func rfc822(_ text: String) -> Date? {
        // Chinese feeds write CST for China Standard Time, which the formatter reads as US Central.
        var text = text
        if text.hasSuffix(" CST") {
            text = String(text.dropLast(4)) + " +0800"
        }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "Asia/Shanghai")
        for format in ["EEE, dd MMM yyyy HH:mm:ss Z", "EEE, d MMM yyyy HH:mm:ss zzz", "EEE, d MMM yyyy HH:mm:ss",
                       "dd MMM yyyy HH:mm:ss Z", "EEE, dd MMM yyyy HH:mm Z"] {
            formatter.dateFormat = format
            if let date = formatter.date(from: text) { return date }
        }
        return nil
    }
}
