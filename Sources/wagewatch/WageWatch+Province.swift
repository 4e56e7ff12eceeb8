import ArgumentParser
import Foundation
import Logging
import Model
import Monitor
import Register
import RulesFile
import Store
import Web

extension WageWatch {
    struct Province: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "A province of cities (省级汇总): every city's register rolled up.",
            discussion: """
                The cities are listed in a YAML file (--province): each with a code, a name and its store \
                (a SQLite file, or a postgres:// address with ?schema=CITY when the cities share one \
                PostgreSQL database). Every city's store is only read, one city at a time. A city's roll-up \
                of the day that the city kept (its serve node keeps it whenever it makes its register, or \
                `province keep` does) is read as it is while the city's store has not changed since and it \
                was made under the same rules files; any other city's register is made anew.
                """,
            subcommands: [ProvinceScorecard.self, ProvinceDaily.self, ProvinceKeep.self])
    }

    /// Where the province file and the rules are.
    struct ProvinceOptions: ParsableArguments {
        @Option(help: "The province file: its name and its cities (code, name, store).")
        var province: String

        @Option(help: "The folder of lexicons and rules (*.yaml), read for every city.")
        var rules = "rules"

        @Option(help: "The folder of feed definitions (*.yaml), for the cities' source health.")
        var feeds = "feeds"

        @Option(help: "The day the registers are evaluated for, YYYY-MM-DD (default: today, Asia/Shanghai).")
        var asOf: Day?

        @Flag(name: .shortAndLong, help: "Log each step to standard error.")
        var verbose = false

        /// The province's file, read and checked.
        func config() throws -> ProvinceConfig {
            LoggingSystem.bootstrapOnce(level: verbose ? .info : .warning)
            return try Self.config(at: province)
        }

        static func config(at path: String) throws -> ProvinceConfig {
            guard FileManager.default.fileExists(atPath: path) else {
                throw CommandFailure(message: "no province file at \(path) (--province)")
            }
            do {
                return try ProvinceConfig.load(file: URL(fileURLWithPath: path))
            } catch {
                throw CommandFailure(message: error.described(as: "province file"))
            }
        }

        /// A monitor over each city's store, opened to read only; a store that cannot be
        /// opened is the city's failure, not the whole province's.
        static func cityMonitors(_ config: ProvinceConfig, rules: String, feeds: String) throws -> [Result<Monitor, any Error>] {
            var isFolder: ObjCBool = false
            guard FileManager.default.fileExists(atPath: rules, isDirectory: &isFolder), isFolder.boolValue else {
                throw MissingFolder(path: rules, option: "--rules")
            }
            return config.cities.map { city in
                Result {
                    Monitor(
                        database: try GlobalOptions.openReadOnly(city.store),
                        feedsDirectory: URL(fileURLWithPath: feeds, isDirectory: true),
                        rulesDirectory: URL(fileURLWithPath: rules, isDirectory: true))
                }
            }
        }

        /// The roll-up of the day, after telling standard error which cities could not be read.
        func rollup() async throws -> ProvinceRollup {
            let config = try config()
            let rollup = await Monitor.provinceRollup(
                config, cities: try Self.cityMonitors(config, rules: rules, feeds: feeds), asOf: asOf ?? .today)
            for city in rollup.cities {
                if let failure = city.failure {
                    FileHandle.standardError.write(Data("city \(city.code) (\(city.name)) could not be read: \(failure)\n".utf8))
                }
            }
            return rollup
        }
    }

    /// A city that could not be read makes the command fail after its output: a roll-up
    /// missing a city must not pass for a whole province's.
    struct CitiesUnread: Error, CustomStringConvertible {
        var codes: [String]
        var description: String { "cities not read: \(codes.joined(separator: ", "))" }

        static func check(_ rollup: ProvinceRollup) throws {
            let failed = rollup.cities.filter { $0.failure != nil }.map(\.code)
            if !failed.isEmpty { throw CitiesUnread(codes: failed) }
        }
    }

    struct ProvinceScorecard: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "scorecard",
            abstract: "Print the provincial scorecard (全省排名): cities worst first, then each city's departments worst first.")

        enum Format: String, ExpressibleByArgument, CaseIterable {
            case table, csv, json
        }

        @OptionGroup var options: ProvinceOptions

        @Option(help: "Output format: table, csv (opens in Excel) or json.")
        var format: Format = .table

        @Option(name: .shortAndLong, help: "Write to this file instead of standard output.")
        var output: String?

        func run() async throws {
            let rollup = try await options.rollup()
            // Each city's total, then its departments, as the city's own scorecard prints them.
            let departments = rollup.cities.flatMap(\.departments)
            let header = ["市"] + ScorecardRows.header(departments, first: "部门")
            var rows: [[String]] = []
            for city in rollup.cities {
                guard city.failure == nil else {
                    rows.append([city.name, "（无法读取）"] + Array(repeating: "-", count: header.count - 2))
                    continue
                }
                var total = city.total
                total.department = "（全市）"
                rows += ScorecardRows.rows(
                    [total] + city.departments, platform: ScorecardRows.hasPlatform(departments),
                    cases: ScorecardRows.hasCases(departments)
                )
                .map { [city.name] + $0 }
            }
            switch format {
            case .table:
                let lines = TextTable(header: header, rows: rows, rightAligned: Set(2..<header.count)).lines()
                try write(
                    (["\(rollup.province) 全省排名 as of \(rollup.asOf)（各市从差到好，市内各部门从差到好）"] + lines).joined(separator: "\n") + "\n",
                    to: output)
            case .csv: try write(ExcelCSV.document([header] + rows), to: output)
            case .json: try write(try JSONOutput.encode(rollup), to: output)
            }
            try CitiesUnread.check(rollup)
        }
    }

    struct ProvinceKeep: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "keep",
            abstract: "Make this city's register of the day and keep its roll-up in its store, for the province.",
            discussion: """
                Run on a city's store (--database) with the rules the province reads (--rules). A city's \
                serve node does this itself whenever it makes its register; run this from cron where no \
                serve node runs. The province then reads the kept roll-up while the store has not changed \
                since, instead of making the city's register anew.
                """)

        @OptionGroup var global: GlobalOptions

        @Option(help: "The day of the roll-up, YYYY-MM-DD (default: today, Asia/Shanghai).")
        var asOf: Day?

        func run() async throws {
            let monitor = try global.makeMonitor()
            let day = asOf ?? .today
            guard try await monitor.makeAndKeepRollup(asOf: day) else {
                throw CommandFailure(message: "the store was being written for too long: no roll-up kept, run again")
            }
            print("roll-up of \(day) kept")
        }
    }

    struct ProvinceDaily: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "daily",
            abstract: "Print the provincial daily list (全省日报): each city's day, new flags and the widest stories.")

        enum Format: String, ExpressibleByArgument, CaseIterable {
            case table, json, html
        }

        @OptionGroup var options: ProvinceOptions

        @Option(help: "Output format: table, json or html (a printable page).")
        var format: Format = .table

        @Option(name: .shortAndLong, help: "Write to this file instead of standard output.")
        var output: String?

        func run() async throws {
            let rollup = try await options.rollup()
            switch format {
            case .table: try write(ProvincePrint.lines(rollup).joined(separator: "\n") + "\n", to: output)
            case .json: try write(try JSONOutput.encode(rollup), to: output)
            case .html: try write(try ProvincePrint.html(rollup), to: output)
            }
            try CitiesUnread.check(rollup)
        }
    }
}
