import ArgumentParser
import Monitor

extension WageWatch {
    struct Rescore: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Apply the current rules and registry to every stored item; report what changes.")

        @OptionGroup var global: GlobalOptions

        @Flag(help: "Report what would change, write nothing.")
        var dryRun = false

        func run() async throws {
            let report = try await global.makeMonitor().rescore(write: !dryRun)
            print(
                "\(report.items) items: level changed \(report.changedLevel), claim kind changed \(report.changedClaim), link changed \(report.changedLink)"
                    + (report.keptDecisions > 0 ? "; \(report.keptDecisions) keep their reviewers' decisions (审核结论)" : "")
                    + (report.written ? "; written" : "; dry run, nothing written"))
            if global.verbose {
                for change in report.changes {
                    print("  \(change.itemID): \(change.what.joined(separator: "; "))")
                }
            }
        }
    }
}
