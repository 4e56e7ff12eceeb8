import Foundation
import Model
import Monitor
import Register
import Synchronization

/// The scorecard's 漏报率 as of the last day of the month before the as-of day, per unit:
/// what the scorecard's 较上月 compares with. Worked out once per month-end day in this
/// process once a day (a register of its own), not on every refresh of the kept register.
final class MonthEndScorecards: Sendable {
    struct Rates: Sendable {
        var day: Day
        /// The calendar day it was worked out on: made again the next day (a late decision
        /// or filing about the month before shows then).
        var madeOn = Day(containing: Date())
        var departments: [String: Double]
        var townships: [String: Double]
    }

    private let kept = Mutex<Rates?>(nil)

    /// The last day of the month before `asOf`.
    static func monthEnd(before asOf: Day) -> Day {
        Day(year: asOf.year, month: asOf.month, day: 1).map { $0.adding(days: -1) } ?? asOf.adding(days: -30)
    }

    func rates(before asOf: Day, monitor: Monitor) async throws -> Rates {
        let day = Self.monthEnd(before: asOf)
        if let rates = kept.withLock({ $0 }), rates.day == day, rates.madeOn == Day(containing: Date()) { return rates }
        let (departments, townships) = try await monitor.scorecards(asOf: day)
        func rates(_ entries: [RegisterReport.DepartmentEntry]) -> [String: Double] {
            Dictionary(
                entries.compactMap { entry in entry.underreportingRate.map { (entry.department, $0) } },
                uniquingKeysWith: { first, _ in first })
        }
        let made = Rates(day: day, departments: rates(departments), townships: rates(townships))
        kept.withLock { $0 = made }
        return made
    }
}
