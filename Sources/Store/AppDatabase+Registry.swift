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
    }

    /// Stores the projects of one registry file and replaces that file's earlier rejections.
    ///
    /// Keyed by project id: importing the same file twice changes nothing.
    @discardableResult
    public func saveProjects(_ projects: [Project], rejections: [ImportRejection], file: String) async throws -> ImportSummary {
        try await writer.write { db in
            var summary = ImportSummary(added: 0, updated: 0, unchanged: 0, rejections: rejections)
            for project in projects {
                let arguments: StatementArguments = [
                    project.id, project.name, StoreCoding.json(project.aliases), project.builder,
                    project.contractor, StoreCoding.json(project.subcontractors), project.department,
                    project.township, project.funding?.rawValue, StoreCoding.json(project.tags),
                    project.realName, project.wageAccount, project.status.rawValue,
                ]
                let stored = try db.fetchAll(
                    "SELECT \(Project.columns) FROM project WHERE id = ?",
                    arguments: [project.id], Project.init(columns:)
                ).first
                switch stored {
                case nil: summary.added += 1
                case project?: summary.unchanged += 1
                default: summary.updated += 1
                }
                try db.cachedStatement(
                    sql: """
                        INSERT INTO project (id, name, aliases, builder, contractor, subcontractors, department,
                                             township, funding, tags, realname, wage_account, status)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                        ON CONFLICT(id) DO UPDATE SET
                            name = excluded.name, aliases = excluded.aliases, builder = excluded.builder,
                            contractor = excluded.contractor, subcontractors = excluded.subcontractors,
                            department = excluded.department, township = excluded.township,
                            funding = excluded.funding, tags = excluded.tags, realname = excluded.realname,
                            wage_account = excluded.wage_account, status = excluded.status
                        """
                ).execute(arguments: arguments)
            }
            try replaceRejections(in: db, kind: .registry, file: file, with: rejections)
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
        try await writer.write { db in
            var summary = ImportSummary(added: 0, updated: 0, unchanged: 0, rejections: rejections)
            for var report in reports {
                let stored = try db.fetchAll(
                    "SELECT \(DepartmentReport.columns) FROM report WHERE id = ?",
                    arguments: [report.id], DepartmentReport.init(columns:)
                ).first
                if let stored, report.isFilingDayImputed {
                    report.filedOn = stored.filedOn
                    report.isFilingDayImputed = stored.isFilingDayImputed
                }
                switch stored {
                case nil: summary.added += 1
                case report?: summary.unchanged += 1
                default: summary.updated += 1
                }
                try db.cachedStatement(
                    sql: """
                        INSERT OR REPLACE INTO report (id, department, period, project_id, project_name, status,
                            arrears_type, workers, amount_owed, amount_paid, since, resolved, resolved_on,
                            responsible_unit, responsible_person, commitment, filed_on, filed_on_imputed, source_file)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                        """
                ).execute(arguments: [
                    report.id, report.department, report.period.description, report.projectID,
                    report.projectName, report.status.rawValue, report.arrearsType?.rawValue,
                    report.workers, report.amountOwed, report.amountPaid, report.since?.description,
                    report.resolved, report.resolvedOn?.description, report.responsibleUnit,
                    report.responsiblePerson, report.commitment, report.filedOn.description,
                    report.isFilingDayImputed, file,
                ])
            }
            // A corrected file replaces the rows of the same file name, department and month
            // that it no longer has; another department's file of the same name touches none
            // of them, and a file with no good row removes nothing.
            let kept = reports.map(\.id)
            let departments = Array(Set(reports.map(\.department)))
            let periods = Array(Set(reports.map(\.period.description)))
            let condition = """
                source_file = ? AND department IN (SELECT value FROM json_each(?))
                AND period IN (SELECT value FROM json_each(?)) AND id NOT IN (SELECT value FROM json_each(?))
                """
            let arguments: StatementArguments = [file, StoreCoding.json(departments), StoreCoding.json(periods), StoreCoding.json(kept)]
            summary.removedIDs = try String.fetchAll(db, sql: "SELECT id FROM report WHERE \(condition) ORDER BY id", arguments: arguments)
            try db.execute(sql: "DELETE FROM report WHERE \(condition)", arguments: arguments)
            summary.removed = db.changesCount
            // Its rejected rows replace those of the same file name and department (or of no
            // department the row could tell), not another department's.
            try replaceRejections(
                in: db, kind: .reports, file: file,
                departments: Set(departments).union(rejections.compactMap(\.department)), with: rejections)
            return summary
        }
    }

    /// Replaces the rejected rows of `file` (of those `departments` and of none, when given).
    func replaceRejections(
        in db: Database, kind: RejectionKind, file: String, departments: Set<String>? = nil,
        with rejections: [ImportRejection]
    ) throws {
        if let departments {
            try db.execute(
                sql: """
                    DELETE FROM import_rejection WHERE kind = ? AND file = ?
                    AND (department = '' OR department IN (SELECT value FROM json_each(?)))
                    """, arguments: [kind.rawValue, file, StoreCoding.json(departments.sorted())])
        } else {
            try db.execute(sql: "DELETE FROM import_rejection WHERE kind = ? AND file = ?", arguments: [kind.rawValue, file])
        }
        for rejection in rejections {
            try db.cachedStatement(
                sql: """
                    INSERT OR REPLACE INTO import_rejection (kind, file, department, row, "column", reason)
                    VALUES (?, ?, ?, ?, ?, ?)
                    """
            ).execute(arguments: [
                kind.rawValue, file, rejection.department ?? "", rejection.row, rejection.column,
                rejection.reason,
            ])
        }
    }

    /// All registry projects, by id.
    public func projects() async throws -> [Project] {
        try await writer.read { db in
            try db.fetchAll("SELECT \(Project.columns) FROM project ORDER BY id", Project.init(columns:))
        }
    }

    /// All stored ledger rows, by id.
    public func reports() async throws -> [DepartmentReport] {
        try await writer.read { db in
            try db.fetchAll("SELECT \(DepartmentReport.columns) FROM report ORDER BY id", DepartmentReport.init(columns:))
        }
    }

    /// Rows kept aside at import, optionally of one kind, in file and row order.
    public func rejections(kind: RejectionKind? = nil) async throws -> [ImportRejection] {
        try await writer.read { db in
            let rows = try Row.fetchAll(
                db,
                sql: """
                    SELECT * FROM import_rejection WHERE ?1 IS NULL OR kind = ?1 ORDER BY kind, file, row
                    """, arguments: [kind?.rawValue])
            return rows.map { row in
                let department: String = row["department"]
                return ImportRejection(
                    file: row["file"], row: row["row"], column: row["column"],
                    reason: row["reason"], department: department.isEmpty ? nil : department)
            }
        }
    }

    /// Rejected ledger and registry rows per department (填报单位), for the scorecard.
    public func rejectedRowCounts() async throws -> [String: Int] {
        try await writer.read { db in try rejectedRowCounts(in: db) }
    }

    func rejectedRowCounts(in db: Database) throws -> [String: Int] {
        let rows = try Row.fetchAll(
            db,
            sql: """
                SELECT department, count(*) AS n FROM import_rejection
                WHERE kind IN ('registry', 'reports') AND department != '' GROUP BY department
                """)
        return Dictionary(uniqueKeysWithValues: rows.map { ($0["department"] as String, $0["n"] as Int) })
    }
}

extension AppDatabase {
    /// One registry project.
    public func project(id: String) async throws -> Project? {
        try await writer.read { db in
            try db.fetchAll("SELECT \(Project.columns) FROM project WHERE id = ?", arguments: [id], Project.init(columns:)).first
        }
    }

    /// Projects whose id, name or an alias contains `text`, by id.
    public func projects(matching text: String, limit: Int) async throws -> [Project] {
        let pattern =
            "%"
            + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "%", with: "\\%")
            .replacingOccurrences(of: "_", with: "\\_") + "%"
        return try await writer.read { db in
            try db.fetchAll(
                """
                SELECT \(Project.columns) FROM project
                WHERE id = ? OR name LIKE ? ESCAPE '\\' OR aliases LIKE ? ESCAPE '\\'
                ORDER BY id = ? DESC, name = ? DESC, id LIMIT ?
                """, arguments: [text, pattern, pattern, text, text, limit], Project.init(columns:))
        }
    }

    /// A project's ledger rows, newest month first.
    public func reports(ofProject projectID: String) async throws -> [DepartmentReport] {
        try await writer.read { db in
            try db.fetchAll(
                "SELECT \(DepartmentReport.columns) FROM report WHERE project_id = ? ORDER BY period DESC, id",
                arguments: [projectID], DepartmentReport.init(columns:))
        }
    }
}
