import Foundation
import GRDB
import Model

/// A signed-in browser: its account, and the token its forms must carry (CSRF).
public struct WebSession: Sendable, Hashable {
    public var account: Account
    public var csrf: String
    public var expiresAt: Date
}

/// Who holds an item of the review queue.
public struct ReviewClaim: Sendable, Hashable, Codable {
    public var account: String
    public var claimedAt: Date

    enum CodingKeys: String, CodingKey {
        case account
        case claimedAt = "claimed_at"
    }
}

/// A signal the review queue may list: its verdict's fields, no text.
public struct QueueCandidate: Sendable, Hashable {
    public var itemID: String
    public var at: Date
    public var kind: ItemKind
    public var channel: String?
    public var projectID: String?
    public var band: LinkBand?
    public var score: Double
    public var level: SignalLevel
    public var claim: ClaimKind
}

/// An item as a list shows it: its display copy's title (personal numbers masked).
public struct ItemHeadline: Sendable, Hashable {
    public var itemID: String
    public var at: Date
    public var kind: ItemKind
    public var channel: String?
    public var title: String
    public var projectID: String?
    public var band: LinkBand?
    public var level: SignalLevel?
    public var isSignal: Bool
}

extension AppDatabase {
    // MARK: Sessions

    /// Starts a session of `account` under the random `id` (the cookie's value); sessions
    /// past their end are removed on the way.
    public func createSession(id: String, account: String, csrf: String, now: Date, lifetime: TimeInterval) throws {
        try writer.write { db in
            try db.execute(sql: "DELETE FROM session WHERE expires_at <= ?", arguments: [now])
            try db.execute(sql: "INSERT INTO session (id, account, csrf, created_at, expires_at) VALUES (?, ?, ?, ?, ?)",
                           arguments: [id, account, csrf, now, now.addingTimeInterval(lifetime)])
        }
    }

    /// The live session of `id`, nil when there is none or it ended.
    public func session(id: String, now: Date) throws -> WebSession? {
        try writer.read { db in
            guard let row = try Row.fetchOne(db, sql: """
                SELECT a.name, a.role, a.created_at, s.csrf, s.expires_at
                FROM session s JOIN account a ON a.name = s.account
                WHERE s.id = ? AND s.expires_at > ?
                """, arguments: [id, now]) else { return nil }
            let roleText: String = row[1]
            guard let role = Role(rawValue: roleText) else { throw StoreError.corruptValue(column: "role", value: roleText) }
            return WebSession(account: Account(name: row[0], role: role, createdAt: row[2]), csrf: row[3], expiresAt: row[4])
        }
    }

    /// Ends the session of `id` (logging out).
    public func deleteSession(id: String) throws {
        try writer.write { db in try db.execute(sql: "DELETE FROM session WHERE id = ?", arguments: [id]) }
    }

    // MARK: Audit log

    /// Adds a line to the audit log.
    public func record(_ entry: AuditEntry) throws {
        try writer.write { db in try Self.insert(entry, in: db) }
    }

    private static func insert(_ entry: AuditEntry, in db: Database) throws {
        try db.execute(sql: """
            INSERT INTO audit (at, account, role, action, item_id, project_id, reason) VALUES (?, ?, ?, ?, ?, ?, ?)
            """, arguments: [entry.at, entry.account, entry.role, entry.action, entry.itemID, entry.projectID, entry.reason])
    }

    /// The audit log, newest first: of one item, or all of it (`limit` nil for every line).
    public func auditEntries(itemID: String? = nil, limit: Int? = nil, offset: Int = 0) throws -> [AuditEntry] {
        try writer.read { db in
            try Row.fetchAll(db, sql: """
                SELECT id, at, account, role, action, item_id, project_id, reason FROM audit
                WHERE ?1 IS NULL OR item_id = ?1 ORDER BY id DESC LIMIT ?2 OFFSET ?3
                """, arguments: [itemID, limit ?? -1, offset]).map { row in
                AuditEntry(id: row[0], at: row[1], account: row[2], role: row[3], action: row[4], itemID: row[5],
                           projectID: row[6], reason: row[7])
            }
        }
    }

    // MARK: Review

    /// What became of a claim on an item.
    public enum ClaimOutcome: Sendable, Hashable {
        case claimed
        /// Another reviewer holds it (claimed within the lease).
        case heldBy(ReviewClaim)
    }

    /// Claims an item for `account`, unless another reviewer claimed it within `lease`.
    public func claim(itemID: String, by account: Account, now: Date, lease: TimeInterval) throws -> ClaimOutcome {
        try writer.write { db in
            guard try Int.fetchOne(db, sql: "SELECT count(*) FROM item WHERE id = ?", arguments: [itemID]) == 1 else {
                throw StoreError.missingItem(itemID)
            }
            if let row = try Row.fetchOne(db, sql: "SELECT account, claimed_at FROM review_claim WHERE item_id = ?",
                                          arguments: [itemID]) {
                let held = ReviewClaim(account: row[0], claimedAt: row[1])
                if held.account != account.name && held.claimedAt > now.addingTimeInterval(-lease) {
                    return .heldBy(held)
                }
            }
            try db.execute(sql: "INSERT OR REPLACE INTO review_claim (item_id, account, claimed_at) VALUES (?, ?, ?)",
                           arguments: [itemID, account.name, now])
            try Self.insert(AuditEntry(at: now, account: account.name, role: account.role.rawValue, action: "claim",
                                       itemID: itemID, reason: ""), in: db)
            return .claimed
        }
    }

    /// The claims still within `lease` on the given items.
    public func claims(of itemIDs: [String], now: Date, lease: TimeInterval) throws -> [String: ReviewClaim] {
        guard !itemIDs.isEmpty else { return [:] }
        return try writer.read { db in
            var result: [String: ReviewClaim] = [:]
            for row in try Self.rows(in: db, for: itemIDs, { "SELECT item_id, account, claimed_at FROM review_claim WHERE item_id IN (\($0))" }) {
                let claim = ReviewClaim(account: row[1], claimedAt: row[2])
                if claim.claimedAt > now.addingTimeInterval(-lease) { result[row[0]] = claim }
            }
            return result
        }
    }

    /// A reviewer's decision on an item, in one transaction: the decision kept (it holds
    /// over later verdicts), laid over the stored verdict at once, the audit line written and
    /// the claim let go. A relink names a registry project.
    public func review(itemID: String, action: ReviewAction, projectID: String?, reason: String,
                       by account: Account, now: Date, claimLease: TimeInterval) throws {
        try writer.write { db in
            guard let current = try Row.fetchOne(db, sql: "SELECT project_id, kind FROM assessment WHERE item_id = ?",
                                                 arguments: [itemID]) else {
                throw StoreError.missingItem(itemID)
            }
            // Another reviewer's claim, checked in the same transaction as the decision.
            if let row = try Row.fetchOne(db, sql: "SELECT account, claimed_at FROM review_claim WHERE item_id = ?",
                                          arguments: [itemID]) {
                let held = ReviewClaim(account: row[0], claimedAt: row[1])
                if held.account != account.name && held.claimedAt > now.addingTimeInterval(-claimLease) {
                    throw StoreError.claimedByAnother(held.account)
                }
            }
            if action == .followedUp, current[1] as String? != ItemKind.petition.rawValue {
                throw StoreError.notAPetition(itemID)
            }
            let target: String?
            switch action {
            case .confirm:
                guard let linked: String = current[0] else { throw StoreError.noLinkToConfirm(itemID) }
                target = linked
            case .relink:
                guard let projectID, try Int.fetchOne(db, sql: "SELECT count(*) FROM project WHERE id = ?",
                                                      arguments: [projectID]) == 1 else {
                    throw StoreError.unknownProject(projectID ?? "")
                }
                target = projectID
            default:
                target = nil
            }
            // The first decision on an item records the scorer's own verdict (nothing lies over
            // it yet); the store's triggers lay each decision over the verdict.
            try db.execute(sql: """
                INSERT OR IGNORE INTO review (item_id, decided_by, decided_at, scored_signal)
                SELECT ?, ?, ?, is_signal FROM assessment WHERE item_id = ?
                """, arguments: [itemID, account.name, now, itemID])
            switch action {
            case .confirm, .relink:
                // A link confirmed or made takes a rejection back: the scorer's verdict stands again.
                try db.execute(sql: "UPDATE review SET project_id = ?, rejected = 0 WHERE item_id = ?", arguments: [target, itemID])
            case .reject:
                try db.execute(sql: "UPDATE review SET rejected = 1 WHERE item_id = ?", arguments: [itemID])
            case .projectPayment:
                try db.execute(sql: "UPDATE review SET claim = ? WHERE item_id = ?",
                               arguments: [ClaimKind.projectPayment.rawValue, itemID])
            case .followedUp:
                try db.execute(sql: "UPDATE review SET followed_up_at = coalesce(followed_up_at, ?) WHERE item_id = ?",
                               arguments: [now, itemID])
            }
            try db.execute(sql: "UPDATE review SET decided_by = ?, decided_at = ? WHERE item_id = ?",
                           arguments: [account.name, now, itemID])
            try db.execute(sql: "DELETE FROM review_claim WHERE item_id = ?", arguments: [itemID])
            try Self.insert(AuditEntry(at: now, account: account.name, role: account.role.rawValue, action: action.rawValue,
                                       itemID: itemID, projectID: target, reason: reason), in: db)
        }
    }

    /// The items a reviewer decided on.
    public func reviewedItemIDs() throws -> Set<String> {
        try writer.read { db in Set(try String.fetchAll(db, sql: "SELECT item_id FROM review")) }
    }

    /// Signals the review queue may list: the undecided ones in the review band received in
    /// `from ..< until`, and the undecided ones among `evidence` (flagged projects' items).
    /// The span's signals are read from the register's covering index in one pass (a seek
    /// per evidence item took seconds at 200,000); evidence outside the span by id.
    public func queueCandidates(from: Date, until: Date, evidence: [String]) throws -> [QueueCandidate] {
        try writer.read { db in
            let decided = Set(try String.fetchAll(db, sql: "SELECT item_id FROM review"))
            var wanted = Set(evidence)
            var result: [QueueCandidate] = []
            let columns = "item_id, at, kind, channel, project_id, link_band, score, level, claim"
            let rows = try Row.fetchCursor(db, sql: """
                SELECT \(columns) FROM assessment INDEXED BY assessment_signals
                WHERE is_signal AND at >= ? AND at < ?
                """, arguments: [from, until])
            while let row = try rows.next() {
                let id: String = row[0]
                let band: String? = row[5]
                guard wanted.remove(id) != nil || band == LinkBand.review.rawValue, !decided.contains(id) else { continue }
                result.append(try Self.candidate(row))
            }
            let rest = Array(wanted.subtracting(decided))
            for row in try Self.rows(in: db, for: rest, { "SELECT \(columns) FROM assessment WHERE item_id IN (\($0)) AND is_signal" }) {
                result.append(try Self.candidate(row))
            }
            return result
        }
    }

    private static func candidate(_ row: Row) throws -> QueueCandidate {
        func code<Code: RawRepresentable<String>>(_ type: Code.Type, _ index: Int, _ column: String) throws -> Code {
            let text: String = row[index]
            guard let value = Code(rawValue: text) else { throw StoreError.corruptValue(column: column, value: text) }
            return value
        }
        let band: String? = row[5]
        return QueueCandidate(
            itemID: row[0], at: row[1], kind: try code(ItemKind.self, 2, "kind"), channel: row[3], projectID: row[4],
            band: band.flatMap(LinkBand.init(rawValue:)), score: row[6], level: try code(SignalLevel.self, 7, "level"),
            claim: try code(ClaimKind.self, 8, "claim"))
    }

    /// The stored verdict on one item.
    public func assessment(ofItem id: String) throws -> StoredAssessment? {
        try writer.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM assessment WHERE item_id = ?", arguments: [id]).map(StoredAssessment.init(row:))
        }
    }

    /// Headlines of the given items (masked titles, or the start of the text), in the order asked.
    public func headlines(of itemIDs: [String]) throws -> [ItemHeadline] {
        try writer.read { db in
            var found: [String: ItemHeadline] = [:]
            for row in try Self.rows(in: db, for: itemIDs, {
                "SELECT \(Self.headlineColumns) FROM item i LEFT JOIN assessment a ON a.item_id = i.id WHERE i.id IN (\($0))"
            }) {
                let headline = try Self.headline(row)
                found[headline.itemID] = headline
            }
            return itemIDs.compactMap { found[$0] }
        }
    }

    /// The newest items linked (or put to review) to a project.
    public func headlines(ofProject projectID: String, limit: Int) throws -> [ItemHeadline] {
        try writer.read { db in
            try Row.fetchAll(db, sql: """
                SELECT \(Self.headlineColumns) FROM assessment a JOIN item i ON i.id = a.item_id
                WHERE a.project_id = ? ORDER BY a.at DESC LIMIT ?
                """, arguments: [projectID, limit]).map(Self.headline)
        }
    }

    private static let headlineColumns = """
        i.id, coalesce(i.published_at, i.fetched_at), i.kind, i.channel,
        \(displayColumns(of: "i")),
        a.project_id, a.link_band, a.level, coalesce(a.is_signal, 0)
        """

    private static func headline(_ row: Row) throws -> ItemHeadline {
        let kindText: String = row[2]
        guard let kind = ItemKind(rawValue: kindText) else { throw StoreError.corruptValue(column: "kind", value: kindText) }
        let title: String = row[4]
        let content: String = row[5]
        let band: String? = row[7]
        let level: String? = row[8]
        return ItemHeadline(
            itemID: row[0], at: row[1], kind: kind, channel: row[3],
            title: title.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty ? String(content.prefix(60)) : title,
            projectID: row[6], band: band.flatMap(LinkBand.init(rawValue:)), level: level.flatMap(SignalLevel.init(rawValue:)),
            isSignal: row[9])
    }

    /// A project's linked wage signals per day received in `from ..< until`.
    public func signalsPerDay(ofProject projectID: String, from: Date, until: Date) throws -> [Day: Int] {
        try writer.read { db in
            var result: [Day: Int] = [:]
            for row in try Row.fetchAll(db, sql: """
                SELECT substr(at, 1, 10), count(*) FROM assessment
                WHERE project_id = ? AND at >= ? AND at < ? AND is_signal AND link_band = 'link'
                GROUP BY 1
                """, arguments: [projectID, from, until]) {
                let text: String = row[0]
                if let day = Day(text) { result[day] = row[1] }
            }
            return result
        }
    }

    /// The personal details of the given items' petitioners (name, phone), by item: what a
    /// text about them must be masked with for a reader not allowed to see them.
    public func personalDetails(ofItems itemIDs: [String]) throws -> [String: [String]] {
        let unique = Array(Set(itemIDs))
        return try writer.read { db in
            var result: [String: [String]] = [:]
            for row in try Self.rows(in: db, for: unique, {
                "SELECT id, petitioner, phone FROM item WHERE id IN (\($0)) AND (petitioner IS NOT NULL OR phone IS NOT NULL)"
            }) {
                let details = [row[1], row[2]].compactMap { $0 as String? }.filter { !$0.isEmpty }
                if !details.isEmpty { result[row[0]] = details }
            }
            return result
        }
    }

    /// One registry project.
    public func project(id: String) throws -> Project? {
        try writer.read { db in
            try db.fetchAll("SELECT \(Project.columns) FROM project WHERE id = ?", arguments: [id], Project.init(columns:)).first
        }
    }

    /// Projects whose id, name or an alias contains `text`, by id.
    public func projects(matching text: String, limit: Int) throws -> [Project] {
        let pattern = "%" + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "%", with: "\\%")
            .replacingOccurrences(of: "_", with: "\\_") + "%"
        return try writer.read { db in
            try db.fetchAll("""
                SELECT \(Project.columns) FROM project
                WHERE id = ? OR name LIKE ? ESCAPE '\\' OR aliases LIKE ? ESCAPE '\\'
                ORDER BY id = ? DESC, name = ? DESC, id LIMIT ?
                """, arguments: [text, pattern, pattern, text, text, limit], Project.init(columns:))
        }
    }

    /// A project's ledger rows, newest month first.
    public func reports(ofProject projectID: String) throws -> [DepartmentReport] {
        try writer.read { db in
            try db.fetchAll("SELECT \(DepartmentReport.columns) FROM report WHERE project_id = ? ORDER BY period DESC, id",
                            arguments: [projectID], DepartmentReport.init(columns:))
        }
    }

    /// Items fetched per feed and day since `since`.
    public func itemsPerFeedAndDay(since: Date) throws -> [String: [Day: Int]] {
        try writer.read { db in
            var result: [String: [Day: Int]] = [:]
            for row in try Row.fetchAll(db, sql: """
                SELECT feed_id, substr(fetched_at, 1, 10), count(*) FROM item WHERE fetched_at >= ? GROUP BY 1, 2
                """, arguments: [since]) {
                let text: String = row[1]
                if let day = Day(text) { result[row[0], default: [:]][day] = row[2] }
            }
            return result
        }
    }

    /// A number that changes whenever another connection commits (SQLite's `data_version`),
    /// read on the writer's own connection.
    public func dataVersion() throws -> Int {
        try writer.write { db in try Int.fetchOne(db, sql: "PRAGMA data_version") ?? 0 }
    }
}

extension AppDatabase {
    /// The rows `sql` gives for `ids`, asked 500 at a time: `sql` is handed the `?, ?, ...`
    /// to put in its `IN (...)`.
    static func rows(in db: Database, for ids: [String], _ sql: (String) -> String) throws -> [Row] {
        var rows: [Row] = []
        for start in stride(from: 0, to: ids.count, by: 500) {
            let chunk = ids[start ..< min(start + 500, ids.count)]
            let marks = Array(repeating: "?", count: chunk.count).joined(separator: ",")
            rows += try Row.fetchAll(db, sql: sql(marks), arguments: StatementArguments(chunk))
        }
        return rows
    }
}
