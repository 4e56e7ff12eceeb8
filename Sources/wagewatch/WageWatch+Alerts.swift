import Alerts
import ArgumentParser
import Foundation
import Model
import Monitor
import RulesFile
import Store

extension WageWatch {
    struct AlertsCommand: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "alerts",
            abstract: "Alerts (预警推送): check the alerts file, send a test, send what is due, see what was sent.",
            discussion: """
                Channels and subscriptions are read from alerts.yaml in the feeds folder (--feeds). Secrets \
                are named there as ${NAME} and read from the environment when a message is sent.
                """,
            subcommands: [Check.self, Test.self, Send.self, Log.self])

        static func config(_ global: GlobalOptions) throws -> AlertConfig {
            do {
                return try AlertConfig.load(directory: URL(fileURLWithPath: global.feeds, isDirectory: true))
            } catch {
                throw CommandFailure(message: error.described(as: "alerts file"))
            }
        }

        struct Check: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Read alerts.yaml and list its channels and subscriptions (never a secret).")
            @OptionGroup var global: GlobalOptions

            func run() async throws {
                let config = try AlertsCommand.config(global)
                if config.channels.isEmpty { print("没有配置推送通道 (no channels in alerts.yaml)") }
                for channel in config.channels {
                    print(
                        "通道 \(channel.id)：\(channel.kind.rawValue)，每小时最多 \(channel.perHour) 条，\(channel.personalData ? "可含个人信息（信访局专用）" : "只发脱敏文本")"
                    )
                }
                for subscription in config.subscriptions {
                    let scope = (subscription.departments.sorted() + subscription.townships.sorted()).joined(separator: "、")
                    print(
                        "订阅 → \(subscription.channel)：\(subscription.events.map(\.label).sorted().joined(separator: "、"))，"
                            + "等级≥\(subscription.minLevel.label)\(scope.isEmpty ? "" : "，限 \(scope)")"
                            + (subscription.dailyAt.map { "，日报 \($0)" } ?? ""))
                }
            }
        }

        struct Test: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Send a test message to one channel now, and say what its receiver answered.")
            @OptionGroup var global: GlobalOptions
            @Argument(help: "The channel's id in alerts.yaml.")
            var channel: String

            func run() async throws {
                let config = try AlertsCommand.config(global)
                guard let target = config.channels.first(where: { $0.id == channel }) else {
                    throw CommandFailure(message: "alerts.yaml has no channel \(channel)")
                }
                let monitor = try global.makeMonitor(requiringRules: false)
                let now = Date()
                let event = AlertEvent(
                    id: "test-\(channel)-\(Int(now.timeIntervalSince1970))", kind: .test, level: .medium, title: "wagewatch 推送测试",
                    text: "这是一条测试消息：通道 \(channel) 已能收到 wagewatch 的预警。", at: now)
                // Through the outbox, as every alert goes: the log shows it.
                try await monitor.database.enqueueAlert(event, channels: [target.id])
                let dispatcher = AlertDispatcher(
                    config: config, database: monitor.database, environment: ProcessInfo.processInfo.environment)
                let outcome = await dispatcher.attempt(event, on: target, attempts: 0, now: now)
                switch outcome {
                case .sent:
                    try await monitor.database.recordAlertAttempt(eventID: event.id, channel: target.id, state: .sent, at: now)
                    print("已发送到 \(channel)")
                case .retry(_, let reason), .slowDown(_, let reason), .failed(let reason):
                    try await monitor.database.recordAlertAttempt(
                        eventID: event.id, channel: target.id, state: .failed, at: now, error: reason)
                    throw CommandFailure(message: "channel \(channel): \(reason)")
                }
            }
        }

        struct Send: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Send every alert that is due (watch and serve --watch do this on their own).")
            @OptionGroup var global: GlobalOptions

            func run() async throws {
                let config = try AlertsCommand.config(global)
                let monitor = try global.makeMonitor(requiringRules: false)
                let report = try await AlertDispatcher(
                    config: config, database: monitor.database, environment: ProcessInfo.processInfo.environment
                ).deliverDue()
                print(
                    "已发送 \(report.sent)，待重试 \(report.retrying)，失败 \(report.failed)，"
                        + "超出每小时上限：汇总 \(report.summarized)、顺延 \(report.deferred)")
            }
        }

        struct Log: AsyncParsableCommand {
            static let configuration = CommandConfiguration(abstract: "What was sent, failed or waits, newest first.")
            @OptionGroup var global: GlobalOptions
            @Option(help: "How many lines.") var limit = 50
            @Option(help: "pending, sent, failed or summarized.") var state: AlertDelivery.State?

            func run() async throws {
                let monitor = try global.makeMonitor(requiringRules: false, store: .readOnly)
                let lines = try await monitor.database.alertLog(limit: limit, state: state)
                if lines.isEmpty { print("推送记录为空") }
                for line in lines {
                    let when = line.sentAt ?? line.nextAt
                    print(
                        "\(Day.minuteText(of: when)) \(line.state.label) \(line.channel) \(line.event.kind.label)·\(line.event.level.label) "
                            + "\(line.event.title)（\(line.event.id)，\(line.attempts) 次）" + (line.lastError.map { " \($0)" } ?? "")
                            + (line.summary.map { " 汇总于 \($0)" } ?? ""))
                }
            }
        }
    }
}

extension AlertDelivery.State: ExpressibleByArgument {}
