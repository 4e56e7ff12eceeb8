import Foundation
import Model

/// Working days and seasons, as the register's rules define them, over a span of days.
struct RegisterCalendar: Sendable {
    let rules: RegisterRules
    /// The first day the season weights were worked out for, and the weight of each day on.
    private let firstOrdinal: Int
    private let weights: [Double]

    /// - Parameter span: the days signals may fall on (the look-back window); weights
    ///   are worked out once for each, as the Chinese calendar is slow to ask.
    init(rules: RegisterRules, span: ClosedRange<Day>) {
        self.rules = rules
        var chinese = Calendar(identifier: .chinese)
        chinese.timeZone = Calendar.shanghai.timeZone
        firstOrdinal = span.lowerBound.ordinal
        weights = (span.lowerBound.ordinal...span.upperBound.ordinal).map { ordinal in
            let day = Day(ordinal: ordinal)
            var weight = 1.0
            // 腊月: the twelfth month of the Chinese year (never a leap month).
            let lunar = chinese.dateComponents([.month, .isLeapMonth], from: day.start.addingTimeInterval(12 * 3600))
            if lunar.month == 12 && lunar.isLeapMonth != true { weight = max(weight, rules.springFestivalWeight) }
            let from = rules.yearEndFrom
            if (day.month, day.day) >= (from.month, from.day) { weight = max(weight, rules.yearEndWeight) }
            return weight
        }
    }

    /// The last day allowed to a case opened on `start` with `count` working days.
    func adding(workingDays count: Int, to start: Day) -> Day {
        rules.adding(RegisterRules.Deadline(days: count, unit: .working), to: start)
    }

    /// The weight of a signal on `day` (1 outside the seasons, and outside the span).
    func seasonWeight(on day: Day) -> Double {
        let index = day.ordinal - firstOrdinal
        return weights.indices.contains(index) ? weights[index] : 1
    }
}
