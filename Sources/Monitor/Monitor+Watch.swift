import Foundation
import Ingest
import Model

extension Monitor {
    /// When each feed is next due, from what the last cycle learned of it.
    public struct WatchSchedule: Sendable {
        /// Feeds with no interval of their own are asked this often.
        public var defaultInterval: TimeInterval
        public private(set) var due: [String: Date] = [:]
        /// The longest a feed's `<ttl>` or Cache-Control max-age can put its next fetch off.
        public static let longestFreshness: TimeInterval = 6 * 3600

        public init(defaultInterval: TimeInterval) {
            self.defaultInterval = defaultInterval
        }

        /// The feeds of `catalog` due at `now` (a feed never asked is due at once).
        public func dueFeeds(in catalog: [FeedDefinition], at now: Date) -> Set<String> {
            Set(catalog.filter { (due[$0.id] ?? .distantPast) <= now }.map(\.id))
        }

        /// The earliest time any feed of `catalog` is due.
        public func nextDue(in catalog: [FeedDefinition]) -> Date? {
            catalog.map { due[$0.id] ?? .distantPast }.min()
        }

        /// Schedules the next time for every feed of a cycle: after failures, when the
        /// backoff ends; else after the feed's interval or, when longer, the time its
        /// `<ttl>` or Cache-Control says it stays fresh.
        public mutating func record(_ outcomes: [CycleReport.FeedOutcome], catalog: [FeedDefinition], at now: Date) {
            let intervals = Dictionary(catalog.map { ($0.id, $0.interval) }, uniquingKeysWith: { first, _ in first })
            for outcome in outcomes {
                if let held = outcome.heldElsewhereUntil {
                    // Another worker fetches it: asked again when its lease ends.
                    due[outcome.feedID] = held
                    continue
                }
                if let wait = outcome.backingOffUntil {
                    due[outcome.feedID] = wait
                    continue
                }
                let own = (intervals[outcome.feedID] ?? nil) ?? defaultInterval
                // What the feed itself asks for may stretch the wait, but only so far: a
                // feed that says "ask again in a year" must not fall silent for a year.
                let fresh = min(outcome.freshFor.flatMap { $0.isFinite ? $0 : nil } ?? 0, Self.longestFreshness)
                due[outcome.feedID] = now.addingTimeInterval(max(own, fresh))
            }
        }
    }

    /// Polls every feed at its own pace until the task is cancelled: each round runs
    /// one cycle over the feeds that are due, then sleeps until the next one is.
    /// Cancelling lets the cycle in flight finish and store what arrived (a cycle does
    /// not stop half-way), and ends a sleep at once.
    ///
    /// A round that fails as a whole (a catalog or rules file broken by an edit, a
    /// store that cannot be written) is reported and tried again after `retryAfter`
    /// seconds: a long-running watch outlives a typo.
    /// - Parameters:
    ///   - report: called after every cycle.
    ///   - failed: called when a round fails.
    ///   - progress: passed to each cycle.
    public func watch(
        defaultInterval: TimeInterval, windowDays: Int?, retryAfter: TimeInterval = 30, leaseHolder: String? = nil,
        progress: (@Sendable (_ done: Int, _ total: Int) -> Void)? = nil,
        failed: (any Error) -> Void = { _ in },
        report: (CycleReport) -> Void
    ) async {
        var schedule = WatchSchedule(defaultInterval: defaultInterval)
        while !Task.isCancelled {
            var next: Date
            do {
                // Read the catalog every round: feeds added or removed are picked up.
                let catalog = try FeedCatalog.load(directory: feedsDirectory).feeds
                // Said every round until a catalog appears: silence would pass for a quiet city.
                guard !catalog.isEmpty else { throw MonitorError.noFeeds(folder: feedsDirectory.path) }
                let now = Date()
                let due = schedule.dueFeeds(in: catalog, at: now)
                if !due.isEmpty {
                    let cycle = try await runCycle(
                        asOf: Day(containing: now), windowDays: windowDays, now: now,
                        only: due, lease: leaseHolder.map { FeedLease(holder: $0, defaultInterval: defaultInterval) },
                        deliveringAlerts: true,
                        progress: progress)
                    schedule.record(cycle.feeds, catalog: catalog, at: now)
                    report(cycle)
                }
                next = schedule.nextDue(in: catalog) ?? now.addingTimeInterval(defaultInterval)
                // Alerts due (new ones, and retries whose wait is over); the loop wakes at least
                // once a minute for them.
                try await deliverAlerts()
                next = min(next, Date().addingTimeInterval(60))
            } catch {
                // A stop that came while the round began is no failure.
                if Task.isCancelled { break }
                failed(error)
                next = Date().addingTimeInterval(retryAfter)
            }
            let wait = next.timeIntervalSinceNow
            guard wait > 0 else { continue }
            do {
                try await Task.sleep(for: .seconds(wait))
            } catch {
                break  // cancelled: stopping
            }
        }
    }
}
