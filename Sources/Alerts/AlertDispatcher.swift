import Foundation
import Model
import Parallel
import Store

/// Takes the outbox's due deliveries to their channels: each channel's hourly cap kept
/// (the most urgent first; what would go beyond it told in one summary message), each answer read as the channel means it (企业微信 errcode 45009 and 钉钉 130101 are
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
        /// Held back by a channel's hourly cap, for the next hour.
        public var deferred = 0
        /// Beyond a channel's hourly cap, told in a summary message (counted in `sent` once).
        public var summarized = 0

        public init(sent: Int = 0, retrying: Int = 0, failed: Int = 0, deferred: Int = 0, summarized: Int = 0) {
            self.sent = sent
            self.retrying = retrying
            self.failed = failed
            self.deferred = deferred
            self.summarized = summarized
        }

        /// Both reports' counts together.
        public static func + (lhs: Report, rhs: Report) -> Report {
            Report(
                sent: lhs.sent + rhs.sent, retrying: lhs.retrying + rhs.retrying, failed: lhs.failed + rhs.failed,
                deferred: lhs.deferred + rhs.deferred, summarized: lhs.summarized + rhs.summarized)
        }
    }

    /// What an attempt came to.
    public enum Outcome: Sendable, Equatable {
        case sent
        case retry(at: Date, reason: String)
        /// The channel said "too fast" (429, errcode 45009 or 130101): this message and
        /// every other for it wait until `until`.
        case slowDown(until: Date, reason: String)
        case failed(reason: String)
    }

    /// Sends what is due by `now`, channel by channel. A channel takes at most `per_hour`
    /// messages an hour: when more are due than it has room for, the most urgent go one by
    /// one and the last message of its room is a summary of the rest (预警汇总), which are
    /// marked as told in it; once the room is spent, what comes waits for the next hour.
    public func deliverDue(now: Date = Date()) async throws -> Report {
        var report = Report()
        var queues: [String: [AlertDelivery]] = [:]
        var order: [String] = []
        for delivery in try await database.dueAlertDeliveries(now: now) {
            if queues[delivery.channel] == nil { order.append(delivery.channel) }
            queues[delivery.channel, default: []].append(delivery)
        }
        for channelID in order {
            let due = queues[channelID] ?? []
            guard let channel = config.channels.first(where: { $0.id == channelID }) else {
                for delivery in due {
                    try await database.recordAlertAttempt(
                        eventID: delivery.event.id, channel: channelID, state: .failed, at: now,
                        error: "通道 \(channelID) 已不在 alerts.yaml 中")
                    report.failed += 1
                }
                continue
            }
            let room = channel.perHour - (try await database.alertsSent(channel: channel.id, since: now.addingTimeInterval(-3_600)))
            // Summaries first (they tell what was held back), then the most urgent, oldest first.
            var queue = due.enumerated().sorted { left, right in
                let (a, b) = (left.element.event, right.element.event)
                if (a.kind == .summary) != (b.kind == .summary) { return a.kind == .summary }
                if a.level != b.level { return a.level > b.level }
                return left.offset < right.offset
            }.map(\.element)
            // Room for the summaries already waiting and one more: the last slot tells the rest.
            if queue.count > room, room > queue.prefix(while: { $0.event.kind == .summary }).count {
                let rest = Array(queue.dropFirst(room - 1))
                let summary = Self.summary(of: rest.map(\.event), channel: channel.id, now: now)
                try await database.summarizeAlerts(rest.map(\.event.id), channel: channel.id, in: summary, at: now)
                report.summarized += rest.count
                queue =
                    Array(queue.prefix(room - 1))
                    + [AlertDelivery(event: summary, channel: channel.id, state: .pending, attempts: 0, nextAt: now)]
            }
            for delivery in queue.dropFirst(max(0, room)) {
                try await database.deferAlert(eventID: delivery.event.id, channel: channel.id, until: now.addingTimeInterval(600))
                report.deferred += 1
            }
            let sendable = Array(queue.prefix(max(0, room)))
            // A few kept-alive connections for a webhook (one for mail), each taking the next
            // message when free; outcomes written a few at a time (a sender killed in between
            // sends those again, with the same ids). A channel that says "too fast" is sent
            // nothing more until the time it names.
            var free = (0..<min(channel.kind == .smtp ? 1 : Self.connectionsPerChannel, sendable.count)).map { _ in
                AlertPoster.Connection()
            }
            var outcomes: [AppDatabase.AlertAttempt] = []
            var slowDown: Date?
            var next = 0
            try await withThrowingTaskGroup(of: (AlertDelivery, Outcome, AlertPoster.Connection).self) { group in
                func start() {
                    while slowDown == nil, next < sendable.count, let connection = free.popLast() {
                        let delivery = sendable[next]
                        next += 1
                        group.addTask {
                            let outcome = await attempt(
                                delivery.event, on: channel, attempts: delivery.attempts, now: now, connection: connection)
                            return (delivery, outcome, connection)
                        }
                    }
                }
                start()
                while let (delivery, outcome, connection) = try await group.next() {
                    free.append(connection)
                    let id = delivery.event.id
                    switch outcome {
                    case .sent:
                        outcomes.append(.init(eventID: id, channel: channel.id, state: .sent, at: now))
                        report.sent += 1
                    case .retry(let at, let reason):
                        outcomes.append(.init(eventID: id, channel: channel.id, state: .pending, at: now, retryAt: at, error: reason))
                        report.retrying += 1
                    case .slowDown(let until, let reason):
                        outcomes.append(.init(eventID: id, channel: channel.id, state: .pending, at: now, retryAt: until, error: reason))
                        report.retrying += 1
                        slowDown = max(slowDown ?? until, until)
                    case .failed(let reason):
                        outcomes.append(.init(eventID: id, channel: channel.id, state: .failed, at: now, error: reason))
                        report.failed += 1
                    }
                    if outcomes.count >= Self.recordEvery {
                        try await database.recordAlertAttempts(outcomes)
                        outcomes.removeAll()
                    }
                    start()
                }
            }
            if let slowDown {
                for delivery in sendable[next...] {
                    try await database.deferAlert(eventID: delivery.event.id, channel: channel.id, until: slowDown)
                    report.deferred += 1
                }
            }
            try await database.recordAlertAttempts(outcomes)
        }
        return report
    }

    /// The message that tells `events` (held back by a channel's cap) at once: how many of
    /// each kind, the first titles (masked, as every alert's title is), and where the rest are.
    public static func summary(of events: [AlertEvent], channel: String, now: Date) -> AlertEvent {
        let shown = 20
        var lines = AlertEvent.Kind.allCases.compactMap { kind -> String? in
            let count = events.count(where: { $0.kind == kind })
            return count == 0 ? nil : "\(kind.label) \(count) 条"
        }
        lines = [lines.joined(separator: "，")]
        for event in events.prefix(shown) {
            lines.append("【\(event.level.label)】\(event.title)" + (event.link.map { "（\($0)）" } ?? ""))
        }
        if events.count > shown { lines.append("……另 \(events.count - shown) 条见预警推送页面") }
        let stamp = ISO8601DateFormatter().string(from: now)
        return AlertEvent(
            id: "summary:\(channel):\(stamp)", kind: .summary, level: events.map(\.level).max() ?? .medium,
            title: "本小时另有 \(events.count) 条预警，超出本通道每小时条数上限，汇总如下", text: lines.joined(separator: "\n"),
            link: "/alerts", at: now)
    }

    /// How many outcomes are kept before they are written.
    static let recordEvery = 20
    /// Messages on their way to one webhook at once.
    static let connectionsPerChannel = 4

    /// One attempt to send `event` on `channel` (its `attempts` before this one), on
    /// `connection` when given (a webhook's).
    public func attempt(
        _ event: AlertEvent, on channel: AlertConfig.Channel, attempts: Int, now: Date, connection: AlertPoster.Connection? = nil
    ) async -> Outcome {
        if channel.kind == .smtp { return await mail(event, on: channel, attempts: attempts, now: now) }
        let request: AlertRequest
        do {
            request = try AlertMessage.request(event, to: channel, environment: environment, now: now)
        } catch {
            // A secret not set: nothing can be sent until it is; tried again later.
            return giveUpOr(.retry(at: now.addingTimeInterval(Self.backoff(attempts)), reason: "\(error)"), attempts: attempts)
        }
        let answer: Result<AlertPoster.Answer, AlertPoster.Failure> = await Parallel.run {
            Result { () throws(AlertPoster.Failure) -> AlertPoster.Answer in
                try (connection ?? AlertPoster.Connection()).post(request)
            }
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
        switch outcome {
        case .retry(_, let reason), .slowDown(_, let reason):
            if attempts + 1 >= maxAttempts { return .failed(reason: "\(maxAttempts) 次均未成功：\(reason)") }
        case .sent, .failed: break
        }
        return outcome
    }

    /// Seconds before the next attempt after `attempts` failed ones: 30 s, doubling, at most an hour.
    public static func backoff(_ attempts: Int) -> TimeInterval {
        min(3_600, 30 * pow(2, Double(min(attempts, 12))))
    }

    /// Whether a robot's answer is `{"errcode":0,` or `{"errcode":0}`, spaces allowed.
    static func startsWithErrcodeZero(_ body: [UInt8]) -> Bool {
        let significant = body.lazy.filter { $0 != UInt8(ascii: " ") && $0 != UInt8(ascii: "\n") && $0 != UInt8(ascii: "\r") }
        let expected = Array(#"{"errcode":0"#.utf8)
        var iterator = significant.makeIterator()
        for byte in expected where iterator.next() != byte { return false }
        let next = iterator.next()
        return next == UInt8(ascii: ",") || next == UInt8(ascii: "}")
    }

    /// What a channel's answer means.
    public static func outcome(of answer: AlertPoster.Answer, kind: AlertConfig.Channel.Kind, attempts: Int, now: Date) -> Outcome {
        let wait = { (least: TimeInterval) in now.addingTimeInterval(max(least, TimeInterval(answer.retryAfter ?? 0))) }
        switch answer.status {
        case 200..<300:
            guard kind == .wecom || kind == .dingtalk else { return .sent }
            // The robots answer 200 with their own code: 0 is sent (the usual answer, read
            // without a JSON parser).
            if Self.startsWithErrcodeZero(answer.body) { return .sent }
            let object = (try? JSONSerialization.jsonObject(with: Data(answer.body))) as? [String: Any]
            let code = (object?["errcode"] as? NSNumber)?.intValue ?? -1
            let message = (object?["errmsg"] as? String).map { String($0.prefix(200)) } ?? ""
            switch code {
            case 0: return .sent
            case 45009, 130101: return .slowDown(until: wait(60), reason: "发送过快（errcode \(code)）")
            case -1: return .retry(at: wait(backoff(attempts)), reason: "应答无法识别（HTTP \(answer.status)）")
            default: return .failed(reason: "通道拒收：errcode \(code) \(message)")
            }
        case 429: return .slowDown(until: wait(backoff(attempts)), reason: "发送过快（HTTP 429）")
        case 408, 500..<600: return .retry(at: wait(backoff(attempts)), reason: "通道暂不可用（HTTP \(answer.status)）")
        default: return .failed(reason: "通道拒收（HTTP \(answer.status)）")
        }
    }
}
