import Foundation

/// Something the people on duty must hear of at once (an escalation, a new flag on a
/// sensitive project, an overdue case, a feed gone quiet), or the daily list. Kept in
/// the store's outbox until every channel it goes to has it.
public struct AlertEvent: Codable, Hashable, Sendable {
    public enum Kind: String, Codable, Sendable, CaseIterable {
        case escalation
        case newFlag = "new_flag"
        case caseOverdue = "case_overdue"
        case sourceHealth = "source_health"
        case daily
        /// `wagewatch alerts test`: a message that says it is a test.
        case test
        /// The alerts a channel's hourly cap held back, in one message.
        case summary

        public var label: String {
            switch self {
            case .escalation: "升级风险"
            case .newFlag: "敏感项目新标记"
            case .caseOverdue: "督办超期"
            case .sourceHealth: "数据源异常"
            case .daily: "风险日报"
            case .test: "测试消息"
            case .summary: "预警汇总"
            }
        }
    }

    /// How urgent: 中, 高, 危急.
    public enum Level: String, Codable, Sendable, CaseIterable, Comparable {
        case medium, high, critical

        public var label: String {
            switch self {
            case .medium: "中"
            case .high: "高"
            case .critical: "危急"
            }
        }

        private var rank: Int {
            switch self {
            case .medium: 0
            case .high: 1
            case .critical: 2
            }
        }

        public static func < (lhs: Level, rhs: Level) -> Bool { lhs.rank < rhs.rank }
    }

    /// Stable for one happening: the same escalation raised twice is one event (the
    /// outbox keeps it once, and receivers see the same id on a repeated delivery).
    public var id: String
    public var kind: Kind
    public var level: Level
    /// The story its items belong to: copies of one post are one story, one alert.
    public var story: String?
    public var department: String?
    public var township: String?
    /// Title and text with petitioners' personal data masked: what every channel may get.
    public var title: String
    public var text: String
    /// The text unmasked, for channels of the petition bureau only (`personal_data: true`).
    public var personalText: String?
    /// The page of the web UI it is about (`/items/…`, `/projects/…`, `/cases/…`).
    public var link: String?
    public var at: Date
    /// An update of a story already alerted: the id of the story's first event, which
    /// mail threads under and the other channels name.
    public var thread: String?
    /// Files the message carries (the 日报's CSV and XLSX); e-mail attaches them, the
    /// robots link the page instead.
    public var attachments: [Attachment]?

    /// A file an alert carries.
    public struct Attachment: Codable, Hashable, Sendable {
        public var name: String
        public var mediaType: String
        public var bytes: Data

        public init(name: String, mediaType: String, bytes: Data) {
            self.name = name
            self.mediaType = mediaType
            self.bytes = bytes
        }
    }

    public init(
        id: String, kind: Kind, level: Level, story: String? = nil, department: String? = nil, township: String? = nil,
        title: String, text: String, personalText: String? = nil, link: String? = nil, at: Date, thread: String? = nil,
        attachments: [Attachment]? = nil
    ) {
        self.id = id
        self.kind = kind
        self.level = level
        self.story = story
        self.department = department
        self.township = township
        self.title = title
        self.text = text
        self.personalText = personalText
        self.link = link
        self.at = at
        self.thread = thread
        self.attachments = attachments
    }
}

/// One event on its way to one channel: the outbox's row.
public struct AlertDelivery: Hashable, Sendable {
    public enum State: String, Codable, Sendable, CaseIterable {
        /// Not sent yet, or to be tried again at `nextAt`.
        case pending
        case sent
        /// Given up: the channel refused it for good, or every retry failed.
        case failed
        /// Held back by the channel's hourly cap and told in a summary message instead.
        case summarized

        public var label: String {
            switch self {
            case .pending: "待发送"
            case .sent: "已发送"
            case .failed: "发送失败"
            case .summarized: "已汇总"
            }
        }
    }

    public var event: AlertEvent
    public var channel: String
    public var state: State
    public var attempts: Int
    public var nextAt: Date
    public var sentAt: Date?
    /// Why the last attempt failed (never the channel's address or key).
    public var lastError: String?
    /// The summary message that told it (state `summarized`).
    public var summary: String?

    public init(
        event: AlertEvent, channel: String, state: State, attempts: Int, nextAt: Date, sentAt: Date? = nil, lastError: String? = nil,
        summary: String? = nil
    ) {
        self.event = event
        self.channel = channel
        self.state = state
        self.attempts = attempts
        self.nextAt = nextAt
        self.sentAt = sentAt
        self.lastError = lastError
        self.summary = summary
    }
}
