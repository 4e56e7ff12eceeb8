import Foundation
import GRDB
import Model
import Parallel

extension AppDatabase {
    /// Stores items: new ones are added; one already stored (same feed and key)
    /// whose source changed its title or text is updated, its earlier text kept
    /// in `item_version` and its verdict dropped so that it is scored again; a
    /// petition's handling state (办理状态, 承办单位, 办结时间) is brought up to date.
    /// - Parameter mask: makes the display copy of one of the item's texts, personal data masked.
    /// - Returns: how many items were new.
    @discardableResult
    public func insertItems(_ items: [Item], fetchedAt: Date, mask: (Item, String) -> String) async throws -> Int {
        let displays = items.map { DisplayCopies(of: $0, mask: mask) }
        return try await writer.write { db in try upsert(items, displays: displays, fetchedAt: fetchedAt, in: db).added }
    }

    /// - Returns: how many items were new and how many changed, and the indexes of both
    ///   in `items` (they need a verdict).
    /// - Parameter displays: each item's display copies.
    func upsert(
        _ items: [Item], displays: [DisplayCopies], fetchedAt: Date,
        in db: Database
    ) throws -> (added: Int, changed: Int, fresh: [Int], isNew: [Bool]) {
        precondition(displays.count == items.count, "one display copy for each item")
        let insert = try db.cachedStatement(
            sql: """
                INSERT INTO item (id, feed_id, source_key, kind, channel, url, author, published_at, fetched_at,
                                  title, content, title_masked, content_masked, respondent, location, people,
                                  amount, petitioner, phone, status, handling_unit, closed_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT DO NOTHING
                """)
        let stored = try db.cachedStatement(sql: "SELECT title, content FROM item WHERE id = ?")
        let keep = try db.cachedStatement(
            sql: """
                INSERT INTO item_version (item_id, title, content, title_masked, content_masked, fetched_at, replaced_at)
                SELECT id, title, content, title_masked, content_masked, fetched_at, ? FROM item WHERE id = ?
                """)
        let update = try db.cachedStatement(
            sql: """
                UPDATE item SET title = ?, content = ?, title_masked = ?, content_masked = ?, url = ?, author = ?,
                                published_at = coalesce(?, published_at), fetched_at = ?
                WHERE id = ?
                """)
        let forget = try db.cachedStatement(sql: "DELETE FROM assessment WHERE item_id = ?")
        let progress = try db.cachedStatement(
            sql: """
                UPDATE item SET status = ?, handling_unit = ?, closed_at = ?
                WHERE id = ? AND (status IS NOT ? OR handling_unit IS NOT ? OR closed_at IS NOT ?)
                """)
        let fetchedText = StoredDate.text(fetchedAt)
        var added = 0
        var changed = 0
        var fresh: [Int] = []
        var isNew: [Bool] = []
        for (index, item) in items.enumerated() {
            let closedAt = item.closedAt.map(StoredDate.text)
            var values = ParameterBinder(insert)
            for text in [
                item.id, item.feedID, item.sourceKey, item.kind.rawValue, item.channel, item.url, item.author,
                item.publishedAt.map(StoredDate.text), fetchedText, item.title, item.content,
                displays[index].title, displays[index].content, item.respondent, item.location,
            ] {
                values.bind(text)
            }
            values.bind(item.people)
            values.bind(item.amount)
            for text in [item.petitioner, item.phone, item.status, item.handlingUnit, closedAt] { values.bind(text) }
            try values.execute(in: db)
            if db.changesCount > 0 {
                added += 1
                fresh.append(index)
                isNew.append(true)
                continue
            }
            if let row = try Row.fetchOne(stored, arguments: [item.id]),
                row["title"] as String != item.title || row["content"] as String != item.content
            {
                try keep.execute(arguments: [fetchedAt, item.id])
                try update.execute(arguments: [
                    item.title, item.content, displays[index].title, displays[index].content, item.url,
                    item.author, item.publishedAt.map(StoredDate.text), fetchedText, item.id,
                ])
                try forget.execute(arguments: [item.id])
                changed += 1
                fresh.append(index)
                isNew.append(false)
            }
            if item.kind == .petition {
                try progress.execute(arguments: [
                    item.status, item.handlingUnit, closedAt, item.id,
                    item.status, item.handlingUnit, closedAt,
                ])
            }
        }
        return (added, changed, fresh, isNew)
    }

    /// The display copies of title and content: an empty copy stands for the text itself.
    static let displayColumns = displayColumns(of: nil)

    /// The same of the table named `table` in a join, as `shown_title`, `shown_content`.
    static func displayColumns(of table: String?) -> String {
        let prefix = table.map { $0 + "." } ?? ""
        return """
            CASE WHEN \(prefix)title_masked = '' THEN \(prefix)title ELSE \(prefix)title_masked END AS shown_title,
            CASE WHEN \(prefix)content_masked = '' THEN \(prefix)content ELSE \(prefix)content_masked END AS shown_content
            """
    }

    /// The earlier texts of an item its source changed, oldest first, masked.
    public func maskedHistory(ofItem id: String) async throws -> [(title: String, content: String, replacedAt: Date)] {
        try await writer.read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT \(Self.displayColumns), replaced_at FROM item_version WHERE item_id = ? ORDER BY id
                    """, arguments: [id]
            ).map { ($0["shown_title"], $0["shown_content"], $0["replaced_at"]) }
        }
    }

    /// The number of stored items.
    public func itemCount() async throws -> Int {
        try await writer.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM item") ?? 0 }
    }

    /// Items never assessed, or assessed under another version of the rules and registry.
    public func itemsNeedingAssessment(version: String) async throws -> [Item] {
        try await writer.read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT \(Item.columns()) FROM item LEFT JOIN assessment ON assessment.item_id = item.id
                    WHERE assessment.item_id IS NULL OR assessment.engine_version != ?
                    ORDER BY item.id
                    """, arguments: [version]
            ).map(Item.init(row:))
        }
    }

    /// Every stored item, by id.
    public func allItems() async throws -> [Item] {
        try await writer.read { db in
            try Row.fetchAll(db, sql: "SELECT \(Item.columns()) FROM item ORDER BY id").map(Item.init(row:))
        }
    }

    /// One stored item, or nil.
    public func item(id: String) async throws -> Item? {
        try await writer.read { db in
            try Row.fetchOne(db, sql: "SELECT \(Item.columns()) FROM item WHERE id = ?", arguments: [id]).map(Item.init(row:))
        }
    }

    /// The display copy of an item's title and content, personal numbers masked.
    public func maskedText(ofItem id: String) async throws -> (title: String, content: String)? {
        try await writer.read { db in try Self.maskedText(ofItem: id, in: db) }
    }

    private static func maskedText(ofItem id: String, in db: Database) throws -> (title: String, content: String)? {
        try Row.fetchOne(db, sql: "SELECT \(Self.displayColumns) FROM item WHERE id = ?", arguments: [id])
            .map { ($0["shown_title"], $0["shown_content"]) }
    }

    /// The stored verdicts, by item id.
    public func storedAssessments() async throws -> [String: ItemVerdict] {
        try await writer.read { db in
            var result: [String: ItemVerdict] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT * FROM assessment") {
                let verdict = try ItemVerdict(row: row)
                result[verdict.assessment.itemID] = verdict
            }
            return result
        }
    }

    /// Stores verdicts, replacing earlier ones for the same items, in one transaction;
    /// a verdict on an item the store does not hold fails the whole batch.
    public func saveAssessments(_ verdicts: [ItemVerdict], version: String) async throws {
        try await saveAssessments(PreparedVerdicts(verdicts), version: version)
    }

    /// Stores verdicts prepared before (their lists written as JSON off the writer's thread).
    public func saveAssessments(_ prepared: PreparedVerdicts, version: String) async throws {
        try await writer.write { db in
            let columns = """
                INSERT OR REPLACE INTO assessment (item_id, engine_version, score, level, people, amount, is_signal,
                    claim, is_escalation, is_resolved, fired_rules, matched_terms, story_key, project_id, link_band,
                    link_confidence, link_evidence, sites, at, kind, channel, status, closed_at)
                """
            // The item's time, kind, channel and handling state from the item row, or as given
            // for an item just stored (no read of its row: the foreign key still checks it is there).
            let fromItem = try db.cachedStatement(
                sql: columns + """
                    SELECT ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, coalesce(published_at, fetched_at), kind, channel,
                           status, closed_at
                    FROM item WHERE id = ?
                    """)
            let given = try db.cachedStatement(
                sql: columns + """
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """)
            for ((verdict, lists), facts) in zip(zip(prepared.verdicts, prepared.lists), prepared.facts) {
                let assessment = verdict.assessment
                var values = ParameterBinder(facts == nil ? fromItem : given)
                values.bind(assessment.itemID)
                values.bind(version)
                values.bind(assessment.score)
                values.bind(assessment.level.rawValue)
                values.bind(assessment.people)
                values.bind(assessment.amount)
                values.bind(assessment.isSignal)
                values.bind(assessment.claim.rawValue)
                values.bind(assessment.isEscalation)
                values.bind(assessment.isResolved)
                values.bind(lists.firedRules)
                values.bind(lists.matchedTerms)
                values.bind(verdict.storyKey)
                values.bind(verdict.link?.projectID)
                values.bind(verdict.link?.band.rawValue)
                values.bind(verdict.link?.confidence)
                values.bind(lists.evidence)
                values.bind(lists.sites)
                if let facts {
                    for text in [facts.at, facts.kind, facts.channel, facts.status, facts.closedAt] { values.bind(text) }
                } else {
                    values.bind(assessment.itemID)
                }
                do {
                    try values.execute(in: db)
                } catch let error as DatabaseError where error.extendedResultCode == .SQLITE_CONSTRAINT_FOREIGNKEY {
                    throw StoreError.missingItem(assessment.itemID)
                }
                // The verdict takes its time and kind from the item: none without one.
                guard db.changesCount > 0 else { throw StoreError.missingItem(assessment.itemID) }
            }
        }
    }

    /// Everything the register needs, all of one committed state of the store, so that
    /// an import running at the same time cannot leave it half old, half new.
    /// - Parameters:
    ///   - from, until: the signals' time span.
    ///   - asOf: ledger rows filed after this day are not read.
    ///   - reportsFrom: the first month whose rows are read; rows marked 清零 are read
    ///     back to `resolvedSince` too (a recurrence may follow an old clearing).
    /// Linked petitions received before `from` and not closed before it are read too, for
    /// follow-up deadlines, however old they are (the register decides, for each as-of
    /// day, whether they were still open then).
    public func registerInputs(
        from: Date, until: Date, asOf: Day, reportsFrom: Period, resolvedSince: Day
    ) async throws
        -> RegisterInputs
    {
        // The reads wait for each other on GRDB's and Dispatch's threads, not on the caller's.
        try await Parallel.run { [self] in
            try readRegisterInputs(from: from, until: until, asOf: asOf, reportsFrom: reportsFrom, resolvedSince: resolvedSince)
        }
    }

    private func readRegisterInputs(
        from: Date, until: Date, asOf: Day, reportsFrom: Period, resolvedSince: Day
    ) throws
        -> RegisterInputs
    {
        // Reads at once, on several connections (the signals of each half of the span; the
        // rest), all of one committed state: each begins in the same turn of the writer, which
        // is held only while they start.
        let writer = try self.writer
        let middle = Date(timeIntervalSinceReferenceDate: (from.timeIntervalSinceReferenceDate + until.timeIntervalSinceReferenceDate) / 2)
        let spans = [(from, middle), (middle, until)]
        let halves = spans.map { _ in Promise<Void>() }
        let registry = Promise<RegisterInputs>()
        // Both halves are read into one list, each into its part: each counts its rows first,
        // then waits for the list, made once both are counted, and fills its part in place
        // (the list neither grows nor is joined from two, copying hundreds of thousands of
        // signals).
        let list = SignalList(parts: spans.count)
        writer.writeWithoutTransaction { _ in
            for (part, (start, end)) in spans.enumerated() {
                writer.spawnConcurrentRead { db in
                    halves[part].fulfil {
                        // Counted or not, the part is told, so that the list is made and no one waits.
                        let counted = Result { () throws -> (Database, Int) in
                            let db = try db.get()
                            return (
                                db,
                                try Int.fetchOne(
                                    db,
                                    sql: """
                                        SELECT count(*) FROM assessment WHERE is_signal AND at >= ? AND at < ?
                                        """, arguments: [start, end]) ?? 0
                            )
                        }
                        let region = try list.region(part, count: (try? counted.get().1) ?? 0)
                        try self.signals(in: counted.get().0, from: start, until: end, into: region)
                    }
                }
            }
            writer.spawnConcurrentRead { db in
                registry.fulfil {
                    let db = try db.get()
                    let arguments: StatementArguments = [asOf.description, reportsFrom.description, resolvedSince.description]
                    // At most this many rows (counted from the indexes alone).
                    let rows =
                        try Int.fetchOne(
                            db,
                            sql: """
                                SELECT (SELECT count(*) FROM report WHERE period >= ?2)
                                     + (SELECT count(*) FROM report WHERE resolved AND resolved_on >= ?3)
                                """, arguments: arguments) ?? 0
                    return RegisterInputs(
                        projects: try db.fetchAll(
                            "SELECT \(Project.registerColumns) FROM project ORDER BY id",
                            capacity: try Int.fetchOne(db, sql: "SELECT count(*) FROM project") ?? 0,
                            Project.init(columns:)),
                        // In no particular order: the register orders each project's rows.
                        reports: try db.fetchAll(
                            """
                            SELECT \(DepartmentReport.registerColumns) FROM report WHERE filed_on <= ?1 AND period >= ?2
                            UNION ALL
                            SELECT \(DepartmentReport.registerColumns) FROM report
                            WHERE filed_on <= ?1 AND period < ?2 AND resolved AND resolved_on >= ?3
                            """, arguments: arguments, capacity: rows
                        ) { [departments = RepeatedTexts()] in
                            try DepartmentReport(columns: $0, departments: departments)
                        },
                        signals: [],
                        rejectedRows: try Self.rejectedRowCounts(in: SQLSession(connection: .sqlite(db))),
                        olderOpenPetitions: try self.openPetitions(in: db, before: from, openAt: from))
                }
            }
        }
        var failure: (any Error)?
        var inputs: RegisterInputs?
        let counts = list.counts()
        let total = counts.reduce(0, +)
        let signals = [ItemSignal](unsafeUninitializedCapacity: total) { buffer, initialized in
            list.hand(Slots(buffer))
            // Every read is waited for, failed or not, before the list is handed over or let go.
            let read = halves.map { half in Result { try half.take() } }
            let rest = Result { try registry.take() }
            if let error = read.lazy.compactMap(\.error).first ?? rest.error {
                // A half that failed let go of its part; the parts of the others go here.
                for (index, result) in read.enumerated() where result.error == nil {
                    buffer.baseAddress?.advanced(by: counts[..<index].reduce(0, +)).deinitialize(count: counts[index])
                }
                failure = error
                initialized = 0
                return
            }
            inputs = try? rest.get()
            initialized = total
        }
        if let failure { throw failure }
        // swift-format-ignore: NeverForceUnwrap
        // (set beside the signals whenever no read failed)
        var result = inputs!
        result.signals = signals
        return result
    }

    /// Assessed wage-arrears signals whose time lies in `from ..< until`: their publication
    /// time, or for undated items the time wagewatch first fetched them. Items that are
    /// not signals never reach the register.
    public func signals(from: Date, until: Date) async throws -> [ItemSignal] {
        try await writer.read { db in try signals(in: db, from: from, until: until) }
    }

    /// Reads only what the register uses, by column position: the fired rules only of
    /// escalations (the register asks which), the sites only of unlinked signals, no
    /// matched terms and no link evidence.
    private func signals(in db: Database, from: Date, until: Date) throws -> [ItemSignal] {
        try db.fetchAll(Self.signalsInSpan, arguments: [from, until], Self.signal)
    }

    /// The signals of a span read into `region`, which holds as many as the span has.
    private func signals(in db: Database, from: Date, until: Date, into region: Slots<ItemSignal>) throws {
        try db.fetch(Self.signalsInSpan, arguments: [from, until], into: region, Self.signal)
    }

    /// From the covering index of signals, in time order.
    private static let signalsInSpan = """
        SELECT a.item_id, a.kind, a.channel, a.status, a.closed_at, \(verdictColumns)
        FROM assessment AS a
        WHERE a.is_signal AND a.at >= ? AND a.at < ?
        """

    /// Linked wage-arrears petitions received before `before` that were still open at
    /// `openAt` (not closed, or closed later): the oldest cases, which a follow-up
    /// deadline must still see after they left the register's window.
    func openPetitions(in db: Database, before: Date, openAt: Date) throws -> [ItemSignal] {
        try db.fetchAll(
            """
            SELECT a.item_id, a.kind, a.channel, a.status, a.closed_at, \(Self.verdictColumns)
            FROM assessment AS a
            WHERE a.is_signal AND a.at < ? AND a.kind = 'petition' AND a.project_id IS NOT NULL
              AND (a.closed_at IS NULL AND a.status IS NOT 'closed' OR a.closed_at >= ?)
            """, arguments: [before, openAt], Self.signal)
    }

    /// The columns `signal(_:)` reads after id, kind, channel and petition state.
    static let verdictColumns = """
        a.at, a.score, a.level, a.claim, a.is_escalation, a.is_resolved,
        CASE WHEN a.is_escalation OR instr(a.fired_rules, '"followup.') > 0 THEN a.fired_rules END, a.people,
        a.amount, a.story_key, a.project_id, a.link_band, a.link_confidence, a.sites,
        CASE WHEN a.kind = 'petition' THEN (SELECT ifnull(i.petitioner, '') || '|' || ifnull(i.phone, '')
                                            FROM item AS i WHERE i.id = a.item_id) END
        """

    /// A row of `SELECT item_id, kind, channel, status, closed_at, \(verdictColumns)`.
    private static func signal(_ column: ColumnReader) throws -> ItemSignal {
        let itemID = try column.requiredString(0, name: "item_id")
        let band: LinkBand? = try column.code(16, name: "link_band")
        guard let kind: ItemKind = try column.code(1, name: "kind") else { throw StoreError.corruptValue(column: "kind", value: "NULL") }
        guard let level: SignalLevel = try column.code(7, name: "level"),
            let claim: ClaimKind = try column.code(8, name: "claim"),
            let at = column.date(5)
        else { throw StoreError.corruptValue(column: "assessment of \(itemID)", value: "NULL") }
        return ItemSignal(
            itemID: itemID, kind: kind, at: at, score: column.requiredDouble(6), level: level, isSignal: true,
            claim: claim, isEscalation: column.requiredBool(9), isResolved: column.requiredBool(10),
            firedRules: try column.stringList(11, name: "fired_rules") ?? [], people: column.int(12),
            amount: column.double(13), storyKey: try column.requiredString(14, name: "story_key"),
            projectID: band == nil ? nil : column.string(15), band: band, confidence: column.double(17) ?? 0,
            sites: try column.stringList(18, name: "sites") ?? [],
            channel: column.string(2), status: column.string(3), closedAt: column.date(4),
            petitionerKey: column.string(19).flatMap(Self.petitionerKey))
    }

    /// Who petitioned, as a hash: the phone's digits when it has seven or more, else the
    /// name without spaces. Only equality is ever asked of it; the name is not kept.
    static func petitionerKey(_ petitionerAndPhone: String) -> UInt64? {
        let parts = petitionerAndPhone.split(separator: "|", maxSplits: 1, omittingEmptySubsequences: false)
        let digits = String((parts.count > 1 ? parts[1] : "").filter(\.isASCII).filter(\.isNumber))
        if digits.count >= 7 { return StableHash.value(of: "phone:" + digits) }
        let name = String(parts[0].filter { !$0.isWhitespace })
        return name.isEmpty ? nil : StableHash.value(of: "name:" + name)
    }
}

extension Result {
    /// The error of a failure, nil for a success.
    fileprivate var error: Failure? {
        if case .failure(let error) = self { return error }
        return nil
    }
}

extension ItemVerdict {
    init(row: Row) throws {
        let itemID: String = row["item_id"]
        let claimText: String = row["claim"]
        let levelText: String = row["level"]
        guard let claim = ClaimKind(rawValue: claimText) else { throw StoreError.corruptValue(column: "claim", value: claimText) }
        guard let level = SignalLevel(rawValue: levelText) else { throw StoreError.corruptValue(column: "level", value: levelText) }
        let assessment = ItemAssessment(
            itemID: itemID, score: row["score"], level: level, isSignal: row["is_signal"], claim: claim,
            isEscalation: row["is_escalation"], isResolved: row["is_resolved"],
            firedRules: try StoreCoding.decode([String].self, from: row["fired_rules"], column: "fired_rules") ?? [],
            matchedTerms: try StoreCoding.decode([String].self, from: row["matched_terms"], column: "matched_terms") ?? [],
            people: row["people"], amount: row["amount"])
        var link: ProjectLink?
        if let projectID: String = row["project_id"], let bandText: String = row["link_band"],
            let band = LinkBand(rawValue: bandText)
        {
            link = ProjectLink(
                itemID: itemID, projectID: projectID, band: band, confidence: row["link_confidence"] ?? 0,
                evidence: try StoreCoding.decode([LinkEvidence].self, from: row["link_evidence"], column: "link_evidence") ?? [])
        }
        self.init(
            assessment: assessment, storyKey: row["story_key"], link: link,
            sites: try StoreCoding.decode([String].self, from: row["sites"], column: "sites") ?? [])
    }
}

/// The list the readers of the signals write into, made once each has counted its part
/// (each has begun its read of the store's state by then, and waits for the list).
private struct SignalList: Sendable {
    /// Each part's count, told by its own reader.
    private let partCounts: [Promise<Int>]
    /// The list, made once every part is counted.
    private let list = Promise<Slots<ItemSignal>>()

    init(parts: Int) {
        partCounts = (0..<parts).map { _ in Promise() }
    }

    /// A reader's part of the list, after the parts before it, once the list is made.
    func region(_ part: Int, count: Int) throws -> Slots<ItemSignal> {
        partCounts[part].fulfil { count }
        let start = try partCounts[..<part].reduce(0) { try $0 + $1.wait() }
        return try list.wait().region(from: start, count: count)
    }

    /// Every part's count, once all are counted.
    func counts() -> [Int] {
        // A count is always told (a failed read tells 0).
        partCounts.map { (try? $0.wait()) ?? 0 }
    }

    /// Hands the list to the readers.
    func hand(_ slots: Slots<ItemSignal>) {
        list.fulfil { slots }
    }
}

/// Verdicts ready to store: their lists already written as the store keeps them (JSON),
/// which can be done on any thread, before the writer's turn.
public struct PreparedVerdicts: Sendable {
    let verdicts: [ItemVerdict]
    let lists: [(firedRules: String, matchedTerms: String, evidence: String?, sites: String)]
    let facts: [ItemFacts?]

    /// - Parameter facts: for each verdict, what its item was stored with, when it was
    ///   stored just before (nil, or none at all: read from the item's row).
    public init(_ verdicts: [ItemVerdict], facts: [ItemFacts?] = []) {
        precondition(facts.isEmpty || facts.count == verdicts.count, "facts for every verdict, or none")
        self.verdicts = verdicts
        self.facts = facts.isEmpty ? Array(repeating: nil, count: verdicts.count) : facts
        lists = verdicts.map { verdict in
            (
                StoreCoding.json(verdict.assessment.firedRules), StoreCoding.json(verdict.assessment.matchedTerms),
                verdict.link.map { StoreCoding.json($0.evidence) }, StoreCoding.json(verdict.sites)
            )
        }
    }

    public var count: Int { verdicts.count }
}

/// What a verdict keeps of its item (time, kind, channel, handling state), as a new item
/// was stored: first fetched at `fetchedAt`.
public struct ItemFacts: Sendable {
    let at: String
    let kind: String
    let channel: String?
    let status: String?
    let closedAt: String?

    public init(newItem item: Item, fetchedAt: Date) {
        at = StoredDate.text(item.publishedAt ?? fetchedAt)
        kind = item.kind.rawValue
        channel = item.channel
        status = item.status
        closedAt = item.closedAt.map(StoredDate.text)
    }
}

/// An item's display copies (title and content) with personal data masked. A copy is
/// stored only when masking changed something: an empty copy stands for the text itself
/// (it had nothing to mask), and halves what most items write.
public struct DisplayCopies: Sendable {
    public var title: String
    public var content: String

    /// - Parameter mask: makes the display copy of one of the item's texts.
    public init(of item: Item, mask: (Item, String) -> String) {
        let title = mask(item, item.title)
        let content = mask(item, item.content)
        self.title = title == item.title ? "" : title
        self.content = content == item.content ? "" : content
    }
}

/// The register's inputs, read together.
public struct RegisterInputs: Sendable {
    /// The registry, with what the register judges and shows: no aliases, builder,
    /// contractor or subcontractors.
    public var projects: [Project]
    /// The ledger rows, with what the register judges: no project name, workers, arrears
    /// start, responsible unit or person.
    public var reports: [DepartmentReport]
    public var signals: [ItemSignal]
    /// Rejected registry and ledger rows per department.
    public var rejectedRows: [String: Int]
    /// Petitions from before `signals` began that were still open.
    public var olderOpenPetitions: [ItemSignal] = []
}

extension Item {
    /// The columns `init(row:)` reads, for `SELECT`.
    static func columns(of table: String = "item") -> String {
        [
            "id", "feed_id", "source_key", "kind", "channel", "url", "author", "published_at", "title", "content",
            "respondent", "location", "people", "amount", "petitioner", "phone", "status", "handling_unit", "closed_at",
        ]
        .map { "\(table).\($0)" }.joined(separator: ", ")
    }

    init(row: Row) throws {
        let kindText: String = row["kind"]
        guard let kind = ItemKind(rawValue: kindText) else { throw StoreError.corruptValue(column: "kind", value: kindText) }
        self.init(
            feedID: row["feed_id"], sourceKey: row["source_key"], kind: kind, channel: row["channel"],
            url: row["url"], author: row["author"], publishedAt: row["published_at"], title: row["title"],
            content: row["content"], respondent: row["respondent"], location: row["location"],
            people: row["people"], amount: row["amount"], petitioner: row["petitioner"], phone: row["phone"],
            status: row["status"], handlingUnit: row["handling_unit"], closedAt: row["closed_at"])
        id = row["id"]
    }
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
    /// The stored verdict on one item.
    public func assessment(ofItem id: String) async throws -> ItemVerdict? {
        try await writer.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM assessment WHERE item_id = ?", arguments: [id]).map(ItemVerdict.init(row:))
        }
    }

    /// Headlines of the given items (masked titles, or the start of the text), in the order asked.
    public func headlines(of itemIDs: [String]) async throws -> [ItemHeadline] {
        try await read { session in
            var found: [String: ItemHeadline] = [:]
            let headlines = try session.rows(
                for: itemIDs,
                { "SELECT \(Self.headlineColumns) FROM item i LEFT JOIN assessment a ON a.item_id = i.id WHERE i.id IN (\($0))" },
                Self.headline)
            for headline in headlines { found[headline.itemID] = headline }
            return itemIDs.compactMap { found[$0] }
        }
    }

    /// The newest items linked (or put to review) to a project.
    public func headlines(ofProject projectID: String, limit: Int) async throws -> [ItemHeadline] {
        try await read { session in
            try session.rows(
                """
                SELECT \(Self.headlineColumns) FROM assessment a JOIN item i ON i.id = a.item_id
                WHERE a.project_id = ? ORDER BY a.at DESC LIMIT ?
                """, [projectID.sqlValue, limit.sqlValue], Self.headline)
        }
    }

    private static let headlineColumns = """
        i.id, coalesce(i.published_at, i.fetched_at) AS at, i.kind, i.channel,
        \(displayColumns(of: "i")),
        a.project_id, a.link_band, a.level, coalesce(a.is_signal, false) AS is_signal
        """

    private static func headline(_ row: SQLRow) throws -> ItemHeadline {
        let kindText: String = try row("kind")
        guard let kind = ItemKind(rawValue: kindText) else { throw StoreError.corruptValue(column: "kind", value: kindText) }
        let title: String = try row("shown_title")
        let content: String = try row("shown_content")
        let band: String? = try row("link_band")
        let level: String? = try row("level")
        return ItemHeadline(
            itemID: try row("id"), at: try row("at"), kind: kind, channel: try row("channel"),
            title: title.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty ? String(content.prefix(60)) : title,
            projectID: try row("project_id"), band: band.flatMap(LinkBand.init(rawValue:)),
            level: level.flatMap(SignalLevel.init(rawValue:)), isSignal: try row("is_signal"))
    }

    /// A project's linked wage signals per day received in `from ..< until`.
    public func signalsPerDay(ofProject projectID: String, from: Date, until: Date) async throws -> [Day: Int] {
        try await read { session in
            var result: [Day: Int] = [:]
            let rows = try session.rows(
                """
                SELECT substr(at, 1, 10) AS day, count(*) AS signals FROM assessment
                WHERE project_id = ? AND at >= ? AND at < ? AND is_signal AND link_band = 'link'
                GROUP BY 1
                """, [projectID.sqlValue, from.sqlValue, until.sqlValue]
            ) { row in (day: try row("day", as: String.self), signals: try row("signals", as: Int.self)) }
            for row in rows {
                if let day = Day(row.day) { result[day] = row.signals }
            }
            return result
        }
    }
}
