import Foundation
import GRDB
import Model

extension AppDatabase {
    /// What is remembered of every feed, by feed id.
    public func feedStates() async throws -> [String: FeedState] {
        try await writer.read(Self.feedStates(in:))
    }

    private static func feedStates(in db: Database) throws -> [String: FeedState] {
        var states: [String: FeedState] = [:]
        for row in try Row.fetchAll(db, sql: "SELECT * FROM feed_state") {
            var state = FeedState(
                feedID: row["feed_id"], etag: row["etag"], lastModified: row["last_modified"],
                lastAttempt: row["last_attempt"], lastSuccess: row["last_success"], errorCount: row["error_count"],
                lastError: row["last_error"], lastStatus: row["last_status"], nextAttempt: row["next_attempt"],
                lastNewItem: row["last_new_item"], typicalGap: row["typical_gap"])
            state.lastBodyCutShort = row["last_body_cut_short"]
            states[state.feedID] = state
        }
        return states
    }

    /// Stores what a cycle learned about feeds.
    public func saveFeedStates(_ states: [FeedState]) async throws {
        try await writer.write { db in
            for state in states { try save(state, in: db) }
        }
    }

    /// Stores what one fetch of a feed delivered, in one transaction: its items
    /// (new ones added, changed ones updated with their earlier text kept), the
    /// records it rejected, and the feed's state with its new validators. A crash
    /// leaves either all of it or none, so a feed is never remembered as fetched
    /// without its items.
    /// - Returns: how many items were new, how many changed, the indexes of both in
    ///   `items` (they need a verdict) and whether each was new, and the feed's state as
    ///   stored (with the arrival of the new items recorded).
    /// - Parameter displays: each item's display copies (made before, off the writer's thread).
    public func storeFetch(
        of feed: String, items: [Item], displays: [DisplayCopies], rejections: [ImportRejection],
        state: FeedState, fetchedAt: Date
    )
        async throws -> (added: Int, changed: Int, fresh: [Int], isNew: [Bool], state: FeedState)
    {
        try await writer.write { db in
            let counts = try upsert(items, displays: displays, fetchedAt: fetchedAt, in: db)
            try replaceRejections(in: db, kind: .feed, file: feed, with: rejections)
            var state = state
            state.recordArrival(newItems: counts.added, at: fetchedAt)
            try save(state, in: db)
            return (counts.added, counts.changed, counts.fresh, counts.isNew, state)
        }
    }

    private func save(_ state: FeedState, in db: Database) throws {
        try db.execute(
            sql: """
                INSERT OR REPLACE INTO feed_state (feed_id, etag, last_modified, last_attempt, last_success, error_count,
                                                   last_error, last_status, next_attempt, last_new_item, typical_gap,
                                                   last_body_cut_short)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """,
            arguments: [
                state.feedID, state.etag, state.lastModified, state.lastAttempt, state.lastSuccess,
                state.errorCount, state.lastError, state.lastStatus, state.nextAttempt,
                state.lastNewItem, state.typicalGap, state.lastBodyCutShort,
            ])
    }
}

extension AppDatabase {
    /// Items fetched per feed and day since `since`.
    public func itemsPerFeedAndDay(since: Date) async throws -> [String: [Day: Int]] {
        try await writer.read { db in
            var result: [String: [Day: Int]] = [:]
            for row in try Row.fetchAll(
                db,
                sql: """
                    SELECT feed_id, substr(fetched_at, 1, 10) AS day, count(*) AS items FROM item WHERE fetched_at >= ? GROUP BY 1, 2
                    """, arguments: [since])
            {
                let text: String = row["day"]
                if let day = Day(text) { result[row["feed_id"], default: [:]][day] = row["items"] }
            }
            return result
        }
    }
}
