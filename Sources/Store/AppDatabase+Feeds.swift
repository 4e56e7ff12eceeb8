import Foundation
import Model

extension AppDatabase {
    /// What is remembered of every feed, by feed id.
    public func feedStates() async throws -> [String: FeedState] {
        try await read { session in
            var states: [String: FeedState] = [:]
            for state in try session.rows("SELECT * FROM feed_state", [], Self.feedState) { states[state.feedID] = state }
            return states
        }
    }

    private static func feedState(_ row: SQLRow) throws -> FeedState {
        var state = FeedState(
            feedID: try row("feed_id"), etag: try row("etag"), lastModified: try row("last_modified"),
            lastAttempt: try row("last_attempt"), lastSuccess: try row("last_success"), errorCount: try row("error_count"),
            lastError: try row("last_error"), lastStatus: try row("last_status"), nextAttempt: try row("next_attempt"),
            lastNewItem: try row("last_new_item"), typicalGap: try row("typical_gap"))
        state.lastBodyCutShort = try row("last_body_cut_short")
        return state
    }

    /// Stores what a cycle learned about feeds.
    public func saveFeedStates(_ states: [FeedState]) async throws {
        try await write { session in
            for state in states { try Self.save(state, in: session) }
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
        state: FeedState, fetchedAt: Date, leased: Bool = false
    )
        async throws -> (added: Int, changed: Int, fresh: [Int], isNew: [Bool], state: FeedState)
    {
        try await write(leased: leased) { session in
            if leased, session.engine == .postgres {
                // Workers write at once, each its own feeds; should two hold one feed (a lease
                // that ended during a long cycle), the second stores it after the first, as
                // the only writer would, and finds the first's items stored.
                try session.execute(
                    "SELECT pg_advisory_xact_lock(?::int4, hashtext(current_schema() || ' ' || ?))",
                    [.integer(Self.feedLockClass), feed.sqlValue])
            }
            let counts = try Self.upsert(items, displays: displays, fetchedAt: fetchedAt, in: session)
            try Self.replaceRejections(in: session, kind: .feed, file: feed, with: rejections)
            var state = state
            state.recordArrival(newItems: counts.added, at: fetchedAt)
            try Self.save(state, in: session)
            return (counts.added, counts.changed, counts.fresh, counts.isNew, state)
        }
    }

    /// The first key of the advisory lock a worker holds on a feed while storing it.
    static let feedLockClass: Int64 = 0x7766  // "wf"

    private static func save(_ state: FeedState, in session: SQLSession) throws {
        try session.execute(
            """
            INSERT INTO feed_state (feed_id, etag, last_modified, last_attempt, last_success, error_count, last_error,
                                    last_status, next_attempt, last_new_item, typical_gap, last_body_cut_short)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (feed_id) DO UPDATE SET
                etag = excluded.etag, last_modified = excluded.last_modified, last_attempt = excluded.last_attempt,
                last_success = excluded.last_success, error_count = excluded.error_count, last_error = excluded.last_error,
                last_status = excluded.last_status, next_attempt = excluded.next_attempt,
                last_new_item = excluded.last_new_item, typical_gap = excluded.typical_gap,
                last_body_cut_short = excluded.last_body_cut_short
            """,
            [
                state.feedID.sqlValue, state.etag.sqlValue, state.lastModified.sqlValue, state.lastAttempt.sqlValue,
                state.lastSuccess.sqlValue, state.errorCount.sqlValue, state.lastError.sqlValue, state.lastStatus.sqlValue,
                state.nextAttempt.sqlValue, state.lastNewItem.sqlValue, state.typicalGap.sqlValue,
                state.lastBodyCutShort.sqlValue,
            ])
    }
}

extension AppDatabase {
    /// Items fetched per feed and day since `since`.
    public func itemsPerFeedAndDay(since: Date) async throws -> [String: [Day: Int]] {
        try await read { session in
            var result: [String: [Day: Int]] = [:]
            let rows = try session.rows(
                """
                SELECT feed_id, substr(fetched_at, 1, 10) AS day, count(*) AS items FROM item WHERE fetched_at >= ? GROUP BY 1, 2
                """, [since.sqlValue]
            ) { row in
                (feed: try row("feed_id", as: String.self), day: try row("day", as: String.self), items: try row("items", as: Int.self))
            }
            for row in rows {
                if let day = Day(row.day) { result[row.feed, default: [:]][day] = row.items }
            }
            return result
        }
    }
}
