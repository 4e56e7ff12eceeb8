import Foundation
import Model

/// 督办 cases (`supervision_case`, migration v19) and their history (`case_event`). A
/// case is kept whole as JSON beside the columns its lists are read by; every step is
/// one transaction with its history line and its audit line.
extension AppDatabase {
    static let caseMigration = (
        identifier: "v19: 督办 cases and their history",
        sqlite: caseTables(id: "id INTEGER PRIMARY KEY"),
        postgres: caseTables(id: "id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY") + """
            CREATE TRIGGER supervision_case_notice AFTER INSERT OR UPDATE OR DELETE ON supervision_case
                FOR EACH STATEMENT EXECUTE FUNCTION store_notice('changed');
            """
    )

    /// The files of units' answers, once each by their SHA-256 (v21), in the store itself:
    /// a backup, `store copy` and every web node of a shared store have them.
    /// With it, the case list's lines are read off columns (the responsible person now one
    /// of them), a unit's newest first off an index, without reading any case's JSON.
    static let caseFileMigration = (
        identifier: "v21: files of 督办 answers, by their SHA-256; case lines off columns",
        sqlite: """
        CREATE TABLE case_file (sha256 text PRIMARY KEY, kind text NOT NULL, size bigint NOT NULL, bytes blob NOT NULL);
        ALTER TABLE supervision_case ADD COLUMN person text NOT NULL DEFAULT '';
        UPDATE supervision_case SET person = coalesce(json_extract(body, '$.person'), '');
        CREATE INDEX supervision_case_of_unit_by_id ON supervision_case (unit, id);
        """,
        postgres: """
        CREATE TABLE case_file (sha256 text PRIMARY KEY, kind text NOT NULL, size bigint NOT NULL, bytes bytea NOT NULL);
        ALTER TABLE supervision_case ADD COLUMN person text NOT NULL DEFAULT '';
        UPDATE supervision_case SET person = coalesce(body::json ->> 'person', '');
        CREATE INDEX supervision_case_of_unit_by_id ON supervision_case (unit, id);
        """
    )

    /// A file an answer carries: what the case keeps of it, and its bytes.
    public struct CaseFile: Sendable {
        public var attachment: CaseAttachment
        public var bytes: [UInt8]

        /// The file of `bytes` uploaded as `name`, or nil when its first bytes are not
        /// those of a PDF, JPEG, PNG or XLSX (whatever its name says).
        public init?(bytes: [UInt8], name: String, on day: Day, by account: String) {
            guard let kind = CaseAttachment.Kind.of(bytes) else { return nil }
            self.attachment = CaseAttachment(
                sha256: SessionDigest.sha256(bytes).map { String(format: "%02x", $0) }.joined(),
                name: CaseAttachment.cleanName(name, kind: kind), kind: kind, size: bytes.count, addedOn: day, addedBy: account)
            self.bytes = bytes
        }
    }

    /// The bytes of the file `sha256` and its kind, nil when none is kept.
    public func caseFile(_ sha256: String) async throws -> (kind: CaseAttachment.Kind, bytes: [UInt8])? {
        try await read { session in
            try session.row("SELECT kind, bytes FROM case_file WHERE sha256 = ?", [sha256.sqlValue]) { row in
                guard let kind = CaseAttachment.Kind(rawValue: try row("kind", as: String.self)) else {
                    throw StoreError.corruptValue(column: "case_file.kind", value: try row("kind", as: String.self))
                }
                return (kind, try row("bytes", as: [UInt8].self))
            }
        }
    }

    private static func caseTables(id: String) -> String {
        """
        CREATE TABLE supervision_case (
            id text PRIMARY KEY, subject_kind text NOT NULL, subject text NOT NULL, unit_kind text NOT NULL,
            unit text NOT NULL, state text NOT NULL, deadline text NOT NULL, version bigint NOT NULL, body text NOT NULL);
        CREATE UNIQUE INDEX supervision_case_one_open ON supervision_case (subject_kind, subject) WHERE state <> 'closed';
        CREATE INDEX supervision_case_of_unit ON supervision_case (unit, state);
        CREATE TABLE case_event (
            \(id), case_id text NOT NULL REFERENCES supervision_case (id), at text NOT NULL, account text NOT NULL,
            actor text NOT NULL, action text NOT NULL, state_before text, state_after text NOT NULL, reason text NOT NULL);
        CREATE INDEX case_event_of_case ON case_event (case_id, at);
        """
    }

    /// Opens `draft` (its id is given here: `DB-YEAR-NNNN`, the next of its dispatch day's year) with the
    /// first line of its history, unless its subject already has a case not closed.
    /// - Throws: `CaseError.alreadyOpen` naming that case.
    public func openCase(_ draft: SupervisionCase, by actor: CaseActor, reason: String) async throws -> SupervisionCase {
        try await write { session in
            if let open = try session.value(
                "SELECT id FROM supervision_case WHERE subject_kind = ? AND subject = ? AND state <> 'closed'",
                [draft.subject.kind.sqlValue, draft.subject.value.sqlValue], as: String.self)
            {
                throw CaseError.alreadyOpen(open)
            }
            let year = draft.dispatchedOn.year
            let count =
                try session.value(
                    // The year's ids as a range of the key ('.' sorts right after '-'): read off its index.
                    "SELECT count(*) FROM supervision_case WHERE id >= ? AND id < ?", ["DB-\(year)-".sqlValue, "DB-\(year).".sqlValue],
                    as: Int.self) ?? 0
            var opened = draft
            opened.id = String(format: "DB-%d-%04d", year, count + 1)
            try session.execute(
                """
                INSERT INTO supervision_case (id, subject_kind, subject, unit_kind, unit, state, deadline, version, body, person)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """, Self.caseValues(opened))
            try Self.recordStep(
                on: opened, before: nil, action: "open", actor: actor, at: opened.openedAt, reason: reason, in: session)
            return opened
        }
    }

    /// Takes `action` on case `id` as `actor`. `seenVersion`, the version the actor's page
    /// showed, makes a step taken since win: the action then fails with the case as it is.
    /// - Throws: `CaseError` (unknown case, not allowed, wrong state, invalid, conflict);
    ///   nothing is changed then.
    public func act(
        on id: String, _ action: CaseAction, by actor: CaseActor, today: Day, at time: Date, seenVersion: Int? = nil,
        files: [CaseFile] = []
    ) async throws -> SupervisionCase {
        try await write { session in
            guard let current = try Self.supervisionCase(id, in: session) else { throw CaseError.unknownCase(id) }
            if let seenVersion, seenVersion != current.version { throw CaseError.conflict(current) }
            let next = try current.applying(action, by: actor, on: today, files: files.map(\.attachment))
            // Each file once, by its digest: the same slip sent twice is kept once.
            for file in files {
                try session.execute(
                    "INSERT INTO case_file (sha256, kind, size, bytes) VALUES (?, ?, ?, ?) ON CONFLICT (sha256) DO NOTHING",
                    [
                        file.attachment.sha256.sqlValue, file.attachment.kind.rawValue.sqlValue, file.bytes.count.sqlValue,
                        file.bytes.sqlValue,
                    ])
            }
            let changed = try session.execute(
                """
                UPDATE supervision_case SET subject_kind = ?, subject = ?, unit_kind = ?, unit = ?, state = ?, deadline = ?,
                    version = ?, body = ?, person = ?
                WHERE id = ? AND version = ?
                """, Array(Self.caseValues(next).dropFirst()) + [id.sqlValue, current.version.sqlValue])
            guard changed == 1 else {
                throw CaseError.conflict(try Self.supervisionCase(id, in: session) ?? current)
            }
            let named = files.isEmpty ? "" : "（附件：" + files.map(\.attachment.name).joined(separator: "、") + "）"
            try Self.recordStep(
                on: next, before: current.state, action: action.name, actor: actor, at: time, reason: action.reason + named,
                in: session)
            return next
        }
    }

    /// The case `id`, or nil.
    public func supervisionCase(_ id: String) async throws -> SupervisionCase? {
        try await read { session in try Self.supervisionCase(id, in: session) }
    }

    /// Cases, newest first: of one unit, and in some states, when given; `range` of them
    /// (by position in that order) when given.
    public func supervisionCases(
        unit: String? = nil, unitKind: SupervisionCase.Unit.Kind? = nil, states: Set<SupervisionCase.State>? = nil,
        range: Range<Int>? = nil
    ) async throws -> [SupervisionCase] {
        try await read { session in
            let (filter, arguments) = Self.caseFilter(unit: unit, unitKind: unitKind, states: states)
            let page = range.map { " LIMIT \($0.count) OFFSET \($0.lowerBound)" } ?? ""
            return try session.rows("SELECT body FROM supervision_case \(filter) ORDER BY id DESC\(page)", arguments) { row in
                try Self.decodeCase(try row("body", as: String.self))
            }
        }
    }

    /// The unit's cases that came back (重新交办) and wait for it to sign again, newest first.
    public func reopenedCasesAwaitingSignature(unit: SupervisionCase.Unit) async throws -> [SupervisionCase] {
        try await read { session in
            try session.rows(
                """
                SELECT body FROM supervision_case WHERE unit = ? AND unit_kind = ? AND state = 'awaiting_signature'
                    AND EXISTS (SELECT 1 FROM case_event WHERE case_id = supervision_case.id AND action = 'reopen')
                ORDER BY id DESC
                """, [unit.name.sqlValue, unit.kind.rawValue.sqlValue]
            ) { row in try Self.decodeCase(try row("body", as: String.self)) }
        }
    }

    /// The lines of `supervisionCases(unit:states:range:)`, read off the columns alone.
    public func supervisionCaseLines(
        unit: String? = nil, unitKind: SupervisionCase.Unit.Kind? = nil, states: Set<SupervisionCase.State>? = nil,
        range: Range<Int>? = nil
    ) async throws -> [CaseLine] {
        try await read { session in
            let (filter, arguments) = Self.caseFilter(unit: unit, unitKind: unitKind, states: states)
            let page = range.map { " LIMIT \($0.count) OFFSET \($0.lowerBound)" } ?? ""
            return try session.rows(
                """
                SELECT id, subject_kind, subject, unit_kind, unit, person, state, deadline FROM supervision_case \(filter)
                ORDER BY id DESC\(page)
                """, arguments
            ) { row in
                let kind = try row("subject_kind", as: String.self)
                let unitKind = try row("unit_kind", as: String.self)
                let state = try row("state", as: String.self)
                let deadline = try row("deadline", as: String.self)
                guard let subject = SupervisionCase.Subject(kind: kind, value: try row("subject")),
                    let unitKindValue = SupervisionCase.Unit.Kind(rawValue: unitKind),
                    let stateValue = SupervisionCase.State(rawValue: state), let day = Day(deadline)
                else {
                    throw StoreError.corruptValue(column: "supervision_case", value: "\(kind) \(unitKind) \(state) \(deadline)")
                }
                return CaseLine(
                    id: try row("id"), subject: subject, unit: .init(kind: unitKindValue, name: try row("unit")),
                    person: try row("person"), state: stateValue, deadline: day)
            }
        }
    }

    /// How many cases `supervisionCases(unit:states:)` lists.
    public func supervisionCaseCount(
        unit: String? = nil, unitKind: SupervisionCase.Unit.Kind? = nil, states: Set<SupervisionCase.State>? = nil
    ) async throws -> Int {
        try await read { session in
            let (filter, arguments) = Self.caseFilter(unit: unit, unitKind: unitKind, states: states)
            return try session.value("SELECT count(*) FROM supervision_case \(filter)", arguments, as: Int.self) ?? 0
        }
    }

    /// `unitKind` tells a department from a township of the same name.
    private static func caseFilter(
        unit: String?, unitKind: SupervisionCase.Unit.Kind?, states: Set<SupervisionCase.State>?
    ) -> (String, [SQLValue]) {
        var conditions: [String] = []
        var arguments: [SQLValue] = []
        if let unit {
            conditions.append("unit = ?")
            arguments.append(unit.sqlValue)
        }
        if let unitKind {
            conditions.append("unit_kind = ?")
            arguments.append(unitKind.rawValue.sqlValue)
        }
        if let states {
            conditions.append("state IN (\(marks(states.count)))")
            arguments += states.map(\.rawValue).sorted().map(\.sqlValue)
        }
        return (conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND "), arguments)
    }

    /// The history of case `id`, oldest step first.
    public func caseEvents(_ id: String) async throws -> [CaseEvent] {
        try await read { session in
            try session.rows(
                """
                SELECT case_id, at, account, actor, action, state_before, state_after, reason FROM case_event
                WHERE case_id = ? ORDER BY id
                """, [id.sqlValue]
            ) { row in
                let before = try row("state_before", as: String?.self)
                let after = try row("state_after", as: String.self)
                guard let afterState = SupervisionCase.State(rawValue: after) else {
                    throw StoreError.corruptValue(column: "case_event.state_after", value: after)
                }
                return CaseEvent(
                    caseID: try row("case_id"), at: try row("at"), actor: try row("account"), actorLabel: try row("actor"),
                    action: try row("action"), before: before.flatMap(SupervisionCase.State.init(rawValue:)), after: afterState,
                    reason: try row("reason"))
            }
        }
    }

    private static func supervisionCase(_ id: String, in session: SQLSession) throws -> SupervisionCase? {
        try session.row("SELECT body FROM supervision_case WHERE id = ?", [id.sqlValue]) { row in
            try decodeCase(try row("body", as: String.self))
        }
    }

    /// The history line and the audit line of one step.
    private static func recordStep(
        on supervised: SupervisionCase, before: SupervisionCase.State?, action: String, actor: CaseActor, at time: Date,
        reason: String, in session: SQLSession
    ) throws {
        try session.execute(
            """
            INSERT INTO case_event (case_id, at, account, actor, action, state_before, state_after, reason)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?)
            """,
            [
                supervised.id.sqlValue, time.sqlValue, actor.name.sqlValue, actor.label.sqlValue, action.sqlValue,
                before?.rawValue.sqlValue ?? .null, supervised.state.rawValue.sqlValue, reason.sqlValue,
            ])
        let projectID: String? = if case .project(let id) = supervised.subject { id } else { nil }
        let change = "\(before?.label ?? "新建")→\(supervised.state.label)"
        try insert(
            AuditEntry(
                at: time, account: actor.name, role: actor.label, action: "case_\(action)", projectID: projectID,
                reason: "\(supervised.id) \(change)" + (reason.isEmpty ? "" : "：\(reason)")),
            in: session)
    }

    /// The values of the columns of `supervision_case`, in their order.
    private static func caseValues(_ supervised: SupervisionCase) throws -> [SQLValue] {
        [
            supervised.id.sqlValue, supervised.subject.kind.sqlValue, supervised.subject.value.sqlValue,
            supervised.unit.kind.rawValue.sqlValue, supervised.unit.name.sqlValue, supervised.state.rawValue.sqlValue,
            supervised.deadline.description.sqlValue, supervised.version.sqlValue, try encodeCase(supervised).sqlValue,
            supervised.person.sqlValue,
        ]
    }

    private static func encodeCase(_ supervised: SupervisionCase) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        encoder.dateEncodingStrategy = .iso8601
        return String(decoding: try encoder.encode(supervised), as: UTF8.self)
    }

    private static func decodeCase(_ text: String) throws -> SupervisionCase {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        do {
            return try decoder.decode(SupervisionCase.self, from: Data(text.utf8))
        } catch {
            throw StoreError.corruptValue(column: "supervision_case.body", value: String(text.prefix(80)))
        }
    }
}
