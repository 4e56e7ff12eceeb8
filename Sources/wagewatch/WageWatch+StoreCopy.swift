import ArgumentParser
import Foundation
import Logging
import Monitor
import Store

extension WageWatch {
    struct StoreCommand: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "store", abstract: "Move a store between engines (迁移数据库).", subcommands: [Copy.self])

        struct Copy: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Copy a whole store into a new, empty one: SQLite to PostgreSQL, or back (复制数据库).",
                discussion: """
                    Every table is copied in batches, each written with a record of how far the copy has \
                    come: an interrupted copy goes on where it stopped when the same command is run again. \
                    At the end each table's rows are counted and checksummed on both sides, and any \
                    difference is an error. The copy builds its own search index. Stop every watch and \
                    serve on the source first; the source is only read.
                    """)

            @Option(help: "The store to copy: a SQLite file or postgres://USER@HOST[:PORT]/DATABASE.")
            var from: String

            @Option(help: "The new store: a SQLite file (made when missing) or a PostgreSQL address (its tables are made).")
            var to: String

            @Option(help: "Rows per batch.")
            var batch = 2_000

            @Flag(name: .shortAndLong, help: "Log each step to standard error.")
            var verbose = false

            func validate() throws {
                guard batch > 0 else { throw ValidationError("--batch must be at least 1") }
                guard from != to else { throw ValidationError("--from and --to name the same store") }
            }

            func run() async throws {
                LoggingSystem.bootstrapOnce(level: verbose ? .info : .warning)
                // The source is only read: a store of another version is refused, not upgraded.
                let source = try GlobalOptions.openReadOnly(from)
                let sourceName =
                    PostgresLocation.isLocation(from)
                    ? "\(try PostgresLocation(from))"  // never a password: none is ever in an address
                    : URL(fileURLWithPath: from).standardizedFileURL.path
                let destination = try GlobalOptions.open(to, creating: true)
                let tables = try await StoreCopy.copy(from: source, named: sourceName, to: destination, batch: batch) { table, rows in
                    if verbose { FileHandle.standardError.write(Data("\(table): \(rows) rows\n".utf8)) }
                }
                let indexed = try await destination.updateSearchIndex(fold: try Monitor.searchFold())
                let table = TextTable(
                    header: ["表 (table)", "行数 (rows)", "本次复制 (copied now)", "校验和 (checksum)"],
                    rows: tables.map { [$0.name, "\($0.rows)", "\($0.copiedNow)", $0.checksum] }, rightAligned: [1, 2])
                for line in table.lines() { print(line) }
                print("复制完成，行数与校验和一致 (copied and checked: \(tables.reduce(0) { $0 + $1.rows }) rows; \(indexed) items indexed for search)")
            }
        }
    }
}
