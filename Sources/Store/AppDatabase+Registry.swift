import Foundation
import GRDB
import Model

/// What an import changed in the store.
public struct ImportSummary: Sendable, Hashable {
    /// Records new to the store.
    public var added: Int
    /// Records that were stored before and whose values changed.
    public var updated: Int
    /// Records an earlier version of the same file had and this one no longer has (or now rejects).
    public var removed: Int = 0
    /// Their ids, for the summary a clerk reads.
    public var removedIDs: [String] = []
    /// Records identical to what was stored.
    public var unchanged: Int
    /// Rows kept aside, with their reasons.
    public var rejections: [ImportRejection]
}

extension AppDatabase {
    /// Which import a rejected row came from.
    public enum RejectionKind: String, Sendable {
        case registry
        case reports
        case feed
        /// The real-name platform's export (`import platform`).
        case platform
    }

    /// Stores the projects of one registry file and replaces that file's earlier rejections.
    ///
    /// Keyed by project id: importing the same file twice changes nothing.
    @discardableResult
    public func saveProjects(_ projects: [Project], rejections: [ImportRejection], file: String) async throws -> ImportSummary {
        try await write { session in
            var summary = ImportSummary(added: 0, updated: 0, unchanged: 0, rejections: rejections)
            for project in projects {
                let stored = try session.row(
                    "SELECT \(Project.columns) FROM project WHERE id = ?", [project.id.sqlValue], Project.init(row:))
                switch stored {
                case nil: summary.added += 1
                case project?: summary.unchanged += 1
                default: summary.updated += 1
                }
                try session.execute(
                    """
                    INSERT INTO project (id, name, aliases, builder, contractor, subcontractors, department,
                                         township, funding, tags, realname, wage_account, status)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    ON CONFLICT(id) DO UPDATE SET
                        name = excluded.name, aliases = excluded.aliases, builder = excluded.builder,
                        contractor = excluded.contractor, subcontractors = excluded.subcontractors,
                        department = excluded.department, township = excluded.township,
                        funding = excluded.funding, tags = excluded.tags, realname = excluded.realname,
                        wage_account = excluded.wage_account, status = excluded.status
                    """,
                    [
                        project.id.sqlValue, project.name.sqlValue, StoreCoding.json(project.aliases).sqlValue,
                        project.builder.sqlValue, project.contractor.sqlValue, StoreCoding.json(project.subcontractors).sqlValue,
                        project.department.sqlValue, project.township.sqlValue, project.funding?.rawValue.sqlValue ?? .null,
                        StoreCoding.json(project.tags).sqlValue, project.realName.sqlValue, project.wageAccount.sqlValue,
                        project.status.rawValue.sqlValue,
                    ])
            }
            try Self.replaceRejections(in: session, kind: .registry, file: file, with: rejections)
            return summary
        }
    }

    /// Stores the rows of one ledger file, replacing what an earlier version of
    /// the same file (by name) stored: its rows and its rejections.
    ///
    /// Keyed by report id: importing the same file twice changes nothing. A row
    /// without 填报日期 keeps the filing day of its first import, so a later
    /// re-import cannot make an old row look newly filed.
    @discardableResult
    public func saveReports(_ reports: [DepartmentReport], rejections: [ImportRejection], file: String) async throws -> ImportSummary {
        try await write { session in
            var summary = ImportSummary(added: 0, updated: 0, unchanged: 0, rejections: rejections)
            for var report in reports {
                let stored = try session.row(
                    "SELECT \(DepartmentReport.columns) FROM report WHERE id = ?", [report.id.sqlValue], DepartmentReport.init(row:))
                if let stored, report.isFilingDayImputed {
                    report.filedOn = stored.filedOn
                    report.isFilingDayImputed = stored.isFilingDayImputed
                }
                switch stored {
                case nil: summary.added += 1
                case report?: summary.unchanged += 1
                default: summary.updated += 1
                }
                try session.execute(
                    """
                    INSERT INTO report (id, department, period, project_id, project_name, status,
                        arrears_type, workers, amount_owed, amount_paid, since, resolved, resolved_on,
                        responsible_unit, responsible_person, commitment, filed_on, filed_on_imputed, source_file)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    ON CONFLICT (id) DO UPDATE SET
                        department = excluded.department, period = excluded.period, project_id = excluded.project_id,
                        project_name = excluded.project_name, status = excluded.status, arrears_type = excluded.arrears_type,
                        workers = excluded.workers, amount_owed = excluded.amount_owed, amount_paid = excluded.amount_paid,
                        since = excluded.since, resolved = excluded.resolved, resolved_on = excluded.resolved_on,
                        responsible_unit = excluded.responsible_unit, responsible_person = excluded.responsible_person,
                        commitment = excluded.commitment, filed_on = excluded.filed_on,
                        filed_on_imputed = excluded.filed_on_imputed, source_file = excluded.source_file
                    """,
                    [
                        report.id.sqlValue, report.department.sqlValue, report.period.description.sqlValue,
                        report.projectID.sqlValue, report.projectName.sqlValue, report.status.rawValue.sqlValue,
                        report.arrearsType?.rawValue.sqlValue ?? .null, report.workers.sqlValue, report.amountOwed.sqlValue,
                        report.amountPaid.sqlValue, report.since?.description.sqlValue ?? .null, report.resolved.sqlValue,
                        report.resolvedOn?.description.sqlValue ?? .null, report.responsibleUnit.sqlValue,
                        report.responsiblePerson.sqlValue, report.commitment.sqlValue, report.filedOn.description.sqlValue,
                        report.isFilingDayImputed.sqlValue, file.sqlValue,
                    ])
            }
            // A corrected file replaces the rows of the same file name, department and month
            // that it no longer has; another department's file of the same name touches none
            // of them, and a file with no good row removes nothing.
            let kept = Set(reports.map(\.id))
            let departments = Set(reports.map(\.department))
            let periods = Set(reports.map(\.period.description))
            let earlier = try session.rows("SELECT id, department, period FROM report WHERE source_file = ?", [file.sqlValue]) {
                row in
                (
                    id: try row("id", as: String.self), department: try row("department", as: String.self),
                    period: try row("period", as: String.self)
                )
            }
            summary.removedIDs = earlier.filter {
                departments.contains($0.department) && periods.contains($0.period) && !kept.contains($0.id)
            }
            .map(\.id).sorted()
            for start in stride(from: 0, to: summary.removedIDs.count, by: 500) {
                let chunk = summary.removedIDs[start..<min(start + 500, summary.removedIDs.count)]
                let marks = Array(repeating: "?", count: chunk.count).joined(separator: ",")
                summary.removed += try session.execute("DELETE FROM report WHERE id IN (\(marks))", chunk.map(\.sqlValue))
            }
            // Its rejected rows replace those of the same file name and department (or of no
            // department the row could tell), not another department's.
            try Self.replaceRejections(
                in: session, kind: .reports, file: file, departments: departments.union(rejections.compactMap(\.department)),
                with: rejections)
            return summary
        }
    }

    /// Replaces the rejected rows of `file` (of those `departments` and of none, when given).
    static func replaceRejections(
        in session: SQLSession, kind: RejectionKind, file: String, departments: Set<String>? = nil,
        with rejections: [ImportRejection]
    ) throws {
        if let departments {
            let sorted = departments.sorted()
            let marks = Array(repeating: "?", count: sorted.count).joined(separator: ",")
            try session.execute(
                """
                DELETE FROM import_rejection WHERE kind = ? AND file = ?
                AND (department = '' \(sorted.isEmpty ? "" : "OR department IN (\(marks))"))
                """, [kind.rawValue.sqlValue, file.sqlValue] + sorted.map(\.sqlValue))
        } else {
            try session.execute("DELETE FROM import_rejection WHERE kind = ? AND file = ?", [kind.rawValue.sqlValue, file.sqlValue])
        }
        for rejection in rejections {
            try session.execute(
                """
                INSERT INTO import_rejection (kind, file, department, "row", "column", reason, project_id, period, amount, workers)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (kind, file, department, "row") DO UPDATE SET "column" = excluded."column", reason = excluded.reason,
                    project_id = excluded.project_id, period = excluded.period, amount = excluded.amount, workers = excluded.workers
                """,
                [
                    kind.rawValue.sqlValue, file.sqlValue, (rejection.department ?? "").sqlValue, rejection.row.sqlValue,
                    rejection.column.sqlValue, rejection.reason.sqlValue, rejection.projectID.sqlValue, rejection.period.sqlValue,
                    rejection.amount.sqlValue, rejection.workers.sqlValue,
                ])
        }
    }

    /// All registry projects, by id.
    /// The registry's project ids (what an import checks a row's 项目编号 against).
    public func projectIDs() async throws -> Set<String> {
        try await read { session in Set(try session.rows("SELECT id FROM project", []) { try $0.first(as: String.self) }) }
    }

    public func projects() async throws -> [Project] {
        try await read { session in try session.rows("SELECT \(Project.columns) FROM project ORDER BY id", [], Project.init(row:)) }
    }

    /// All stored ledger rows, by id.
    public func reports() async throws -> [DepartmentReport] {
        try await read { session in
            try session.rows("SELECT \(DepartmentReport.columns) FROM report ORDER BY id", [], DepartmentReport.init(row:))
        }
    }

    /// Rows kept aside at import, optionally of one kind, in file and row order.
    public func rejections(kind: RejectionKind? = nil) async throws -> [ImportRejection] {
        try await read { session in
            try session.rows(
                """
                SELECT * FROM import_rejection \(kind == nil ? "" : "WHERE kind = ?") ORDER BY kind, file, "row"
                """, kind.map { [$0.rawValue.sqlValue] } ?? []
            ) { row in
                try Self.rejection(row)
            }
        }
    }

    /// v24: a ledger row sent back at import keeps what it said of its project, month,
    /// amount owed and workers, for the project page.
    static let rejectedRowMigration = (
        identifier: "v24: what a rejected ledger row said",
        sql: """
        ALTER TABLE import_rejection ADD COLUMN project_id text;
        ALTER TABLE import_rejection ADD COLUMN period text;
        ALTER TABLE import_rejection ADD COLUMN amount double precision;
        ALTER TABLE import_rejection ADD COLUMN workers bigint;
        CREATE INDEX import_rejection_of_project ON import_rejection (project_id);
        """
    )

    /// The ledger rows sent back at import that name `projectID`, newest file first.
    public func rejectedReports(ofProject projectID: String) async throws -> [ImportRejection] {
        try await read { session in
            try session.rows(
                """
                SELECT * FROM import_rejection WHERE kind = 'reports' AND project_id = ? ORDER BY file DESC, "row"
                """, [projectID.sqlValue], Self.rejection)
        }
    }

    private static func rejection(_ row: SQLRow) throws -> ImportRejection {
        let department: String = try row("department")
        return ImportRejection(
            file: try row("file"), row: try row("row"), column: try row("column"), reason: try row("reason"),
            department: department.isEmpty ? nil : department, projectID: try row("project_id"), period: try row("period"),
            amount: try row("amount"), workers: try row("workers"))
    }

    /// Rejected ledger and registry rows per department (填报单位), for the scorecard.
    public func rejectedRowCounts() async throws -> [String: Int] {
        try await read { session in try Self.rejectedRowCounts(in: session) }
    }

    static func rejectedRowCounts(in session: SQLSession) throws -> [String: Int] {
        let rows = try session.rows(
            """
            SELECT department, count(*) AS n FROM import_rejection
            WHERE kind IN ('registry', 'reports') AND department != '' GROUP BY department
            """
        ) { row in (try row("department", as: String.self), try row("n", as: Int.self)) }
        return Dictionary(uniqueKeysWithValues: rows)
    }
}

extension AppDatabase {
    /// One registry project.
    public func project(id: String) async throws -> Project? {
        try await read { session in
            try session.row("SELECT \(Project.columns) FROM project WHERE id = ?", [id.sqlValue], Project.init(row:))
        }
    }

    /// Projects whose id, name or an alias contains `text`, by id.
    public func projects(matching text: String, limit: Int) async throws -> [Project] {
        let pattern =
            "%"
            + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "%", with: "\\%")
            .replacingOccurrences(of: "_", with: "\\_") + "%"
        // The aliases are kept as a JSON list: a quote or a backslash would match its syntax,
        // not an alias.
        let aliasPattern = text.contains("\"") || text.contains("\\") ? "" : pattern
        return try await read { session in
            try session.rows(
                """
                SELECT \(Project.columns) FROM project
                WHERE id = ? OR name LIKE ? ESCAPE '\\' OR aliases LIKE ? ESCAPE '\\'
                ORDER BY id = ? DESC, name = ? DESC, id LIMIT ?
                """, [text.sqlValue, pattern.sqlValue, aliasPattern.sqlValue, text.sqlValue, text.sqlValue, limit.sqlValue],
                Project.init(row:))
        }
    }

    /// The ledger row `id`, or nil.
    public func report(id: String) async throws -> DepartmentReport? {
        try await read { session in
            try session.row("SELECT \(DepartmentReport.columns) FROM report WHERE id = ?", [id.sqlValue], DepartmentReport.init(row:))
        }
    }

    /// A project's ledger rows, newest month first.
    public func reports(ofProject projectID: String) async throws -> [DepartmentReport] {
        try await read { session in
            try session.rows(
                "SELECT \(DepartmentReport.columns) FROM report WHERE project_id = ? ORDER BY period DESC, id", [projectID.sqlValue],
                DepartmentReport.init(row:))
        }
    }
}
