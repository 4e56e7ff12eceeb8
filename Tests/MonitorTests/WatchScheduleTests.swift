import Foundation
import Model
import Monitor
import Store
import Testing

/// When `watch` asks each feed again.
@Suite struct WatchScheduleTests {
    let now = Date(timeIntervalSince1970: 1_735_000_000)

    func feed(_ id: String, interval: TimeInterval? = nil) -> FeedDefinition {
        FeedDefinition(id: id, kind: .post, format: .rss, url: "https://example.invalid/\(id)", interval: interval)
    }

    @Test func eachFeedIsAskedAgainAtItsOwnPace() {
        let catalog = [feed("default"), feed("own", interval: 120), feed("fresh", interval: 120), feed("failed"), feed("new")]
        var schedule = Monitor.WatchSchedule(defaultInterval: 900)
        // Never asked: all due at once.
        #expect(schedule.dueFeeds(in: catalog, at: now) == Set(catalog.map(\.id)))

        let backoff = now.addingTimeInterval(60)
        schedule.record(
            [
                .init(feedID: "default", received: 1, added: 1, rejected: 0, error: nil),
                .init(feedID: "own", received: 1, added: 0, rejected: 0, error: nil),
                // The feed says it stays fresh for an hour: longer than its own two minutes, so that wins.
                .init(feedID: "fresh", received: 1, added: 0, rejected: 0, error: nil, freshFor: 3600),
                .init(feedID: "failed", received: 0, added: 0, rejected: 0, error: "HTTP 500", backingOffUntil: backoff),
            ], catalog: catalog, at: now)
        #expect(schedule.due["default"] == now.addingTimeInterval(900))
        #expect(schedule.due["own"] == now.addingTimeInterval(120))
        #expect(schedule.due["fresh"] == now.addingTimeInterval(3600))
        #expect(schedule.due["failed"] == backoff)
        // A feed added to the catalog since is due at once; the next wake-up is then.
        #expect(schedule.dueFeeds(in: catalog, at: now.addingTimeInterval(1)) == ["new"])
        #expect(schedule.nextDue(in: catalog) == .distantPast)
        let asked = catalog.filter { $0.id != "new" }
        #expect(schedule.nextDue(in: asked) == backoff)
        #expect(schedule.dueFeeds(in: asked, at: now.addingTimeInterval(150)) == ["own", "failed"])

        // A feed cannot put itself off for a year, nor forever.
        schedule.record(
            [
                .init(feedID: "default", received: 0, added: 0, rejected: 0, error: nil, freshFor: 365 * 86_400),
                .init(feedID: "own", received: 0, added: 0, rejected: 0, error: nil, freshFor: .infinity),
            ], catalog: catalog, at: now)
        #expect(schedule.due["default"] == now.addingTimeInterval(Monitor.WatchSchedule.longestFreshness))
        #expect(schedule.due["own"] == now.addingTimeInterval(120))
    }
}

/// A long-running watch outlives a catalog broken by an edit.
@Suite struct WatchLoopTests {
    static let root = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    final class Log: @unchecked Sendable {
        private let lock = NSLock()
        private var failures: [String] = []
        private var cycles: [CycleReport] = []
        func fail(_ error: any Error) { lock.withLock { failures.append("\(error)") } }
        func add(_ cycle: CycleReport) { lock.withLock { cycles.append(cycle) } }
        var counts: (failures: [String], cycles: [CycleReport]) { lock.withLock { (failures, cycles) } }
    }

    /// A store and an empty feeds folder in a fresh temporary folder (the caller removes it).
    func watched() throws -> (folder: URL, feeds: URL, monitor: Monitor) {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("wagewatch-watch-\(UUID().uuidString)")
        let feeds = folder.appendingPathComponent("feeds")
        try FileManager.default.createDirectory(at: feeds, withIntermediateDirectories: true)
        let monitor = Monitor(
            database: try AppDatabase.open(path: folder.appendingPathComponent("store.sqlite").path),
            feedsDirectory: feeds, rulesDirectory: Self.root.appendingPathComponent("rules"),
            environment: [:])
        return (folder, feeds, monitor)
    }

    @Test func aFeedAnotherWorkerHoldsIsAskedWhenItsLeaseEnds() {
        let now = Date(timeIntervalSince1970: 1_735_000_000)
        let catalog = [FeedDefinition(id: "held", kind: .post, format: .rss, url: "https://example.invalid/held")]
        var schedule = Monitor.WatchSchedule(defaultInterval: 900)
        var held = CycleReport.FeedOutcome(feedID: "held", received: 0, added: 0, rejected: 0, error: nil)
        held.heldElsewhereUntil = now.addingTimeInterval(42)
        schedule.record([held], catalog: catalog, at: now)
        #expect(schedule.due["held"] == now.addingTimeInterval(42))
        #expect(schedule.dueFeeds(in: catalog, at: now.addingTimeInterval(41)).isEmpty)
    }

    @Test func aBrokenCatalogIsReportedAndWatchGoesOnOnceItIsFixed() async throws {
        let (folder, feeds, monitor) = try watched()
        defer { try? FileManager.default.removeItem(at: folder) }
        let catalog = feeds.appendingPathComponent("feeds.yaml")
        try "feeds:\n  - {id: forum, kind: post, format: atom99, url: \"file:forum.xml\"}\n"
            .write(to: catalog, atomically: true, encoding: .utf8)
        try Data("<rss><channel><item><guid>1</guid><title>工资没发</title></item></channel></rss>".utf8)
            .write(to: feeds.appendingPathComponent("forum.xml"))
        let log = Log()
        // Cancelled after its first cycle, or after three minutes whatever happens: a broken loop fails
        // the test, not hangs it (a first cycle beside the other suites on two loaded cores took over a minute).
        let deadline = Date().addingTimeInterval(180)
        let watching = Task {
            await monitor.watch(defaultInterval: 3600, windowDays: 30, retryAfter: 0.2, failed: log.fail, report: log.add)
        }
        // Wait for the broken catalog to be reported, then fix it.
        while log.counts.failures.isEmpty && Date() < deadline { try await Task.sleep(for: .milliseconds(50)) }
        try "feeds:\n  - {id: forum, kind: post, format: rss, url: \"file:forum.xml\"}\n"
            .write(to: catalog, atomically: true, encoding: .utf8)
        while log.counts.cycles.isEmpty && Date() < deadline { try await Task.sleep(for: .milliseconds(50)) }
        // Cancelled while it waits an hour for the feed's next turn: it ends at once.
        watching.cancel()
        await watching.value

        let (failures, cycles) = log.counts
        #expect(failures.first?.contains("feeds.yaml") == true)
        #expect(cycles.first?.feeds.map(\.added) == [1])
    }

    @Test func aFeedsFolderWithoutFeedsIsReportedEveryRound() async throws {
        let (folder, _, monitor) = try watched()
        defer { try? FileManager.default.removeItem(at: folder) }
        let log = Log()
        let deadline = Date().addingTimeInterval(180)
        let watching = Task {
            await monitor.watch(defaultInterval: 3600, windowDays: 30, retryAfter: 0.05, failed: log.fail, report: log.add)
        }
        while log.counts.failures.count < 2 && Date() < deadline { try await Task.sleep(for: .milliseconds(20)) }
        watching.cancel()
        await watching.value
        let (failures, cycles) = log.counts
        #expect(failures.count >= 2 && cycles.isEmpty)
        #expect(failures.allSatisfy { $0.contains("no feed is defined") })
    }
}
