import ArgumentParser
import Foundation
import Model
import Monitor
import Register
import Store

extension WageWatch {
    struct Scorecard: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print the department scorecard (部门评分), worst first, per department or per township.")

        enum Grouping: String, ExpressibleByArgument, CaseIterable {
            case department, township
        }

        enum Format: String, ExpressibleByArgument, CaseIterable {
            case table, csv, json
        }

        @OptionGroup var global: GlobalOptions
        @OptionGroup var register: RegisterOptions

        @Option(help: "Group by department (行业主管部门) or township (属地).")
        var by: Grouping = .department

        @Option(help: "Output format: table, csv (opens in Excel) or json.")
        var format: Format = .table

        func run() async throws {
            let report = try await global.makeMonitor(store: .readOnly).evaluateRegister(
                asOf: register.asOf ?? .today, windowDays: register.window)
            let lines = by == .department ? report.departments : report.townships
            let first = by == .department ? "部门" : "属地"
            let header = ScorecardRows.header(lines, first: first)
            let rows = ScorecardRows.rows(lines)
            switch format {
            case .table:
                print("部门评分 as of \(report.asOf), 近 \(report.windowDays) 天（从差到好）")
                print(ScorecardTable.table(lines, first: first).lines().joined(separator: "\n"))
            case .csv:
                try write(ExcelCSV.document([header] + rows), to: nil)
            case .json:
                try write(try JSONOutput.encode(lines), to: nil)
            }
        }
    }

    struct Reports: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Department ledgers (欠薪问题台账) as imported.",
            subcommands: [Rejected.self])

        struct Rejected: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "List the rejected ledger and registry rows: file, row, column and the reason a clerk can fix.")

            @OptionGroup var global: GlobalOptions

            @Option(help: "Only the rows of this department (填报单位 / 行业主管部门).")
            var department: String?

            func run() async throws {
                // Ledger rows first, then registry rows; records a feed sent that could not be
                // read are the feeds' business (`run` and `feed inspect` show them).
                let database = try global.makeMonitor(requiringRules: false, store: .readOnly).database
                let rejections = (try await database.rejections(kind: .reports) + database.rejections(kind: .registry))
                    .filter { department == nil || $0.department == department }
                print("退回行 rejected rows: \(rejections.count)")
                guard !rejections.isEmpty else { return }
                print(
                    TextTable(
                        header: ["文件", "行", "列", "填报单位", "原因"],
                        rows: rejections.map { [$0.file, "\($0.row)", $0.column ?? "-", $0.department ?? "-", $0.reason] },
                        rightAligned: [1]
                    ).lines().joined(separator: "\n"))
            }
        }
    }
}
