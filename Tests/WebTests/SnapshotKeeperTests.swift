import Foundation
import Model
import Monitor
import Store
import Testing

@testable import Web

/// A node's kept register: made again when the store changed, once for what it is told.
@Suite struct SnapshotKeeperTests {
    @Test func aCheckWhileTheFirstSnapshotIsMadeAsksForNoSecond() async throws {
        let fixture = try await WebFixture()
        let keeper = SnapshotKeeper(monitor: fixture.monitor, asOf: { WebFixture.asOf }, now: { WebFixture.now })
        // A node hears a notice as it connects, while its first snapshot is being made.
        async let first = keeper.refresh()
        try await Task.sleep(for: .milliseconds(20))
        try await keeper.refreshIfStale()
        _ = try await first
        #expect(keeper.generation == 1)
        // A page asking for the register while the first is made waits for that one.
        let fresh = SnapshotKeeper(monitor: fixture.monitor, asOf: { WebFixture.asOf }, now: { WebFixture.now })
        async let made = fresh.refresh()
        try await Task.sleep(for: .milliseconds(20))
        #expect(try await fresh.latest().generation == 1)
        _ = try await made
        #expect(fresh.generation == 1)
        // A change of the store after it is a reason for another.
        // (Through another connection, as a worker's: SQLite tells a connection of others' commits.)
        _ = try await fixture.monitor(of: "web.sqlite").database.insertItems(
            [Item(feedID: "demo-posts", sourceKey: "later", kind: .post, title: "工资", content: "拖欠工资")],
            fetchedAt: WebFixture.now, mask: { $1 })
        try await keeper.refreshIfStale()
        #expect(keeper.generation == 2)
    }
}
