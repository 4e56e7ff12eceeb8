import Foundation

/// A flag the register raises on a project (docs/FORMATS.md, "Register (风险台账)").
public enum RiskFlag: String, Codable, Sendable, CaseIterable, Comparable {
    /// A sensitive project has wage-arrears signals while its department reported no open arrears.
    case underreported
    /// As `underreported`, and the department's row says 无欠薪 with a no-arrears commitment.
    case contradictsCommitment = "contradicts_commitment"
    /// Collective action, extreme acts or threats, or a sudden rise of stories.
    case escalating
    /// A petition past its deadline, or an arrears row without progress between reports.
    case staleFollowup = "stale_followup"
    /// Wage signals after the arrears were reported cleared (清零).
    case recurrence
    /// The signals are about project payments presented as wages.
    case nonWageDispute = "non_wage_dispute"
    /// Workers attended, and the wage account paid nothing or too little by the due day.
    case payrollGap = "payroll_gap"
    /// A government-funded project moved nothing into the wage account in a month with attendance.
    case labourCostUnfunded = "labour_cost_unfunded"
    /// An active project with no row on the real-name platform for its latest month.
    case offPlatform = "off_platform"
    /// The ledger's arrears type disagrees with the signals and the platform.
    case typeMismatch = "type_mismatch"

    public static func < (lhs: RiskFlag, rhs: RiskFlag) -> Bool {
        // swift-format-ignore: NeverForceUnwrap
        // (every case is in allCases)
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }

    /// The flag as the users call it.
    public var label: String {
        switch self {
        case .underreported: "疑似漏报"
        case .contradictsCommitment: "违背无欠薪承诺"
        case .escalating: "升级风险"
        case .staleFollowup: "跟进超时"
        case .payrollGap: "代发异常"
        case .labourCostUnfunded: "人工费未拨付"
        case .offPlatform: "未纳入实名制监管"
        case .typeMismatch: "欠款类型存疑"
        case .recurrence: "清零后反弹"
        case .nonWageDispute: "非工资纠纷"
        }
    }
}

/// Why one flag was raised: the items and ledger rows behind it, and the rule that applied.
public struct FlagEvidence: Codable, Hashable, Sendable {
    public var flag: RiskFlag
    /// What raised it, in words for a clerk.
    public var reason: String
    /// The thresholds of rules/register.yaml that applied, by name.
    public var thresholds: [String: Double]
    public var items: [String]
    public var reports: [String]
    /// The real-name platform's rows behind it, as `MONTH/PLATFORM_PROJECT_ID`.
    public var platformRows: [String] = []

    public init(
        flag: RiskFlag, reason: String, thresholds: [String: Double] = [:], items: [String] = [], reports: [String] = [],
        platformRows: [String] = []
    ) {
        self.flag = flag
        self.reason = reason
        self.thresholds = thresholds
        self.items = items
        self.reports = reports
        self.platformRows = platformRows
    }

    enum CodingKeys: String, CodingKey {
        case flag, reason, thresholds, items, reports
        case platformRows = "platform_rows"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        flag = try container.decode(RiskFlag.self, forKey: .flag)
        reason = try container.decode(String.self, forKey: .reason)
        thresholds = try container.decode([String: Double].self, forKey: .thresholds)
        items = try container.decode([String].self, forKey: .items)
        reports = try container.decode([String].self, forKey: .reports)
        platformRows = try container.decodeIfPresent([String].self, forKey: .platformRows) ?? []
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

    /// The state as the users call it.
    public var label: String {
        switch self {
        case .arrears: "有欠薪"
        case .none: "无欠薪"
        case .missing: "未填报"
        }
    }
}

/// The register as of one day: the JSON document of docs/FORMATS.md, "Register (风险台账)".
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
        /// For each flag, what raised it.
        public var flagEvidence: [FlagEvidence] = []
        /// The signals' scores added up, each weighed by its season (腊月, year-end).
        public var weightedScore: Double = 0

        public init(
            projectID: String, name: String, department: String, township: String?,
            sensitive: Bool, signals: Signals, reported: ReportedState, flags: [RiskFlag],
            evidence: [String], reportEvidence: [String], stories: [StorySpread] = []
        ) {
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
            case projectID = "project_id"
            case name, department, township, sensitive, signals
            case reported, flags, evidence
            case reportEvidence = "report_evidence"
            case stories
            case flagEvidence = "flag_evidence"
            case weightedScore = "weighted_score"
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
            try container.encode(flagEvidence, forKey: .flagEvidence)
            try container.encode(weightedScore, forKey: .weightedScore)
        }
    }

    /// A site that wage-arrears signals name but the registry does not know.
    /// A site that wage-arrears signals name and no registry project fits: its spellings
    /// merged into one entry a clerk can look into.
    public struct UnregisteredEntry: Codable, Hashable, Sendable {
        /// The site's name, the township in front when a text gave one.
        public var mention: String
        public var items: [String]
        public var township: String?
        /// Every spelling met, the most frequent first.
        public var variants: [String] = []
        public var firstSeen: Day?
        public var lastSeen: Day?
        /// Whether the real-name platform lists a project of this name that the registry
        /// lacks; nil without platform data.
        public var onPlatform: Bool?

        public init(
            mention: String, items: [String], township: String? = nil, variants: [String] = [],
            firstSeen: Day? = nil, lastSeen: Day? = nil
        ) {
            self.mention = mention
            self.items = items
            self.township = township
            self.variants = variants
            self.firstSeen = firstSeen
            self.lastSeen = lastSeen
        }

        enum CodingKeys: String, CodingKey {
            case mention, items, township, variants
            case firstSeen = "first_seen"
            case lastSeen = "last_seen"
            case onPlatform = "on_platform"
        }

        /// Whether `name`, a project the platform lists and the registry lacks, is this
        /// site: the first four characters of one's own name begin the other's.
        public func isNamed(_ name: String) -> Bool {
            let platform = String(SiteName.name(of: name).filter { !$0.isWhitespace })
            return ([mention] + variants).contains { variant in
                let site = String(SiteName.name(of: variant).filter { !$0.isWhitespace })
                return (platform.count >= 4 && site.hasPrefix(platform.prefix(4)))
                    || (site.count >= 4 && platform.hasPrefix(site.prefix(4)))
            }
        }

        /// Merges the site names of signals (`SiteName`) into entries, most items first.
        /// - Parameter mentions: each signal's item id, day and site names.
        public static func merging(_ mentions: [(item: String, day: Day, site: String)]) -> [UnregisteredEntry] {
            var groups: [String: [(item: String, day: Day, site: String)]] = [:]
            for mention in mentions { groups[SiteName.mergeKey(of: mention.site), default: []].append(mention) }
            return groups.values.map { group in
                func ranked(_ texts: [String]) -> [String] {
                    var counts: [String: Int] = [:]
                    for text in texts { counts[text, default: 0] += 1 }
                    return counts.sorted { ($0.value, $0.key.count, $1.key) > ($1.value, $1.key.count, $0.key) }.map(\.key)
                }
                let township = ranked(group.compactMap { SiteName.township(of: $0.site) }).first
                let name = ranked(group.map { String(SiteName.name(of: $0.site)) }).first ?? ""
                let days = group.map(\.day)
                return UnregisteredEntry(
                    mention: township.map { "\($0)\(name)" } ?? name, items: Array(Set(group.map(\.item))).sorted(),
                    township: township, variants: ranked(group.map { $0.site.replacingOccurrences(of: " ", with: "") }),
                    firstSeen: days.min(), lastSeen: days.max())
            }.sorted { ($1.items.count, $0.mention) < ($0.items.count, $1.mention) }
        }
    }

    /// One line of the department scorecard.
    public struct DepartmentEntry: Codable, Hashable, Sendable {
        public var department: String
        public var projects: Int
        public var flagged: Int
        public var underreported: Int
        public var contradictedCommitments: Int
        /// Projects flagged 疑似漏报 or 违背承诺 (either; each once): what the ranking is by.
        public var underreporting = 0
        /// Active projects times months in the window with no row filed by the due day.
        public var reportsMissing: Int
        public var rowsRejected: Int
        /// Rows of months in the window filed after the due day.
        public var lateFilings: Int = 0
        /// What the real-name platform says of the projects (all 0 without platform data).
        public var platform = PlatformCounts()
        /// The unit's 督办 cases (all 0 without cases).
        public var cases = CaseCounts()

        /// The real-name platform's side of a scorecard line: 纳管率, 考勤率, 代发率 and the
        /// platform flags.
        public struct PlatformCounts: Codable, Hashable, Sendable {
            /// Active registry projects (在建), and those with a row in the platform's latest month.
            public var activeProjects = 0
            public var onPlatform = 0
            /// Projects on the platform with attendance in its latest month.
            public var withAttendance = 0
            /// Projects with attendance in the month whose wages fell due last, and those whose
            /// payroll went out through the wage account in full enough (no payroll gap).
            public var payrollDue = 0
            public var paidThroughAccount = 0
            public var payrollGaps = 0
            public var labourCostUnfunded = 0
            public var offPlatform = 0
            public var typeMismatches = 0

            public init() {}

            /// 纳管率, 考勤率 and 代发率, nil where nothing is counted under them.
            public var supervisedRate: Double? { activeProjects > 0 ? Double(onPlatform) / Double(activeProjects) : nil }
            public var attendanceRate: Double? { onPlatform > 0 ? Double(withAttendance) / Double(onPlatform) : nil }
            public var payrollRate: Double? { payrollDue > 0 ? Double(paidThroughAccount) / Double(payrollDue) : nil }

            /// A rate as a whole percentage; a dash where nothing is counted under it.
            public static func percent(_ rate: Double?) -> String {
                rate.map { "\(Int(($0 * 100).rounded()))%" } ?? "-"
            }

            public mutating func add(_ other: Self) {
                activeProjects += other.activeProjects
                onPlatform += other.onPlatform
                withAttendance += other.withAttendance
                payrollDue += other.payrollDue
                paidThroughAccount += other.paidThroughAccount
                payrollGaps += other.payrollGaps
                labourCostUnfunded += other.labourCostUnfunded
                offPlatform += other.offPlatform
                typeMismatches += other.typeMismatches
            }

            enum CodingKeys: String, CodingKey {
                case activeProjects = "active_projects"
                case onPlatform = "on_platform"
                case withAttendance = "with_attendance"
                case payrollDue = "payroll_due"
                case paidThroughAccount = "paid_through_account"
                case payrollGaps = "payroll_gaps"
                case labourCostUnfunded = "labour_cost_unfunded"
                case offPlatform = "off_platform"
                case typeMismatches = "type_mismatches"
            }
        }

        public init(
            department: String, projects: Int = 0, flagged: Int = 0, underreported: Int = 0,
            contradictedCommitments: Int = 0, underreporting: Int = 0, reportsMissing: Int = 0, rowsRejected: Int = 0
        ) {
            self.department = department
            self.projects = projects
            self.flagged = flagged
            self.underreported = underreported
            self.contradictedCommitments = contradictedCommitments
            self.underreporting = underreporting
            self.reportsMissing = reportsMissing
            self.rowsRejected = rowsRejected
        }

        enum CodingKeys: String, CodingKey {
            case department, projects, flagged, underreported, underreporting
            case contradictedCommitments = "contradicts_commitment"
            case reportsMissing = "reports_missing"
            case rowsRejected = "rows_rejected"
            case lateFilings = "late_filings"
            case platform, cases
        }

        /// The share of the unit's projects flagged 疑似漏报 or 违背承诺 (nil without projects).
        public var underreportingRate: Double? { projects > 0 ? Double(underreporting) / Double(projects) : nil }

        /// Worst first: the share of projects under-reported (疑似漏报 or 违背承诺), then
        /// their number, then flagged projects, missing reports, rejected rows, late filings;
        /// by name on a tie. A unit of many projects is not worse for being large.
        public static func worstFirst(_ lhs: DepartmentEntry, _ rhs: DepartmentEntry) -> Bool {
            let (a, b) = (lhs.underreportingRate ?? 0, rhs.underreportingRate ?? 0)
            if a != b { return a > b }
            let left = [lhs.underreporting, lhs.flagged, lhs.reportsMissing, lhs.rowsRejected, lhs.lateFilings]
            let right = [rhs.underreporting, rhs.flagged, rhs.reportsMissing, rhs.rowsRejected, rhs.lateFilings]
            return left != right ? right.lexicographicallyPrecedes(left) : lhs.department < rhs.department
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
    /// The same scorecard per township (属地); `department` holds the township's name.
    public var townships: [DepartmentEntry] = []
    /// Wage-arrears signals (linked or not) on each day of the window, oldest first.
    public var signalsPerDay: [Int] = []
    /// Unhealthy sources at the time the register was made (not part of a past as-of view).
    public var sourceHealth: [SourceWarning] = []
    /// Unregistered sites the real-name platform does not list either: outside both lists.
    /// Nil without platform data.
    public var sitesOutsideBoth: Int?

    public init(
        asOf: Day, windowDays: Int, projects: [ProjectEntry],
        unregistered: [UnregisteredEntry], departments: [DepartmentEntry]
    ) {
        self.asOf = asOf
        self.windowDays = windowDays
        self.projects = projects
        self.unregistered = unregistered
        self.departments = departments
    }

    enum CodingKeys: String, CodingKey {
        case asOf = "as_of"
        case windowDays = "window_days"
        case projects, unregistered, departments, townships
        case signalsPerDay = "signals_per_day"
        case sourceHealth = "source_health"
        case sitesOutsideBoth = "sites_outside_both"
    }
}
