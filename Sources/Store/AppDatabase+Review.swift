import Foundation
import GRDB
import Model

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

extension AppDatabase {
    /// What became of a claim on an item.
    public enum ClaimOutcome: Sendable, Hashable {
        case claimed
        /// Another reviewer holds it (claimed within the lease).
        case heldBy(ReviewClaim)
    }

    /// Claims an item for `account`, unless another reviewer claimed it within `lease`.
    /// - Parameter seen: how many decisions the reviewer's page showed; when another came
    ///   since, the claim is refused (`StoreError.decidedMeanwhile`).
    public func claim(
        itemID: String, by account: Account, now: Date, lease: TimeInterval,
        seen: Int? = nil
    ) async throws -> ClaimOutcome {
        try await writer.write { db in
            guard try Int.fetchOne(db, sql: "SELECT count(*) FROM item WHERE id = ?", arguments: [itemID]) == 1 else {
                throw StoreError.missingItem(itemID)
            }
            if let seen { try Self.checkDecisions(on: itemID, seen: seen, in: db) }
            if let held = try Self.claim(on: itemID, heldAgainst: account, now: now, lease: lease, in: db) {
                return .heldBy(held)
            }
            try db.execute(
                sql: "INSERT OR REPLACE INTO review_claim (item_id, account, claimed_at) VALUES (?, ?, ?)",
                arguments: [itemID, account.name, now])
            try Self.insert(
                AuditEntry(
                    at: now, account: account.name, role: account.role.rawValue, action: "claim",
                    itemID: itemID, reason: ""), in: db)
            return .claimed
        }
    }

    /// Another reviewer's claim on the item within `lease`, if there is one.
    private static func claim(
        on itemID: String, heldAgainst account: Account, now: Date, lease: TimeInterval,
        in db: Database
    ) throws -> ReviewClaim? {
        guard
            let row = try Row.fetchOne(
                db, sql: "SELECT account, claimed_at FROM review_claim WHERE item_id = ?",
                arguments: [itemID])
        else { return nil }
        let held = ReviewClaim(account: row["account"], claimedAt: row["claimed_at"])
        return held.account != account.name && held.claimedAt > now.addingTimeInterval(-lease) ? held : nil
    }

    /// The review actions, as the audit log names them.
    static let decisionActions = ReviewAction.allCases.map { "'\($0.rawValue)'" }.joined(separator: ", ")

    /// How many decisions were made on the item.
    public func decisionCount(itemID: String) async throws -> Int {
        try await writer.read { db in try Self.decisionCount(on: itemID, in: db) }
    }

    private static func decisionCount(on itemID: String, in db: Database) throws -> Int {
        try Int.fetchOne(
            db, sql: "SELECT count(*) FROM audit WHERE item_id = ? AND action IN (\(decisionActions))",
            arguments: [itemID]) ?? 0
    }

    /// Throws `decidedMeanwhile` with the latest decision when the item has had other than
    /// `seen` decisions: someone decided after the reviewer's page was made.
    private static func checkDecisions(on itemID: String, seen: Int, in db: Database) throws {
        guard try decisionCount(on: itemID, in: db) != seen else { return }
        let latest = try Row.fetchOne(
            db,
            sql: """
                SELECT account, at, action FROM audit WHERE item_id = ? AND action IN (\(decisionActions)) ORDER BY id DESC LIMIT 1
                """, arguments: [itemID])
        throw StoreError.decidedMeanwhile(
            account: latest?["account"] ?? "", at: latest?["at"] ?? Date(timeIntervalSince1970: 0),
            action: ReviewAction(rawValue: latest?["action"] ?? "")?.label ?? "")
    }

    /// The claims still within `lease` on the given items.
    public func claims(of itemIDs: [String], now: Date, lease: TimeInterval) async throws -> [String: ReviewClaim] {
        guard !itemIDs.isEmpty else { return [:] }
        return try await writer.read { db in
            var result: [String: ReviewClaim] = [:]
            for row in try Self.rows(
                in: db, for: itemIDs, { "SELECT item_id, account, claimed_at FROM review_claim WHERE item_id IN (\($0))" })
            {
                let claim = ReviewClaim(account: row["account"], claimedAt: row["claimed_at"])
                if claim.claimedAt > now.addingTimeInterval(-lease) { result[row["item_id"]] = claim }
            }
            return result
        }
    }

    /// A reviewer's decision on an item, in one transaction: the decision kept (it holds
    /// over later verdicts), laid over the stored verdict at once, the audit line written and
    /// the claim let go. A relink names a registry project.
    ///
    /// - Parameter seen: how many decisions the reviewer saw on the item; when the count
    ///   differs (two reviewers at once, a page left open), nothing is changed and
    ///   `StoreError.decidedMeanwhile` says who decided last. Nil checks nothing.
    public func review(
        itemID: String, action: ReviewAction, projectID: String?, reason: String,
        by account: Account, now: Date, claimLease: TimeInterval, seen: Int? = nil
    ) async throws {
        try await writer.write { db in
            guard
                let current = try Row.fetchOne(
                    db, sql: "SELECT project_id, kind FROM assessment WHERE item_id = ?",
                    arguments: [itemID])
            else {
                throw StoreError.missingItem(itemID)
            }
            if let seen { try Self.checkDecisions(on: itemID, seen: seen, in: db) }
            // Another reviewer's claim, checked in the same transaction as the decision.
            if let held = try Self.claim(on: itemID, heldAgainst: account, now: now, lease: claimLease, in: db) {
                throw StoreError.claimedByAnother(held.account)
            }
            if action == .followedUp, current["kind"] as String? != ItemKind.petition.rawValue {
                throw StoreError.notAPetition(itemID)
            }
            let target: String?
            switch action {
            case .confirm:
                guard let linked: String = current["project_id"] else { throw StoreError.noLinkToConfirm(itemID) }
                target = linked
            case .relink:
                guard let projectID,
                    try Int.fetchOne(
                        db, sql: "SELECT count(*) FROM project WHERE id = ?",
                        arguments: [projectID]) == 1
                else {
                    throw StoreError.unknownProject(projectID ?? "")
                }
                target = projectID
            default:
                target = nil
            }
            // The first decision on an item records the scorer's own verdict (nothing lies over
            // it yet); the store's triggers lay each decision over the verdict.
            try db.execute(
                sql: """
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
                try db.execute(
                    sql: "UPDATE review SET claim = ? WHERE item_id = ?",
                    arguments: [ClaimKind.projectPayment.rawValue, itemID])
            case .followedUp:
                try db.execute(
                    sql: "UPDATE review SET followed_up_at = coalesce(followed_up_at, ?) WHERE item_id = ?",
                    arguments: [now, itemID])
            }
            try db.execute(
                sql: "UPDATE review SET decided_by = ?, decided_at = ? WHERE item_id = ?",
                arguments: [account.name, now, itemID])
            try db.execute(sql: "DELETE FROM review_claim WHERE item_id = ?", arguments: [itemID])
            try Self.insert(
                AuditEntry(
                    at: now, account: account.name, role: account.role.rawValue, action: action.rawValue,
                    itemID: itemID, projectID: target, reason: reason), in: db)
        }
    }

    /// The items a reviewer decided on.
    public func reviewedItemIDs() async throws -> Set<String> {
        try await writer.read { db in Set(try String.fetchAll(db, sql: "SELECT item_id FROM review")) }
    }

    /// Signals the review queue may list: the undecided ones in the review band received in
    /// `from ..< until`, and the undecided ones among `evidence` (flagged projects' items).
    /// The span's signals are read from the register's covering index in one pass (a seek
    /// per evidence item took seconds at 200,000); evidence outside the span by id.
    public func queueCandidates(from: Date, until: Date, evidence: [String]) async throws -> [QueueCandidate] {
        try await writer.read { db in
            let decided = Set(try String.fetchAll(db, sql: "SELECT item_id FROM review"))
            var wanted = Set(evidence)
            var result: [QueueCandidate] = []
            let columns = "item_id, at, kind, channel, project_id, link_band, score, level, claim"
            let rows = try Row.fetchCursor(
                db,
                sql: """
                    SELECT \(columns) FROM assessment INDEXED BY assessment_signals
                    WHERE is_signal AND at >= ? AND at < ?
                    """, arguments: [from, until])
            while let row = try rows.next() {
                let id: String = row["item_id"]
                let band: String? = row["link_band"]
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
        func code<Code: RawRepresentable<String>>(_ type: Code.Type, _ column: String) throws -> Code {
            let text: String = row[column]
            guard let value = Code(rawValue: text) else { throw StoreError.corruptValue(column: column, value: text) }
            return value
        }
        let band: String? = row["link_band"]
        return QueueCandidate(
            itemID: row["item_id"], at: row["at"], kind: try code(ItemKind.self, "kind"), channel: row["channel"],
            projectID: row["project_id"], band: band.flatMap(LinkBand.init(rawValue:)), score: row["score"],
            level: try code(SignalLevel.self, "level"), claim: try code(ClaimKind.self, "claim"))
    }

    /// The personal details of the given items' petitioners (name, phone), by item: what a
    /// text about them must be masked with for a reader not allowed to see them.
    public func personalDetails(ofItems itemIDs: [String]) async throws -> [String: [String]] {
        let unique = Array(Set(itemIDs))
        return try await writer.read { db in
            var result: [String: [String]] = [:]
            for row in try Self.rows(
                in: db, for: unique,
                {
                    "SELECT id, petitioner, phone FROM item WHERE id IN (\($0)) AND (petitioner IS NOT NULL OR phone IS NOT NULL)"
                })
            {
                let details = [row["petitioner"], row["phone"]].compactMap { $0 as String? }.filter { !$0.isEmpty }
                if !details.isEmpty { result[row["id"]] = details }
            }
            return result
        }
    }
}

extension AppDatabase {
    /// The rows `sql` gives for `ids`, asked 500 at a time: `sql` is handed the `?, ?, ...`
    /// to put in its `IN (...)`.
    static func rows(in db: Database, for ids: [String], _ sql: (String) -> String) throws -> [Row] {
        var rows: [Row] = []
        for start in stride(from: 0, to: ids.count, by: 500) {
            let chunk = ids[start..<min(start + 500, ids.count)]
            let marks = Array(repeating: "?", count: chunk.count).joined(separator: ",")
            rows += try Row.fetchAll(db, sql: sql(marks), arguments: StatementArguments(chunk))
        }
        return rows
    }
}
