import Foundation

/// What a store copy did with one table.
public struct StoreCopyTable: Sendable, Equatable {
    public let name: String
    /// Rows in the source, and in the copy after it.
    public let rows: Int
    /// Rows this run copied (fewer than `rows` when it went on from an interrupted run).
    public let copiedNow: Int
    /// The table's checksum, the same on both sides (rows in any order; see `StoreCopy`).
    public let checksum: String
}

/// Copies a whole store into an empty one, on either engine: SQLite to PostgreSQL when a
/// city moves to the province's server, and back.
///
/// Each table is walked in the order of its key, a batch at a time; each batch is written
/// in one transaction of the copy together with how far the copy has come (`store_copy`),
/// so that a copy interrupted anywhere goes on from the last batch written when run again.
/// At the end every table's rows are counted and checksummed on both sides: the checksum
/// adds up a SHA-256 of each row's values (so the row order of either engine does not
/// matter), with a boolean as 0 or 1, a whole number the same whether stored as an integer
/// or a double, and a NUL character as U+FFFD (PostgreSQL cannot store NUL; every write to
/// it makes the same change). The numbers a store gives its own rows (an item's place in
/// the order of arrival, audit lines', old versions') are given anew in the same order, and
/// are not compared. The search index is not copied: the copy makes its own; nor are the
/// login attempts of the last minutes (the throttle's passing state).
///
/// The source must be quiet meanwhile (no `watch` or `serve` on it): the checksums tell
/// when it was not.
public enum StoreCopy {
    struct Table: Sendable {
        let name: String
        /// The columns that order the rows, per engine.
        let sqliteKey: [String]
        let postgresKey: [String]
        /// Columns the destination numbers itself: not copied, not compared.
        let numbered: Set<String>

        init(_ name: String, key: [String], postgresKey: [String]? = nil, numbered: Set<String> = []) {
            self.name = name
            sqliteKey = key
            self.postgresKey = postgresKey ?? key
            self.numbered = numbered
        }

        func key(on engine: StoreEngine) -> [String] { engine == .sqlite ? sqliteKey : postgresKey }
    }

    /// Every table, in an order that keeps references valid and lets the store's triggers
    /// apply decisions as they did in the source (verdicts before decisions).
    static let tables: [Table] = [
        Table("project", key: ["id"]),
        Table("report", key: ["id"]),
        Table("import_rejection", key: ["kind", "file", "department", "row"]),
        Table("item", key: ["rowid"], postgresKey: ["seq"], numbered: ["seq"]),
        Table("assessment", key: ["item_id"]),
        Table("review", key: ["item_id"]),
        Table("review_claim", key: ["item_id"]),
        Table("item_version", key: ["id"], numbered: ["id"]),
        Table("feed_state", key: ["feed_id"]),
        Table("feed_lease", key: ["feed_id"]),
        Table("account", key: ["name"]),
        Table("session", key: ["id"]),
        Table("audit", key: ["id"], numbered: ["id"]),
        Table("platform_row", key: ["period", "platform_project_id"]),
        Table("supervision_case", key: ["id"]),
        Table("case_event", key: ["id"], numbered: ["id"]),
        Table("case_file", key: ["sha256"]),
        Table("alert_event", key: ["id"]),
        Table("alert_delivery", key: ["event_id", "channel"]),
    ]

    /// The tables a copy moves, in its order.
    public static var tableNames: [String] { tables.map(\.name) }

    /// Copies `source` (named `sourceName` in the copy's record) into `destination`, or goes
    /// on with a copy of the same source that was interrupted; then checks every table.
    /// - Parameter progress: told the table and its rows copied so far, after each batch
    ///   is written; what it throws stops the copy there (as cancelling the task does).
    public static func copy(
        from source: AppDatabase, named sourceName: String, to destination: AppDatabase, batch: Int = 2_000,
        progress: @escaping @Sendable (String, Int) throws -> Void = { _, _ in }
    ) async throws -> [StoreCopyTable] {
        let sourceMigrations = try await source.appliedMigrations()
        guard sourceMigrations == (try await destination.appliedMigrations()) else {
            throw StoreError.copyRefused("the two stores are at different versions: run wagewatch migrate on both first")
        }
        struct Progress: Sendable {
            var source: String
            var lastKey: String?
            var copied: Int
            var done: Bool
        }
        let recorded = try await destination.read { session in
            try session.rows("SELECT table_name, source, last_key, copied, done FROM store_copy") { row in
                (
                    try row.at(0, as: String.self),
                    Progress(
                        source: try row.at(1), lastKey: try row.at(2), copied: try row.at(3), done: try row.at(4, as: Bool.self))
                )
            }
        }
        var progressByTable = Dictionary(recorded, uniquingKeysWith: { first, _ in first })
        if let other = progressByTable.values.first(where: { $0.source != sourceName }) {
            throw StoreError.copyRefused("the destination holds a copy from \(other.source), not from \(sourceName)")
        }
        if progressByTable.isEmpty {
            for table in tables where try await count(table.name, in: destination) > 0 {
                throw StoreError.copyRefused("the destination store is not empty (table \(table.name) has rows): copy into a new store")
            }
        }
        var copiedNow: [String: Int] = [:]
        for table in tables {
            var state = progressByTable[table.name] ?? Progress(source: sourceName, lastKey: nil, copied: 0, done: false)
            let columns = try await columns(of: table, in: source)
            let destinationColumns = try await self.columns(of: table, in: destination)
            guard Set(columns).isSubset(of: Set(destinationColumns)) else {
                throw StoreError.copyRefused("table \(table.name) has other columns in the destination")
            }
            let types = try await postgresTypes(of: table.name, in: destination)
            let sourceKey = table.key(on: source.engine)
            while !state.done {
                try Task.checkCancellation()
                let after = try state.lastKey.map(decodeKey)
                let rows = try await page(of: table, columns: columns, key: sourceKey, after: after, limit: batch, in: source)
                let last = rows.last.map { Array($0.suffix(sourceKey.count)) }
                state.copied += rows.count
                state.done = rows.isEmpty
                if let last { state.lastKey = try encodeKey(last) }
                let written = state
                try await destination.write { session in
                    try insert(
                        rows.map { Array($0.prefix(columns.count)) }, into: table.name, columns: columns, types: types, in: session)
                    try session.execute("DELETE FROM store_copy WHERE table_name = ?", [table.name.sqlValue])
                    try session.execute(
                        "INSERT INTO store_copy (table_name, source, last_key, copied, done) VALUES (?, ?, ?, ?, ?)",
                        [
                            table.name.sqlValue, written.source.sqlValue, written.lastKey.sqlValue, written.copied.sqlValue,
                            written.done.sqlValue,
                        ])
                }
                copiedNow[table.name, default: 0] += rows.count
                if !rows.isEmpty { try progress(table.name, state.copied) }
            }
            progressByTable[table.name] = state
        }
        // Every table, on both sides.
        var report: [StoreCopyTable] = []
        var differing: [String] = []
        for table in tables {
            let columns = try await columns(of: table, in: source)
            let mine = try await checksum(of: table, columns: columns, in: source, batch: batch)
            let theirs = try await checksum(of: table, columns: columns, in: destination, batch: batch)
            if mine != theirs {
                differing.append(
                    "\(table.name): \(mine.rows) rows in the source, \(theirs.rows) in the copy"
                        + (mine.rows == theirs.rows ? ", checksums differ" : ""))
            }
            report.append(
                StoreCopyTable(name: table.name, rows: mine.rows, copiedNow: copiedNow[table.name] ?? 0, checksum: mine.digest))
        }
        guard differing.isEmpty else { throw StoreError.copyMismatch(differing) }
        return report
    }

    /// Rows of `table` in the store, and its order-free checksum.
    public static func checksum(ofTable name: String, in database: AppDatabase) async throws -> (rows: Int, digest: String) {
        guard let table = tables.first(where: { $0.name == name }) else { throw StoreError.copyRefused("no table \(name)") }
        return try await checksum(of: table, columns: try await columns(of: table, in: database), in: database, batch: 2_000)
    }

    static func count(_ table: String, in database: AppDatabase) async throws -> Int {
        try await database.read { session in try session.value("SELECT count(*) FROM \(quoted(table))", as: Int.self) ?? 0 }
    }

    /// The table's columns the copy moves, in their order.
    static func columns(of table: Table, in database: AppDatabase) async throws -> [String] {
        let sql =
            database.engine == .sqlite
            ? "SELECT name FROM pragma_table_info(?) ORDER BY cid"
            : "SELECT column_name FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = ? "
                + "ORDER BY ordinal_position"
        let names = try await database.read { session in
            try session.rows(sql, [table.name.sqlValue]) { try $0.first(as: String.self) }
        }
        guard !names.isEmpty else { throw StoreError.copyRefused("the store has no table \(table.name)") }
        return names.filter { !table.numbered.contains($0) }
    }

    /// On PostgreSQL, the columns of `table` that are booleans or doubles (a SQLite value
    /// is bound as one): name → type.
    static func postgresTypes(of table: String, in database: AppDatabase) async throws -> [String: String] {
        guard database.engine == .postgres else { return [:] }
        let pairs = try await database.read { session in
            try session.rows(
                "SELECT column_name, data_type FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = ?",
                [table.sqlValue]
            ) { row in (try row.at(0, as: String.self), try row.at(1, as: String.self)) }
        }
        return Dictionary(pairs.filter { ["boolean", "double precision"].contains($0.1) }, uniquingKeysWith: { first, _ in first })
    }

    /// Up to `limit` rows after `after` in key order: the columns, then the key's values.
    static func page(
        of table: Table, columns: [String], key: [String], after: [SQLValue]?, limit: Int, in database: AppDatabase
    ) async throws -> [[SQLValue]] {
        let keyList = key.map(quoted).joined(separator: ", ")
        let marks = Array(repeating: "?", count: key.count).joined(separator: ", ")
        let condition = after == nil ? "" : "WHERE (\(keyList)) > (\(marks))"
        let sql = """
            SELECT \((columns + key).map(quoted).joined(separator: ", ")) FROM \(quoted(table.name)) \(condition)
            ORDER BY \(keyList) LIMIT ?
            """
        let arguments = (after ?? []) + [limit.sqlValue]
        return try await database.read { session in try session.rows(sql, arguments) { $0.values } }
    }

    static func insert(
        _ rows: [[SQLValue]], into table: String, columns: [String], types: [String: String], in session: SQLSession
    ) throws {
        guard !rows.isEmpty else { return }
        let conversions = columns.map { types[$0] }
        let perStatement = max(1, 10_000 / columns.count)
        let tuple = "(" + Array(repeating: "?", count: columns.count).joined(separator: ", ") + ")"
        var start = 0
        while start < rows.count {
            let chunk = rows[start..<min(start + perStatement, rows.count)]
            let sql =
                "INSERT INTO \(quoted(table)) (\(columns.map(quoted).joined(separator: ", "))) VALUES "
                + Array(repeating: tuple, count: chunk.count).joined(separator: ", ")
            var arguments: [SQLValue] = []
            arguments.reserveCapacity(chunk.count * columns.count)
            for row in chunk {
                for (value, type) in zip(row, conversions) { arguments.append(converted(value, to: type)) }
            }
            try session.execute(sql, arguments)
            start += chunk.count
        }
    }

    /// A SQLite value as a PostgreSQL column of `type` takes it.
    static func converted(_ value: SQLValue, to type: String?) -> SQLValue {
        switch (value, type) {
        case (.integer(let number), "boolean"): .bool(number != 0)
        case (.integer(let number), "double precision"): .real(Double(number))
        default: value
        }
    }

    static func checksum(
        of table: Table, columns: [String], in database: AppDatabase, batch: Int
    ) async throws -> (
        rows: Int, digest: String
    ) {
        var sums: (UInt64, UInt64) = (0, 0)
        var rows = 0
        var after: [SQLValue]?
        let key = table.key(on: database.engine)
        while true {
            let page = try await page(of: table, columns: columns, key: key, after: after, limit: batch, in: database)
            guard let last = page.last else { break }
            for row in page {
                let digest = sha256(canonical(row.prefix(columns.count)))
                sums.0 &+= digest.0
                sums.1 &+= digest.1
            }
            rows += page.count
            after = Array(last.suffix(key.count))
        }
        return (rows, String(format: "%016llx%016llx", sums.0, sums.1))
    }

    /// A row's values as one text that is the same on both engines.
    static func canonical(_ values: ArraySlice<SQLValue>) -> [UInt8] {
        var text = ""
        for value in values {
            switch value {
            case .null: text += "N"
            case .bool(let flag): text += flag ? "n1" : "n0"
            case .integer(let number): text += "n\(number)"
            case .real(let number):
                if number == number.rounded(), abs(number) < 9.0e15 { text += "n\(Int64(number))" } else { text += "r\(number.bitPattern)" }
            case .text(let string): text += "t" + string.replacingOccurrences(of: "\u{0}", with: "\u{FFFD}")
            case .blob(let bytes): text += "x" + SessionDigest.sha256(bytes).map { String(format: "%02x", $0) }.joined()
            }
            text += "\u{1F}"
        }
        return Array(text.utf8)
    }

    /// The first 16 bytes of the SHA-256 of `bytes`, as two numbers.
    static func sha256(_ bytes: [UInt8]) -> (UInt64, UInt64) {
        let digest = SessionDigest.sha256(bytes)
        func number(_ range: Range<Int>) -> UInt64 { digest[range].reduce(0) { $0 << 8 | UInt64($1) } }
        return (number(0..<8), number(8..<16))
    }

    static func quoted(_ name: String) -> String { "\"" + name + "\"" }

    /// A key as the copy's record keeps it: JSON, each value tagged with its type.
    static func encodeKey(_ values: [SQLValue]) throws -> String {
        let tagged: [String] = values.map { value in
            switch value {
            case .null: "N"
            case .integer(let number): "i\(number)"
            case .real(let number): "r\(number.bitPattern)"
            case .bool(let flag): flag ? "b1" : "b0"
            case .text(let text): "t" + text
            case .blob(let bytes): "x" + bytes.map { String(format: "%02x", $0) }.joined()
            }
        }
        return String(decoding: try JSONEncoder().encode(tagged), as: UTF8.self)
    }

    static func decodeKey(_ text: String) throws -> [SQLValue] {
        let tagged = try JSONDecoder().decode([String].self, from: Data(text.utf8))
        return try tagged.map { tag in
            let rest = String(tag.dropFirst())
            switch tag.first {
            case "N": return .null
            case "i": if let number = Int64(rest) { return .integer(number) }
            case "r": if let bits = UInt64(rest) { return .real(Double(bitPattern: bits)) }
            case "b": return .bool(rest == "1")
            case "t": return .text(rest)
            case "x":
                let digits = Array(rest.utf8)
                if digits.count.isMultiple(of: 2) {
                    let bytes = stride(from: 0, to: digits.count, by: 2).compactMap {
                        UInt8(String(decoding: digits[$0..<$0 + 2], as: UTF8.self), radix: 16)
                    }
                    if bytes.count * 2 == digits.count { return .blob(bytes) }
                }
            default: break
            }
            throw StoreError.copyRefused("the copy's record of its progress is damaged (\(tag)): start again with an empty store")
        }
    }
}
