import ArgumentParser
import Foundation
import Store

extension WageWatch {
    struct Migrate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Bring the store's schema up to this version of wagewatch (升级数据库).",
            discussion: """
                Applies the named migrations the store lacks, each in its own transaction, and says \
                which store and engine it is. A store a newer wagewatch upgraded is refused. Every \
                command that writes migrates too; this one does nothing else, for an upgrade done \
                on purpose (back up first).
                """)

        @OptionGroup var global: GlobalOptions

        func run() async throws {
            let database = try global.openExisting()
            let place = global.isPostgres ? (try? PostgresLocation(global.database)).map { "\($0)" } ?? "" : global.database
            let applied = try await database.appliedMigrations()
            print("数据库已是当前版本 (the store is up to date: \(applied.count) migrations, \(database.engine.rawValue), \(place))")
        }
    }
}
