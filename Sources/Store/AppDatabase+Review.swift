import Foundation
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
    /// A petition's 办结 time, when it is closed.
    public var closedAt: Date? = nil
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
        try await write { session in
            guard try session.value("SELECT count(*) FROM item WHERE id = ?", [itemID.sqlValue], as: Int.self) == 1 else {
                throw StoreError.missingItem(itemID)
            }
            if let seen { try Self.checkDecisions(on: itemID, seen: seen, in: session) }
            if let held = try Self.claim(on: itemID, heldAgainst: account, now: now, lease: lease, in: session) {
                return .heldBy(held)
            }
            try session.execute(
                """
                INSERT INTO review_claim (item_id, account, claimed_at) VALUES (?, ?, ?)
                ON CONFLICT (item_id) DO UPDATE SET account = excluded.account, claimed_at = excluded.claimed_at
                """, [itemID.sqlValue, account.name.sqlValue, now.sqlValue])
            try Self.insert(
                AuditEntry(
                    at: now, account: account.name, role: account.role.rawValue, action: "claim",
                    itemID: itemID, reason: ""), in: session)
            return .claimed
        }
    }

    /// The items `account` holds a claim on within `lease` (我认领的).
    public func claimedItems(by account: String, now: Date, lease: TimeInterval) async throws -> Set<String> {
        try await read { session in
            Set(
                try session.rows(
                    "SELECT item_id FROM review_claim WHERE account = ? AND claimed_at > ?",
                    [account.sqlValue, now.addingTimeInterval(-lease).sqlValue]
                ) { try $0("item_id", as: String.self) })
        }
    }

    /// Lets go of `account`'s claim on the item (释放认领), audited; false when it held none.
    @discardableResult
    public func releaseClaim(itemID: String, by account: Account, now: Date) async throws -> Bool {
        try await write { session in
            let released = try session.execute(
                "DELETE FROM review_claim WHERE item_id = ? AND account = ?", [itemID.sqlValue, account.name.sqlValue])
            guard released > 0 else { return false }
            try Self.insert(
                AuditEntry(
                    at: now, account: account.name, role: account.role.rawValue, action: "release",
                    itemID: itemID, reason: ""), in: session)
            return true
        }
    }

    /// Another reviewer's claim on the item within `lease`, if there is one.
    private static func claim(
        on itemID: String, heldAgainst account: Account, now: Date, lease: TimeInterval,
        in session: SQLSession
    ) throws -> ReviewClaim? {
        guard
            let held = try session.row(
                "SELECT account, claimed_at FROM review_claim WHERE item_id = ?", [itemID.sqlValue],
                { ReviewClaim(account: try $0("account"), claimedAt: try $0("claimed_at")) })
        else { return nil }
        return held.account != account.name && held.claimedAt > now.addingTimeInterval(-lease) ? held : nil
    }

    /// The review actions, as the audit log names them.
    static let decisionActions = ReviewAction.allCases.map { "'\($0.rawValue)'" }.joined(separator: ", ")

    /// How many decisions were made on the item.
    public func decisionCount(itemID: String) async throws -> Int {
        try await read { session in try Self.decisionCount(on: itemID, in: session) }
    }

    private static func decisionCount(on itemID: String, in session: SQLSession) throws -> Int {
        try session.value(
            "SELECT count(*) FROM audit WHERE item_id = ? AND action IN (\(decisionActions))", [itemID.sqlValue]) ?? 0
    }

    /// Throws `decidedMeanwhile` with the latest decision when the item has had other than
    /// `seen` decisions: someone decided after the reviewer's page was made.
    private static func checkDecisions(on itemID: String, seen: Int, in session: SQLSession) throws {
        guard try decisionCount(on: itemID, in: session) != seen else { return }
        let latest = try session.row(
            """
            SELECT account, at, action FROM audit WHERE item_id = ? AND action IN (\(decisionActions)) ORDER BY id DESC LIMIT 1
            """, [itemID.sqlValue]
        ) { row in
            (account: try row("account", as: String.self), at: try row("at", as: Date.self), action: try row("action", as: String.self))
        }
        throw StoreError.decidedMeanwhile(
            account: latest?.account ?? "", at: latest?.at ?? Date(timeIntervalSince1970: 0),
            action: ReviewAction(rawValue: latest?.action ?? "")?.label ?? "")
    }

    /// The claims still within `lease` on the given items.
    public func claims(of itemIDs: [String], now: Date, lease: TimeInterval) async throws -> [String: ReviewClaim] {
        guard !itemIDs.isEmpty else { return [:] }
        return try await read { session in
            var result: [String: ReviewClaim] = [:]
            let rows = try session.rows(
                for: itemIDs, { "SELECT item_id, account, claimed_at FROM review_claim WHERE item_id IN (\($0))" }
            ) { row in (try row("item_id", as: String.self), ReviewClaim(account: try row("account"), claimedAt: try row("claimed_at"))) }
            for (itemID, claim) in rows where claim.claimedAt > now.addingTimeInterval(-lease) { result[itemID] = claim }
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
        _ = try await review(
            itemID: itemID, action: action, projectID: projectID, reason: reason, by: account, now: now, claimLease: claimLease,
            seen: seen, copies: [])
    }

    /// A decision on an item and, in the same transaction, on each of `copies` (other items
    /// of its story) that no one has decided and no other reviewer holds: all of them or
    /// none. A copy takes the item's project: confirmed where it links there already,
    /// relinked where it does not; 已跟进 goes only to petitions. Each copy's audit line
    /// names the item it was decided with.
    /// - Returns: the copies decided.
    public func review(
        itemID: String, action: ReviewAction, projectID: String?, reason: String,
        by account: Account, now: Date, claimLease: TimeInterval, seen: Int?, copies: [String]
    ) async throws -> [String] {
        try await write { session in
            let target = try Self.decide(
                itemID: itemID, action: action, projectID: projectID, reason: reason, by: account, now: now,
                claimLease: claimLease, seen: seen, in: session)
            var decided: [String] = []
            for copy in copies where copy != itemID {
                guard
                    let current = try session.row(
                        "SELECT project_id, kind FROM assessment WHERE item_id = ? AND is_signal", [copy.sqlValue],
                        { (projectID: try $0("project_id", as: String?.self), kind: try $0("kind", as: String?.self)) }),
                    try Self.decisionCount(on: copy, in: session) == 0,
                    try Self.claim(on: copy, heldAgainst: account, now: now, lease: claimLease, in: session) == nil,
                    action != .followedUp || current.kind == ItemKind.petition.rawValue
                else { continue }
                var copyAction = action
                if action == .confirm || action == .relink {
                    copyAction = current.projectID == target ? .confirm : .relink
                }
                _ = try Self.decide(
                    // The reason stays with the item it was written for (it may name that
                    // item's petitioner): the copy's line points there.
                    itemID: copy, action: copyAction, projectID: target, reason: "同一事件一并处理，理由见线索 \(itemID)",
                    by: account, now: now, claimLease: claimLease, seen: 0, in: session)
                decided.append(copy)
            }
            return decided
        }
    }

    /// One decision, in `session`'s transaction.
    /// - Returns: the project the item is linked to by it (confirm, relink), else nil.
    private static func decide(
        itemID: String, action: ReviewAction, projectID: String?, reason: String,
        by account: Account, now: Date, claimLease: TimeInterval, seen: Int?, in session: SQLSession
    ) throws -> String? {
        guard
            let current = try session.row(
                "SELECT project_id, kind FROM assessment WHERE item_id = ?", [itemID.sqlValue],
                { (projectID: try $0("project_id", as: String?.self), kind: try $0("kind", as: String?.self)) })
        else {
            throw StoreError.missingItem(itemID)
        }
        if let seen { try checkDecisions(on: itemID, seen: seen, in: session) }
        // Another reviewer's claim, checked in the same transaction as the decision.
        if let held = try claim(on: itemID, heldAgainst: account, now: now, lease: claimLease, in: session) {
            throw StoreError.claimedByAnother(held.account)
        }
        if action == .followedUp, current.kind != ItemKind.petition.rawValue {
            throw StoreError.notAPetition(itemID)
        }
        let target: String?
        switch action {
        case .confirm:
            guard let linked = current.projectID else { throw StoreError.noLinkToConfirm(itemID) }
            target = linked
        case .relink:
            guard let projectID,
                try session.value("SELECT count(*) FROM project WHERE id = ?", [projectID.sqlValue], as: Int.self) == 1
            else {
                throw StoreError.unknownProject(projectID ?? "")
            }
            target = projectID
        default:
            target = nil
        }
        // The first decision on an item records the scorer's own verdict (nothing lies over
        // it yet); the store's triggers lay each decision over the verdict.
        try session.execute(
            """
            INSERT INTO review (item_id, decided_by, decided_at, scored_signal)
            SELECT ?, ?, ?, is_signal FROM assessment WHERE item_id = ?
            ON CONFLICT DO NOTHING
            """, [itemID.sqlValue, account.name.sqlValue, now.sqlValue, itemID.sqlValue])
        switch action {
        case .confirm, .relink:
            // A link confirmed or made takes a rejection back: the scorer's verdict stands again.
            try session.execute(
                "UPDATE review SET project_id = ?, rejected = false WHERE item_id = ?", [target.sqlValue, itemID.sqlValue])
        case .reject:
            try session.execute("UPDATE review SET rejected = true WHERE item_id = ?", [itemID.sqlValue])
        case .projectPayment:
            try session.execute(
                "UPDATE review SET claim = ? WHERE item_id = ?", [ClaimKind.projectPayment.rawValue.sqlValue, itemID.sqlValue])
        case .followedUp:
            try session.execute(
                "UPDATE review SET followed_up_at = coalesce(followed_up_at, ?) WHERE item_id = ?", [now.sqlValue, itemID.sqlValue])
        case .duplicate:
            // Decided (out of the queue); the verdict stands as it is: a 重复 is no 排除.
            try session.execute("UPDATE review SET rejected = false WHERE item_id = ?", [itemID.sqlValue])
        }
        try session.execute(
            "UPDATE review SET decided_by = ?, decided_at = ? WHERE item_id = ?",
            [account.name.sqlValue, now.sqlValue, itemID.sqlValue])
        try session.execute("DELETE FROM review_claim WHERE item_id = ?", [itemID.sqlValue])
        try insert(
            AuditEntry(
                at: now, account: account.name, role: account.role.rawValue, action: action.rawValue,
                itemID: itemID, projectID: target, reason: reason), in: session)
        return target
    }

    /// Those of `itemIDs` no reviewer has decided on, in the order given.
    public func undecided(_ itemIDs: [String]) async throws -> [String] {
        guard !itemIDs.isEmpty else { return [] }
        return try await read { session in
            let decided = Set(
                try session.rows(for: itemIDs, { "SELECT item_id FROM review WHERE item_id IN (\($0))" }) {
                    try $0.first(as: String.self)
                })
            return itemIDs.filter { !decided.contains($0) }
        }
    }

    /// The items a reviewer decided on.
    public func reviewedItemIDs() async throws -> Set<String> {
        try await read { session in Set(try session.rows("SELECT item_id FROM review") { try $0.first(as: String.self) }) }
    }

    /// Signals the review queue may list: the undecided ones in the review band received in
    /// `from ..< until`, and the undecided ones among `evidence` (flagged projects' items).
    /// The span's signals are read from the register's covering index in one pass (a seek
    /// per evidence item took seconds at 200,000); evidence outside the span by id.
    public func queueCandidates(from: Date, until: Date, evidence: [String]) async throws -> [QueueCandidate] {
        try await read { session in
            let decided = Set(try session.rows("SELECT item_id FROM review") { try $0.first(as: String.self) })
            var wanted = Set(evidence)
            var result: [QueueCandidate] = []
            let columns = "item_id, at, kind, channel, project_id, link_band, score, level, claim, closed_at"
            let index = session.engine == .sqlite ? "INDEXED BY assessment_signals" : ""
            let span = try session.rows(
                "SELECT \(columns) FROM assessment \(index) WHERE is_signal AND at >= ? AND at < ?", [from.sqlValue, until.sqlValue],
                Self.candidate)
            for candidate in span {
                // Flagged projects' evidence, review-band links, and signals linked to no
                // project (an unregistered site's call: 待关联).
                guard wanted.remove(candidate.itemID) != nil || candidate.band == .review || candidate.projectID == nil,
                    !decided.contains(candidate.itemID)
                else { continue }
                result.append(candidate)
            }
            let rest = Array(wanted.subtracting(decided))
            result += try session.rows(
                for: rest, { "SELECT \(columns) FROM assessment WHERE item_id IN (\($0)) AND is_signal" }, Self.candidate)
            return result
        }
    }

    private static func candidate(_ row: SQLRow) throws -> QueueCandidate {
        let band: String? = try row("link_band")
        return QueueCandidate(
            itemID: try row("item_id"), at: try row("at"), kind: try row.requiredCode("kind"), channel: try row("channel"),
            projectID: try row("project_id"), band: band.flatMap(LinkBand.init(rawValue:)), score: try row("score"),
            level: try row.requiredCode("level"), claim: try row.requiredCode("claim"), closedAt: try row("closed_at"))
    }

    /// Every petitioner's name the store holds, once each.
    public func petitionerNames() async throws -> [String] {
        try await read { session in
            try session.rows("SELECT DISTINCT petitioner FROM item WHERE petitioner IS NOT NULL AND petitioner != ''") {
                try $0.first(as: String.self)
            }
        }
    }

    /// The personal details of the given items' petitioners (name, phone), by item: what a
    /// text about them must be masked with for a reader not allowed to see them.
    public func personalDetails(ofItems itemIDs: [String]) async throws -> [String: [String]] {
        let unique = Array(Set(itemIDs))
        return try await read { session in
            var result: [String: [String]] = [:]
            let rows = try session.rows(
                for: unique,
                { "SELECT id, petitioner, phone FROM item WHERE id IN (\($0)) AND (petitioner IS NOT NULL OR phone IS NOT NULL)" }
            ) { row in (try row("id", as: String.self), [try row("petitioner", as: String?.self), try row("phone", as: String?.self)]) }
            for (id, fields) in rows {
                let details = fields.compactMap { $0 }.filter { !$0.isEmpty }
                if !details.isEmpty { result[id] = details }
            }
            return result
        }
    }
}

extension SQLSession {
    /// The rows `sql` gives for `ids`, asked 500 at a time: `sql` is handed the `?, ?, ...`
    /// to put in its `IN (...)`.
    func rows<Value>(for ids: [String], _ sql: (String) -> String, _ read: (SQLRow) throws -> Value) throws -> [Value] {
        var values: [Value] = []
        for start in stride(from: 0, to: ids.count, by: 500) {
            let chunk = ids[start..<min(start + 500, ids.count)]
            let marks = Array(repeating: "?", count: chunk.count).joined(separator: ",")
            values += try rows(sql(marks), chunk.map(\.sqlValue), read)
        }
        return values
    }
}
