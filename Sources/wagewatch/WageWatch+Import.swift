import ArgumentParser
import Ingest
import Model
import Monitor
import Store

extension WageWatch {
    struct Import: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Import the project registry or a department's monthly ledger from CSV.",
            subcommands: [Registry.self, Reports.self])

        struct Registry: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Import the project registry (在建项目台账) CSV.")

            @OptionGroup var global: GlobalOptions

            @Argument(help: "The registry CSV file.")
            var file: String

            func run() async throws {
                // A file that cannot be read leaves no empty store behind.
                try LocalFile.check(file)
                let summary = try await global.makeMonitor(requiringRules: false, store: .creating).importRegistry(path: file)
                printSummary(summary, noun: "projects")
            }
        }

        struct Reports: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Import a department's monthly wage-arrears ledger (欠薪问题台账) CSV.")

            @OptionGroup var global: GlobalOptions

            @Option(help: "The filing day of rows without 填报日期, YYYY-MM-DD (default: today).")
            var filedOn: Day?

            @Argument(help: "The ledger CSV file.")
            var file: String

            func run() async throws {
                try LocalFile.check(file)
                let summary = try await global.makeMonitor(requiringRules: false, store: .creating).importReports(
                    path: file, today: filedOn ?? .today)
                printSummary(summary, noun: "ledger rows")
            }
        }
    }
}

/// Prints what an import did, then each rejected row with its place and reason.
private func printSummary(_ summary: ImportSummary, noun: String) {
    print(
        "\(noun): \(summary.added) added, \(summary.updated) updated, \(summary.unchanged) unchanged, \(summary.rejections.count) rejected, \(summary.removed) removed"
    )
    if !summary.removedIDs.isEmpty {
        print("  removed (an earlier version of this file had them): \(summary.removedIDs.joined(separator: ", "))")
    }
    for rejection in summary.rejections {
        print("  rejected: \(rejection)")
    }
}
