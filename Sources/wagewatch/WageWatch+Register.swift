import ArgumentParser
import Foundation
import Model
import Monitor

extension WageWatch {
    struct Register: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print the risk register (风险台账) as of a day, from what the store holds.")

        enum Format: String, ExpressibleByArgument, CaseIterable {
            case table, json
        }

        @OptionGroup var global: GlobalOptions
        @OptionGroup var register: RegisterOptions

        @Option(help: "Output format: table or json.")
        var format: Format = .table

        func run() async throws {
            let monitor = try global.makeMonitor(store: .readOnly)
            let report = try await monitor.evaluateRegister(asOf: register.asOf ?? .today, windowDays: register.window)
            switch format {
            case .table:
                print(RiskListTable(register: report).render())
            case .json:
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
                encoder.dateEncodingStrategy = .iso8601
                print(String(decoding: try encoder.encode(report), as: UTF8.self))
            }
        }
    }
}
