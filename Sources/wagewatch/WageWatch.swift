import ArgumentParser
import Foundation
import Model
import Store

@main
struct WageWatch: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "wagewatch",
        abstract: "欠薪舆情与信访风险监测: wage-arrears petition and public-opinion risk monitor.",
        version: "wagewatch \(WageWatch.version)",
        subcommands: [
            Run.self, Watch.self, Register.self, Daily.self, Scorecard.self, Import.self, Reports.self, Explain.self,
            Rescore.self, Rules.self, Feed.self, User.self, Serve.self, Search.self, Backup.self, Migrate.self, StoreCommand.self,
            Province.self, Platform.self, Case.self, AlertsCommand.self,
        ])

    /// The release, raised with each one (README, Upgrading).
    static let version = "0.13.0"

    /// Runs the command; a database error is said without the SQL it happened in.
    static func main() async {
        do {
            var command = try parseAsRoot()
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
            OpenedStores.closeAll()
        } catch {
            OpenedStores.closeAll()
            exit(withError: StoreError.plainMessage(for: error).map { CommandFailure(message: $0) } ?? error)
        }
    }
}

extension Day: ExpressibleByArgument {
    /// A day the register can look back from: 1950 to 2100 (its look-back must stay
    /// within the years a reporting month takes).
    public init?(argument: String) {
        guard let day = Day(argument), (1950...2100).contains(day.year) else { return nil }
        self = day
    }
}

extension Day {
    /// Today in the city's time zone.
    static var today: Day { Day(containing: Date()) }
}
