import Foundation
import Model

/// Sets the signals against the departments' ledgers and raises flags (spec section 5).
///
/// Pure: everything it needs is passed in, including the as-of day, so the
/// register of any past day can be rebuilt from what was known on that day.
public struct RiskRegister: Sendable {
    public var projects: [Project]
    public var reports: [DepartmentReport]
    public var signals: [ItemSignal]
    /// Rows rejected at import, per department (填报单位).
    public var rejectedRows: [String: Int]

    public init(projects: [Project], reports: [DepartmentReport], signals: [ItemSignal],
                rejectedRows: [String: Int] = [:]) {
        self.projects = projects
        self.reports = reports
        self.signals = signals
        self.rejectedRows = rejectedRows
    }

    /// The register as of the end of `asOf`, looking back `windowDays` days (asOf included).
    ///
    /// Only ledger rows filed by `asOf` count, so a late filing does not clear an earlier flag.
    /// - Complexity: O(p + r + s log s) for p projects, r ledger rows and s signals.
    public func evaluate(asOf: Day, windowDays: Int) -> RegisterReport {
        let windowStart = asOf.adding(days: -(windowDays - 1))
        let from = windowStart.start
        let until = asOf.adding(days: 1).start

        var signalsByProject: [String: [ItemSignal]] = [:]
        var unlinkedSites: [String: [String]] = [:]
        for signal in signals where signal.at >= from && signal.at < until && signal.assessment.isSignal {
            if let link = signal.link, link.band == .link {
                signalsByProject[link.projectID, default: []].append(signal)
            } else if signal.link == nil {
                for site in signal.sites {
                    unlinkedSites[site, default: []].append(signal.itemID)
                }
            }
        }

        var rowsByProject: [String: [DepartmentReport]] = [:]
        for row in reports where row.filedOn <= asOf
            && row.period.lastDay >= windowStart && row.period.firstDay <= asOf {
            if let projectID = row.projectID {
                rowsByProject[projectID, default: []].append(row)
            }
        }

        var entries: [RegisterReport.ProjectEntry] = []
        var departments: [String: RegisterReport.DepartmentEntry] = [:]
        for project in projects {
            let projectSignals = (signalsByProject[project.id] ?? []).sorted { ($0.at, $0.itemID) < ($1.at, $1.itemID) }
            let verdict = LedgerVerdict(rows: rowsByProject[project.id] ?? [])
            let openWage = projectSignals.filter { $0.assessment.isOpenWageSignal }
            var flags: [RiskFlag] = []
            // A 工程款 row or a row already 清零 does not answer open wage claims.
            if project.isSensitive && !openWage.isEmpty && !verdict.reportsOpenWageArrears {
                flags.append(.underreported)
                if verdict.hasCommitment { flags.append(.contradictsCommitment) }
            }
            let evidence = (flags.isEmpty ? projectSignals : openWage).map(\.itemID)
            entries.append(RegisterReport.ProjectEntry(
                projectID: project.id, name: project.name, department: project.department,
                township: project.township, sensitive: project.isSensitive,
                signals: RegisterReport.Signals(
                    petitions: projectSignals.count { $0.kind == .petition },
                    posts: projectSignals.count { $0.kind == .post },
                    stories: Set(projectSignals.map(\.storyKey)).count,
                    score: projectSignals.reduce(0) { $0 + $1.assessment.score }),
                reported: verdict.state, flags: flags, evidence: evidence,
                reportEvidence: verdict.rows.map(\.id), stories: Self.spread(of: projectSignals)))

            var line = departments[project.department] ?? .init(department: project.department)
            line.projects += 1
            if !flags.isEmpty { line.flagged += 1 }
            if flags.contains(.underreported) { line.underreported += 1 }
            if flags.contains(.contradictsCommitment) { line.contradictedCommitments += 1 }
            if verdict.state == .missing && project.status == .active { line.reportsMissing += 1 }
            departments[project.department] = line
        }
        for (department, count) in rejectedRows {
            departments[department, default: .init(department: department)].rowsRejected += count
        }

        entries.sort { lhs, rhs in
            if lhs.flags.isEmpty != rhs.flags.isEmpty { return !lhs.flags.isEmpty }
            if lhs.signals.score != rhs.signals.score { return lhs.signals.score > rhs.signals.score }
            return lhs.projectID < rhs.projectID
        }
        let unregistered = unlinkedSites
            .map { RegisterReport.UnregisteredEntry(mention: $0.key, items: Array(Set($0.value)).sorted()) }
            .sorted { ($1.items.count, $0.mention) < ($0.items.count, $1.mention) }
        let scorecard = departments.values.sorted {
            ($1.flagged, $1.underreported, $1.contradictedCommitments, $1.reportsMissing, $1.rowsRejected, $0.department)
                < ($0.flagged, $0.underreported, $0.contradictedCommitments, $0.reportsMissing, $0.rowsRejected, $1.department)
        }
        return RegisterReport(asOf: asOf, windowDays: windowDays, projects: entries,
                              unregistered: unregistered, departments: scorecard)
    }
}

extension RiskRegister {
    /// The stories among `signals` (which share a story key when they are copies), widest first.
    static func spread(of signals: [ItemSignal]) -> [RegisterReport.StorySpread] {
        var byStory: [String: [ItemSignal]] = [:]
        for signal in signals { byStory[signal.storyKey, default: []].append(signal) }
        return byStory.map { key, copies in
            let times = copies.map(\.at)
            return RegisterReport.StorySpread(
                story: key, copies: copies.count,
                platforms: Array(Set(copies.map { $0.channel ?? $0.kind.rawValue })).sorted(),
                firstSeen: times.min()!, lastSeen: times.max()!, items: copies.map(\.itemID).sorted())
        }
        .sorted { ($1.copies, $0.firstSeen, $0.story) < ($0.copies, $1.firstSeen, $1.story) }
    }
}

/// What a project's ledger rows in the window say, read from the latest month filed.
struct LedgerVerdict {
    /// The rows of the latest reporting month in the window.
    var rows: [DepartmentReport]
    var state: ReportedState
    /// A 无欠薪 row of that month carries a no-arrears commitment (无欠薪承诺书).
    var hasCommitment: Bool
    /// A row of that month reports wage arrears not yet cleared.
    var reportsOpenWageArrears: Bool

    init(rows all: [DepartmentReport]) {
        guard let latest = all.map(\.period).max() else {
            rows = []
            state = .missing
            hasCommitment = false
            reportsOpenWageArrears = false
            return
        }
        rows = all.filter { $0.period == latest }.sorted { $0.id < $1.id }
        state = rows.contains { $0.status == .arrears } ? .arrears : .none
        hasCommitment = rows.contains { $0.status == .none && $0.commitment == true }
        reportsOpenWageArrears = rows.contains { $0.isOpenWageArrears }
    }
}
