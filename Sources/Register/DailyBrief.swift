import Foundation
import Model

/// The daily risk list (日报) for the cyberspace office: what changed since the day
/// before, escalations first. Made from the register of the day and of the day
/// before, both as known on their own day.
public struct DailyBrief: Codable, Hashable, Sendable {
    /// A flag raised or cleared since the day before.
    public struct FlagChange: Codable, Hashable, Sendable {
        public var projectID: String
        public var name: String
        public var department: String
        public var flag: RiskFlag
        public var label: String
        /// Why it was raised (for a cleared flag, why it had been).
        public var reason: String

        enum CodingKeys: String, CodingKey {
            case projectID = "project_id"
            case name, department, flag, label, reason
        }
    }

    /// A project whose weighted score rose.
    public struct ScoreChange: Codable, Hashable, Sendable {
        public var projectID: String
        public var name: String
        public var department: String
        public var previous: Double
        public var current: Double

        public var rise: Double { current - previous }

        enum CodingKeys: String, CodingKey {
            case projectID = "project_id"
            case name, department, previous, current
        }
    }

    /// One of the widest stories of the window, with a masked title.
    public struct Story: Codable, Hashable, Sendable {
        public var projectID: String
        public var name: String
        public var escalating: Bool
        /// The first copy's title or opening words, personal data masked.
        public var title: String
        public var spread: RegisterReport.StorySpread

        enum CodingKeys: String, CodingKey {
            case projectID = "project_id"
            case name, escalating, title, spread
        }
    }

    public var asOf: Day
    public var windowDays: Int
    public var flaggedProjects: Int
    public var escalatingProjects: Int
    public var signalsToday: Int
    public var newFlags: [FlagChange]
    public var clearedFlags: [FlagChange]
    public var risers: [ScoreChange]
    public var topStories: [Story]
    /// Signals per day over the window, oldest first (the chart).
    public var signalsPerDay: [Int]
    /// 督办 cases dispatched on the day, reopened on it, and overdue on it.
    public var newCases: [CaseLine] = []
    public var reopenedCases: [CaseLine] = []
    public var overdueCases: [CaseLine] = []

    /// A 督办 case as the 日报 lists it.
    public struct CaseLine: Codable, Hashable, Sendable {
        public var id: String
        /// 项目 P-001, 工地 …, 条目 … .
        public var subject: String
        public var unit: String
        public var person: String
        public var state: String
        public var deadline: Day
        /// Days past the deadline, for an overdue case.
        public var overdueDays: Int?

        public init(_ supervised: SupervisionCase, on day: Day) {
            id = supervised.id
            let kind =
                switch supervised.subject {
                case .project: "项目"
                case .site: "工地"
                case .item: "条目"
                }
            subject = "\(kind) \(supervised.subject.value)"
            unit = supervised.unit.name
            person = supervised.person
            state = supervised.state.label
            deadline = supervised.deadline
            overdueDays = supervised.isOverdue(on: day) ? day.ordinal - supervised.deadline.ordinal : nil
        }

        enum CodingKeys: String, CodingKey {
            case id, subject, unit, person, state, deadline
            case overdueDays = "overdue_days"
        }
    }

    /// Lists the cases of `cases` dispatched, reopened or overdue on the brief's day.
    public mutating func addCases(_ cases: [SupervisionCase]) {
        let day = asOf
        newCases = cases.filter { $0.dispatchedOn == day && $0.timesReopened == 0 }.map { CaseLine($0, on: day) }
        reopenedCases = cases.filter { $0.dispatchedOn == day && $0.timesReopened > 0 }.map { CaseLine($0, on: day) }
        overdueCases = cases.filter { $0.isOverdue(on: day) }.sorted { $0.deadline < $1.deadline }.map { CaseLine($0, on: day) }
    }

    enum CodingKeys: String, CodingKey {
        case asOf = "as_of"
        case windowDays = "window_days"
        case flaggedProjects = "flagged_projects"
        case escalatingProjects = "escalating_projects"
        case signalsToday = "signals_today"
        case newFlags = "new_flags"
        case clearedFlags = "cleared_flags"
        case risers
        case topStories = "top_stories"
        case signalsPerDay = "signals_per_day"
        case newCases = "new_cases"
        case reopenedCases = "reopened_cases"
        case overdueCases = "overdue_cases"
    }

    /// - Parameters:
    ///   - today: the register as of the brief's day.
    ///   - yesterday: the register as of the day before.
    ///   - title: the masked title of an item, for the stories.
    ///   - limit: how many risers and stories to list.
    public init(today: RegisterReport, yesterday: RegisterReport, limit: Int = 10, title: (String) -> String) {
        asOf = today.asOf
        windowDays = today.windowDays
        flaggedProjects = today.projects.count { !$0.flags.isEmpty }
        escalatingProjects = today.projects.count { $0.flags.contains(.escalating) }
        signalsToday = today.signalsPerDay.last ?? 0
        signalsPerDay = today.signalsPerDay

        let before = Dictionary(yesterday.projects.map { ($0.projectID, $0) }, uniquingKeysWith: { first, _ in first })
        let after = Dictionary(today.projects.map { ($0.projectID, $0) }, uniquingKeysWith: { first, _ in first })
        func changes(_ from: [RegisterReport.ProjectEntry], against other: [String: RegisterReport.ProjectEntry]) -> [FlagChange] {
            from.flatMap { entry in
                entry.flagEvidence.filter { other[entry.projectID]?.flags.contains($0.flag) != true }.map {
                    FlagChange(
                        projectID: entry.projectID, name: entry.name, department: entry.department,
                        flag: $0.flag, label: $0.flag.label, reason: $0.reason)
                }
            }
            // Escalations first, then by flag, then by project.
            .sorted { lhs, rhs in
                let left = (lhs.flag == .escalating ? 0 : 1, lhs.flag, lhs.projectID)
                let right = (rhs.flag == .escalating ? 0 : 1, rhs.flag, rhs.projectID)
                return left < right
            }
        }
        newFlags = changes(today.projects, against: before)
        clearedFlags = changes(yesterday.projects, against: after)
        risers = today.projects.compactMap { entry -> ScoreChange? in
            let previous = before[entry.projectID]?.weightedScore ?? 0
            guard entry.weightedScore > previous + 1e-9 else { return nil }
            return ScoreChange(
                projectID: entry.projectID, name: entry.name, department: entry.department,
                previous: previous, current: entry.weightedScore)
        }
        .sorted { ($1.rise, $0.projectID) < ($0.rise, $1.projectID) }
        .prefix(limit).map { $0 }
        // The widest stories, escalations first: the best `limit` kept while walking every
        // project's stories by position (a city has hundreds of thousands; only those shown
        // are copied, and only their titles looked up).
        func precedes(_ lhs: (project: Int, story: Int), _ rhs: (project: Int, story: Int)) -> Bool {
            let left = today.projects[lhs.project]
            let right = today.projects[rhs.project]
            let leftEscalating = left.flags.contains(.escalating)
            let rightEscalating = right.flags.contains(.escalating)
            if leftEscalating != rightEscalating { return leftEscalating }
            let a = left.stories[lhs.story]
            let b = right.stories[rhs.story]
            if a.copies != b.copies { return a.copies > b.copies }
            return (a.lastSeen, a.story) > (b.lastSeen, b.story)
        }
        var best: [(project: Int, story: Int)] = []
        for project in today.projects.indices {
            for story in today.projects[project].stories.indices {
                let candidate = (project: project, story: story)
                guard best.count < limit || precedes(candidate, best[best.count - 1]) else { continue }
                let place = best.firstIndex { precedes(candidate, $0) } ?? best.count
                best.insert(candidate, at: place)
                if best.count > limit { best.removeLast() }
            }
        }
        topStories = best.map { position in
            let entry = today.projects[position.project]
            let spread = entry.stories[position.story]
            return Story(
                projectID: entry.projectID, name: entry.name, escalating: entry.flags.contains(.escalating),
                title: spread.items.first.map(title) ?? "", spread: spread)
        }
    }
}
