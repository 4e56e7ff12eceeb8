import Foundation
import GRDB
import Model

extension AppDatabase {
    /// What is remembered of every feed, by feed id.
    public func feedStates() throws -> [String: FeedState] {
        try writer.read { db in
            var states: [String: FeedState] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT * FROM feed_state") {
                let state = FeedState(
                    feedID: row["feed_id"], etag: row["etag"], lastModified: row["last_modified"],
                    lastAttempt: row["last_attempt"], lastSuccess: row["last_success"], errorCount: row["error_count"],
                    lastError: row["last_error"], lastStatus: row["last_status"], nextAttempt: row["next_attempt"])
                states[state.feedID] = state
            }
            return states
        }
    }

    /// Stores what a cycle learned about feeds.
    public func saveFeedStates(_ states: [FeedState]) throws {
        try writer.write { db in
            for state in states {
                try db.execute(sql: """
                    INSERT OR REPLACE INTO feed_state (feed_id, etag, last_modified, last_attempt, last_success,
                                                       error_count, last_error, last_status, next_attempt)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """, arguments: [state.feedID, state.etag, state.lastModified, state.lastAttempt, state.lastSuccess,
                                     state.errorCount, state.lastError, state.lastStatus, state.nextAttempt])
            }
        }
    }
}
