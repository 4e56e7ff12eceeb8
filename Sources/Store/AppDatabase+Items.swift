import Foundation
import GRDB
import Model
import Parallel
import PostgresNIO

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
        return try await write { session in try Self.upsert(items, displays: displays, fetchedAt: fetchedAt, in: session).added }
    }

    /// `upsert` on either engine: SQLite's compiled statements bound in place, or on
    /// PostgreSQL the new items with COPY and the others a statement each.
    static func upsert(
        _ items: [Item], displays: [DisplayCopies], fetchedAt: Date, in session: SQLSession
    ) throws -> (added: Int, changed: Int, fresh: [Int], isNew: [Bool]) {
        if case .sqlite(let db) = session.connection { return try upsert(items, displays: displays, fetchedAt: fetchedAt, in: db) }
        precondition(displays.count == items.count, "one display copy for each item")
        // What is stored of the batch's items (a feed fetched again brings mostly these).
        typealias Stored = (title: String, content: String, status: String?, unit: String?, closedAt: String?)
        var stored: [String: Stored] = [:]
        let ids = Array(Set(items.map(\.id)))
        for chunk in chunks(of: ids.indices, size: 1_000) {
            let rows = try session.rows(
                "SELECT id, title, content, status, handling_unit, closed_at FROM item WHERE id IN (\(marks(chunk.count)))",
                ids[chunk].map(\.sqlValue)
            ) { row -> (String, Stored) in
                (
                    try row("id"),
                    (
                        title: try row("title"), content: try row("content"), status: try row("status"),
                        unit: try row("handling_unit"), closedAt: try row("closed_at")
                    )
                )
            }
            for (id, values) in rows { stored[id] = values }
        }
        // The first copy of each id not stored is new, added with COPY; the others (a second
        // copy of one item in the batch too) are compared with what is stored, one after
        // another. No other writer adds these ids meanwhile: a worker storing its leased feed
        // holds that feed's lock (`storeFetch`), and any other writer waits for the write lock.
        var isNewAt = [Bool](repeating: false, count: items.count)
        var seen = Set<String>()
        for (index, item) in items.enumerated() where stored[item.id] == nil && seen.insert(item.id).inserted {
            isNewAt[index] = true
            stored[item.id] = (item.title, item.content, item.status, item.handlingUnit, item.closedAt.map(StoredDate.text))
        }
        let added = items.indices.filter { isNewAt[$0] }
        try session.copyRows(into: "item", columns: fetchedItemColumns, count: added.count) { position in
            let item = items[added[position]]
            let display = displays[added[position]]
            return [
                item.id.sqlValue, item.feedID.sqlValue, item.sourceKey.sqlValue, item.kind.rawValue.sqlValue,
                item.channel.sqlValue, item.url.sqlValue, item.author.sqlValue, item.publishedAt.sqlValue, fetchedAt.sqlValue,
                item.title.sqlValue, item.content.sqlValue, display.title.sqlValue, display.content.sqlValue,
                item.respondent.sqlValue, item.location.sqlValue, item.people.sqlValue, item.amount.sqlValue,
                item.petitioner.sqlValue, item.phone.sqlValue, item.status.sqlValue, item.handlingUnit.sqlValue,
                item.closedAt.sqlValue,
            ]
        }
        let others = items.indices.filter { !isNewAt[$0] }
        var changedAt = [Bool](repeating: false, count: items.count)
        for index in others {
            let item = items[index]
            let display = displays[index]
            guard var current = stored[item.id] else { continue }
            if current.title != item.title || current.content != item.content {
                try session.execute(
                    """
                    INSERT INTO item_version (item_id, title, content, title_masked, content_masked, fetched_at, replaced_at)
                    SELECT id, title, content, title_masked, content_masked, fetched_at, ? FROM item WHERE id = ?
                    """, [fetchedAt.sqlValue, item.id.sqlValue])
                try session.execute(
                    """
                    UPDATE item SET title = ?, content = ?, title_masked = ?, content_masked = ?, url = ?, author = ?,
                                    published_at = coalesce(?, published_at), fetched_at = ?
                    WHERE id = ?
                    """,
                    [
                        item.title.sqlValue, item.content.sqlValue, display.title.sqlValue, display.content.sqlValue,
                        item.url.sqlValue, item.author.sqlValue, item.publishedAt.sqlValue, fetchedAt.sqlValue, item.id.sqlValue,
                    ])
                try session.execute("DELETE FROM assessment WHERE item_id = ?", [item.id.sqlValue])
                current.title = item.title
                current.content = item.content
                changedAt[index] = true
            }
            let closedAt = item.closedAt.map(StoredDate.text)
            if item.kind == .petition,
                current.status != item.status || current.unit != item.handlingUnit || current.closedAt != closedAt
            {
                try session.execute(
                    "UPDATE item SET status = ?, handling_unit = ?, closed_at = ? WHERE id = ?",
                    [item.status.sqlValue, item.handlingUnit.sqlValue, item.closedAt.sqlValue, item.id.sqlValue])
                current.status = item.status
                current.unit = item.handlingUnit
                current.closedAt = closedAt
            }
            stored[item.id] = current
        }
        var fresh: [Int] = []
        var isNew: [Bool] = []
        for index in items.indices where isNewAt[index] || changedAt[index] {
            fresh.append(index)
            isNew.append(isNewAt[index])
        }
        return (isNewAt.count { $0 }, changedAt.count { $0 }, fresh, isNew)
    }

    /// The columns of `item` a fetch writes, in the order both engines' upserts give them.
    static let fetchedItemColumns = [
        "id", "feed_id", "source_key", "kind", "channel", "url", "author", "published_at", "fetched_at", "title", "content",
        "title_masked", "content_masked", "respondent", "location", "people", "amount", "petitioner", "phone", "status",
        "handling_unit", "closed_at",
    ]

    /// A verdict's columns of `assessment`, in the order `saveAssessments` gives them ...
    static let verdictColumnNames = [
        "item_id", "engine_version", "score", "level", "people", "amount", "is_signal", "claim", "is_escalation", "is_resolved",
        "fired_rules", "matched_terms", "story_key", "project_id", "link_band", "link_confidence", "link_evidence", "sites",
    ]
    /// ... then those it copies from its item.
    static let itemFactColumns = ["at", "kind", "channel", "status", "closed_at"]

    /// `range` cut into consecutive pieces of at most `size`.
    static func chunks(of range: Range<Int>, size: Int) -> [Range<Int>] {
        stride(from: range.lowerBound, to: range.upperBound, by: size).map { $0..<min($0 + size, range.upperBound) }
    }

    /// `count` placeholders, separated by commas.
    static func marks(_ count: Int) -> String {
        Array(repeating: "?", count: count).joined(separator: ", ")
    }

    /// - Returns: how many items were new and how many changed, and the indexes of both
    ///   in `items` (they need a verdict).
    /// - Parameter displays: each item's display copies.
    private static func upsert(
        _ items: [Item], displays: [DisplayCopies], fetchedAt: Date,
        in db: Database
    ) throws -> (added: Int, changed: Int, fresh: [Int], isNew: [Bool]) {
        precondition(displays.count == items.count, "one display copy for each item")
        let insert = try db.cachedStatement(
            sql: """
                INSERT INTO item (\(fetchedItemColumns.joined(separator: ", "))) VALUES (\(marks(fetchedItemColumns.count)))
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
        if added > 0 { try ParameterBinder.wrote(into: "item", in: db) }
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
        try await read { session in
            try session.rows(
                "SELECT \(Self.displayColumns), replaced_at FROM item_version WHERE item_id = ? ORDER BY id", [id.sqlValue]
            ) { row in (try row("shown_title"), try row("shown_content"), try row("replaced_at")) }
        }
    }

    /// The number of stored items.
    public func itemCount() async throws -> Int {
        try await read { session in try session.value("SELECT count(*) FROM item") ?? 0 }
    }

    /// Items never assessed, or assessed under another version of the rules and registry.
    /// - Parameter holder: a worker sharing the feeds by lease (`leaseFeeds`): the items of
    ///   feeds another worker holds at `now` are left to it (it stored them and is scoring
    ///   them, or it was killed, and whoever takes the feed over when the lease ends scores them).
    public func itemsNeedingAssessment(version: String, holder: String? = nil, now: Date = Date()) async throws -> [Item] {
        try await read { session in
            // Counted first, as every cycle ends with this question and the answer is mostly
            // none: an item has at most one verdict, so as many verdicts of this version as
            // items means none is missing (a tenth of the join's time on a million items).
            let missing =
                try session.value(
                    "SELECT (SELECT count(*) FROM item) - (SELECT count(*) FROM assessment WHERE engine_version = ?)",
                    [version.sqlValue], as: Int.self) ?? 1
            guard missing > 0 else { return [] }
            let heldElsewhere =
                holder == nil
                ? ""
                : """
                AND NOT EXISTS (SELECT 1 FROM feed_lease AS l
                                WHERE l.feed_id = item.feed_id AND l.holder NOT IN ('', ?) AND l.until > ?)
                """
            return try session.rows(
                """
                SELECT \(Item.columns()) FROM item LEFT JOIN assessment ON assessment.item_id = item.id
                WHERE (assessment.item_id IS NULL OR assessment.engine_version != ?) \(heldElsewhere)
                ORDER BY item.id
                """, [version.sqlValue] + (holder.map { [$0.sqlValue, StoredDate.text(now).sqlValue] } ?? []),
                Item.init(row:))
        }
    }

    /// Every stored item, by id.
    public func allItems() async throws -> [Item] {
        try await read { session in try session.rows("SELECT \(Item.columns()) FROM item ORDER BY id", [], Item.init(row:)) }
    }

    /// One stored item, or nil.
    public func item(id: String) async throws -> Item? {
        try await read { session in try session.row("SELECT \(Item.columns()) FROM item WHERE id = ?", [id.sqlValue], Item.init(row:)) }
    }

    /// The display copy of an item's title and content, personal numbers masked.
    public func maskedText(ofItem id: String) async throws -> (title: String, content: String)? {
        try await read { session in
            try session.row("SELECT \(Self.displayColumns) FROM item WHERE id = ?", [id.sqlValue]) { row in
                (try row("shown_title"), try row("shown_content"))
            }
        }
    }

    /// The stored verdicts, by item id.
    public func storedAssessments() async throws -> [String: ItemVerdict] {
        try await read { session in
            var result: [String: ItemVerdict] = [:]
            for verdict in try session.rows("SELECT * FROM assessment", [], ItemVerdict.init(row:)) {
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
    /// - Parameter leased: the verdicts are on items of feeds this worker leased and stored
    ///   (see `write(leased:)`); alerts to put in the outbox make it an ordinary write (an
    ///   alert is one per story, whichever worker saw it).
    public func saveAssessments(_ prepared: PreparedVerdicts, version: String, leased: Bool = false) async throws {
        try await write(leased: leased && prepared.alerts.isEmpty) { session in
            for alert in prepared.alerts { try Self.enqueueAlert(alert.event, channels: alert.channels, in: session) }
            guard case .sqlite(let db) = session.connection else {
                return try Self.saveAssessments(prepared, version: version, in: session)
            }
            let columns =
                "INSERT OR REPLACE INTO assessment (\((Self.verdictColumnNames + Self.itemFactColumns).joined(separator: ", ")))\n"
            // The item's time, kind, channel and handling state from the item row, or as given
            // for an item just stored (no read of its row: the foreign key still checks it is there).
            let fromItem = try db.cachedStatement(
                sql: columns + """
                    SELECT ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, coalesce(published_at, fetched_at), kind, channel,
                           status, closed_at
                    FROM item WHERE id = ?
                    """)
            let given = try db.cachedStatement(
                sql: columns + "VALUES (\(Self.marks(Self.verdictColumnNames.count + Self.itemFactColumns.count)))")
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
            if !prepared.verdicts.isEmpty { try ParameterBinder.wrote(into: "assessment", in: db) }
        }
    }

    /// `saveAssessments` for PostgreSQL, a few hundred verdicts a statement: earlier verdicts
    /// are removed and the new ones inserted, as SQLite's REPLACE does, so that a decision's
    /// trigger lays the decision over them again.
    private static func saveAssessments(_ prepared: PreparedVerdicts, version: String, in session: SQLSession) throws {
        let ids = prepared.verdicts.map(\.assessment.itemID)
        // The verdict takes its time and kind from the item: none without one.
        for chunk in chunks(of: ids.indices, size: 1_000) {
            let wanted = Array(ids[chunk])
            let present = Set(
                try session.rows("SELECT id FROM item WHERE id IN (\(marks(wanted.count)))", wanted.map(\.sqlValue)) {
                    try $0.first(as: String.self)
                })
            if let missing = wanted.first(where: { !present.contains($0) }) { throw StoreError.missingItem(missing) }
            // By the key's index: on a table filling faster than its statistics follow (a
            // new store's first ingest), the planner would read the whole table for each
            // thousand ids.
            try session.execute("SET LOCAL enable_seqscan = off")
            try session.execute("DELETE FROM assessment WHERE item_id IN (\(marks(wanted.count)))", wanted.map(\.sqlValue))
            try session.execute("SET LOCAL enable_seqscan = on")
        }
        let columns = "INSERT INTO assessment (\((verdictColumnNames + itemFactColumns).joined(separator: ", ")))\n"
        // Typed, so that a column of nulls only is still of its type.
        let types = [
            "text", "text", "float8", "text", "int8", "float8", "bool", "text", "bool", "bool", "text", "text", "text", "text",
            "text", "float8", "text", "text",
        ]
        let fromItem = "(" + types.map { "?::\($0)" }.joined(separator: ", ") + ")"
        func values(_ index: Int) -> [SQLValue] {
            let verdict = prepared.verdicts[index]
            let lists = prepared.lists[index]
            let assessment = verdict.assessment
            return [
                assessment.itemID.sqlValue, version.sqlValue, assessment.score.sqlValue, assessment.level.rawValue.sqlValue,
                assessment.people.sqlValue, assessment.amount.sqlValue, assessment.isSignal.sqlValue,
                assessment.claim.rawValue.sqlValue, assessment.isEscalation.sqlValue, assessment.isResolved.sqlValue,
                lists.firedRules.sqlValue, lists.matchedTerms.sqlValue, verdict.storyKey.sqlValue,
                verdict.link?.projectID.sqlValue ?? .null, verdict.link?.band.rawValue.sqlValue ?? .null,
                verdict.link?.confidence.sqlValue ?? .null, lists.evidence.sqlValue, lists.sites.sqlValue,
            ]
        }
        // Of two verdicts on one item, the later one stands (as with REPLACE).
        var last: [String: Int] = [:]
        for (index, id) in ids.enumerated() { last[id] = index }
        let kept = ids.indices.filter { last[ids[$0]] == $0 }
        // Verdicts on items just stored (most of a cycle's) with COPY, their facts given.
        let withFacts = kept.filter { prepared.facts[$0] != nil }
        try session.copyRows(into: "assessment", columns: verdictColumnNames + itemFactColumns, count: withFacts.count) { position in
            let index = withFacts[position]
            let facts = prepared.facts[index]
            return values(index) + [facts?.at, facts?.kind, facts?.channel, facts?.status, facts?.closedAt].map(\.sqlValue)
        }
        // The others take the item's time, kind, channel and handling state from its row.
        let withoutFacts = kept.filter { prepared.facts[$0] == nil }
        let names = verdictColumnNames.joined(separator: ", ")
        for chunk in chunks(of: withoutFacts.indices, size: 400) {
            let arguments = chunk.flatMap { values(withoutFacts[$0]) }
            try session.execute(
                columns + """
                    SELECT v.*, coalesce(i.published_at, i.fetched_at), i.kind, i.channel, i.status, i.closed_at
                    FROM (VALUES \(Array(repeating: fromItem, count: chunk.count).joined(separator: ", "))) AS v (\(names))
                    JOIN item i ON i.id = v.item_id
                    """, arguments)
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
        from: Date, until: Date, asOf: Day, reportsFrom: Period, resolvedSince: Day, platformFrom: Period? = nil
    ) async throws
        -> RegisterInputs
    {
        if case .postgres(let pool) = backend {
            return try await Parallel.run {
                try Self.registerInputs(
                    in: pool, from: from, until: until, asOf: asOf, reportsFrom: reportsFrom, resolvedSince: resolvedSince,
                    platformFrom: platformFrom)
            }
        }
        // The reads wait for each other on GRDB's and Dispatch's threads, not on the caller's.
        return try await Parallel.run { [self] in
            try readRegisterInputs(
                from: from, until: until, asOf: asOf, reportsFrom: reportsFrom, resolvedSince: resolvedSince,
                platformFrom: platformFrom)
        }
    }

    /// The platform's rows of `from` and the months after, for the register (none without `from`).
    static func platformRows(in session: SQLSession, from: Period?) throws -> [PlatformRecord] {
        guard let from else { return [] }
        return try session.rows(
            "SELECT \(platformRegisterColumns) FROM platform_row WHERE period >= ? ORDER BY period, platform_project_id",
            [from.description.sqlValue], PlatformRecord.init(row:))
    }

    /// `registerInputs` on PostgreSQL: read at once on four connections that share one
    /// snapshot (one committed state): the registry and the ledgers; the signals of each
    /// third of the span; the rejected rows and older open petitions with the first.
    private static func registerInputs(
        in pool: PostgresPool, from: Date, until: Date, asOf: Day, reportsFrom: Period, resolvedSince: Day, platformFrom: Period?
    ) throws -> RegisterInputs {
        let arguments = [asOf.description, reportsFrom.description, resolvedSince.description].map(\.sqlValue)
        let length = until.timeIntervalSince(from)
        let cuts = [from, from.addingTimeInterval(length / 3), from.addingTimeInterval(2 * length / 3), until]
        enum Part: Sendable {
            case registry([Project], [DepartmentReport], [String: Int], [ItemSignal], [PlatformRecord])
            case signals([ItemSignal])
        }
        var bodies: [@Sendable (SQLSession) throws -> Part] = [
            { session in
                .registry(
                    try session.rows("SELECT \(Project.columns) FROM project ORDER BY id", [], Project.init(row:)),
                    try session.rows(
                        """
                        SELECT \(DepartmentReport.columns) FROM report WHERE filed_on <= ?1 AND period >= ?2
                        UNION ALL
                        SELECT \(DepartmentReport.columns) FROM report
                        WHERE filed_on <= ?1 AND period < ?2 AND resolved AND resolved_on >= ?3
                        """, arguments, DepartmentReport.init(row:)),
                    try rejectedRowCounts(in: session),
                    try session.rows(openPetitionsSQL(for: .postgres), [from.sqlValue, from.sqlValue], Self.signal),
                    try platformRows(in: session, from: platformFrom))
            }
        ]
        for index in 0..<3 {
            let (start, end) = (cuts[index], cuts[index + 1])
            bodies.append { session in
                .signals(try session.rows(signalsInSpan(for: .postgres), [start.sqlValue, end.sqlValue], Self.signal))
            }
        }
        var inputs = RegisterInputs(projects: [], reports: [], signals: [], rejectedRows: [:], olderOpenPetitions: [])
        for part in try pool.readTogether(bodies) {
            switch part {
            case .registry(let projects, let reports, let rejected, let older, let platform):
                inputs.projects = projects
                inputs.reports = reports
                inputs.rejectedRows = rejected
                inputs.olderOpenPetitions = older
                inputs.platform = platform
            case .signals(let signals):
                inputs.signals += signals
            }
        }
        return inputs
    }

    private func readRegisterInputs(
        from: Date, until: Date, asOf: Day, reportsFrom: Period, resolvedSince: Day, platformFrom: Period?
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
                        olderOpenPetitions: try self.openPetitions(in: db, before: from, openAt: from),
                        platform: try platformFrom.map { from in
                            // Counted from the index first: a city's months are hundreds of
                            // thousands of rows, read into a list of their size.
                            try db.fetchAll(
                                "SELECT \(Self.platformRegisterColumns) FROM platform_row WHERE period >= ? ORDER BY period, platform_project_id",
                                arguments: [from.description],
                                capacity: try Int.fetchOne(
                                    db, sql: "SELECT count(*) FROM platform_row WHERE period >= ?", arguments: [from.description]) ?? 0,
                                PlatformRecord.init(columns:))
                        } ?? [])
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
        if case .postgres = backend {
            return try await read { session in
                try session.rows(Self.signalsInSpan(for: .postgres), [from.sqlValue, until.sqlValue], Self.signal)
            }
        }
        return try await writer.read { db in try signals(in: db, from: from, until: until) }
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
    private static let signalsInSpan = signalsInSpan(for: .sqlite)

    private static func signalsInSpan(for engine: StoreEngine) -> String {
        """
        SELECT a.item_id, a.kind, a.channel, a.status, a.closed_at, \(verdictColumns(for: engine))
        FROM assessment AS a
        WHERE a.is_signal AND a.at >= ? AND a.at < ?
        """
    }

    /// Linked wage-arrears petitions received before `before` that were still open at
    /// `openAt` (not closed, or closed later): the oldest cases, which a follow-up
    /// deadline must still see after they left the register's window.
    func openPetitions(in db: Database, before: Date, openAt: Date) throws -> [ItemSignal] {
        try db.fetchAll(Self.openPetitionsSQL(for: .sqlite), arguments: [before, openAt], Self.signal)
    }

    private static func openPetitionsSQL(for engine: StoreEngine) -> String {
        """
        SELECT a.item_id, a.kind, a.channel, a.status, a.closed_at, \(verdictColumns(for: engine))
        FROM assessment AS a
        WHERE a.is_signal AND a.at < ? AND a.kind = 'petition' AND a.project_id IS NOT NULL
          AND (a.closed_at IS NULL AND a.status IS DISTINCT FROM 'closed' OR a.closed_at >= ?)
        """
    }

    /// The columns `signal(_:)` reads after id, kind, channel and petition state.
    static let verdictColumns = verdictColumns(for: .sqlite)

    private static func verdictColumns(for engine: StoreEngine) -> String {
        let find = engine == .sqlite ? "instr" : "strpos"
        return """
            a.at, a.score, a.level, a.claim, a.is_escalation, a.is_resolved,
            CASE WHEN a.is_escalation OR \(find)(a.fired_rules, '"followup.') > 0 THEN a.fired_rules END, a.people,
            a.amount, a.story_key, a.project_id, a.link_band, a.link_confidence, a.sites,
            CASE WHEN a.kind = 'petition' THEN (SELECT coalesce(i.petitioner, '') || '|' || coalesce(i.phone, '')
                                                FROM item AS i WHERE i.id = a.item_id) END
            """
    }

    /// A row of `SELECT item_id, kind, channel, status, closed_at, \(verdictColumns)`, by position, on either engine.
    private static func signal(_ row: SQLRow) throws -> ItemSignal {
        let itemID: String = try row.at(0)
        func code<Code: RawRepresentable<String>>(_ index: Int, _ name: String) throws -> Code? {
            guard let text = try row.at(index, as: String?.self) else { return nil }
            guard let value = Code(rawValue: text) else { throw StoreError.corruptValue(column: name, value: text) }
            return value
        }
        let band: LinkBand? = try code(16, "link_band")
        guard let kind: ItemKind = try code(1, "kind") else { throw StoreError.corruptValue(column: "kind", value: "NULL") }
        guard let level: SignalLevel = try code(7, "level"), let claim: ClaimKind = try code(8, "claim"),
            let at = try row.at(5, as: Date?.self)
        else { throw StoreError.corruptValue(column: "assessment of \(itemID)", value: "NULL") }
        func list(_ index: Int, _ name: String) throws -> [String] {
            try StoreCoding.stringList(try row.at(index, as: String?.self), column: name) ?? []
        }
        return ItemSignal(
            itemID: itemID, kind: kind, at: at, score: try row.at(6), level: level, isSignal: true,
            claim: claim, isEscalation: try row.at(9), isResolved: try row.at(10),
            firedRules: try list(11, "fired_rules"), people: try row.at(12), amount: try row.at(13), storyKey: try row.at(14),
            projectID: band == nil ? nil : try row.at(15), band: band, confidence: try row.at(17, as: Double?.self) ?? 0,
            sites: try list(18, "sites"), channel: try row.at(2), status: try row.at(3), closedAt: try row.at(4),
            petitionerKey: try row.at(19, as: String?.self).flatMap(Self.petitionerKey))
    }

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
    init(row: SQLRow) throws {
        let itemID: String = try row("item_id")
        let claim: ClaimKind = try row.requiredCode("claim")
        let level: SignalLevel = try row.requiredCode("level")
        let assessment = ItemAssessment(
            itemID: itemID, score: try row("score"), level: level, isSignal: try row("is_signal"), claim: claim,
            isEscalation: try row("is_escalation"), isResolved: try row("is_resolved"),
            firedRules: try row.stringList("fired_rules") ?? [], matchedTerms: try row.stringList("matched_terms") ?? [],
            people: try row("people"), amount: try row("amount"))
        var link: ProjectLink?
        if let projectID: String = try row("project_id"), let band: LinkBand = try? row.code("link_band") {
            link = ProjectLink(
                itemID: itemID, projectID: projectID, band: band, confidence: try row("link_confidence") ?? 0,
                evidence: try StoreCoding.decode([LinkEvidence].self, from: try row("link_evidence"), column: "link_evidence") ?? [])
        }
        self.init(assessment: assessment, storyKey: try row("story_key"), link: link, sites: try row.stringList("sites") ?? [])
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

    /// Alerts these verdicts raise (an escalation), each with its channels: written to the
    /// outbox in the verdicts' own transaction, so that neither is kept without the other.
    public var alerts: [(event: AlertEvent, channels: [String])] = []
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
    /// The real-name platform's rows of the months the register judges.
    public var platform: [PlatformRecord] = []
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

    init(row: SQLRow) throws {
        let kind: ItemKind = try row.requiredCode("kind")
        self.init(
            feedID: try row("feed_id"), sourceKey: try row("source_key"), kind: kind, channel: try row("channel"),
            url: try row("url"), author: try row("author"), publishedAt: try row("published_at"), title: try row("title"),
            content: try row("content"), respondent: try row("respondent"), location: try row("location"),
            people: try row("people"), amount: try row("amount"), petitioner: try row("petitioner"), phone: try row("phone"),
            status: try row("status"), handlingUnit: try row("handling_unit"), closedAt: try row("closed_at"))
        id = try row("id")
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
        try await read { session in
            try session.row("SELECT * FROM assessment WHERE item_id = ?", [id.sqlValue], ItemVerdict.init(row:))
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

    /// The signals of `from ..< until` at one of `levels`, the highest level first, then the
    /// newest; at most `limit`.
    public func signalIDs(from: Date, until: Date, levels: [SignalLevel], limit: Int) async throws -> [String] {
        guard !levels.isEmpty else { return [] }
        let ranked = levels.sorted(by: >)
        let order = ranked.enumerated().map { "WHEN '\($0.element.rawValue)' THEN \($0.offset)" }.joined(separator: " ")
        let marks = Array(repeating: "?", count: ranked.count).joined(separator: ", ")
        return try await read { session in
            try session.rows(
                """
                SELECT item_id FROM assessment WHERE is_signal AND at >= ? AND at < ? AND level IN (\(marks))
                ORDER BY CASE level \(order) END, at DESC, item_id LIMIT ?
                """, [from.sqlValue, until.sqlValue] + ranked.map(\.rawValue.sqlValue) + [limit.sqlValue]
            ) { try $0.first(as: String.self) }
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

    /// The items of a project's linked wage signals not resolved, received in
    /// `from ..< until`, oldest first (what reopens a closed 督办 case).
    public func wageSignalItems(ofProject projectID: String, from: Date, until: Date) async throws -> [String] {
        try await read { session in
            try session.rows(
                """
                SELECT item_id FROM assessment
                WHERE project_id = ? AND at >= ? AND at < ? AND is_signal AND claim = 'wage' AND NOT is_resolved
                    AND link_band = 'link'
                ORDER BY at, item_id
                """, [projectID.sqlValue, from.sqlValue, until.sqlValue]
            ) { try $0.first(as: String.self) }
        }
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
