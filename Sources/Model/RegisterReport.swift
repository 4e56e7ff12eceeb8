import Foundation

/// A flag the register raises on a project (spec section 5).
public enum RiskFlag: String, Codable, Sendable, CaseIterable, Comparable {
    /// A sensitive project has wage-arrears signals while its department reported no open arrears.
    case underreported
    /// As `underreported`, and the department's row says 无欠薪 with a no-arrears commitment.
    case contradictsCommitment = "contradicts_commitment"

    public static func < (lhs: RiskFlag, rhs: RiskFlag) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }
}

/// What the department's ledger says about a project in the window.
public enum ReportedState: String, Codable, Sendable {
    /// A row reports arrears (有欠薪).
    case arrears
    /// The rows say 无欠薪.
    case none
    /// No row was filed.
    case missing
}

/// The register as of one day: the JSON answer of spec section 5.
public struct RegisterReport: Codable, Hashable, Sendable {
    /// Signal counts of one project in the window.
    public struct Signals: Codable, Hashable, Sendable {
        public var petitions: Int
        public var posts: Int
        public var stories: Int
        public var score: Double

        public init(petitions: Int = 0, posts: Int = 0, stories: Int = 0, score: Double = 0) {
            self.petitions = petitions
            self.posts = posts
            self.stories = stories
            self.score = score
        }
    }

    /// One story (a post and its reposts and near copies, or a petition) and how far it spread.
    public struct StorySpread: Codable, Hashable, Sendable {
        /// The story fingerprint shared by its copies.
        public var story: String
        /// How many stored items are copies of it.
        public var copies: Int
        /// The platforms and channels it appeared on, sorted.
        public var platforms: [String]
        public var firstSeen: Date
        public var lastSeen: Date
        public var items: [String]

        public init(story: String, copies: Int, platforms: [String], firstSeen: Date, lastSeen: Date, items: [String]) {
            self.story = story
            self.copies = copies
            self.platforms = platforms
            self.firstSeen = firstSeen
            self.lastSeen = lastSeen
            self.items = items
        }

        enum CodingKeys: String, CodingKey {
            case story, copies, platforms
            case firstSeen = "first_seen"
            case lastSeen = "last_seen"
            case items
        }
    }

    /// One registry project with its signals, what was reported, and its flags.
    public struct ProjectEntry: Codable, Hashable, Sendable {
        public var projectID: String
        public var name: String
        public var department: String
        public var township: String?
        public var sensitive: Bool
        public var signals: Signals
        public var reported: ReportedState
        public var flags: [RiskFlag]
        /// Item ids of the wage-arrears signals that raised the flags, or that were seen.
        public var evidence: [String]
        /// Report ids of the ledger rows the verdict rests on.
        public var reportEvidence: [String]
        /// The project's stories in the window, widest spread first.
        public var stories: [StorySpread]

        public init(projectID: String, name: String, department: String, township: String?,
                    sensitive: Bool, signals: Signals, reported: ReportedState, flags: [RiskFlag],
                    evidence: [String], reportEvidence: [String], stories: [StorySpread] = []) {
            self.stories = stories
            self.projectID = projectID
            self.name = name
            self.department = department
            self.township = township
            self.sensitive = sensitive
            self.signals = signals
            self.reported = reported
            self.flags = flags
            self.evidence = evidence
            self.reportEvidence = reportEvidence
        }

        enum CodingKeys: String, CodingKey {
            case projectID = "project_id", name, department, township, sensitive, signals
            case reported, flags, evidence
            case reportEvidence = "report_evidence"
            case stories
        }

        // Written by hand so that a project without a township says `"township": null`
        // rather than leaving the key out: consumers of the JSON see every field.
        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(projectID, forKey: .projectID)
            try container.encode(name, forKey: .name)
            try container.encode(department, forKey: .department)
            try container.encode(township, forKey: .township)
            try container.encode(sensitive, forKey: .sensitive)
            try container.encode(signals, forKey: .signals)
            try container.encode(reported, forKey: .reported)
            try container.encode(flags, forKey: .flags)
            try container.encode(evidence, forKey: .evidence)
            try container.encode(reportEvidence, forKey: .reportEvidence)
            try container.encode(stories, forKey: .stories)
        }
    }

    /// A site that wage-arrears signals name but the registry does not know.
    public struct UnregisteredEntry: Codable, Hashable, Sendable {
        public var mention: String
        public var items: [String]

        public init(mention: String, items: [String]) {
            self.mention = mention
            self.items = items
        }
    }

    /// One line of the department scorecard.
    public struct DepartmentEntry: Codable, Hashable, Sendable {
        public var department: String
        public var projects: Int
        public var flagged: Int
        public var underreported: Int
        public var contradictedCommitments: Int
        public var reportsMissing: Int
        public var rowsRejected: Int

        public init(department: String, projects: Int = 0, flagged: Int = 0, underreported: Int = 0,
                    contradictedCommitments: Int = 0, reportsMissing: Int = 0, rowsRejected: Int = 0) {
            self.department = department
            self.projects = projects
            self.flagged = flagged
            self.underreported = underreported
            self.contradictedCommitments = contradictedCommitments
            self.reportsMissing = reportsMissing
            self.rowsRejected = rowsRejected
        }

        enum CodingKeys: String, CodingKey {
            case department, projects, flagged, underreported
            case contradictedCommitments = "contradicts_commitment"
            case reportsMissing = "reports_missing"
            case rowsRejected = "rows_rejected"
        }
    }

    /// A source whose silence must not be read as "no risk".
    public struct SourceWarning: Codable, Hashable, Sendable {
        public var feed: String
        public var warning: String
        public var errorCount: Int
        public var lastSuccess: Date?

        public init(feed: String, warning: String, errorCount: Int, lastSuccess: Date?) {
            self.feed = feed
            self.warning = warning
            self.errorCount = errorCount
            self.lastSuccess = lastSuccess
        }

        enum CodingKeys: String, CodingKey {
            case feed, warning
            case errorCount = "error_count"
            case lastSuccess = "last_success"
        }
    }

    public var asOf: Day
    public var windowDays: Int
    public var projects: [ProjectEntry]
    public var unregistered: [UnregisteredEntry]
    public var departments: [DepartmentEntry]
    /// Unhealthy sources at the time the register was made (not part of a past as-of view).
    public var sourceHealth: [SourceWarning] = []

    public init(asOf: Day, windowDays: Int, projects: [ProjectEntry],
                unregistered: [UnregisteredEntry], departments: [DepartmentEntry]) {
        self.asOf = asOf
        self.windowDays = windowDays
        self.projects = projects
        self.unregistered = unregistered
        self.departments = departments
    }

    enum CodingKeys: String, CodingKey {
        case asOf = "as_of"
        case windowDays = "window_days"
        case projects, unregistered, departments
        case sourceHealth = "source_health"
    }
}
