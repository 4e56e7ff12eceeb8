import Foundation
import Model
import Monitor
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
        schedule.record([
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
    }
}
