import ArgumentParser
import Ingest
import Model
import Monitor
import Store

extension WageWatch {
    struct Import: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Import the project registry or a department's monthly ledger from CSV.",
            subcommands: [Registry.self, Reports.self, Platform.self])

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

        struct Platform: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Import the real-name platform's monthly exports (实名制考勤与专户代发) CSV.",
                discussion: """
                    Each row is matched to the registry by its 项目编号, else by its name, contractor and \
                    township; rows that match nothing are kept and listed by `wagewatch platform unmatched`. \
                    Several files (a year's exports) are imported in the order given, each on its own; a file \
                    that cannot be read stops the import there, the files before it imported.
                    """)

            @OptionGroup var global: GlobalOptions

            @Option(help: "Today, YYYY-MM-DD: a month after it is refused (default: today).")
            var today: Day?

            @Argument(help: "The platform's CSV exports, one month or more.")
            var files: [String]

            func validate() throws {
                guard !files.isEmpty else { throw ValidationError("name at least one platform CSV file") }
            }

            func run() async throws {
                for file in files { try LocalFile.check(file) }
                try await global.makeMonitor(store: .creating).importPlatform(paths: files, today: today ?? .today) { file, summary in
                    if files.count > 1 { print("\(file):") }
                    printSummary(summary, noun: "platform rows")
                }
            }
        }
    }

    struct Platform: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "The real-name platform's rows (实名制平台).", subcommands: [Unmatched.self])

        struct Unmatched: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "List the platform's projects that match no registry project (平台项目未匹配), newest month first.")

            @OptionGroup var global: GlobalOptions

            func run() async throws {
                let rows = try await global.makeMonitor(requiringRules: false, store: .readOnly).database.unmatchedPlatformRecords()
                print("未匹配的平台项目 unmatched platform rows: \(rows.count)")
                guard !rows.isEmpty else { return }
                print(
                    TextTable(
                        header: ["月份", "平台项目编码", "项目编号", "项目名称", "施工总包单位", "所属乡镇", "考勤人数"],
                        rows: rows.map {
                            [
                                $0.period.description, $0.platformProjectID, $0.projectID ?? "-", $0.projectName, $0.contractor ?? "-",
                                $0.township ?? "-", "\($0.workersAttending)",
                            ]
                        },
                        rightAligned: [6]
                    ).lines().joined(separator: "\n"))
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
