import Foundation
import Parallel

extension AppDatabase {
    /// Leases feeds to `holder` (one `watch` process), so that of several workers on one
    /// store one fetches a feed at a time: each feed of `wanted` is leased until the time
    /// given for it, unless another holder's lease on it has not ended at `now` (a
    /// holder's own lease is extended). A worker killed mid-cycle holds its feeds until
    /// their leases end; another then takes them over.
    ///
    /// On PostgreSQL the lease rows are locked with `FOR UPDATE SKIP LOCKED`: a worker never
    /// waits for another's leasing, it leaves the rows the other is taking.
    /// - Returns: the feeds leased to `holder`, and for the others, when their lease ends.
    public func leaseFeeds(
        _ wanted: [String: Date], holder: String, now: Date
    ) async throws
        -> (leased: Set<String>, heldUntil: [String: Date])
    {
        guard !wanted.isEmpty else { return ([], [:]) }
        switch backend {
        case .sqlite:
            return try await write { session in try Self.lease(wanted, holder: holder, now: now, in: session, skipLocked: false) }
        case .postgres(let pool):
            return try await Parallel.run {
                try pool.transaction { session in try Self.lease(wanted, holder: holder, now: now, in: session, skipLocked: true) }
            }
        }
    }

    private static func lease(
        _ wanted: [String: Date], holder: String, now: Date, in session: SQLSession, skipLocked: Bool
    ) throws
        -> (leased: Set<String>, heldUntil: [String: Date])
    {
        let ids = wanted.keys.sorted()
        let marks = Array(repeating: "?", count: ids.count).joined(separator: ",")
        do {
            // Rows for feeds never leased, so that there is a row to lock.
            for id in ids {
                try session.execute(
                    "INSERT INTO feed_lease (feed_id, holder, until) VALUES (?, '', '') ON CONFLICT DO NOTHING", [id.sqlValue])
            }
            let rows = try session.rows(
                "SELECT feed_id, holder, until FROM feed_lease WHERE feed_id IN (\(marks))\(skipLocked ? " FOR UPDATE SKIP LOCKED" : "")",
                ids.map(\.sqlValue)
            ) { row in
                (
                    id: try row("feed_id", as: String.self), holder: try row("holder", as: String.self),
                    until: try row("until", as: String.self)
                )
            }
            var leased: Set<String> = []
            var heldUntil: [String: Date] = [:]
            let nowText = StoredDate.text(now)
            for row in rows {
                if row.holder == holder || row.holder.isEmpty || row.until <= nowText, let until = wanted[row.id] {
                    try session.execute(
                        "UPDATE feed_lease SET holder = ?, until = ? WHERE feed_id = ?", [holder.sqlValue, until.sqlValue, row.id.sqlValue])
                    leased.insert(row.id)
                } else if let until = try? Date.read(.text(row.until), column: "until") {
                    heldUntil[row.id] = until
                }
            }
            // Rows another worker is leasing right now (skipped): held, for a moment.
            for id in ids where !leased.contains(id) && heldUntil[id] == nil { heldUntil[id] = now.addingTimeInterval(1) }
            return (leased, heldUntil)
        }
    }

    /// Gives up `holder`'s leases (a worker stopping on purpose), so that another takes its
    /// feeds over at once.
    public func releaseFeeds(holder: String) async throws {
        try await write { session in try session.execute("UPDATE feed_lease SET until = '' WHERE holder = ?", [holder.sqlValue]) }
    }
}
