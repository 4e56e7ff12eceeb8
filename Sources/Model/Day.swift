import Foundation

/// A calendar day in the city's local time (Asia/Shanghai), written `YYYY-MM-DD`.
///
/// Registers, report periods and look-back windows count in whole local days,
/// so they use `Day` rather than `Date`.
public struct Day: Hashable, Comparable, Sendable, Codable, CustomStringConvertible {
    public var year: Int
    public var month: Int
    public var day: Int

    /// Creates a day; returns nil when the triple is not a real calendar date.
    public init?(year: Int, month: Int, day: Int) {
        var components = DateComponents()
        components.year = year
        components.month = month
        components.day = day
        guard (1...12).contains(month), (1...31).contains(day),
              Calendar.shanghai.date(from: components).map({
                  Calendar.shanghai.component(.day, from: $0) == day
              }) == true
        else { return nil }
        self.year = year
        self.month = month
        self.day = day
    }

    /// Parses `YYYY-MM-DD`; returns nil for anything else.
    public init?(_ text: String) {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 4,
              let year = Int(parts[0]), let month = Int(parts[1]), let day = Int(parts[2])
        else { return nil }
        self.init(year: year, month: month, day: day)
    }

    /// The local day that contains `date`.
    public init(containing date: Date) {
        let parts = Calendar.shanghai.dateComponents([.year, .month, .day], from: date)
        year = parts.year!
        month = parts.month!
        day = parts.day!
    }

    /// Local midnight at the start of this day.
    public var start: Date {
        Calendar.shanghai.date(from: DateComponents(year: year, month: month, day: day))!
    }

    /// The day `count` days later (earlier when negative).
    public func adding(days count: Int) -> Day {
        Day(containing: Calendar.shanghai.date(byAdding: .day, value: count, to: start)!)
    }

    /// The month this day falls in.
    public var period: Period { Period(year: year, month: month)! }

    public var description: String {
        String(format: "%04d-%02d-%02d", year, month, day)
    }

    public static func < (lhs: Day, rhs: Day) -> Bool {
        (lhs.year, lhs.month, lhs.day) < (rhs.year, rhs.month, rhs.day)
    }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let day = Day(text) else {
            throw DecodingError.dataCorrupted(.init(
                codingPath: decoder.codingPath,
                debugDescription: "expected a date YYYY-MM-DD, found \(text)"))
        }
        self = day
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}

extension Calendar {
    /// The Gregorian calendar in the city's time zone, Asia/Shanghai.
    public static let shanghai: Calendar = {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "Asia/Shanghai")!
        return calendar
    }()
}
