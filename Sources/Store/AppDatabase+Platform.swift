import Foundation
import GRDB
import Model

/// The real-name platform's monthly rows (`platform_row`, migration v17): attendance and
/// payroll through the wage account per project and month.
extension AppDatabase {
    /// The table, alike on both engines; on PostgreSQL its statements announce a change
    /// as the other tables the register reads do.
    static let platformMigration = (
        identifier: "v17: real-name platform rows",
        sqlite: platformTable,
        postgres: platformTable + """
            CREATE TRIGGER platform_notice AFTER INSERT OR UPDATE OR DELETE ON platform_row
                FOR EACH STATEMENT EXECUTE FUNCTION store_notice('changed');
            """
    )

    /// The index of rows by file that v17 made is read by no statement (a file's rows are
    /// found by month) and cost a fifth of a month's import.
    static let platformFileIndexMigration = (
        identifier: "v18: platform rows without an index by file",
        sql: "DROP INDEX platform_row_of_file"
    )

    private static let platformTable = """
        CREATE TABLE platform_row (
            period text NOT NULL, platform_project_id text NOT NULL, project_id text, project_name text NOT NULL,
            contractor text, township text, workers_registered bigint NOT NULL, workers_attending bigint NOT NULL,
            attendance_days double precision NOT NULL, labour_cost_funded double precision, payroll_due double precision,
            payroll_paid double precision NOT NULL, workers_paid bigint NOT NULL, paid_on text, account_opened boolean,
            matched_project_id text, matched_by text, source_file text NOT NULL,
            PRIMARY KEY (period, platform_project_id));
        CREATE INDEX platform_row_of_project ON platform_row (matched_project_id, period);
        CREATE INDEX platform_row_of_file ON platform_row (source_file, period);
        """

    /// The columns `PlatformRecord.init(row:)` reads and `savePlatformRecords` writes, in order.
    static let platformColumns = platformColumnNames.joined(separator: ", ")

    static let platformColumnNames = [
        "period", "platform_project_id", "project_id", "project_name", "contractor", "township", "workers_registered",
        "workers_attending", "attendance_days", "labour_cost_funded", "payroll_due", "payroll_paid", "workers_paid", "paid_on",
        "account_opened", "matched_project_id", "matched_by",
    ]

    /// `platformColumns` with only what the register judges: no registry id as the
    /// platform wrote it, contractor or township, and the name only of rows that match no
    /// project (the register checks unregistered sites against those). Named as the
    /// columns are: PostgreSQL's rows are read by name.
    static let platformRegisterColumns = """
        period, platform_project_id, NULL AS project_id,
        CASE WHEN matched_project_id IS NULL THEN project_name ELSE '' END AS project_name, NULL AS contractor, NULL AS township,
        workers_registered, workers_attending, attendance_days, labour_cost_funded, payroll_due, payroll_paid, workers_paid,
        paid_on, account_opened, matched_project_id, matched_by
        """

    /// Stores the rows of one platform export (`file`), matched to the registry already,
    /// and replaces that file's earlier rejections. Keyed by month and platform project:
    /// importing the same file twice changes nothing; a corrected file replaces its rows,
    /// and a project-month an earlier version of the file had and this one lacks is removed.
    @discardableResult
    public func savePlatformRecords(
        _ records: [PlatformRecord], rejections: [ImportRejection], file: String
    ) async throws
        -> ImportSummary
    {
        try await write { session in
            var summary = ImportSummary(added: 0, updated: 0, unchanged: 0, rejections: rejections)
            let periods = Set(records.map(\.period.description)).sorted()
            var stored: [String: (record: PlatformRecord, file: String)] = [:]
            var storedFromFile: Set<String> = []
            for period in periods {
                let select = "SELECT \(Self.platformColumns), source_file FROM platform_row WHERE period = ?"
                let rows: [(PlatformRecord, String)]
                if case .sqlite(let db) = session.connection {
                    // A month of a city is a hundred thousand rows: read by position.
                    rows = try db.fetchAll(select, arguments: [period]) {
                        (try PlatformRecord(columns: $0), try $0.requiredString(17, name: "source_file"))
                    }
                } else {
                    rows = try session.rows(select, [period.sqlValue]) { row in
                        (try PlatformRecord(row: row), try row("source_file", as: String.self))
                    }
                }
                for (record, source) in rows {
                    let key = "\(record.period)|\(record.platformProjectID)"
                    stored[key] = (record, source)
                    if source == file { storedFromFile.insert(key) }
                }
            }
            var changed: [PlatformRecord] = []
            var kept: Set<String> = []
            if stored.isEmpty {
                // Months new to the store, as every month's first import.
                summary.added = records.count
                changed = records
            }
            for record in records where !stored.isEmpty {
                let key = "\(record.period)|\(record.platformProjectID)"
                kept.insert(key)
                switch stored[key]?.record {
                case nil: summary.added += 1
                case record?: summary.unchanged += 1
                default: summary.updated += 1
                }
                // A row another file brought is this file's from now on, changed or not: a
                // correction of this file is what removes it.
                if stored[key]?.record != record || stored[key]?.file != file { changed.append(record) }
            }
            try session.insertRows(
                into: "platform_row", columns: Self.platformColumnNames + ["source_file"],
                """
                ON CONFLICT (period, platform_project_id) DO UPDATE SET
                    project_id = excluded.project_id, project_name = excluded.project_name, contractor = excluded.contractor,
                    township = excluded.township, workers_registered = excluded.workers_registered,
                    workers_attending = excluded.workers_attending, attendance_days = excluded.attendance_days,
                    labour_cost_funded = excluded.labour_cost_funded, payroll_due = excluded.payroll_due,
                    payroll_paid = excluded.payroll_paid, workers_paid = excluded.workers_paid, paid_on = excluded.paid_on,
                    account_opened = excluded.account_opened, matched_project_id = excluded.matched_project_id,
                    matched_by = excluded.matched_by, source_file = excluded.source_file
                """, count: changed.count
            ) { changed[$0].sqlValues + [file.sqlValue] }
            // A corrected file: the project-months of its months it no longer has.
            let removed = storedFromFile.subtracting(kept).sorted()
            for key in removed {
                let parts = key.split(separator: "|", maxSplits: 1).map(String.init)
                summary.removed += try session.execute(
                    "DELETE FROM platform_row WHERE period = ? AND platform_project_id = ?", [parts[0].sqlValue, parts[1].sqlValue])
            }
            summary.removedIDs = removed
            try Self.replaceRejections(in: session, kind: .platform, file: file, with: rejections)
            return summary
        }
    }

    /// The platform's rows of the months `from` through `through`, in month and platform order.
    public func platformRecords(from: Period, through: Period) async throws -> [PlatformRecord] {
        try await read { session in
            try session.rows(
                """
                SELECT \(Self.platformColumns) FROM platform_row WHERE period >= ? AND period <= ?
                ORDER BY period, platform_project_id
                """, [from.description.sqlValue, through.description.sqlValue], PlatformRecord.init(row:))
        }
    }

    /// The platform's rows of one registry project, oldest month first.
    public func platformRecords(ofProject projectID: String) async throws -> [PlatformRecord] {
        try await read { session in
            try session.rows(
                "SELECT \(Self.platformColumns) FROM platform_row WHERE matched_project_id = ? ORDER BY period, platform_project_id",
                [projectID.sqlValue], PlatformRecord.init(row:))
        }
    }

    /// The platform's projects that match no registry project, newest month first: listed
    /// for the clerk (`wagewatch platform unmatched`), never dropped.
    public func unmatchedPlatformRecords() async throws -> [PlatformRecord] {
        try await read { session in
            try session.rows(
                """
                SELECT \(Self.platformColumns) FROM platform_row WHERE matched_project_id IS NULL
                ORDER BY period DESC, project_name, platform_project_id
                """, [], PlatformRecord.init(row:))
        }
    }
}

extension PlatformRecord {
    /// Reads a row of `SELECT \(AppDatabase.platformColumns)` by position (the register's
    /// months on SQLite: hundreds of thousands of rows).
    init(columns column: ColumnReader) throws {
        func day(_ index: Int32, _ name: String) throws -> Day? {
            guard let text = column.bytes(index) else { return nil }
            guard let day = Day(utf8: text) else {
                throw StoreError.corruptValue(column: name, value: String(decoding: text, as: UTF8.self))
            }
            return day
        }
        guard let periodText = column.bytes(0), let period = Period(utf8: periodText) else {
            throw StoreError.corruptValue(
                column: "platform_row.period", value: column.bytes(0).map { String(decoding: $0, as: UTF8.self) } ?? "NULL")
        }
        self.init(
            period: period, platformProjectID: try column.requiredString(1, name: "platform_project_id"),
            projectID: column.string(2), projectName: try column.requiredString(3, name: "project_name"),
            contractor: column.string(4), township: column.string(5), workersRegistered: column.int(6) ?? 0,
            workersAttending: column.int(7) ?? 0, attendanceDays: column.double(8) ?? 0, labourCostFunded: column.double(9),
            payrollDue: column.double(10), payrollPaid: column.double(11) ?? 0, workersPaid: column.int(12) ?? 0,
            paidOn: try day(13, "paid_on"), accountOpened: column.bool(14), matchedProjectID: column.string(15),
            matchedBy: column.string(16).flatMap(Match.init(rawValue:)))
    }

    init(row: SQLRow) throws {
        self.init(
            period: try Self.period(try row("period", as: String.self)),
            platformProjectID: try row("platform_project_id"), projectID: try row("project_id"),
            projectName: try row("project_name"), contractor: try row("contractor"), township: try row("township"),
            workersRegistered: try row("workers_registered"), workersAttending: try row("workers_attending"),
            attendanceDays: try row("attendance_days"), labourCostFunded: try row("labour_cost_funded"),
            payrollDue: try row("payroll_due"), payrollPaid: try row("payroll_paid"), workersPaid: try row("workers_paid"),
            paidOn: try (try row("paid_on", as: String?.self)).map(Self.day), accountOpened: try row("account_opened"),
            matchedProjectID: try row("matched_project_id"),
            matchedBy: (try row("matched_by", as: String?.self)).flatMap(Match.init(rawValue:)))
    }

    private static func period(_ text: String) throws -> Period {
        guard let period = Period(text) else { throw StoreError.corruptValue(column: "platform_row.period", value: text) }
        return period
    }

    private static func day(_ text: String) throws -> Day {
        guard let day = Day(text) else { throw StoreError.corruptValue(column: "platform_row.paid_on", value: text) }
        return day
    }

    /// The values of `AppDatabase.platformColumns`, in order.
    var sqlValues: [SQLValue] {
        [
            period.description.sqlValue, platformProjectID.sqlValue, projectID.sqlValue, projectName.sqlValue, contractor.sqlValue,
            township.sqlValue, workersRegistered.sqlValue, workersAttending.sqlValue, attendanceDays.sqlValue,
            labourCostFunded.sqlValue, payrollDue.sqlValue, payrollPaid.sqlValue, workersPaid.sqlValue,
            paidOn?.description.sqlValue ?? .null, accountOpened.sqlValue, matchedProjectID.sqlValue,
            matchedBy?.rawValue.sqlValue ?? .null,
        ]
    }
}
