import Foundation
import Model
import RulesFile
import Yams

/// Where alerts go and who gets which: `alerts.yaml` beside the feeds (see
/// `feeds/alerts.yaml` for its fields). Read whole when it loads; every error names the
/// file, the line and the field. Secrets are written as `${NAME}` and read from the
/// environment when a message is sent, never when the file is read or printed.
public struct AlertConfig: Sendable, Equatable {
    public var channels: [Channel]
    public var subscriptions: [Subscription]

    public init(channels: [Channel] = [], subscriptions: [Subscription] = []) {
        self.channels = channels
        self.subscriptions = subscriptions
    }

    /// A place messages go.
    public struct Channel: Sendable, Equatable {
        public enum Kind: String, Sendable, CaseIterable {
            /// 企业微信 group robot: a webhook taking a markdown message.
            case wecom
            /// 钉钉 robot: a webhook signed with HMAC-SHA256 over `timestamp\nsecret`.
            case dingtalk
            /// Any JSON webhook: the body signed in `X-Signature`, the event's id in `X-Event-Id`.
            case webhook
            /// E-mail over SMTP (smtp:// with STARTTLS where offered, or smtps://).
            case smtp
        }

        public var id: String
        public var kind: Kind
        /// The webhook's address or the SMTP server's (`smtp://host:587`, `smtps://host:465`),
        /// `${NAME}` parts read from the environment at send time.
        public var url: String
        /// DingTalk's signing secret, or the generic webhook's HMAC key (`${NAME}`).
        public var secret: String?
        /// Whether the channel may carry petitioners' personal data: only the petition
        /// bureau's own channels say yes; every other gets the masked texts.
        public var personalData: Bool
        /// The most messages an hour; what exceeds it is summed up in one message.
        public var perHour: Int
        /// SMTP: sender, recipients, and the account (`${NAME}` for the password).
        public var from: String?
        public var to: [String]
        public var user: String?
        public var password: String?

        public init(
            id: String, kind: Kind, url: String, secret: String? = nil, personalData: Bool = false, perHour: Int = 30,
            from: String? = nil, to: [String] = [], user: String? = nil, password: String? = nil
        ) {
            self.id = id
            self.kind = kind
            self.url = url
            self.secret = secret
            self.personalData = personalData
            self.perHour = perHour
            self.from = from
            self.to = to
            self.user = user
            self.password = password
        }
    }

    /// What a channel receives.
    public struct Subscription: Sendable, Equatable {
        public var channel: String
        public var events: Set<AlertEvent.Kind>
        /// The lowest level an escalation or flag must reach (危急 critical, 高 high, 中 medium).
        public var minLevel: AlertEvent.Level
        /// Only these departments' and townships' events; both empty: every one.
        public var departments: Set<String>
        public var townships: Set<String>
        /// The daily list's time of day, `HH:MM` Beijing time (events: daily).
        public var dailyAt: String?

        public init(
            channel: String, events: Set<AlertEvent.Kind>, minLevel: AlertEvent.Level = .medium, departments: Set<String> = [],
            townships: Set<String> = [], dailyAt: String? = nil
        ) {
            self.channel = channel
            self.events = events
            self.minLevel = minLevel
            self.departments = departments
            self.townships = townships
            self.dailyAt = dailyAt
        }

        /// Whether `event` is this subscription's. The daily list is the whole city's: it
        /// goes to every subscription taking it, whatever its level and units.
        public func takes(_ event: AlertEvent) -> Bool {
            guard events.contains(event.kind) else { return false }
            if event.kind == .daily { return true }
            guard event.level >= minLevel else { return false }
            if departments.isEmpty && townships.isEmpty { return true }
            return event.department.map(departments.contains) == true || event.township.map(townships.contains) == true
        }
    }

    /// The channels `event` goes to, each once.
    public func channels(for event: AlertEvent) -> [Channel] {
        let wanted = Set(subscriptions.filter { $0.takes(event) }.map(\.channel))
        return channels.filter { wanted.contains($0.id) }
    }

    /// The file `alerts.yaml` of `directory`; none there: no alerts.
    public static func load(directory: URL) throws(RulesError) -> AlertConfig {
        for name in ["alerts.yaml", "alerts.yml"] {
            let file = directory.appendingPathComponent(name)
            guard FileManager.default.fileExists(atPath: file.path) else { continue }
            guard let data = FileManager.default.contents(atPath: file.path), let text = String(data: data, encoding: .utf8) else {
                throw .invalid(file: name, line: nil, column: nil, reason: "cannot be read as UTF-8 text")
            }
            return try parse(text, file: name)
        }
        return AlertConfig()
    }

    /// Reads an alerts file's text; `file` names it in errors.
    public static func parse(_ text: String, file: String) throws(RulesError) -> AlertConfig {
        let reader = RulesFileReader(file: file)
        guard let root = try reader.root(of: text) else { return AlertConfig() }
        var config = AlertConfig()
        var channelPlaces: [String: Int] = [:]
        for (key, node, _) in try reader.mapping(root, "the alerts file", allowed: ["channels", "subscriptions"]) {
            guard node.null == nil else { continue }
            for entry in try reader.sequence(node, key) {
                if key == "channels" {
                    let channel = try readChannel(entry, reader)
                    if let line = channelPlaces[channel.id] {
                        throw reader.failure(entry, "channel \(channel.id) is defined twice (first at line \(line))")
                    }
                    channelPlaces[channel.id] = entry.mark?.line ?? 0
                    config.channels.append(channel)
                } else {
                    config.subscriptions.append(try readSubscription(entry, reader))
                }
            }
        }
        for (index, subscription) in config.subscriptions.enumerated() where channelPlaces[subscription.channel] == nil {
            let node = (try? reader.sequence(root.mapping?["subscriptions"] ?? root, "subscriptions"))?[index]
            throw reader.failure(node, "subscriptions: field channel: no channel \(subscription.channel) is defined")
        }
        return config
    }

    private static func readChannel(_ node: Node, _ reader: RulesFileReader) throws(RulesError) -> Channel {
        let fields = [
            "id", "kind", "url", "secret", "personal_data", "per_hour", "from", "to", "user", "password",
        ]
        var values: [String: Node] = [:]
        for (key, value, _) in try reader.mapping(node, "a channel", allowed: fields) { values[key] = value }
        func required(_ name: String) throws(RulesError) -> String {
            guard let value = values[name] else { throw reader.failure(node, "channel: field \(name) is missing") }
            let text = try reader.string(value, "channel field \(name)").trimmingCharacters(in: .whitespaces)
            guard !text.isEmpty else { throw reader.failure(value, "channel: field \(name) is empty") }
            return text
        }
        func optional(_ name: String) throws(RulesError) -> String? {
            guard let value = values[name] else { return nil }
            return try reader.string(value, "channel field \(name)")
        }
        let id = try required("id")
        guard id.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" }) else {
            throw reader.failure(values["id"], "channel: field id: letters, digits, - and _ only, not \(id)")
        }
        let kindText = try required("kind")
        guard let kind = Channel.Kind(rawValue: kindText) else {
            throw reader.failure(
                values["kind"], "channel \(id): field kind: one of \(Channel.Kind.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        let url = try required("url")
        let schemes: [String] = kind == .smtp ? ["smtp://", "smtps://"] : ["https://", "http://"]
        // A whole address from the environment (`${WECOM_URL}`) is checked when it is read, at send time.
        guard url.hasPrefix("${") || schemes.contains(where: { url.lowercased().hasPrefix($0) }) else {
            throw reader.failure(values["url"], "channel \(id): field url must begin with \(schemes.joined(separator: " or "))")
        }
        var channel = Channel(id: id, kind: kind, url: url)
        channel.secret = try optional("secret")
        if kind == .dingtalk && channel.secret == nil {
            throw reader.failure(node, "channel \(id): field secret is missing (钉钉 robots sign their messages)")
        }
        if let value = values["personal_data"] {
            switch try reader.string(value, "channel field personal_data") {
            case "true", "yes": channel.personalData = true
            case "false", "no": channel.personalData = false
            default: throw reader.failure(value, "channel \(id): field personal_data: true or false")
            }
        }
        if let value = values["per_hour"] {
            channel.perHour = try reader.integer(value, "channel \(id): field per_hour")
            guard (1...3_600).contains(channel.perHour) else {
                throw reader.failure(value, "channel \(id): field per_hour: between 1 and 3600")
            }
        }
        channel.from = try optional("from")
        channel.user = try optional("user")
        channel.password = try optional("password")
        if let value = values["to"] { channel.to = try reader.strings(value, "channel \(id): field to") }
        if kind == .smtp {
            guard let from = channel.from else {
                throw reader.failure(node, "channel \(id): field from is missing (e-mail needs a sender)")
            }
            guard !channel.to.isEmpty else { throw reader.failure(node, "channel \(id): field to is missing (e-mail needs recipients)") }
            // Plain addresses only: nothing that could end a header line or add a recipient.
            for address in [from] + channel.to where !AlertMail.isPlainAddress(address) {
                throw reader.failure(
                    values[address == from ? "from" : "to"], "channel \(id): \(address) is not a plain e-mail address (name@host)")
            }
            guard (channel.user == nil) == (channel.password == nil) else {
                throw reader.failure(node, "channel \(id): give both user and password, or neither")
            }
        }
        // A secret written into the file instead of named: refused, so that it is never printed.
        for name in ["secret", "password"] {
            if let value = values[name], let text = try optional(name), !text.isEmpty, !AlertSecrets.isReference(text) {
                throw reader.failure(
                    value, "channel \(id): field \(name) must name an environment variable as ${NAME}, not hold the secret")
            }
        }
        return channel
    }

    private static func readSubscription(_ node: Node, _ reader: RulesFileReader) throws(RulesError) -> Subscription {
        var values: [String: Node] = [:]
        for (key, value, _) in try reader.mapping(
            node, "a subscription", allowed: ["channel", "events", "min_level", "departments", "townships", "daily_at"])
        {
            values[key] = value
        }
        guard let channelNode = values["channel"] else { throw reader.failure(node, "subscription: field channel is missing") }
        let channel = try reader.string(channelNode, "subscription field channel")
        guard let eventsNode = values["events"] else { throw reader.failure(node, "subscription \(channel): field events is missing") }
        var events: Set<AlertEvent.Kind> = []
        for name in try reader.strings(eventsNode, "subscription field events") {
            guard let kind = AlertEvent.Kind(rawValue: name) else {
                throw reader.failure(
                    eventsNode,
                    "subscription \(channel): field events: unknown event \(name); one of \(AlertEvent.Kind.allCases.map(\.rawValue).joined(separator: ", "))"
                )
            }
            events.insert(kind)
        }
        var subscription = Subscription(channel: channel, events: events)
        if let value = values["min_level"] {
            let text = try reader.string(value, "subscription field min_level")
            guard let level = AlertEvent.Level(rawValue: text) else {
                throw reader.failure(value, "subscription \(channel): field min_level: medium, high or critical")
            }
            subscription.minLevel = level
        }
        if let value = values["departments"] { subscription.departments = Set(try reader.strings(value, "field departments")) }
        if let value = values["townships"] { subscription.townships = Set(try reader.strings(value, "field townships")) }
        if let value = values["daily_at"] {
            let text = try reader.string(value, "subscription field daily_at")
            let parts = text.split(separator: ":")
            guard parts.count == 2, let hour = Int(parts[0]), let minute = Int(parts[1]), (0..<24).contains(hour),
                (0..<60).contains(minute)
            else {
                throw reader.failure(value, "subscription \(channel): field daily_at: HH:MM, not \(text)")
            }
            subscription.dailyAt = String(format: "%02d:%02d", hour, minute)
        }
        if events.contains(.daily) && subscription.dailyAt == nil {
            throw reader.failure(node, "subscription \(channel): the daily event needs daily_at (HH:MM)")
        }
        return subscription
    }
}

/// `${NAME}` references in a channel's fields, read from the environment at send time.
public enum AlertSecrets {
    public struct Missing: Error, CustomStringConvertible {
        public var name: String
        public var description: String { "the environment variable \(name) is not set" }
    }

    /// Whether `text` is wholly `${NAME}` references and plain text around them (a URL with
    /// its key as `${WECOM_KEY}`), holding at least one.
    public static func isReference(_ text: String) -> Bool { text.contains("${") && text.contains("}") }

    /// `text` with every `${NAME}` replaced from `environment`.
    /// - Throws: `Missing` naming the first variable that is not set (never its value).
    public static func resolve(_ text: String, environment: [String: String]) throws(Missing) -> String {
        var result = ""
        var rest = Substring(text)
        while let start = rest.range(of: "${") {
            result += rest[..<start.lowerBound]
            guard let end = rest[start.upperBound...].firstIndex(of: "}") else {
                result += rest[start.lowerBound...]
                return result
            }
            let name = String(rest[start.upperBound..<end])
            guard let value = environment[name], !value.isEmpty else { throw Missing(name: name) }
            result += value
            rest = rest[rest.index(after: end)...]
        }
        return result + rest
    }
}
