import Foundation
import Model
import Parallel
import Store

/// Takes the outbox's due deliveries to their channels: each channel's hourly cap kept,
/// each answer read as the channel means it (企业微信 errcode 45009 and 钉钉 130101 are
/// "too fast", HTTP 429 names its wait), a failure tried again later, further apart each
/// time, until it is given up.
public struct AlertDispatcher: Sendable {
    public var config: AlertConfig
    public var database: AppDatabase
    public var environment: [String: String]
    /// Attempts before a delivery is given up.
    public var maxAttempts = 8

    public init(config: AlertConfig, database: AppDatabase, environment: [String: String]) {
        self.config = config
        self.database = database
        self.environment = environment
    }

    public struct Report: Sendable, Equatable {
        public var sent = 0
        public var retrying = 0
        public var failed = 0
        /// Held back by a channel's hourly cap.
        public var deferred = 0

        public init(sent: Int = 0, retrying: Int = 0, failed: Int = 0, deferred: Int = 0) {
            self.sent = sent
            self.retrying = retrying
            self.failed = failed
            self.deferred = deferred
        }
    }

    /// What an attempt came to.
    public enum Outcome: Sendable, Equatable {
        case sent
        case retry(at: Date, reason: String)
        case failed(reason: String)
    }

    /// Sends what is due by `now`.
    public func deliverDue(now: Date = Date()) async throws -> Report {
        var report = Report()
        var sentThisHour: [String: Int] = [:]
        for delivery in try await database.dueAlertDeliveries(now: now) {
            guard let channel = config.channels.first(where: { $0.id == delivery.channel }) else {
                try await database.recordAlertAttempt(
                    eventID: delivery.event.id, channel: delivery.channel, state: .failed, at: now,
                    error: "通道 \(delivery.channel) 已不在 alerts.yaml 中")
                report.failed += 1
                continue
            }
            if sentThisHour[channel.id] == nil {
                sentThisHour[channel.id] = try await database.alertsSent(channel: channel.id, since: now.addingTimeInterval(-3_600))
            }
            guard sentThisHour[channel.id, default: 0] < channel.perHour else {
                try await database.deferAlert(eventID: delivery.event.id, channel: channel.id, until: now.addingTimeInterval(600))
                report.deferred += 1
                continue
            }
            let outcome = await attempt(delivery.event, on: channel, attempts: delivery.attempts, now: now)
            switch outcome {
            case .sent:
                try await database.recordAlertAttempt(eventID: delivery.event.id, channel: channel.id, state: .sent, at: now)
                sentThisHour[channel.id, default: 0] += 1
                report.sent += 1
            case .retry(let at, let reason):
                try await database.recordAlertAttempt(
                    eventID: delivery.event.id, channel: channel.id, state: .pending, at: now, retryAt: at, error: reason)
                report.retrying += 1
            case .failed(let reason):
                try await database.recordAlertAttempt(
                    eventID: delivery.event.id, channel: channel.id, state: .failed, at: now, error: reason)
                report.failed += 1
            }
        }
        return report
    }

    /// One attempt to send `event` on `channel` (its `attempts` before this one).
    public func attempt(_ event: AlertEvent, on channel: AlertConfig.Channel, attempts: Int, now: Date) async -> Outcome {
        if channel.kind == .smtp { return await mail(event, on: channel, attempts: attempts, now: now) }
        let request: AlertRequest
        do {
            request = try AlertMessage.request(event, to: channel, environment: environment, now: now)
        } catch {
            // A secret not set: nothing can be sent until it is; tried again later.
            return giveUpOr(.retry(at: now.addingTimeInterval(Self.backoff(attempts)), reason: "\(error)"), attempts: attempts)
        }
        let answer: Result<AlertPoster.Answer, AlertPoster.Failure> = await Parallel.run {
            Result { () throws(AlertPoster.Failure) -> AlertPoster.Answer in try AlertPoster.post(request) }
        }
        switch answer {
        case .success(let answer):
            return giveUpOr(Self.outcome(of: answer, kind: channel.kind, attempts: attempts, now: now), attempts: attempts)
        case .failure(let failure):
            return giveUpOr(
                .retry(at: now.addingTimeInterval(Self.backoff(attempts)), reason: "未送达：\(failure.description)"), attempts: attempts)
        }
    }

    /// One attempt to send `event` as an e-mail: a 5xx reply of the server is its refusal
    /// for good; anything else is tried again later.
    private func mail(_ event: AlertEvent, on channel: AlertConfig.Channel, attempts: Int, now: Date) async -> Outcome {
        let url: String
        let user: String?
        let password: String?
        do {
            url = try AlertSecrets.resolve(channel.url, environment: environment)
            user = try channel.user.map { (text: String) throws(AlertSecrets.Missing) -> String in
                try AlertSecrets.resolve(text, environment: environment)
            }
            password = try channel.password.map { (text: String) throws(AlertSecrets.Missing) -> String in
                try AlertSecrets.resolve(text, environment: environment)
            }
        } catch {
            return giveUpOr(.retry(at: now.addingTimeInterval(Self.backoff(attempts)), reason: "\(error)"), attempts: attempts)
        }
        let message = AlertMail.message(event, channel: channel, now: now)
        let from = channel.from ?? ""
        let recipients = channel.to
        let result: Result<AlertMail.Sent, AlertPoster.Failure> = await Parallel.run {
            Result { () throws(AlertPoster.Failure) -> AlertMail.Sent in
                try AlertMail.send(message, url: url, from: from, to: recipients, user: user, password: password)
            }
        }
        switch result {
        case .success: return .sent
        case .failure(let failure) where (500..<600).contains(failure.smtpCode):
            return .failed(reason: "邮件服务器拒收：\(failure.description)")
        case .failure(let failure):
            return giveUpOr(
                .retry(at: now.addingTimeInterval(Self.backoff(attempts)), reason: "未送达：\(failure.description)"), attempts: attempts)
        }
    }

    private func giveUpOr(_ outcome: Outcome, attempts: Int) -> Outcome {
        if case .retry(_, let reason) = outcome, attempts + 1 >= maxAttempts {
            return .failed(reason: "\(maxAttempts) 次均未成功：\(reason)")
        }
        return outcome
    }

    /// Seconds before the next attempt after `attempts` failed ones: 30 s, doubling, at most an hour.
    public static func backoff(_ attempts: Int) -> TimeInterval {
        min(3_600, 30 * pow(2, Double(min(attempts, 12))))
    }

    /// What a channel's answer means.
    public static func outcome(of answer: AlertPoster.Answer, kind: AlertConfig.Channel.Kind, attempts: Int, now: Date) -> Outcome {
        let wait = { (least: TimeInterval) in now.addingTimeInterval(max(least, TimeInterval(answer.retryAfter ?? 0))) }
        switch answer.status {
        case 200..<300:
            guard kind == .wecom || kind == .dingtalk else { return .sent }
            // The robots answer 200 with their own code: 0 is sent.
            let object = (try? JSONSerialization.jsonObject(with: Data(answer.body))) as? [String: Any]
            let code = (object?["errcode"] as? NSNumber)?.intValue ?? -1
            let message = (object?["errmsg"] as? String).map { String($0.prefix(200)) } ?? ""
            switch code {
            case 0: return .sent
            case 45009, 130101: return .retry(at: wait(60), reason: "发送过快（errcode \(code)）")
            case -1: return .retry(at: wait(backoff(attempts)), reason: "应答无法识别（HTTP \(answer.status)）")
            default: return .failed(reason: "通道拒收：errcode \(code) \(message)")
            }
        case 429: return .retry(at: wait(backoff(attempts)), reason: "发送过快（HTTP 429）")
        case 408, 500..<600: return .retry(at: wait(backoff(attempts)), reason: "通道暂不可用（HTTP \(answer.status)）")
        default: return .failed(reason: "通道拒收（HTTP \(answer.status)）")
        }
    }
}
