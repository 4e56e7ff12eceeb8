import Foundation
import Model
import Parallel

/// Sets the signals against the departments' ledgers and raises flags (docs/FORMATS.md, "Register (风险台账)").
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
    /// The real-name platform's rows (attendance and payroll per project and month); only
    /// those matched to a registry project are judged.
    public var platform: [PlatformRecord]
    /// Gives near-copies among one project's signals one story key, given their keys
    /// (the signals oldest first); nil when the keys already say which signals are copies
    /// of one story. It sees the signals the register counts for the project on the day
    /// judged: those linked to it (not the review band) within the look-back span, so that
    /// a story is what was known of it by then.
    public var mergeStories: (@Sendable (inout ArraySlice<String>) -> Void)?

    /// - Parameter projects: the registry, one entry per project id (the registry's key;
    ///   signals and rows go to the first project of an id).
    public init(
        projects: [Project], reports: [DepartmentReport], signals: [ItemSignal],
        rejectedRows: [String: Int] = [:], rules: RegisterRules = RegisterRules(),
        olderOpenPetitions: [ItemSignal] = [], platform: [PlatformRecord] = [],
        mergeStories: (@Sendable (inout ArraySlice<String>) -> Void)? = nil
    ) {
        self.mergeStories = mergeStories
        self.platform = platform
        self.projects = projects
        self.reports = reports
        self.signals = signals
        self.rejectedRows = rejectedRows
        self.rules = rules
        self.olderOpenPetitions = olderOpenPetitions
    }

    /// How many days back from the as-of day the register reads signals: the window,
    /// or further when the sudden-rise baseline needs it.
    /// The months whose wages were due (pay day of the next month plus grace) before
    /// `asOf` and at most the payroll look-back before it; nil when none is.
    public static func payrollMonths(asOf: Day, rules: RegisterRules) -> ClosedRange<Period>? {
        var months: [Period] = []
        var month = asOf.period
        // The look-back is at most a year, and a due day a few months after its month.
        for _ in 0..<26 {
            let due = rules.payrollDue(of: month)
            if due < asOf && asOf.ordinal - due.ordinal <= rules.payrollLookBackDays { months.append(month) }
            month = month.previous
        }
        guard let first = months.min(), let last = months.max() else { return nil }
        return first...last
    }

    public static func lookBackDays(rules: RegisterRules, windowDays: Int) -> Int {
        max(windowDays, rules.surgeDays + rules.baselineDays)
    }

    /// The register as of the end of `asOf`, looking back `windowDays` days (asOf included).
    ///
    /// Only ledger rows filed by `asOf` count, so a late filing does not clear an earlier flag.
    /// - Complexity: O(p + r log r + s log s) for p projects, r ledger rows and s signals.
    public func evaluate(asOf: Day, windowDays: Int) -> RegisterReport {
        signals.withUnsafeBufferPointer { signals in
            platform.withUnsafeBufferPointer { platform in
                evaluate(asOf: asOf, windowDays: windowDays, signals: SharedBuffer(signals), platform: SharedBuffer(platform))
            }
        }
    }

    /// - Parameter all: `signals`, read in place (a signal's fields are read through its
    ///   address: a copy of one retains its references).
    /// - Parameter platform: `platform`, read in place, each project's rows by index.
    private func evaluate(
        asOf: Day, windowDays: Int, signals all: SharedBuffer<ItemSignal>, platform: SharedBuffer<PlatformRecord>
    ) -> RegisterReport {
        let windowStart = asOf.adding(days: -(windowDays - 1))
        let lookBackStart = asOf.adding(days: -(Self.lookBackDays(rules: rules, windowDays: windowDays) - 1))
        let calendar = RegisterCalendar(rules: rules, span: lookBackStart...asOf)
        let from = lookBackStart.start
        let until = asOf.adding(days: 1).start

        // Projects by position: signals and rows are grouped by index, not in a
        // dictionary of arrays (a city's register holds hundreds of thousands of each).
        let projectIndex = projects.indices.reduce(into: [String: Int](minimumCapacity: projects.count)) { index, project in
            if index[projects[project].id] == nil { index[projects[project].id] = project }
        }

        let windowFrom = windowStart.start
        // Each signal's project and day in the window (-1 for none), looked up on every core.
        let placed = Parallel.map(all.count) { index in
            let signal = all[signal: index]
            guard signal.at >= from && signal.at < until && signal.isSignal else {
                return (owner: Int32(-1), day: Int32(-1))
            }
            let owner = signal.linkedProjectID.flatMap { projectIndex[$0] }
            let day = signal.at >= windowFrom ? Day(containing: signal.at).ordinal - windowStart.ordinal : -1
            return (Int32(owner ?? -1), Int32(clamping: day))
        }
        var perDay = [Int](repeating: 0, count: windowDays)
        var unlinkedSites: [(item: String, day: Day, site: String)] = []
        for index in placed.indices where placed[index].day >= 0 {
            let day = Int(placed[index].day)
            if day < windowDays { perDay[day] += 1 }
            let signal = all[signal: index]
            if signal.projectID == nil {
                for site in signal.sites {
                    unlinkedSites.append((signal.itemID, Day(containing: signal.at), site))
                }
            }
        }
        // Each project's signals, oldest first, read in place by index; their story keys
        // beside them, near-copies merged into stories.
        let signalOrder = GroupOrder(
            count: placed.count, groups: projects.count, owner: { placed[$0].owner },
            by: { lhs, rhs in
                let left = all[signal: Int(lhs)]
                let right = all[signal: Int(rhs)]
                if left.at != right.at { return left.at < right.at }
                return left.itemID < right.itemID
            })
        let storyKeys = Grouped(signalOrder, value: { all[signal: Int($0)].storyKey }, eachGroup: mergeStories)

        // Petitions passed in as signals but from before this day's span count here too (the
        // inputs of several days are read at once, back to what the earliest needs).
        var olderPetitionLists: [Int: [ItemSignal]] = [:]
        olderOpenPetitions.withUnsafeBufferPointer { older in
            for list in [SharedBuffer(older), all] {
                for index in list.buffer.indices {
                    let petition = list[signal: index]
                    guard petition.at < from && petition.kind == .petition && petition.isSignal,
                        let projectID = petition.linkedProjectID, let owner = projectIndex[projectID]
                    else { continue }
                    olderPetitionLists[owner, default: []].append(petition.pointer.pointee)
                }
            }
        }

        // Every row filed by the as-of day, per project, oldest month first.
        let reports = self.reports
        let rowOwner = Parallel.map(reports.count) { index in
            guard reports[index].filedOn <= asOf && reports[index].period.firstDay <= asOf,
                let owner = reports[index].projectID.flatMap({ projectIndex[$0] })
            else { return Int32(-1) }
            return Int32(owner)
        }
        // (Copied into a list of each project's own as it is judged: a few rows each, and no
        // second list of them all.)
        let rowOrder = GroupOrder(
            count: rowOwner.count, groups: projects.count, owner: { rowOwner[$0] },
            by: { lhs, rhs in
                (reports[Int(lhs)].period, reports[Int(lhs)].id) < (reports[Int(rhs)].period, reports[Int(rhs)].id)
            })
        // Each project's platform rows of months begun by the as-of day, oldest first; the
        // latest month the platform exported, for off_platform.
        // Each row's project looked up once (the grouping asks twice), on every core.
        let platformOwners = Parallel.map(platform.count, chunkSize: 16_384) { index -> Int32 in
            let row = platform[index]
            guard row.pointee.period.firstDay <= asOf, let owner = row.pointee.matchedProjectID.flatMap({ projectIndex[$0] })
            else { return -1 }
            return Int32(owner)
        }
        // Each project reads its rows in place, by index (no copy of a city's year of rows).
        let platformOrder = GroupOrder(
            count: platform.count, groups: projects.count,
            owner: { platformOwners[$0] },
            by: { lhs, rhs in
                let (left, right) = (platform[Int(lhs)], platform[Int(rhs)])
                if left.pointee.period != right.pointee.period { return left.pointee.period < right.pointee.period }
                return left.pointee.platformProjectID < right.pointee.platformProjectID
            })
        let platformMonth = platform.buffer.lazy.map(\.period).filter { $0.firstDay <= asOf }.max()
        let payrollMonths = Self.payrollMonths(asOf: asOf, rules: rules)
        let months = ReportingMonths(windowStart: windowStart, asOf: asOf, dueDay: rules.reportDueDay)
        let texts = RegisterTexts(rules: rules, windowStart: windowStart, asOf: asOf)

        // Each project is judged on its own: on every core, in chunks, each into its own slot,
        // with what the order of the list needs of it beside; each chunk counts its projects
        // into a scorecard of its own.
        let judged = UnsafeMutableBufferPointer<RegisterReport.ProjectEntry>.allocate(capacity: projects.count)
        let scores = UnsafeMutableBufferPointer<(flagged: Bool, weightedScore: Double)>.allocate(capacity: projects.count)
        let chunkCount = (projects.count + GroupOrder.groupsPerChunk - 1) / GroupOrder.groupsPerChunk
        let scorecards = UnsafeMutableBufferPointer<Scorecard>.allocate(capacity: chunkCount)
        defer {
            judged.deallocate()  // its entries are moved into the list
            scores.deallocate()
            scorecards.deinitialize().deallocate()
        }
        let entrySlots = Slots(judged)
        let scoreSlots = Slots(scores)
        let scorecardSlots = Slots(scorecards)
        let olderPetitionsByProject = olderPetitionLists
        GroupOrder.eachChunk(groups: projects.count) { chunk in
            var scorecard = Scorecard()
            for index in chunk {
                var context = ProjectContext(
                    project: projects[index], asOf: asOf, windowStart: windowStart, rules: rules, calendar: calendar,
                    texts: texts,
                    signals: ProjectSignals(
                        all: all, order: signalOrder[index], keys: storyKeys[index],
                        windowFrom: windowFrom),
                    rows: ArraySlice(rowOrder[index].map { reports[Int($0)] }),
                    olderPetitions: olderPetitionsByProject[index] ?? [],
                    platform: PlatformRows(all: platform, order: platformOrder[index]),
                    platformMonth: platformMonth, payrollMonths: payrollMonths)
                let entry = context.entry()
                scorecard.count(
                    entry, filing: months.filing(of: projects[index], rows: context.rows),
                    platform: context.platformCounts(flags: entry.flags))
                scoreSlots.initialize(index, to: (!entry.flags.isEmpty, entry.weightedScore))
                entrySlots.initialize(index, to: entry)
            }
            scorecardSlots.initialize(chunk.lowerBound / GroupOrder.groupsPerChunk, to: scorecard)
        }
        var scorecard = Scorecard()
        for chunk in scorecards { scorecard.add(chunk) }
        for (department, count) in rejectedRows {
            scorecard.departments[department, default: .init(department: department)].rowsRejected += count
        }

        // Flagged projects first, highest weighted score first, then by id (the registry as
        // the store reads it is in id order: ties then keep their places).
        let inIDOrder = zip(projects, projects.dropFirst()).allSatisfy { $0.id < $1.id }
        let order = projects.indices.sorted { lhs, rhs in
            if scores[lhs].flagged != scores[rhs].flagged { return scores[lhs].flagged }
            if scores[lhs].weightedScore != scores[rhs].weightedScore { return scores[lhs].weightedScore > scores[rhs].weightedScore }
            return inIDOrder ? lhs < rhs : projects[lhs].id < projects[rhs].id
        }
        let entries = [RegisterReport.ProjectEntry](unsafeUninitializedCapacity: projects.count) { buffer, initialized in
            for (position, index) in order.enumerated() {
                // swift-format-ignore: NeverForceUnwrap
                // (both hold projects.count entries, and the loop runs only when that is not 0)
                buffer.baseAddress!.advanced(by: position).moveInitialize(from: judged.baseAddress! + index, count: 1)
            }
            initialized = projects.count
        }
        var unregistered = RegisterReport.UnregisteredEntry.merging(unlinkedSites)
        // Sites the signals name and the registry lacks, against the platform's projects the
        // registry lacks too: those on neither list are outside all supervision.
        var outsideBoth: Int?
        if platformMonth != nil {
            let offRegistry = Set(
                platform.buffer.lazy.filter { $0.matchedProjectID == nil && $0.period.firstDay <= asOf }.map(\.projectName))
            for index in unregistered.indices {
                unregistered[index].onPlatform = offRegistry.contains(where: unregistered[index].isNamed)
            }
            outsideBoth = unregistered.count { $0.onPlatform == false }
        }
        var report = RegisterReport(
            asOf: asOf, windowDays: windowDays, projects: entries, unregistered: unregistered,
            departments: scorecard.departments.values.sorted(by: RegisterReport.DepartmentEntry.worstFirst))
        report.townships = scorecard.townships.values.sorted(by: RegisterReport.DepartmentEntry.worstFirst)
        report.signalsPerDay = perDay
        report.sitesOutsideBoth = outsideBoth
        return report
    }
}

/// The department scorecard and the township one, counted project by project.
struct Scorecard {
    var departments: [String: RegisterReport.DepartmentEntry] = [:]
    var townships: [String: RegisterReport.DepartmentEntry] = [:]

    mutating func count(
        _ entry: RegisterReport.ProjectEntry, filing: (missing: Int, late: Int), platform: RegisterReport.DepartmentEntry.PlatformCounts
    ) {
        func count(_ line: inout RegisterReport.DepartmentEntry) {
            line.projects += 1
            if !entry.flags.isEmpty { line.flagged += 1 }
            if entry.flags.contains(.underreported) { line.underreported += 1 }
            if entry.flags.contains(.contradictsCommitment) { line.contradictedCommitments += 1 }
            if entry.flags.contains(.underreported) || entry.flags.contains(.contradictsCommitment) { line.underreporting += 1 }
            line.reportsMissing += filing.missing
            line.lateFilings += filing.late
            line.platform.add(platform)
        }
        count(&departments[entry.department, default: .init(department: entry.department)])
        if let township = entry.township {
            count(&townships[township, default: .init(department: township)])
        }
    }

    /// Adds the counts of another part of the registry.
    mutating func add(_ other: Scorecard) {
        for (key, line) in other.departments { departments[key, default: .init(department: key)].add(line) }
        for (key, line) in other.townships { townships[key, default: .init(department: key)].add(line) }
    }
}

extension RegisterReport.DepartmentEntry {
    mutating func add(_ other: Self) {
        projects += other.projects
        flagged += other.flagged
        underreported += other.underreported
        contradictedCommitments += other.contradictedCommitments
        underreporting += other.underreporting
        reportsMissing += other.reportsMissing
        rowsRejected += other.rowsRejected
        lateFilings += other.lateFilings
        platform.add(other.platform)
        cases.add(other.cases)
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
        escalating = [
            "surge_days": Double(rules.surgeDays),
            "baseline_days": Double(rules.baselineDays), "surge_factor": rules.surgeFactor,
            "surge_min_stories": Double(rules.surgeMinStories),
        ]
        stale = [
            "default_petition_deadline": Double(rules.defaultPetitionDeadline.days),
            "ledger_stale_months": Double(rules.ledgerStaleMonths),
        ]
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
            // swift-format-ignore: NeverForceUnwrap
            // (the rules reader takes a due day of 1...28, a day of every month)
            let day = Day(year: period.next.year, month: period.next.month, day: dueDay)!
            if day >= windowStart && day <= asOf { due.append((period, day)) }
            period = period.next
        }
    }

    /// Months without a row for an active project, and rows filed after their due day.
    /// A row whose filing day was not given (the import day stands in) is never late:
    /// when it was filed is unknown.
    func filing(of project: Project, rows: ArraySlice<DepartmentReport>) -> (missing: Int, late: Int) {
        var missing = 0
        var late = 0
        for (period, dueDay) in due {
            var filed = false
            for index in rows.indices where rows[index].period == period && rows[index].department == project.department {
                filed = true
                if !rows[index].isFilingDayImputed && rows[index].filedOn > dueDay { late += 1 }
            }
            if !filed && project.status == .active { missing += 1 }
        }
        return (missing, late)
    }
}

/// One project's linked signals of the look-back span, oldest first, read in place: the
/// checks read fields by position (a copy of a signal would retain its references), and
/// each signal's story key, near-copies merged, sits beside it.
struct ProjectSignals {
    let all: SharedBuffer<ItemSignal>
    /// Indices into `all`, oldest first.
    let order: ArraySlice<Int32>
    /// The story key of each, in the same order.
    let keys: ArraySlice<String>
    /// The positions of the window's signals (the later ones).
    let window: Range<Int>
    /// For each position, the position of its story's first copy (the oldest with its key).
    let firstCopy: [Int]

    init(all: SharedBuffer<ItemSignal>, order: ArraySlice<Int32>, keys: ArraySlice<String>, windowFrom: Date) {
        self.all = all
        self.order = order
        self.keys = keys
        let first = order.firstIndex { all[signal: Int($0)].at >= windowFrom } ?? order.endIndex
        window = (first - order.startIndex)..<order.count
        var firstCopy: [Int] = []
        firstCopy.reserveCapacity(keys.count)
        if keys.count <= 32 {
            // A handful of signals: keys compared with the stories found so far, stored keys
            // (16 ASCII digits) as two words.
            let words = keys.map(Self.words)
            var stories: [Int] = []
            for (position, key) in keys.enumerated() {
                let story = stories.first { story in
                    if let mine = words[position], let theirs = words[story] { return mine == theirs }
                    return keys[keys.startIndex + story] == key
                }
                if story == nil { stories.append(position) }
                firstCopy.append(story ?? position)
            }
        } else {
            var seen: [String: Int] = [:]
            for (position, key) in keys.enumerated() {
                let story = seen[key, default: position]
                if story == position { seen[key] = position }
                firstCopy.append(story)
            }
        }
        self.firstCopy = firstCopy
    }

    /// A key of 16 ASCII bytes (a stored fingerprint) as two words, whose equality is the
    /// key's; nil for any other key.
    private static func words(_ key: String) -> (UInt64, UInt64)? {
        key.utf8.withContiguousStorageIfAvailable { bytes -> (UInt64, UInt64)? in
            guard bytes.count == 16 else { return nil }
            let raw = UnsafeRawBufferPointer(bytes)
            let words = (raw.loadUnaligned(as: UInt64.self), raw.loadUnaligned(fromByteOffset: 8, as: UInt64.self))
            return (words.0 | words.1) & 0x8080_8080_8080_8080 == 0 ? words : nil
        } ?? nil
    }

    var count: Int { order.count }
    var isEmpty: Bool { order.isEmpty }

    /// The signal at a position (0 is the oldest), read in place.
    subscript(position: Int) -> SignalRef {
        all[signal: Int(order[order.startIndex + position])]
    }

    func storyKey(_ position: Int) -> String {
        keys[keys.startIndex + position]
    }

    /// The item ids of the window's signals that pass `test`.
    func windowItems(where test: (SignalRef) -> Bool) -> [String] {
        var items: [String] = []
        for position in window where test(self[position]) { items.append(self[position].itemID) }
        return items
    }

    func windowCount(where test: (SignalRef) -> Bool) -> Int {
        window.count { test(self[$0]) }
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
    let signals: ProjectSignals
    /// Rows filed by the as-of day, oldest month first.
    let rows: ArraySlice<DepartmentReport>
    /// Petitions from before the look-back span still open (follow-up deadlines only).
    let olderPetitions: [ItemSignal]
    /// The project's platform rows of months begun by the as-of day, oldest first.
    let platform: PlatformRows
    /// The latest month the platform exported (any project), begun by the as-of day.
    let platformMonth: Period?
    /// The months whose wages were due before the as-of day and within the payroll look-back.
    let payrollMonths: ClosedRange<Period>?
    /// The payroll month and its shortfall once judged: the flags and the scorecard read both.
    var judgedPayroll: (row: PlatformRecord?, gap: (expected: Double, paid: Double, basis: String)?)? = nil

    /// `payrollMonth()` and its `payrollShortfall`, judged once.
    mutating func payroll() -> (row: PlatformRecord?, gap: (expected: Double, paid: Double, basis: String)?) {
        if let judgedPayroll { return judgedPayroll }
        let row = payrollMonth()
        let judged = (row: row, gap: row.flatMap(payrollShortfall))
        judgedPayroll = judged
        return judged
    }

    mutating func entry() -> RegisterReport.ProjectEntry {
        // Most projects of a city's registry are quiet: nothing to weigh but the ledger, and
        // what the platform says of their payroll.
        if signals.isEmpty && rows.isEmpty && olderPetitions.isEmpty {
            var entry = RegisterReport.ProjectEntry(
                projectID: project.id, name: project.name, department: project.department, township: project.township,
                sensitive: rules.isSensitive(project), signals: RegisterReport.Signals(), reported: .missing, flags: [],
                evidence: [], reportEvidence: [])
            guard !platform.isEmpty || (platformMonth != nil && project.status == .active) else { return entry }
            let (payroll, gap) = payroll()
            entry.flagEvidence = payrollGap(payroll, gap) + labourCostUnfunded(payroll) + offPlatform()
            entry.flags = entry.flagEvidence.map(\.flag)
            return entry
        }
        let verdict = LedgerVerdict(rows: rows.filter { $0.period.lastDay >= windowStart })
        // The checks read ids and counts: no signal is copied into a list of its own.
        let openWage = signals.windowItems { $0.isOpenWageSignal }
        let sensitive = isSensitive()
        var evidence: [FlagEvidence] = []
        let nonWage = nonWageDispute()
        // A project whose signals are mostly suppliers' and subcontractors' money is a
        // payment dispute: its few wage-worded signals do not accuse its department.
        if nonWage.isEmpty { evidence += underreporting(openWage, verdict, sensitive: sensitive) }
        evidence += escalation()
        evidence += staleFollowup()
        evidence += recurrence()
        evidence += nonWage
        let (payroll, gap) = payroll()
        evidence += payrollGap(payroll, gap)
        evidence += labourCostUnfunded(payroll)
        evidence += offPlatform()
        evidence += typeMismatch(verdict, openWage: openWage, payroll: payroll, gap: gap)
        let flags = evidence.map(\.flag)

        let shown = flags.isEmpty ? signals.windowItems { _ in true } : (openWage + evidence.flatMap(\.items)).uniqued()
        let stories = RiskRegister.spread(of: signals)
        var score = 0.0
        var weightedScore = 0.0
        for position in signals.window {
            let signal = signals[position]
            score += signal.score
            weightedScore += signal.score * calendar.seasonWeight(on: Day(containing: signal.at))
        }
        var entry = RegisterReport.ProjectEntry(
            projectID: project.id, name: project.name, department: project.department,
            township: project.township, sensitive: sensitive,
            signals: RegisterReport.Signals(
                petitions: signals.windowCount { $0.kind == .petition },
                posts: signals.windowCount { $0.kind == .post },
                stories: stories.count,
                score: score),
            reported: verdict.state, flags: flags, evidence: shown.sorted(),
            reportEvidence: (verdict.rows.map(\.id) + evidence.flatMap(\.reports)).uniqued().sorted(),
            stories: stories)
        entry.flagEvidence = evidence
        // Workers on site and unpaid by the account, and workers saying so: that project
        // comes before one with either alone.
        entry.weightedScore = gap != nil && !openWage.isEmpty ? 2 * weightedScore : weightedScore
        return entry
    }

    func isSensitive() -> Bool {
        if rules.isSensitive(project) { return true }
        guard rules.sensitiveSignalDays > 0 else { return false }
        var days: [Int] = []
        for position in signals.window where signals[position].isOpenWageSignal {
            let day = Day(containing: signals[position].at).ordinal
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
        let said =
            switch verdict.state {
            case .missing: "部门未报送本项目台账"
            case .none: "部门台账报“无欠薪”"
            case .arrears: "部门台账所报欠薪不是未清零的工资"
            }
        var raised = [
            FlagEvidence(
                flag: .underreported,
                reason: "敏感项目在 \(texts.window) 有 \(openWage.count) 条欠薪信号，\(said)",
                items: openWage, reports: verdict.rows.map(\.id))
        ]
        let promised = verdict.rows.filter { $0.status == .none && $0.commitment == true }
        if !promised.isEmpty {
            raised.append(
                FlagEvidence(
                    flag: .contradictsCommitment, reason: "台账附无欠薪承诺书，但有 \(openWage.count) 条欠薪信号",
                    items: openWage, reports: promised.map(\.id)))
        }
        return raised
    }

    /// escalating: collective action, extreme acts or threats, or a sudden rise of stories.
    func escalation() -> [FlagEvidence] {
        var reasons: [String] = []
        var items: [String] = []
        // Resolved items (已结清) no longer threaten anything.
        let collective = signals.windowItems { signal in
            // The rules decide what is collective: action in the text, or a petition that
            // recorded five people or more. A number of workers owed is neither.
            !signal.isResolved && signal.firedRules.contains(where: rules.collectiveRules.contains)
        }
        let extreme = signals.windowItems { signal in
            !signal.isResolved && signal.firedRules.contains(where: rules.extremeRules.contains)
        }
        if !collective.isEmpty {
            reasons.append("\(collective.count) 条为集体讨薪或集体访")
            items += collective
        }
        if !extreme.isEmpty {
            reasons.append("\(extreme.count) 条含极端行为或扬言")
            items += extreme
        }
        // A sudden rise needs at least surge_min_stories signals to begin with.
        guard signals.count >= rules.surgeMinStories || !reasons.isEmpty else { return [] }
        // Stories by the day their first copy was seen (the signals are oldest first).
        let recentStart = asOf.adding(days: -(rules.surgeDays - 1)).start
        let baselineStart = asOf.adding(days: -(rules.surgeDays + rules.baselineDays - 1)).start
        var recent: [String] = []
        var baseline = 0
        for position in 0..<signals.count where signals.firstCopy[position] == position {
            let at = signals[position].at
            if at >= recentStart {
                recent.append(signals[position].itemID)
            } else if at >= baselineStart {
                baseline += 1
            }
        }
        let expected = Double(baseline) * Double(rules.surgeDays) / Double(rules.baselineDays)
        if recent.count >= rules.surgeMinStories && Double(recent.count) >= rules.surgeFactor * expected {
            reasons.append("近 \(rules.surgeDays) 天新增 \(recent.count) 个事件，此前 \(rules.baselineDays) 天共 \(baseline) 个（突增）")
            items += recent
        }
        guard !reasons.isEmpty else { return [] }
        return [
            FlagEvidence(
                flag: .escalating, reason: reasons.joined(separator: "；"),
                thresholds: texts.escalating,
                items: items.uniqued().sorted())
        ]
    }

    /// stale_followup: petitions still open past their deadline in working days, and
    /// arrears rows still open with the same unpaid amount over consecutive months.
    func staleFollowup() -> [FlagEvidence] {
        var reasons: [String] = []
        var items: [String] = []
        var reports: [String] = []
        let asOfEnd = asOf.adding(days: 1).start
        func isOverdue(_ petition: SignalRef) -> Bool {
            guard petition.kind == .petition else { return false }
            let closed = petition.closedAt.map { $0 < asOfEnd } ?? (petition.status == "closed")
            guard !closed else { return false }
            let limit = rules.petitionDeadline(channel: petition.channel)
            let received = Day(containing: petition.at)
            let deadline =
                switch limit.unit {
                case .calendar: received.adding(days: limit.days)
                case .working: calendar.adding(workingDays: limit.days, to: received)
                }
            return deadline < asOf
        }
        olderPetitions.withUnsafeBufferPointer { older in
            // swift-format-ignore: NeverForceUnwrap
            // (the loop runs only when the buffer is not empty)
            for index in older.indices where isOverdue(SignalRef(older.baseAddress! + index)) { items.append(older[index].itemID) }
        }
        for position in 0..<signals.count where isOverdue(signals[position]) {
            items.append(signals[position].itemID)
        }
        if !items.isEmpty { reasons.append("\(items.count) 件信访超过办理时限未办结") }

        // Repeat contacts on the same matter in the window: the text says so (此前已反映，
        // 至今没有结果), or the same petitioner comes back about this project.
        var seenPetitioners: Set<UInt64> = []
        olderPetitions.withUnsafeBufferPointer { older in
            for petition in older { if let key = petition.petitionerKey { seenPetitioners.insert(key) } }
        }
        var repeats: [String] = []
        for position in 0..<signals.count {
            let signal = signals[position]
            let inWindow = signal.at >= windowStart.start
            if inWindow && !signal.isResolved
                && (signal.firedRules.contains(where: rules.repeatRules.contains)
                    || signal.petitionerKey.map(seenPetitioners.contains) == true)
            {
                repeats.append(signal.itemID)
            }
            if signal.kind == .petition, let key = signal.petitionerKey { seenPetitioners.insert(key) }
        }
        if !repeats.isEmpty {
            reasons.append("\(repeats.count) 件为重复反映")
            items += repeats
        }

        // The latest months with rows, newest first (the rows are oldest month first), as
        // long as they follow each other: their rows by position, not copied.
        var run: [(period: Period, rows: Range<Int>)] = []
        var end = rows.endIndex
        while end > rows.startIndex && run.count < rules.ledgerStaleMonths {
            let period = rows[end - 1].period
            var start = end - 1
            while start > rows.startIndex && rows[start - 1].period == period { start -= 1 }
            run.append((period, start..<end))
            end = start
        }
        if let latest = run.first, latest.period.lastDay >= windowStart, run.count >= rules.ledgerStaleMonths {
            let consecutive = zip(run, run.dropFirst()).allSatisfy { $0.1.period.next == $0.0.period }
            func isOpen(_ index: Int) -> Bool { rows[index].status == .arrears && rows[index].resolved != true }
            let unpaid = run.map { month in
                month.rows.reduce(0.0) { isOpen($1) ? $0 + (rows[$1].amountOwed ?? 0) - (rows[$1].amountPaid ?? 0) : $0 }
            }
            let open = run.allSatisfy { $0.rows.contains(where: isOpen) }
            if consecutive && open, let oldest = unpaid.last, unpaid.allSatisfy({ $0 >= oldest - 0.005 }) {
                reasons.append("连续 \(rules.ledgerStaleMonths) 个月台账欠薪未清零、未付金额无变化")
                reports += run.flatMap { $0.rows.filter { rows[$0].status == .arrears }.map { rows[$0].id } }
            }
        }
        guard !reasons.isEmpty else { return [] }
        return [
            FlagEvidence(
                flag: .staleFollowup, reason: reasons.joined(separator: "；"),
                thresholds: texts.stale,
                items: Array(Set(items)).sorted(), reports: reports.sorted())
        ]
    }

    /// recurrence: wage claims after a row said the arrears were cleared (清零).
    func recurrence() -> [FlagEvidence] {
        let latest = rows.lazy.filter { $0.resolved == true }
            .compactMap { row in row.resolvedOn.map { (row: row, day: $0) } }
            .max { $0.day < $1.day }
        guard let cleared = latest?.row, let resolvedOn = latest?.day else { return [] }
        let after = resolvedOn.adding(days: rules.recurrenceGraceDays).start
        let again = signals.windowItems { $0.isOpenWageSignal && $0.at >= after }
        guard !again.isEmpty else { return [] }
        return [
            FlagEvidence(
                flag: .recurrence, reason: "台账 \(resolvedOn) 清零后又有 \(again.count) 条欠薪信号",
                thresholds: texts.recurrence,
                items: again.sorted(), reports: [cleared.id])
        ]
    }

    /// non_wage_dispute: most signals claim project, material or rental money.
    func nonWageDispute() -> [FlagEvidence] {
        let payment = signals.windowItems { $0.claim == .projectPayment }
        let inWindow = signals.window.count
        guard payment.count >= rules.nonWageMinSignals,
            Double(payment.count) >= rules.nonWageMinShare * Double(inWindow)
        else { return [] }
        let rows = rows.filter { $0.period.lastDay >= windowStart && $0.arrearsType == .projectPayment }
        return [
            FlagEvidence(
                flag: .nonWageDispute, reason: "\(inWindow) 条信号中 \(payment.count) 条讨要工程款、材料款或租赁费等，非工资",
                thresholds: texts.nonWage,
                items: payment.sorted(), reports: rows.map(\.id))
        ]
    }
}

extension ProjectContext {
    /// The platform month whose wages were due last by the as-of day (pay day of the next
    /// month plus grace), if it is recent enough to speak for the project.
    /// A month's rows are judged together, as one (two platform codes, such as two 标段,
    /// may match one registry project); the due day itself still belongs to the payroll.
    func payrollMonth() -> PlatformRecord? {
        guard let payrollMonths, let last = platform.lastIndex(where: { payrollMonths.contains($0.period) }) else { return nil }
        // The month's rows are together (in order of month): walked by index, no copy of the
        // project's rows nor a generic pass over a filtered view of them.
        let month = platform[last].period
        var first = last
        while first > platform.startIndex && platform[first - 1].period == month { first -= 1 }
        var total = platform[first]
        for index in stride(from: first + 1, through: last, by: 1) { total.add(platform[index]) }
        return total
    }

    /// What the account should have paid for `row` and what it paid by the as-of day, when
    /// workers attended and it paid nothing or less than `payrollMinShare` of it.
    func payrollShortfall(_ row: PlatformRecord) -> (expected: Double, paid: Double, basis: String)? {
        guard row.workersAttending > 0, row.attendanceDays > 0 else { return nil }
        // A payroll dated after the as-of day had not gone out yet on that day.
        let paid = (row.paidOn.map { $0 <= asOf } ?? true) ? row.payrollPaid : 0
        let expected = row.payrollDue ?? row.attendanceDays * rules.dailyWageFloor
        guard paid == 0 || paid < rules.payrollMinShare * expected else { return nil }
        let basis =
            row.payrollDue.map { "应发工资 \(Self.yuan($0)) 元" }
            ?? "考勤 \(Self.number(row.attendanceDays)) 工日 × \(Self.yuan(rules.dailyWageFloor)) 元"
        return (expected, paid, basis)
    }

    var payrollThresholds: [String: Double] {
        [
            "payroll.pay_day": Double(rules.payrollPayDay), "payroll.grace_days": Double(rules.payrollGraceDays),
            "payroll.min_share": rules.payrollMinShare, "payroll.daily_wage_floor": rules.dailyWageFloor,
        ]
    }

    static func reference(_ row: PlatformRecord) -> String { "\(row.period)/\(row.platformProjectID)" }

    static func yuan(_ value: Double) -> String { value.yuanText }
    static func number(_ value: Double) -> String { yuan(value) }

    /// What the project adds to its department's platform counts (nothing without platform data).
    mutating func platformCounts(flags: [RiskFlag]) -> RegisterReport.DepartmentEntry.PlatformCounts {
        var counts = RegisterReport.DepartmentEntry.PlatformCounts()
        guard let platformMonth else { return counts }
        if project.status == .active {
            counts.activeProjects = 1
            if platform.contains(where: { $0.period == platformMonth }) {
                counts.onPlatform = 1
                if platform.contains(where: { $0.period == platformMonth && $0.workersAttending > 0 }) { counts.withAttendance = 1 }
            }
        }
        let (payroll, gap) = payroll()
        if let payroll, payroll.workersAttending > 0, payroll.attendanceDays > 0 {
            counts.payrollDue = 1
            if gap == nil { counts.paidThroughAccount = 1 }
        }
        counts.payrollGaps = flags.contains(.payrollGap) ? 1 : 0
        counts.labourCostUnfunded = flags.contains(.labourCostUnfunded) ? 1 : 0
        counts.offPlatform = flags.contains(.offPlatform) ? 1 : 0
        counts.typeMismatches = flags.contains(.typeMismatch) ? 1 : 0
        return counts
    }

    /// payroll_gap: workers attended, and by the due day the wage account paid nothing or
    /// too little. It needs no post or petition.
    func payrollGap(_ row: PlatformRecord?, _ gap: (expected: Double, paid: Double, basis: String)?) -> [FlagEvidence] {
        guard let row, let gap else { return [] }
        let due = rules.payrollDue(of: row.period)
        return [
            FlagEvidence(
                flag: .payrollGap,
                reason: "\(row.period) 考勤 \(row.workersAttending) 人、\(Self.number(row.attendanceDays)) 工日，至 \(due)（代发期限）"
                    + "专户代发 \(Self.yuan(gap.paid)) 元，不足\(gap.basis)的 \(Int((rules.payrollMinShare * 100).rounded()))%",
                thresholds: payrollThresholds, platformRows: [Self.reference(row)])
        ]
    }

    /// labour_cost_unfunded: a government-funded project whose builder moved nothing into
    /// the wage account in a month with attendance (a blank amount is unknown, not nothing).
    func labourCostUnfunded(_ row: PlatformRecord?) -> [FlagEvidence] {
        guard let row, project.funding == .government, row.workersAttending > 0, row.labourCostFunded == 0 else { return [] }
        return [
            FlagEvidence(
                flag: .labourCostUnfunded,
                reason: "政府投资项目 \(row.period) 有 \(row.workersAttending) 人考勤，建设单位当月未向工资专户拨付人工费",
                thresholds: payrollThresholds, platformRows: [Self.reference(row)])
        ]
    }

    /// off_platform: an active project with no row in the platform's latest month.
    func offPlatform() -> [FlagEvidence] {
        guard let platformMonth, project.status == .active, !platform.contains(where: { $0.period == platformMonth }) else { return [] }
        let last = platform.last.map { "，最近一次出现在 \($0.period)" } ?? ""
        return [FlagEvidence(flag: .offPlatform, reason: "在建项目不在实名制平台 \(platformMonth) 的数据中\(last)")]
    }

    /// type_mismatch: the ledger's arrears type disagrees with the signals and the platform.
    /// A row reporting wage arrears while every signal of the window claims project money
    /// and the account paid wages in full; or a row reporting 工程款 while workers claim
    /// wages and the account shows a gap. Mixed signals raise neither.
    func typeMismatch(
        _ verdict: LedgerVerdict, openWage: [String], payroll: PlatformRecord?, gap: (expected: Double, paid: Double, basis: String)?
    ) -> [FlagEvidence] {
        guard let payroll else { return [] }
        let arrears = verdict.rows.filter { $0.status == .arrears && $0.resolved != true }
        let wageRows = arrears.filter { $0.arrearsType == .wage }
        let paymentRows = arrears.filter { $0.arrearsType == .projectPayment }
        let payment = signals.windowItems { $0.isSignal && $0.claim == .projectPayment }
        let paidInFull =
            gap == nil && payroll.workersAttending > 0 && payroll.attendanceDays > 0 && payroll.payrollPaid > 0
            && payroll.payrollPaid >= (payroll.payrollDue ?? payroll.payrollPaid)
        if !wageRows.isEmpty, !payment.isEmpty, payment.count == signals.window.count, paidInFull {
            return [
                FlagEvidence(
                    flag: .typeMismatch,
                    reason: "台账报拖欠工资，但 \(texts.window) 的 \(payment.count) 条信号均为讨要工程款等，"
                        + "平台显示 \(payroll.period) 工资已足额代发：所报“工资”疑为工程款",
                    items: payment.sorted(), reports: wageRows.map(\.id), platformRows: [Self.reference(payroll)])
            ]
        }
        if !paymentRows.isEmpty, !openWage.isEmpty, gap != nil {
            return [
                FlagEvidence(
                    flag: .typeMismatch,
                    reason: "台账报拖欠工程款，但有 \(openWage.count) 条工人讨薪信号，平台显示 \(payroll.period) 代发异常："
                        + "疑将拖欠工资报为工程款",
                    items: openWage, reports: paymentRows.map(\.id), platformRows: [Self.reference(payroll)])
            ]
        }
        return []
    }
}

extension RiskRegister {
    /// The stories among a project's window signals (which share a story key when they
    /// are copies), widest first.
    static func spread(of signals: ProjectSignals) -> [RegisterReport.StorySpread] {
        // A project has a handful of signals: sort them by story, not into a dictionary.
        let order = signals.window.sorted { lhs, rhs in
            let left = signals.firstCopy[lhs]
            let right = signals.firstCopy[rhs]
            return left != right ? left < right : signals[lhs].itemID < signals[rhs].itemID
        }
        var stories: [RegisterReport.StorySpread] = []
        var first = 0
        while first < order.count {
            let story = signals.firstCopy[order[first]]
            var end = first + 1
            while end < order.count && signals.firstCopy[order[end]] == story { end += 1 }
            let copies = order[first..<end]
            var platforms: [String] = []
            var firstSeen = signals[order[first]].at
            var lastSeen = firstSeen
            for position in copies {
                let signal = signals[position]
                let platform = signal.channel ?? signal.kind.rawValue
                if !platforms.contains(platform) { platforms.append(platform) }
                firstSeen = min(firstSeen, signal.at)
                lastSeen = max(lastSeen, signal.at)
            }
            stories.append(
                RegisterReport.StorySpread(
                    story: signals.storyKey(story), copies: copies.count,
                    platforms: platforms.count > 1 ? platforms.sorted() : platforms,
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
        // A project's lists are short: compared one by one until 16 are kept, then hashed.
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

/// A project's platform rows, read in place from the register's list of them all, in the
/// order of their indices.
struct PlatformRows: RandomAccessCollection {
    let all: SharedBuffer<PlatformRecord>
    let order: ArraySlice<Int32>

    var startIndex: Int { order.startIndex }
    var endIndex: Int { order.endIndex }

    subscript(position: Int) -> PlatformRecord { all[Int(order[position])].pointee }
}
