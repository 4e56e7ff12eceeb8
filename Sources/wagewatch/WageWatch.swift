import ArgumentParser
import Foundation
import Model

@main
struct WageWatch: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "wagewatch",
        abstract: "欠薪舆情与信访风险监测: wage-arrears petition and public-opinion risk monitor.",
        subcommands: [Run.self, Watch.self, Register.self, Daily.self, Scorecard.self, Import.self, Reports.self, Explain.self,
                      Rescore.self, Rules.self, Feed.self, User.self, Serve.self, Search.self])
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
