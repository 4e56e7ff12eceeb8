import Alerts
import ArgumentParser
import Foundation
import Model
import Monitor

extension WageWatch {
    struct Run: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "One monitoring cycle: fetch every feed, store, score, link, and print the daily risk list (日报).",
            discussion:
                "Exits 0 when every feed was read, 3 when one or more failed (the others are stored and the list printed) or no feed is defined, 1 on any other error."
        )

        @OptionGroup var global: GlobalOptions
        @OptionGroup var register: RegisterOptions

        func run() async throws {
            let monitor = try global.makeMonitor()
            let progress = CycleProgress()
            let report = try await monitor.runCycle(
                asOf: register.asOf ?? .today, windowDays: register.window, deliveringAlerts: true,
                progress: { progress.update(done: $0, total: $1) })
            progress.finish()
            print(RiskListTable(cycle: report).render())
            // The escalations went out during the cycle; the register's alerts go now (what a
            // receiver refuses waits for `alerts send` or the next run).
            let alerts = try await report.alerts + monitor.deliverAlerts()
            if alerts.sent + alerts.retrying + alerts.failed + alerts.deferred + alerts.summarized > 0 {
                print(
                    "预警推送：已发送 \(alerts.sent)，待重试 \(alerts.retrying)，失败 \(alerts.failed)，"
                        + "超出每小时上限：汇总 \(alerts.summarized)、顺延 \(alerts.deferred)")
            }
            // cron and systemd read the exit code: a failed feed is no quiet city, and neither
            // is a feeds folder with no feed in it (a wrong --feeds, a catalog not yet copied).
            if report.feeds.isEmpty {
                FileHandle.standardError.write(
                    Data("wagewatch run: no feed is defined in \(global.feeds) (no *.yaml catalog with feeds); nothing was fetched\n".utf8))
                throw ExitCode(Self.someFeedFailed)
            }
            if report.feeds.contains(where: { $0.error != nil }) { throw ExitCode(Self.someFeedFailed) }
        }

        static let someFeedFailed: Int32 = 3
    }
}
