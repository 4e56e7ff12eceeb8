import Foundation
import Model

/// Sets the signals against the departments' ledgers and raises flags (spec section 5).
///
/// Pure: everything it needs is passed in, including the as-of day, so the
/// register of any past day can be rebuilt from what was known on that day:
/// ledger rows filed by then, items dated by then, petitions closed by then.
public struct RiskRegister: Sendable {
    public var projects: [Project]
    public var reports: [DepartmentReport]
    public var signals: [ItemSignal]
    /// Rows rejected at import, per department (填报单位).
    public var rejectedRows: [String: Int]
    public var rules: RegisterRules
    /// Linked petitions received before the look-back span and still open at the as-of
    /// day (their closing, if any, came later): follow-up deadlines still apply to them.
    public var olderOpenPetitions: [ItemSignal]
    /// Gives near-copies among one project's signals (oldest first) one story key;
    /// nil when the keys already say which signals are copies of one story. It sees the
    /// signals the register counts for the project on the day judged: those linked to it
    /// (not the review band) within the look-back span, so that a story is what was known
    /// of it by then.
    public var mergeStories: (@Sendable (inout ArraySlice<ItemSignal>) -> Void)?

    /// - Parameter projects: the registry, one entry per project id (the registry's key;
    ///   signals and rows go to the first project of an id).
    public init(projects: [Project], reports: [DepartmentReport], signals: [ItemSignal],
                rejectedRows: [String: Int] = [:], rules: RegisterRules = RegisterRules(),
                olderOpenPetitions: [ItemSignal] = [],
                mergeStories: (@Sendable (inout ArraySlice<ItemSignal>) -> Void)? = nil) {
        self.mergeStories = mergeStories
        self.projects = projects
        self.reports = reports
        self.signals = signals
        self.rejectedRows = rejectedRows
        self.rules = rules
        self.olderOpenPetitions = olderOpenPetitions
    }

    /// How many days back from the as-of day the register reads signals: the window,
    /// or further when the sudden-rise baseline needs it.
    public static func lookBackDays(rules: RegisterRules, windowDays: Int) -> Int {
        max(windowDays, rules.surgeDays + rules.baselineDays)
    }

    /// The register as of the end of `asOf`, looking back `windowDays` days (asOf included).
    ///
    /// Only ledger rows filed by `asOf` count, so a late filing does not clear an earlier flag.
    /// - Complexity: O(p + r log r + s log s) for p projects, r ledger rows and s signals.
    public func evaluate(asOf: Day, windowDays: Int) -> RegisterReport {
        let windowStart = asOf.adding(days: -(windowDays - 1))
        let lookBackStart = asOf.adding(days: -(Self.lookBackDays(rules: rules, windowDays: windowDays) - 1))
        let calendar = RegisterCalendar(rules: rules, span: lookBackStart...asOf)
        let from = lookBackStart.start
        let until = asOf.adding(days: 1).start

        // Projects by position: signals and rows are grouped by index, not in a
        // dictionary of arrays (a city's register holds hundreds of thousands of each).
        var projectIndex: [String: Int] = [:]
        projectIndex.reserveCapacity(projects.count)
        for (index, project) in projects.enumerated() where projectIndex[project.id] == nil {
            projectIndex[project.id] = index
        }

        var unlinkedSites: [String: [String]] = [:]
        let windowFrom = windowStart.start
        var perDay = [Int](repeating: 0, count: windowDays)
        var signalOwner = [Int32](repeating: -1, count: signals.count)
        for (index, signal) in signals.enumerated() where signal.at >= from && signal.at < until && signal.assessment.isSignal {
            if signal.at >= windowFrom {
                let day = Day(containing: signal.at).ordinal - windowStart.ordinal
                if perDay.indices.contains(day) { perDay[day] += 1 }
            }
            if let link = signal.link, link.band == .link {
                if let owner = projectIndex[link.projectID] { signalOwner[index] = Int32(owner) }
            } else if signal.link == nil && signal.at >= windowFrom {
                for site in signal.sites {
                    unlinkedSites[site, default: []].append(signal.itemID)
                }
            }
        }
        // Each project's signals, oldest first, near-copies merged into stories.
        let signalsByProject = Grouped(signals, owners: signalOwner, groups: projects.count, by: {
            ($0.at, $0.itemID) < ($1.at, $1.itemID)
        }, eachGroup: mergeStories)

        // Petitions passed in as signals but from before this day's span count here too (the
        // inputs of several days are read at once, back to what the earliest needs).
        var olderPetitionLists: [Int: [ItemSignal]] = [:]
        for list in [olderOpenPetitions, signals] {
            for petition in list where petition.at < from && petition.kind == .petition && petition.assessment.isSignal {
                if let link = petition.link, link.band == .link, let owner = projectIndex[link.projectID] {
                    olderPetitionLists[owner, default: []].append(petition)
                }
            }
        }

        // Every row filed by the as-of day, per project, oldest month first.
        var rowOwner = [Int32](repeating: -1, count: reports.count)
        for (index, row) in reports.enumerated() where row.filedOn <= asOf && row.period.firstDay <= asOf {
            if let projectID = row.projectID, let owner = projectIndex[projectID] { rowOwner[index] = Int32(owner) }
        }
        let rowsByProject = Grouped(reports, owners: rowOwner, groups: projects.count) {
            ($0.period, $0.id) < ($1.period, $1.id)
        }
        let months = ReportingMonths(windowStart: windowStart, asOf: asOf, dueDay: rules.reportDueDay)
        let texts = RegisterTexts(rules: rules, windowStart: windowStart, asOf: asOf)

        // Each project is judged on its own: on every core, in chunks, each into its own slot.
        let filings = UnsafeMutableBufferPointer<(missing: Int, late: Int)>.allocate(capacity: projects.count)
        defer { filings.deallocate() }
        let olderPetitionsByProject = olderPetitionLists
        var entries = [RegisterReport.ProjectEntry](unsafeUninitializedCapacity: projects.count) { buffer, initialized in
            let entrySlots = UnsafeSlots(base: buffer.baseAddress), filingSlots = UnsafeSlots(base: filings.baseAddress)
            let chunkSize = 2_048
            let chunks = (projects.count + chunkSize - 1) / chunkSize
            DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
                for index in chunk * chunkSize..<min(projects.count, (chunk + 1) * chunkSize) {
                    var context = ProjectContext(
                        project: projects[index], asOf: asOf, windowStart: windowStart, rules: rules, calendar: calendar,
                        texts: texts, signals: signalsByProject[index], rows: rowsByProject[index],
                        olderPetitions: olderPetitionsByProject[index] ?? [])
                    entrySlots.base!.advanced(by: index).initialize(to: context.entry())
                    filingSlots.base!.advanced(by: index).initialize(to: months.filing(of: projects[index], rows: context.rows))
                }
            }
            initialized = projects.count
        }
        var departments: [String: RegisterReport.DepartmentEntry] = [:]
        var townships: [String: RegisterReport.DepartmentEntry] = [:]
        for (index, project) in projects.enumerated() {
            let entry = entries[index], filing = filings[index]
            func count(_ line: inout RegisterReport.DepartmentEntry) {
                line.projects += 1
                if !entry.flags.isEmpty { line.flagged += 1 }
                if entry.flags.contains(.underreported) { line.underreported += 1 }
                if entry.flags.contains(.contradictsCommitment) { line.contradictedCommitments += 1 }
                line.reportsMissing += filing.missing
                line.lateFilings += filing.late
            }
            count(&departments[project.department, default: .init(department: project.department)])
            if let township = project.township {
                count(&townships[township, default: .init(department: township)])
            }
        }
        for (department, count) in rejectedRows {
            departments[department, default: .init(department: department)].rowsRejected += count
        }

        entries.sort { lhs, rhs in
            if lhs.flags.isEmpty != rhs.flags.isEmpty { return !lhs.flags.isEmpty }
            if lhs.weightedScore != rhs.weightedScore { return lhs.weightedScore > rhs.weightedScore }
            return lhs.projectID < rhs.projectID
        }
        let unregistered = unlinkedSites
            .map { RegisterReport.UnregisteredEntry(mention: $0.key, items: Array(Set($0.value)).sorted()) }
            .sorted { ($1.items.count, $0.mention) < ($0.items.count, $1.mention) }
        var report = RegisterReport(asOf: asOf, windowDays: windowDays, projects: entries, unregistered: unregistered,
                                    departments: departments.values.sorted(by: RegisterReport.DepartmentEntry.worstFirst))
        report.townships = townships.values.sorted(by: RegisterReport.DepartmentEntry.worstFirst)
        report.signalsPerDay = perDay
        return report
    }
}

/// What every project's evidence repeats: made once per register, shared by all.
struct RegisterTexts: Sendable {
    let window: String
    let escalating: [String: Double]
    let stale: [String: Double]
    let recurrence: [String: Double]
    let nonWage: [String: Double]

    init(rules: RegisterRules, windowStart: Day, asOf: Day) {
        window = "\(windowStart)–\(asOf)"
        escalating = ["collective_people": Double(rules.collectivePeople), "surge_days": Double(rules.surgeDays),
                      "baseline_days": Double(rules.baselineDays), "surge_factor": rules.surgeFactor,
                      "surge_min_stories": Double(rules.surgeMinStories)]
        stale = ["default_petition_deadline": Double(rules.defaultPetitionDeadline),
                 "ledger_stale_months": Double(rules.ledgerStaleMonths)]
        recurrence = ["grace_days": Double(rules.recurrenceGraceDays)]
        nonWage = ["min_signals": Double(rules.nonWageMinSignals), "min_share": rules.nonWageMinShare]
    }
}

/// The months whose ledger rows the scorecard judges: those whose due day (the
/// rules' day of the next month) falls in the window.
struct ReportingMonths: Sendable {
    var due: [(period: Period, dueDay: Day)] = []

    init(windowStart: Day, asOf: Day, dueDay: Int) {
        // A month is due in the next one: start from the month before the window.
        var period = windowStart.period.previous
        while period.firstDay <= asOf {
            let day = Day(year: period.next.year, month: period.next.month, day: dueDay)!
            if day >= windowStart && day <= asOf { due.append((period, day)) }
            period = period.next
        }
    }

    /// Months without a row for an active project, and rows filed after their due day.
    /// A row whose filing day was not given (the import day stands in) is never late:
    /// when it was filed is unknown.
    func filing(of project: Project, rows: ArraySlice<DepartmentReport>) -> (missing: Int, late: Int) {
        var missing = 0, late = 0
        for (period, dueDay) in due {
            let filed = rows.filter { $0.period == period && $0.department == project.department }
            if filed.isEmpty && project.status == .active { missing += 1 }
            late += filed.count { !$0.isFilingDayImputed && $0.filedOn > dueDay }
        }
        return (missing, late)
    }
}

/// One project's signals and rows, and the flags they raise.
struct ProjectContext {
    let project: Project
    let asOf: Day
    let windowStart: Day
    let rules: RegisterRules
    let calendar: RegisterCalendar
    let texts: RegisterTexts
    /// Linked signals of the look-back span, oldest first.
    let signals: ArraySlice<ItemSignal>
    /// Rows filed by the as-of day, oldest month first.
    let rows: ArraySlice<DepartmentReport>
    /// Petitions from before the look-back span still open (follow-up deadlines only).
    let olderPetitions: [ItemSignal]

    /// The signals of the window.
    var windowSignals: ArraySlice<ItemSignal> {
        let start = windowStart.start
        let first = signals.firstIndex { $0.at >= start } ?? signals.endIndex
        return signals[first...]
    }

    mutating func entry() -> RegisterReport.ProjectEntry {
        // Most projects of a city's registry are quiet: nothing to weigh but the ledger.
        if signals.isEmpty && rows.isEmpty && olderPetitions.isEmpty {
            return RegisterReport.ProjectEntry(
                projectID: project.id, name: project.name, department: project.department, township: project.township,
                sensitive: rules.isSensitive(project), signals: RegisterReport.Signals(), reported: .missing, flags: [],
                evidence: [], reportEvidence: [])
        }
        let inWindow = windowSignals
        let verdict = LedgerVerdict(rows: rows.filter { $0.period.lastDay >= windowStart })
        // The checks read ids and counts: no signal is copied into a list of its own.
        let openWage = inWindow.compactMap { $0.assessment.isOpenWageSignal ? $0.itemID : nil }
        let sensitive = isSensitive(inWindow)
        var evidence: [FlagEvidence] = []
        evidence += underreporting(openWage, verdict, sensitive: sensitive)
        evidence += escalation(inWindow)
        evidence += staleFollowup()
        evidence += recurrence(inWindow)
        evidence += nonWageDispute(inWindow)
        let flags = evidence.map(\.flag)

        let shown = flags.isEmpty ? inWindow.map(\.itemID) : (openWage + evidence.flatMap(\.items)).uniqued()
        let stories = RiskRegister.spread(of: inWindow)
        var entry = RegisterReport.ProjectEntry(
            projectID: project.id, name: project.name, department: project.department,
            township: project.township, sensitive: sensitive,
            signals: RegisterReport.Signals(
                petitions: inWindow.count { $0.kind == .petition },
                posts: inWindow.count { $0.kind == .post },
                stories: stories.count,
                score: inWindow.reduce(0) { $0 + $1.assessment.score }),
            reported: verdict.state, flags: flags, evidence: shown.sorted(),
            reportEvidence: (verdict.rows.map(\.id) + evidence.flatMap(\.reports)).uniqued().sorted(),
            stories: stories)
        entry.flagEvidence = evidence
        entry.weightedScore = inWindow.reduce(0) { $0 + $1.assessment.score * calendar.seasonWeight(on: Day(containing: $1.at)) }
        return entry
    }

    func isSensitive(_ inWindow: ArraySlice<ItemSignal>) -> Bool {
        if rules.isSensitive(project) { return true }
        guard rules.sensitiveSignalDays > 0 else { return false }
        var days: [Int] = []
        for signal in inWindow where signal.assessment.isOpenWageSignal {
            let day = Day(containing: signal.at).ordinal
            if !days.contains(day) { days.append(day) }
        }
        return days.count >= rules.sensitiveSignalDays
    }

    /// underreported and contradicts_commitment: open wage claims on a sensitive project
    /// that the latest ledger month does not answer. A 工程款 row or a row already 清零
    /// does not answer them.
    /// - Parameter openWage: the ids of the window's open wage signals.
    func underreporting(_ openWage: [String], _ verdict: LedgerVerdict, sensitive: Bool) -> [FlagEvidence] {
        guard sensitive, !openWage.isEmpty, !verdict.reportsOpenWageArrears else { return [] }
        let said = switch verdict.state {
        case .missing: "部门未报送本项目台账"
        case .none: "部门台账报“无欠薪”"
        case .arrears: "部门台账所报欠薪不是未清零的工资"
        }
        var raised = [FlagEvidence(
            flag: .underreported,
            reason: "敏感项目在 \(texts.window) 有 \(openWage.count) 条欠薪信号，\(said)",
            items: openWage, reports: verdict.rows.map(\.id))]
        let promised = verdict.rows.filter { $0.status == .none && $0.commitment == true }
        if !promised.isEmpty {
            raised.append(FlagEvidence(
                flag: .contradictsCommitment, reason: "台账附无欠薪承诺书，但有 \(openWage.count) 条欠薪信号",
                items: openWage, reports: promised.map(\.id)))
        }
        return raised
    }

    /// escalating: collective action, extreme acts or threats, or a sudden rise of stories.
    func escalation(_ inWindow: ArraySlice<ItemSignal>) -> [FlagEvidence] {
        var reasons: [String] = []
        var items: [String] = []
        // Resolved items (已结清) no longer threaten anything.
        var collective: [String] = [], extreme: [String] = []
        for signal in inWindow where !signal.assessment.isResolved {
            let fired = signal.assessment.firedRules
            if (signal.assessment.people ?? 0) >= rules.collectivePeople || fired.contains(where: rules.collectiveRules.contains) {
                collective.append(signal.itemID)
            }
            if fired.contains(where: rules.extremeRules.contains) { extreme.append(signal.itemID) }
        }
        if !collective.isEmpty {
            reasons.append("\(collective.count) 条为集体讨薪或涉及 \(rules.collectivePeople) 人以上")
            items += collective
        }
        if !extreme.isEmpty {
            reasons.append("\(extreme.count) 条含极端行为或扬言")
            items += extreme
        }
        // A sudden rise needs at least surge_min_stories signals to begin with.
        guard signals.count >= rules.surgeMinStories || !reasons.isEmpty else { return [] }
        // Stories by the day their first copy was seen.
        var firstSeen: [String: (at: Date, item: String)] = [:]
        for signal in signals where firstSeen[signal.storyKey] == nil {
            firstSeen[signal.storyKey] = (signal.at, signal.itemID)
        }
        let recentStart = asOf.adding(days: -(rules.surgeDays - 1)).start
        let baselineStart = asOf.adding(days: -(rules.surgeDays + rules.baselineDays - 1)).start
        let recent = firstSeen.values.filter { $0.at >= recentStart }
        let baseline = firstSeen.values.count { $0.at >= baselineStart && $0.at < recentStart }
        let expected = Double(baseline) * Double(rules.surgeDays) / Double(rules.baselineDays)
        if recent.count >= rules.surgeMinStories && Double(recent.count) >= rules.surgeFactor * expected {
            reasons.append("近 \(rules.surgeDays) 天新增 \(recent.count) 个事件，此前 \(rules.baselineDays) 天共 \(baseline) 个（突增）")
            items += recent.map(\.item)
        }
        guard !reasons.isEmpty else { return [] }
        return [FlagEvidence(
            flag: .escalating, reason: reasons.joined(separator: "；"),
            thresholds: texts.escalating,
            items: items.uniqued().sorted())]
    }

    /// stale_followup: petitions still open past their deadline in working days, and
    /// arrears rows still open with the same unpaid amount over consecutive months.
    func staleFollowup() -> [FlagEvidence] {
        var reasons: [String] = []
        var items: [String] = []
        var reports: [String] = []
        let asOfEnd = asOf.adding(days: 1).start
        var overdue = 0
        for signal in [olderPetitions[...], signals].joined() where signal.kind == .petition {
            let closed = signal.closedAt.map { $0 < asOfEnd } ?? (signal.status == "closed")
            guard !closed else { continue }
            let deadline = calendar.adding(workingDays: rules.petitionDeadline(channel: signal.channel), to: Day(containing: signal.at))
            if deadline < asOf {
                overdue += 1
                items.append(signal.itemID)
            }
        }
        if overdue > 0 { reasons.append("\(overdue) 件信访超过办理时限未办结") }

        // The latest months with rows, newest first, as long as they follow each other.
        var byMonth: [(period: Period, rows: [DepartmentReport])] = []
        for row in rows.reversed() {
            if byMonth.last?.period == row.period { byMonth[byMonth.count - 1].rows.append(row) } else { byMonth.append((row.period, [row])) }
        }
        if let latest = byMonth.first, latest.period.lastDay >= windowStart, byMonth.count >= rules.ledgerStaleMonths {
            let run = byMonth.prefix(rules.ledgerStaleMonths)
            let consecutive = zip(run, run.dropFirst()).allSatisfy { $0.1.period.next == $0.0.period }
            let unpaid = run.map { month in
                month.rows.filter { $0.status == .arrears && $0.resolved != true }
                    .reduce(0.0) { $0 + ($1.amountOwed ?? 0) - ($1.amountPaid ?? 0) }
            }
            let open = run.allSatisfy { $0.rows.contains { $0.status == .arrears && $0.resolved != true } }
            if consecutive && open && unpaid.allSatisfy({ $0 >= unpaid.last! - 0.005 }) {
                reasons.append("连续 \(rules.ledgerStaleMonths) 个月台账欠薪未清零、未付金额无变化")
                reports += run.flatMap { $0.rows.filter { $0.status == .arrears }.map(\.id) }
            }
        }
        guard !reasons.isEmpty else { return [] }
        return [FlagEvidence(
            flag: .staleFollowup, reason: reasons.joined(separator: "；"),
            thresholds: texts.stale,
            items: items.sorted(), reports: reports.sorted())]
    }

    /// recurrence: wage claims after a row said the arrears were cleared (清零).
    func recurrence(_ inWindow: ArraySlice<ItemSignal>) -> [FlagEvidence] {
        guard let cleared = rows.filter({ $0.resolved == true && $0.resolvedOn != nil }).max(by: { $0.resolvedOn! < $1.resolvedOn! }),
              let resolvedOn = cleared.resolvedOn else { return [] }
        let after = resolvedOn.adding(days: rules.recurrenceGraceDays).start
        let again = inWindow.compactMap { $0.assessment.isOpenWageSignal && $0.at >= after ? $0.itemID : nil }
        guard !again.isEmpty else { return [] }
        return [FlagEvidence(
            flag: .recurrence, reason: "台账 \(resolvedOn) 清零后又有 \(again.count) 条欠薪信号",
            thresholds: texts.recurrence,
            items: again.sorted(), reports: [cleared.id])]
    }

    /// non_wage_dispute: most signals claim project, material or rental money.
    func nonWageDispute(_ inWindow: ArraySlice<ItemSignal>) -> [FlagEvidence] {
        let payment = inWindow.compactMap { $0.assessment.claim == .projectPayment ? $0.itemID : nil }
        guard payment.count >= rules.nonWageMinSignals,
              Double(payment.count) >= rules.nonWageMinShare * Double(inWindow.count) else { return [] }
        let rows = rows.filter { $0.period.lastDay >= windowStart && $0.arrearsType == .projectPayment }
        return [FlagEvidence(
            flag: .nonWageDispute, reason: "\(inWindow.count) 条信号中 \(payment.count) 条讨要工程款、材料款或租赁费等，非工资",
            thresholds: texts.nonWage,
            items: payment.sorted(), reports: rows.map(\.id))]
    }
}

extension RiskRegister {
    /// The stories among `signals` (which share a story key when they are copies), widest first.
    static func spread<Signals: Collection<ItemSignal>>(of signals: Signals) -> [RegisterReport.StorySpread] {
        // A project has a handful of signals: sort them by story, not into a dictionary.
        let order = signals.indices.sorted {
            (signals[$0].storyKey, signals[$0].itemID) < (signals[$1].storyKey, signals[$1].itemID)
        }
        var stories: [RegisterReport.StorySpread] = []
        var first = 0
        while first < order.count {
            let key = signals[order[first]].storyKey
            var end = first + 1
            while end < order.count && signals[order[end]].storyKey == key { end += 1 }
            // Fields read in place: a copy of a signal retains a dozen references.
            let copies = order[first..<end]
            var platforms: [String] = []
            var firstSeen = signals[order[first]].at, lastSeen = firstSeen
            for index in copies {
                let platform = signals[index].channel ?? signals[index].kind.rawValue
                if !platforms.contains(platform) { platforms.append(platform) }
                firstSeen = min(firstSeen, signals[index].at)
                lastSeen = max(lastSeen, signals[index].at)
            }
            stories.append(RegisterReport.StorySpread(
                story: key, copies: copies.count, platforms: platforms.count > 1 ? platforms.sorted() : platforms,
                firstSeen: firstSeen, lastSeen: lastSeen, items: copies.map { signals[$0].itemID }))
            first = end
        }
        return stories.sorted { ($1.copies, $0.firstSeen, $0.story) < ($0.copies, $1.firstSeen, $1.story) }
    }
}

/// What a project's ledger rows in the window say, read from the latest month filed.
struct LedgerVerdict {
    /// The rows of the latest reporting month in the window.
    var rows: [DepartmentReport]
    var state: ReportedState
    /// A row of that month reports wage arrears not yet cleared.
    var reportsOpenWageArrears: Bool

    init(rows all: [DepartmentReport]) {
        guard let latest = all.map(\.period).max() else {
            rows = []
            state = .missing
            reportsOpenWageArrears = false
            return
        }
        rows = all.filter { $0.period == latest }.sorted { $0.id < $1.id }
        state = rows.contains { $0.status == .arrears } ? .arrears : .none
        reportsOpenWageArrears = rows.contains { $0.isOpenWageArrears }
    }
}

extension Sequence where Element: Hashable {
    /// The elements in order, each once.
    func uniqued() -> [Element] {
        var result: [Element] = []
        var iterator = makeIterator()
        // A project's lists are short: compared element by element until 16 are kept,
        // then hashed.
        while let element = iterator.next() {
            if !result.contains(element) { result.append(element) }
            if result.count == 16 {
                var seen = Set(result)
                while let element = iterator.next() {
                    if seen.insert(element).inserted { result.append(element) }
                }
            }
        }
        return result
    }
}
