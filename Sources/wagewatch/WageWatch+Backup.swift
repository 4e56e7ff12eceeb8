import ArgumentParser
import Foundation
import Store

extension WageWatch {
    struct Backup: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Copy the store to a new file (备份), safely while serve and watch keep running.",
            discussion: """
                SQLite's online backup: the copy is the store as it stood at one moment, one
                self-contained file. An existing file is never overwritten. Restore by stopping
                every wagewatch process and putting the copy in place of the store.
                """)

        @OptionGroup var global: GlobalOptions

        @Argument(help: "The new file to write, e.g. /srv/backup/wagewatch-2024-12-31.sqlite.")
        var destination: String

        func run() async throws {
            guard !global.isPostgres else {
                throw CommandFailure(
                    message: "a PostgreSQL store is backed up by PostgreSQL itself: pg_dump --format=custom --file=FILE DATABASE")
            }
            let folder = URL(fileURLWithPath: destination).deletingLastPathComponent().path
            var isFolder: ObjCBool = false
            guard FileManager.default.fileExists(atPath: folder, isDirectory: &isFolder), isFolder.boolValue else {
                throw MissingFolder(path: folder, option: "the backup's folder")
            }
            try await global.openReadOnly().backup(to: destination)
            print("备份完成 (backed up \(global.database) to \(destination))")
        }
    }
}
