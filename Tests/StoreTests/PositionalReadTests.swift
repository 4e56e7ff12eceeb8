import Foundation
import GRDB
import Testing

@testable import Store

/// The reads by column position (`AppDatabase.positionalReads`) against the schema the
/// migrations make: a column renamed, dropped or moved in a SELECT list fails here, not
/// as a value read into the wrong field.
@Suite struct PositionalReadTests {
    @Test func everyPositionalReadNamesColumnsOfItsTableAndIsAsWideAsItsDecoder() throws {
        let database = try AppDatabase.inMemory()
        try database.writer.read { db in
            for read in AppDatabase.positionalReads {
                let known = Set(try db.columns(in: read.table).map { $0.name.lowercased() })
                #expect(!known.isEmpty, "\(read.table)")
                // The plain column names of the list (expressions, NULL and '' aside).
                let names = read.columns.split(separator: ",").map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
                    .filter { $0.range(of: #"^(a\.)?[a-z_]+$"#, options: .regularExpression) != nil }
                    .map { $0.hasPrefix("a.") ? String($0.dropFirst(2)) : $0 }
                    .filter { $0 != "null" }
                #expect(!names.isEmpty)
                for name in names { #expect(known.contains(name), "\(read.table).\(name)") }
                let statement = try db.makeStatement(sql: "SELECT \(read.columns) FROM \(read.table) AS a LIMIT 0")
                #expect(statement.columnCount == read.width, "\(read.table): \(statement.columnNames)")
            }
        }
    }
}
