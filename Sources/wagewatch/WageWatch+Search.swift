import ArgumentParser
import Foundation
import Model
import Monitor
import Store

extension WageWatch {
    struct Search: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Find stored items whose text holds a term (two characters or more: 欠薪, 农民工), newest first.",
            discussion: """
                Brings the search index up to date first (items stored since the last search or since \
                `serve` last indexed), then searches the masked display copies: personal numbers are \
                never indexed. Traditional characters and full-width forms match their simplified and \
                half-width forms. A one-character term is looked for in the newest 20,000 items only.
                """)

        @OptionGroup var global: GlobalOptions

        @Argument(help: "The term to look for.")
        var term: String

        // Unconditional, so that `--limit -1` reaches the check below instead of "missing value".
        @Option(parsing: .unconditional, help: "At most this many items (0 to 10000).")
        var limit = 50

        @Flag(help: "Build the search index again from scratch first (after a VACUUM by hand).")
        var reindex = false

        func validate() throws {
            guard (0...10_000).contains(limit) else { throw ValidationError("--limit must be between 0 and 10000, got \(limit)") }
            guard !term.trimmingCharacters(in: .whitespaces).isEmpty else { throw ValidationError("the term is empty") }
        }

        func run() async throws {
            // A store this user may not write (a copy, another user's file) is searched as
            // it was last indexed.
            let manager = FileManager.default
            let folder = URL(fileURLWithPath: global.database).deletingLastPathComponent().path
            let readOnly =
                !global.isPostgres && manager.fileExists(atPath: global.database)
                && !(manager.isWritableFile(atPath: global.database) && manager.isWritableFile(atPath: folder))
            let monitor = try global.makeMonitor(requiringRules: false, store: readOnly ? .readOnly : .existing)
            let fold = try Monitor.searchFold()
            if readOnly {
                FileHandle.standardError.write(
                    Data("the store is read-only here: items stored since it was last indexed are not searched\n".utf8))
            } else {
                if reindex { try await monitor.database.clearSearchIndex() }
                let indexed = try await monitor.database.updateSearchIndex(fold: fold)
                if indexed > 0 { FileHandle.standardError.write(Data("indexed \(indexed) items\n".utf8)) }
            }
            guard limit > 0 else { return }
            let ids = try await monitor.database.search(term, limit: limit, fold: fold)
            for headline in try await monitor.database.headlines(of: ids) {
                print("\(headline.itemID)\t\(Day(containing: headline.at))\t\(headline.title)")
            }
            if ids.isEmpty { print("没有找到“\(term)”") }
        }
    }
}
