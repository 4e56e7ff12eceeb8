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
            case projectID = "project_id", name, department, flag, label, reason
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
            case projectID = "project_id", name, department, previous, current
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
            case projectID = "project_id", name, escalating, title, spread
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

    enum CodingKeys: String, CodingKey {
        case asOf = "as_of", windowDays = "window_days", flaggedProjects = "flagged_projects"
        case escalatingProjects = "escalating_projects", signalsToday = "signals_today"
        case newFlags = "new_flags", clearedFlags = "cleared_flags", risers, topStories = "top_stories"
        case signalsPerDay = "signals_per_day"
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
                    FlagChange(projectID: entry.projectID, name: entry.name, department: entry.department,
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
            return ScoreChange(projectID: entry.projectID, name: entry.name, department: entry.department,
                               previous: previous, current: entry.weightedScore)
        }
        .sorted { ($1.rise, $0.projectID) < ($0.rise, $1.projectID) }
        .prefix(limit).map { $0 }
        // Titles are looked up for the stories shown only (a city has hundreds of thousands).
        topStories = today.projects.flatMap { entry in
            entry.stories.map { spread in
                Story(projectID: entry.projectID, name: entry.name, escalating: entry.flags.contains(.escalating),
                      title: "", spread: spread)
            }
        }
        .sorted { lhs, rhs in
            if lhs.escalating != rhs.escalating { return lhs.escalating }
            if lhs.spread.copies != rhs.spread.copies { return lhs.spread.copies > rhs.spread.copies }
            return (lhs.spread.lastSeen, lhs.spread.story) > (rhs.spread.lastSeen, rhs.spread.story)
        }
        .prefix(limit).map { story in
            var story = story
            story.title = story.spread.items.first.map(title) ?? ""
            return story
        }
    }
}
