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
            case table, csv, json, html, xlsx
        }

        @OptionGroup var global: GlobalOptions
        @OptionGroup var register: RegisterOptions

        @Option(
            help: """
                Output format: table, csv (opens in Excel), json, html (a printable brief) or xlsx (a workbook, one \
                sheet per list; written to --output only).
                """)
        var format: Format = .table

        @Option(help: "Who issues the brief, in the printable brief's head (编制单位).")
        var issuer = DailyPrint.defaultIssuer

        @Option(name: .shortAndLong, help: "Write to this file instead of standard output.")
        var output: String?

        func validate() throws {
            if format == .xlsx && output == nil { throw ValidationError("an XLSX workbook needs --output FILE") }
        }

        func run() async throws {
            let (today, brief) = try await global.makeMonitor(store: .readOnly)
                .registerAndBrief(asOf: register.asOf ?? .today, windowDays: register.window)
            let text: String
            switch format {
            case .table: text = brief.lines().joined(separator: "\n") + "\n"
            case .csv: text = brief.csv()
            case .html: text = try DailyPrint.html(brief, sourceHealth: today.sourceHealth, issuer: issuer)
            case .json: text = try JSONOutput.encode(brief)
            case .xlsx:
                if let output { try brief.xlsx().write(to: URL(fileURLWithPath: output), options: .atomic) }
                return
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
