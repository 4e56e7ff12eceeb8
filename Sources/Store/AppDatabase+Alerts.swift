import Foundation
import Model

/// The alerts' outbox (v22): each event once (`alert_event`), and its delivery to each
/// channel (`alert_delivery`), written in the transaction of what raised it; a sender
/// takes the due deliveries and records each outcome. Killing a process between the
/// write and the send loses nothing: the delivery is still due.
extension AppDatabase {
    static let alertMigration = (
        identifier: "v22: the alerts' outbox",
        sql: """
        CREATE TABLE alert_event (
            id text PRIMARY KEY, kind text NOT NULL, level text NOT NULL, story text, created_at text NOT NULL, body text NOT NULL);
        CREATE TABLE alert_delivery (
            event_id text NOT NULL REFERENCES alert_event (id), channel text NOT NULL, state text NOT NULL,
            attempts bigint NOT NULL, next_at text NOT NULL, sent_at text, last_error text, PRIMARY KEY (event_id, channel));
        CREATE INDEX alert_delivery_due ON alert_delivery (state, next_at);
        CREATE INDEX alert_delivery_of_channel ON alert_delivery (channel, sent_at);
        """
    )

    /// v23: a story's events found by their story; a delivery told in a summary names it.
    static let alertStoryMigration = (
        identifier: "v23: alerts by story; deliveries summed up",
        sql: """
        CREATE INDEX alert_event_of_story ON alert_event (story, kind);
        ALTER TABLE alert_delivery ADD COLUMN summary text;
        """
    )

    /// How an event's body is written (sorted keys, ISO 8601 times): one encoder for all,
    /// as making one costs more than the small body it writes.
    private static let eventEncoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        encoder.dateEncodingStrategy = .iso8601
        return encoder
    }()

    /// Puts `event` in the outbox for `channels`, in `session`'s transaction: an event
    /// already there (the same id) is not added twice, nor its deliveries.
    ///
    /// One story, one alert: an event of a story the outbox already holds an event of (the
    /// same kind) is dropped, unless its level is higher than every earlier one; then it
    /// goes out as an update (续报), threaded under the story's first event, its id the
    /// first's with the new level.
    static func enqueueAlert(_ event: AlertEvent, channels: [String], in session: SQLSession) throws {
        guard !channels.isEmpty else { return }
        var event = event
        if let story = event.story {
            let earlier = try session.rows(
                "SELECT id, level FROM alert_event WHERE story = ? AND kind = ? ORDER BY created_at, id",
                [story.sqlValue, event.kind.rawValue.sqlValue]
            ) { row in (id: try row("id", as: String.self), level: AlertEvent.Level(rawValue: try row("level")) ?? .critical) }
            if let first = earlier.first {
                guard let highest = earlier.map(\.level).max(), event.level > highest else { return }
                event.thread = first.id
                event.id = first.id + ":" + event.level.rawValue
            }
        }
        try session.execute(
            "INSERT INTO alert_event (id, kind, level, story, created_at, body) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING",
            [
                event.id.sqlValue, event.kind.rawValue.sqlValue, event.level.rawValue.sqlValue, event.story.sqlValue,
                event.at.sqlValue, String(decoding: try eventEncoder.encode(event), as: UTF8.self).sqlValue,
            ])
        for channel in channels {
            try session.execute(
                """
                INSERT INTO alert_delivery (event_id, channel, state, attempts, next_at) VALUES (?, ?, 'pending', 0, ?)
                ON CONFLICT (event_id, channel) DO NOTHING
                """, [event.id.sqlValue, channel.sqlValue, event.at.sqlValue])
        }
    }

    /// Puts several events in the outbox, in one transaction.
    public func enqueueAlerts(_ alerts: [(event: AlertEvent, channels: [String])]) async throws {
        guard !alerts.isEmpty else { return }
        try await write { session in
            for alert in alerts { try Self.enqueueAlert(alert.event, channels: alert.channels, in: session) }
        }
    }

    /// Puts `event` in the outbox for `channels` (its own transaction).
    public func enqueueAlert(_ event: AlertEvent, channels: [String]) async throws {
        try await write { session in try Self.enqueueAlert(event, channels: channels, in: session) }
    }

    /// Whether the outbox holds the event `id`.
    public func alertEventExists(id: String) async throws -> Bool {
        try await read { session in
            try session.value("SELECT count(*) FROM alert_event WHERE id = ?", [id.sqlValue], as: Int.self) ?? 0 > 0
        }
    }

    /// Deliveries due by `now`, oldest first, at most `limit`.
    public func dueAlertDeliveries(now: Date, limit: Int = 2_000) async throws -> [AlertDelivery] {
        try await read { session in
            try session.rows(
                """
                SELECT e.body, d.channel, d.state, d.attempts, d.next_at, d.sent_at, d.last_error, d.summary
                FROM alert_delivery d JOIN alert_event e ON e.id = d.event_id
                WHERE d.state = 'pending' AND d.next_at <= ? ORDER BY d.next_at, d.event_id, d.channel LIMIT ?
                """, [now.sqlValue, limit.sqlValue], Self.delivery)
        }
    }

    /// The outbox, newest first: what was sent, failed or waits.
    public func alertLog(limit: Int = 100, state: AlertDelivery.State? = nil) async throws -> [AlertDelivery] {
        try await read { session in
            try session.rows(
                """
                SELECT e.body, d.channel, d.state, d.attempts, d.next_at, d.sent_at, d.last_error, d.summary
                FROM alert_delivery d JOIN alert_event e ON e.id = d.event_id
                \(state == nil ? "" : "WHERE d.state = ?") ORDER BY e.created_at DESC, d.event_id, d.channel LIMIT ?
                """, (state.map { [$0.rawValue.sqlValue] } ?? []) + [limit.sqlValue], Self.delivery)
        }
    }

    /// How many deliveries are in `state`.
    public func alertCount(state: AlertDelivery.State) async throws -> Int {
        try await read { session in
            try session.value("SELECT count(*) FROM alert_delivery WHERE state = ?", [state.rawValue.sqlValue], as: Int.self) ?? 0
        }
    }

    /// How many messages `channel` was sent since `since` (its hourly cap).
    public func alertsSent(channel: String, since: Date) async throws -> Int {
        try await read { session in
            try session.value(
                "SELECT count(*) FROM alert_delivery WHERE channel = ? AND state = 'sent' AND sent_at >= ?",
                [channel.sqlValue, since.sqlValue], as: Int.self) ?? 0
        }
    }

    /// One attempt at a delivery: sent at `at`; or to be tried again at `retryAt`; or given up.
    public struct AlertAttempt: Sendable {
        public var eventID: String
        public var channel: String
        public var state: AlertDelivery.State
        public var at: Date
        public var retryAt: Date?
        public var error: String?

        public init(eventID: String, channel: String, state: AlertDelivery.State, at: Date, retryAt: Date? = nil, error: String? = nil) {
            self.eventID = eventID
            self.channel = channel
            self.state = state
            self.at = at
            self.retryAt = retryAt
            self.error = error
        }
    }

    /// Records an attempt: sent at `at`; or to be tried again at `retryAt`; or given up.
    public func recordAlertAttempt(
        eventID: String, channel: String, state: AlertDelivery.State, at: Date, retryAt: Date? = nil, error: String? = nil
    ) async throws {
        try await recordAlertAttempts([
            AlertAttempt(eventID: eventID, channel: channel, state: state, at: at, retryAt: retryAt, error: error)
        ])
    }

    /// Records several attempts in one transaction.
    public func recordAlertAttempts(_ attempts: [AlertAttempt]) async throws {
        guard !attempts.isEmpty else { return }
        try await write { session in
            for attempt in attempts {
                try session.execute(
                    """
                    UPDATE alert_delivery SET state = ?, attempts = attempts + 1, next_at = ?, sent_at = ?, last_error = ?
                    WHERE event_id = ? AND channel = ?
                    """,
                    [
                        attempt.state.rawValue.sqlValue, (attempt.retryAt ?? attempt.at).sqlValue,
                        (attempt.state == .sent ? attempt.at : nil).sqlValue, attempt.error.sqlValue, attempt.eventID.sqlValue,
                        attempt.channel.sqlValue,
                    ])
            }
        }
    }

    /// Tells `eventIDs`' deliveries to `channel` in one message, `summary`, in one
    /// transaction: the summary enters the outbox, due now, and each delivery it tells is
    /// marked summed up in it (none is lost: the summary is sent, and retried, like any).
    public func summarizeAlerts(_ eventIDs: [String], channel: String, in summary: AlertEvent, at now: Date) async throws {
        try await write { session in
            try Self.enqueueAlert(summary, channels: [channel], in: session)
            for id in eventIDs {
                try session.execute(
                    """
                    UPDATE alert_delivery SET state = 'summarized', sent_at = ?, summary = ?
                    WHERE event_id = ? AND channel = ? AND state = 'pending'
                    """, [now.sqlValue, summary.id.sqlValue, id.sqlValue, channel.sqlValue])
            }
        }
    }

    /// Moves a delivery to `next` without counting an attempt (a channel over its hourly cap).
    public func deferAlert(eventID: String, channel: String, until next: Date) async throws {
        try await write { session in
            try session.execute(
                "UPDATE alert_delivery SET next_at = ? WHERE event_id = ? AND channel = ? AND state = 'pending'",
                [next.sqlValue, eventID.sqlValue, channel.sqlValue])
        }
    }

    private static func delivery(_ row: SQLRow) throws -> AlertDelivery {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        let event = try decoder.decode(AlertEvent.self, from: Data(try row("body", as: String.self).utf8))
        guard let state = AlertDelivery.State(rawValue: try row("state")) else {
            throw StoreError.corruptValue(column: "alert_delivery.state", value: try row("state", as: String.self))
        }
        return AlertDelivery(
            event: event, channel: try row("channel"), state: state, attempts: try row("attempts"), nextAt: try row("next_at"),
            sentAt: try row("sent_at"), lastError: try row("last_error"), summary: try row("summary"))
    }
}
