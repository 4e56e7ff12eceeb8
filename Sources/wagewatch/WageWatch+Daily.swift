import ArgumentParser
import Foundation
import Model
import Monitor
import Register
import Web

extension WageWatch {
    struct Daily: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print the daily risk list (日报): new and cleared flags, rising projects, top stories, escalations first.")

        enum Format: String, ExpressibleByArgument, CaseIterable {
            case table, csv, json, html
        }

        @OptionGroup var global: GlobalOptions
        @OptionGroup var register: RegisterOptions

        @Option(help: "Output format: table, csv (opens in Excel), json or html (a printable page).")
        var format: Format = .table

        @Option(name: .shortAndLong, help: "Write to this file instead of standard output.")
        var output: String?

        func run() async throws {
            let (today, brief) = try await global.makeMonitor(store: .readOnly)
                .registerAndBrief(asOf: register.asOf ?? .today, windowDays: register.window)
            let text: String
            switch format {
            case .table: text = brief.lines().joined(separator: "\n") + "\n"
            case .csv: text = brief.csv()
            case .html: text = try DailyPrint.html(brief, sourceHealth: today.sourceHealth)
            case .json: text = try JSONOutput.encode(brief)
            }
            try write(text, to: output)
        }
    }
}

/// Pretty, stable JSON for the machine-readable outputs.
enum JSONOutput {
    static func encode(_ value: some Encodable) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        return String(decoding: try encoder.encode(value), as: UTF8.self) + "\n"
    }
}

/// Writes `text` to the file, or to standard output when there is none.
func write(_ text: String, to path: String?) throws {
    guard let path else {
        FileHandle.standardOutput.write(Data(text.utf8))
        return
    }
    do {
        try Data(text.utf8).write(to: URL(fileURLWithPath: path), options: .atomic)
    } catch {
        throw CommandFailure(message: "cannot write \(path): \(error.localizedDescription)")
    }
}
