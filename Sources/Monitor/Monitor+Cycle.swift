import Alerts
import CMemory
import ChineseConversion
import Foundation
import Ingest
import Logging
import Model
import Parallel
import Register
import Scoring
import Store

/// What one monitoring cycle did, feed by feed, and the register it ended with.
public struct CycleReport: Sendable {
    /// The outcome of one feed in the cycle.
    public struct FeedOutcome: Sendable, Hashable {
        public var feedID: String
        /// Items the feed delivered this time.
        public var received: Int
        /// Of those, items not stored before.
        public var added: Int
        /// Of those, stored items whose source changed their text (the earlier text is kept).
        public var changed = 0
        /// Records the feed delivered that could not be read.
        public var rejected: Int
        /// Why the feed gave nothing, when it failed. Never holds header values.
        public var error: String?
        /// The feed had to be repaired to be read (HTML entities, stray characters).
        public var isRecovered = false
        /// 304: nothing new since the last fetch, and the source is healthy.
        public var isUnchanged = false
        /// Why this source's silence must not be read as "no risk", when it is unhealthy.
        public var warning: String?
        /// Waiting after failures until this time (not asked this cycle, or failed in it).
        public var backingOffUntil: Date?
        /// How long the feed itself says to wait before asking again (`<ttl>`, Cache-Control max-age).
        public var freshFor: TimeInterval?
        /// Another worker fetches this feed (it holds the lease) until this time: not asked here.
        public var heldElsewhereUntil: Date?

        public init(
            feedID: String, received: Int, added: Int, rejected: Int, error: String?, isRecovered: Bool = false,
            isUnchanged: Bool = false, warning: String? = nil, backingOffUntil: Date? = nil, freshFor: TimeInterval? = nil
        ) {
            self.feedID = feedID
            self.received = received
            self.added = added
            self.rejected = rejected
            self.error = error
            self.isRecovered = isRecovered
            self.isUnchanged = isUnchanged
            self.warning = warning
            self.backingOffUntil = backingOffUntil
            self.freshFor = freshFor
        }
    }

    public var feeds: [FeedOutcome]
    /// Items scored and linked in this cycle (new ones, and old ones under changed rules).
    public var assessed: Int
    public var register: RegisterReport
    /// Closed 督办 cases that new wage signals reopened in this cycle.
    public var reopenedCases: [SupervisionCase] = []
    /// The alerts sent while the register was evaluated (`deliveringAlerts`).
    public var alerts = AlertDispatcher.Report()
}

/// A worker's claim on the feeds it fetches, when several `watch` processes share a store:
/// each due feed is leased to `holder` for its interval (`defaultInterval` when it has
/// none), and the feeds another worker holds are left to it.
public struct FeedLease: Sendable {
    public var holder: String
    public var defaultInterval: TimeInterval

    public init(holder: String, defaultInterval: TimeInterval) {
        self.holder = holder
        self.defaultInterval = defaultInterval
    }

    /// A holder name unique to this process: host, process id and a random part.
    public static func holderName() -> String {
        "\(ProcessInfo.processInfo.hostName):\(ProcessInfo.processInfo.processIdentifier):\(UInt32.random(in: 0...UInt32.max))"
    }
}

extension Monitor {
    /// One cycle: fetch every feed, store new items, score and link, evaluate the register.
    ///
    /// A feed that fails is reported and skipped; the others go on.
    /// - Parameters:
    ///   - only: the feeds to fetch (for `watch`, those that are due); nil for all.
    ///   - progress: called as transfers finish (done, total), on the fetching thread.
    ///   - deliveringAlerts: send the alerts the ingest raised (escalations) while the
    ///     register is evaluated, rather than after the cycle (`run`, `watch`); the
    ///     register's own alerts wait for the caller's delivery.
    public func runCycle(
        asOf: Day, windowDays: Int? = nil, now: Date = Date(), only: Set<String>? = nil, lease: FeedLease? = nil,
        deliveringAlerts: Bool = false, progress: (@Sendable (_ done: Int, _ total: Int) -> Void)? = nil
    ) async throws -> CycleReport {
        let engine = try await makeEngine()
        // Read once a cycle, before anything is stored: a wrong file stops the cycle, not its alerts.
        let alerts = try loadAlertConfig()
        let (feeds, assessed) = try await ingest(
            engine: engine, now: now, only: only, lease: lease, alerts: alerts, progress: progress)
        // The escalations just stored go out while the register is evaluated: a worker on a
        // crane is not kept waiting for the scorecard.
        let early = deliveringAlerts && !alerts.channels.isEmpty
        async let sentEarly = early ? dispatchAlerts(config: alerts, now: now) : AlertDispatcher.Report()
        let reopened = try await reopenCases(asOf: asOf, now: now, rules: engine.rulebook.register)
        let register = try await evaluateRegister(asOf: asOf, windowDays: windowDays, now: now, rules: engine.rulebook.register)
        let sent = try await sentEarly
        if !alerts.subscriptions.isEmpty {
            // The cases' lines only (columns, no JSON): a city may have thousands open.
            let open = try await database.supervisionCaseLines(states: [.awaitingSignature, .inProgress, .returned])
            try await database.enqueueAlerts(Self.registerAlerts(register, overdue: open, config: alerts, now: now))
        }
        var report = CycleReport(feeds: feeds, assessed: assessed, register: register)
        report.reopenedCases = reopened
        report.alerts = sent
        return report
    }

    /// Fetches, parses and stores the feeds (all, or `only` those), then scores and links
    /// what is new or changed, from memory (the items just stored are not read back), and
    /// whatever else the store holds without a verdict under the current rules and registry.
    /// - Returns: what happened to each feed, in catalog order, and how many items were assessed.
    public func ingest(
        engine: ScoringEngine, now: Date = Date(), only: Set<String>? = nil, lease: FeedLease? = nil,
        alerts: AlertConfig? = nil, progress: (@Sendable (_ done: Int, _ total: Int) -> Void)? = nil
    )
        async throws -> (feeds: [CycleReport.FeedOutcome], assessed: Int)
    {
        let (feeds, assessed) = try await fetchAndStore(
            now: now, only: only, lease: lease, scoringWith: engine, alerts: try alerts ?? loadAlertConfig(), progress: progress)
        return (feeds, assessed + (try await assessPendingItems(engine: engine, holder: lease?.holder, now: now)))
    }

    /// Fetches the feeds (all, or `only` those), parses what they send and stores the
    /// items, each feed in its own transaction, and scores and links what the feeds
    /// brought that was new or changed.
    ///
    /// A pipeline in one task group: the bodies are parsed (and masked) in child tasks, at
    /// most `parsesAhead` beyond the feed being stored; the feeds are stored one after the
    /// other, in catalog order, as their bodies become ready; what they brought is scored in
    /// one child task at a time, on every core, while the next feeds are stored, and the
    /// verdicts are stored when they come. Killed in between, the items already stored
    /// without a verdict are scored by the next run (`assessPendingItems`).
    /// - Returns: what happened to each feed, in catalog order, and how many items were assessed.
    private func fetchAndStore(
        now: Date, only: Set<String>?, lease: FeedLease?, scoringWith engine: ScoringEngine, alerts alertConfig: AlertConfig,
        progress: (@Sendable (_ done: Int, _ total: Int) -> Void)?
    )
        async throws -> (feeds: [CycleReport.FeedOutcome], assessed: Int)
    {
        var catalog = try FeedCatalog.load(directory: feedsDirectory)
        if let only { catalog.feeds.removeAll { !only.contains($0.id) } }

        var states = try await database.feedStates()
        var outcomes: [String: CycleReport.FeedOutcome] = [:]
        var requests: [FetchRequest] = []
        for feed in catalog.feeds {
            if let wait = states[feed.id]?.nextAttempt, wait > now {
                // Backing off after failures: this feed waits, the others go on.
                outcomes[feed.id] = .init(
                    feedID: feed.id, received: 0, added: 0, rejected: 0, error: nil,
                    warning: states[feed.id]?.healthWarning(at: now), backingOffUntil: wait)
                continue
            }
            do {
                var headers: [String: String] = [:]
                for (name, template) in feed.headers {
                    headers[name] = try HeaderTemplate.expand(template, feed: feed.id, environment: environment)
                }
                let state = states[feed.id]
                requests.append(
                    FetchRequest(
                        feedID: feed.id, url: feed.url, headers: headers,
                        etag: state?.etag, lastModified: state?.lastModified))
            } catch {
                // A feed that cannot even be asked for (a missing secret) fails like any other.
                var state = states[feed.id] ?? FeedState(feedID: feed.id)
                state.lastAttempt = now
                state.recordFailure("\(error)", at: now)
                states[feed.id] = state
                try await database.saveFeedStates([state])
                outcomes[feed.id] = .init(
                    feedID: feed.id, received: 0, added: 0, rejected: 0, error: "\(error)",
                    warning: state.healthWarning(at: now), backingOffUntil: state.nextAttempt)
            }
        }

        if let lease, !requests.isEmpty {
            // Of several workers, one fetches a feed: the feeds another holds are left to it.
            let intervals = Dictionary(
                catalog.feeds.map { ($0.id, $0.interval ?? lease.defaultInterval) }, uniquingKeysWith: { first, _ in first })
            let wanted = Dictionary(
                uniqueKeysWithValues: requests.map { ($0.feedID, now.addingTimeInterval(intervals[$0.feedID] ?? lease.defaultInterval)) })
            let (leased, heldUntil) = try await database.leaseFeeds(wanted, holder: lease.holder, now: now)
            requests.removeAll { !leased.contains($0.feedID) }
            for (feedID, until) in heldUntil {
                var outcome = CycleReport.FeedOutcome(feedID: feedID, received: 0, added: 0, rejected: 0, error: nil)
                outcome.heldElsewhereUntil = until
                outcomes[feedID] = outcome
            }
        }
        let responses = await fetcher.fetch(requests, progress: progress)
        let fetched = catalog.feeds.filter { outcomes[$0.id] == nil }
        let known = states
        var assessed = 0
        // The registry by id, for the escalations' departments: only when someone takes them.
        let projects =
            !alertConfig.subscriptions.contains(where: { $0.events.contains(AlertEvent.Kind.escalation) })
            ? [:] : Dictionary(engine.projects.map { ($0.id, $0) }) { first, _ in first }
        try await withThrowingTaskGroup(of: PipelineStep.self) { group in
            var nextParse = 0
            var nextStore = 0
            var ready: [Int: Result<FeedBody, IngestError>] = [:]
            var isScoring = false
            var toScore: (items: [Item], facts: [ItemFacts?]) = ([], [])
            func startParses() {
                while nextParse < fetched.count && nextParse - nextStore < Self.parsesAhead {
                    let index = nextParse
                    let feed = fetched[index]
                    let response = responses[feed.id]
                    group.addTask { .parsed(index, await Parallel.run { Self.read(response, of: feed) }) }
                    nextParse += 1
                }
            }
            func startScoring() {
                guard !isScoring && !toScore.items.isEmpty else { return }
                let (items, facts) = toScore
                toScore = ([], [])
                isScoring = true
                group.addTask {
                    .scored(
                        await Parallel.run {
                            let verdicts = engine.evaluateOnAllCores(items)
                            var prepared = PreparedVerdicts(verdicts, facts: facts)
                            prepared.alerts = Self.escalationAlerts(
                                verdicts, items: items, config: alertConfig, projects: projects, now: now)
                            return prepared
                        })
                }
            }
            startParses()
            while let step = try await group.next() {
                switch step {
                case .parsed(let index, let body):
                    ready[index] = body
                case .scored(let verdicts):
                    try await database.saveAssessments(verdicts, version: engine.version, leased: lease != nil)
                    assessed += verdicts.count
                    isScoring = false
                }
                // The feeds whose turn has come, in catalog order.
                while let body = ready.removeValue(forKey: nextStore) {
                    let feed = fetched[nextStore]
                    var state = known[feed.id] ?? FeedState(feedID: feed.id)
                    var outcome = try await store(
                        body, of: feed, fetchedAt: now, leased: lease != nil, state: &state, toScore: &toScore)
                    outcome.warning = state.healthWarning(at: now)
                    outcomes[feed.id] = outcome
                    nextStore += 1
                    // What it brought is scored while the next feeds are stored.
                    startScoring()
                    startParses()
                }
                startParses()
                startScoring()
            }
        }
        return (catalog.feeds.compactMap { outcomes[$0.id] }, assessed)
    }

    /// What a child task of the cycle's pipeline hands back.
    private enum PipelineStep: Sendable {
        /// The body of the feed at this index of the fetched feeds, parsed.
        case parsed(Int, Result<FeedBody, IngestError>)
        /// Verdicts on what some feeds brought.
        case scored(PreparedVerdicts)
    }

    /// Bodies parsed beyond the feed being stored: enough to keep every core busy, few
    /// enough that a slow store does not hold every body of a large catalog in memory.
    private static var parsesAhead: Int { 2 * ProcessInfo.processInfo.activeProcessorCount + 2 }

    /// Stores what one feed delivered and updates what is remembered of it: validators
    /// only after the body parsed (in the same transaction as the items), failures in
    /// a row, the last error and status. `state` ends as stored; `toScore` gains the items
    /// that need a verdict, with what each was stored with if it was new. `leased`: the
    /// feed is this worker's by lease, and other workers store theirs at the same time.
    private func store(
        _ read: Result<FeedBody, IngestError>, of feed: FeedDefinition,
        fetchedAt: Date, leased: Bool, state: inout FeedState,
        toScore: inout (items: [Item], facts: [ItemFacts?])
    ) async throws -> CycleReport.FeedOutcome {
        var outcome = CycleReport.FeedOutcome(feedID: feed.id, received: 0, added: 0, rejected: 0, error: nil)
        state.lastAttempt = fetchedAt
        let received: FeedBody
        switch read {
        case .failure(let failure):
            if case .httpStatus(_, let status, _) = failure { state.lastStatus = status }
            // The error names the URL too, without what may be a secret in it.
            let message = "\(failure.description) (\(FeedDefinition.displayURL(feed.url)))"
            outcome.error = message
            var retryAfter: TimeInterval?
            if case .httpStatus(_, _, let seconds?) = failure { retryAfter = TimeInterval(seconds) }
            state.recordFailure(message, at: fetchedAt, retryAfter: retryAfter)
            outcome.backingOffUntil = state.nextAttempt
            try await database.saveFeedStates([state])
            logger.error("feed failed", metadata: ["feed": "\(feed.id)", "error": "\(failure)"])
            return outcome
        case .success(let value):
            received = value
        }

        state.lastStatus = received.fetched.status
        outcome.freshFor = received.fetched.maxAge.map(TimeInterval.init)
        state.recordSuccess(at: fetchedAt)
        guard let parsed = received.parsed else {
            // 304: unchanged and healthy; the validators stay as they are.
            outcome.isUnchanged = true
            try await database.saveFeedStates([state])
            return outcome
        }
        // A body cut short is stored for what it holds, but its validators are not kept:
        // the next fetch must bring the whole feed, not a 304.
        state.etag = parsed.isTruncated ? nil : received.fetched.etag
        state.lastModified = parsed.isTruncated ? nil : received.fetched.lastModified
        outcome.isRecovered = parsed.isRecovered
        state.lastBodyCutShort = parsed.isTruncated
        if parsed.isTruncated {
            logger.warning("feed body cut short: validators not kept", metadata: ["feed": "\(feed.id)"])
        }
        if let ttl = parsed.ttl { outcome.freshFor = max(outcome.freshFor ?? 0, ttl) }
        outcome.received = parsed.items.count
        outcome.rejected = parsed.rejections.count
        let stored = try await database.storeFetch(
            of: feed.id, items: parsed.items, displays: received.displays, rejections: Self.masked(parsed.rejections), state: state,
            fetchedAt: fetchedAt, leased: leased)
        outcome.added = stored.added
        outcome.changed = stored.changed
        toScore.items += stored.fresh.map { parsed.items[$0] }
        // What a new item was stored with, for its verdict (a changed one keeps some of its row).
        toScore.facts += zip(stored.fresh, stored.isNew).map { index, isNew in
            isNew ? ItemFacts(newItem: parsed.items[index], fetchedAt: fetchedAt) : nil
        }
        state = stored.state
        for rejection in Self.masked(parsed.rejections) {
            logger.warning("feed record rejected", metadata: ["problem": "\(rejection)"])
        }
        logger.info(
            "feed stored",
            metadata: [
                "feed": "\(feed.id)", "received": "\(outcome.received)", "added": "\(outcome.added)",
                "changed": "\(outcome.changed)",
            ])
        return outcome
    }

    /// The response of one feed and what its body parses to (nil for 304), or why there is none.
    private static func read(
        _ response: Result<FetchResponse, IngestError>?,
        of feed: FeedDefinition
    ) -> Result<FeedBody, IngestError> {
        guard let response else { return .failure(.fetchFailed(feed: feed.id, reason: "没有收到应答")) }
        switch response {
        case .failure(.httpStatus(_, let status, let retryAfter)):
            return .failure(.httpStatus(feed: feed.id, status: status, retryAfter: retryAfter))
        case .failure(let error):
            return .failure(error)
        case .success(let fetched):
            if fetched.isUnchanged { return .success(FeedBody(fetched: fetched, parsed: nil, displays: [])) }
            do {
                let parsed = try FeedParser.parse(fetched.body, feed: feed, contentType: fetched.contentType)
                // Masked here, beside the parsing: the store's thread only writes.
                let variants = Monitor.nameVariants
                let displays = parsed.items.map { item in
                    DisplayCopies(of: item) { item, text in
                        PersonalDataMasker.mask(
                            text, names: [item.petitioner, item.phone].compactMap { $0 },
                            variants: variants)
                    }
                }
                return .success(FeedBody(fetched: fetched, parsed: parsed, displays: displays))
            } catch {
                return .failure(error)
            }
        }
    }

    /// A feed's response, what its body parses to (nil for 304), and the parsed items'
    /// display copies.
    struct FeedBody: Sendable {
        var fetched: FetchResponse
        var parsed: FeedParseResult?
        var displays: [DisplayCopies]
    }

    /// Scores and links every item not yet assessed under the current rules and registry;
    /// a worker sharing the feeds by lease (`holder`) leaves the items of feeds another
    /// holds at `now` to that one.
    /// - Returns: how many items were assessed.
    public func assessPendingItems(engine: ScoringEngine, holder: String? = nil, now: Date = Date()) async throws -> Int {
        let pending = try await database.itemsNeedingAssessment(version: engine.version, holder: holder, now: now)
        guard !pending.isEmpty else { return 0 }
        let verdicts = await Parallel.run { engine.evaluateOnAllCores(pending) }
        try await database.saveAssessments(verdicts, version: engine.version)
        return verdicts.count
    }

    /// The register as of `asOf`, from what the store holds; source health as of `now`.
    /// - Parameters:
    ///   - windowDays: the look-back window; nil for the rules' `window_days`.
    ///   - rules: the register's rules; nil to read them from the rules folder.
    public func evaluateRegister(
        asOf: Day, windowDays: Int? = nil, now: Date = Date(),
        rules: RegisterRules? = nil
    ) async throws -> RegisterReport {
        let rules = try rules ?? loadRulebook().register
        let windowDays = windowDays ?? rules.windowDays
        return try await registers(asOf: [asOf], windowDays: windowDays, now: now, rules: rules)[0]
    }

    /// The registers of several as-of days from one read of the store: what the earliest
    /// needs back to what the latest was told. Each sees only what was known on its day
    /// (the register filters by filing day, item time and closing time).
    func registers(asOf days: [Day], windowDays: Int, now: Date, rules: RegisterRules) async throws -> [RegisterReport] {
        guard let earliest = days.min(), let latest = days.max() else { return [] }
        let register = try await readRegister(from: earliest, to: latest, windowDays: windowDays, rules: rules)
        let sourceHealth = try await sourceHealth(at: now)
        let cases = try await database.supervisionCases()
        let reports = await Parallel.run {
            days.map { day in
                var report = register.evaluate(asOf: day, windowDays: windowDays)
                report.sourceHealth = sourceHealth
                // Each unit's 督办 record beside its scorecard line, overdue as of the day.
                if !cases.isEmpty {
                    let counts = CaseCounts.byUnit(cases, today: day)
                    for index in report.departments.indices {
                        report.departments[index].cases =
                            counts[.init(kind: .department, name: report.departments[index].department)] ?? .init()
                    }
                    for index in report.townships.indices {
                        report.townships[index].cases = counts[.init(kind: .township, name: report.townships[index].department)] ?? .init()
                    }
                }
                return report
            }
        }
        // Its inputs (hundreds of thousands of values for a city) are let go of on another
        // thread and the memory then handed back, so that a long-running process does not
        // keep its largest register's worth: the answer waits for neither.
        Parallel.release(consume register) { wagewatch_release_free_memory() }
        return reports
    }

    /// The feeds whose silence must not be read as "no risk" at `now`, by feed.
    func sourceHealth(at now: Date) async throws -> [RegisterReport.SourceWarning] {
        try await database.feedStates().values
            .compactMap { state in
                state.healthWarning(at: now).map {
                    RegisterReport.SourceWarning(
                        feed: state.feedID, warning: $0, errorCount: state.errorCount,
                        lastSuccess: state.lastSuccess)
                }
            }
            .sorted { $0.feed < $1.feed }
    }

    /// The register's inputs for the as-of days `earliest ... latest`, from one read of the store.
    private func readRegister(
        from earliest: Day, to latest: Day, windowDays: Int, rules: RegisterRules
    ) async throws
        -> RiskRegister
    {
        let lookBack = RiskRegister.lookBackDays(rules: rules, windowDays: windowDays)
        let from = earliest.adding(days: -(lookBack - 1)).start
        let until = latest.adding(days: 1).start
        // Rows of the months the flags read: from the month before the window (its rows are
        // due in the window), or further back for the run of months a stale arrears row is
        // judged over; and 清零 rows of the year before. Petitions from before the look-back
        // span still open run against their deadlines however old they are.
        var reportsFrom = earliest.adding(days: -(windowDays - 1)).period
        for _ in 0..<max(1, rules.ledgerStaleMonths - 1) { reportsFrom = reportsFrom.previous }
        // Platform months whose wages fell due within the look-back of payroll flags (the
        // earliest day's are the oldest), and the latest month's, for off_platform.
        let platformFrom = RiskRegister.payrollMonths(asOf: earliest, rules: rules)?.lowerBound ?? latest.period
        let inputs = try await database.registerInputs(
            from: from, until: until, asOf: latest, reportsFrom: reportsFrom,
            resolvedSince: earliest.adding(days: -365), platformFrom: platformFrom)
        return RiskRegister(
            projects: inputs.projects, reports: inputs.reports, signals: inputs.signals,
            rejectedRows: inputs.rejectedRows, rules: rules, olderOpenPetitions: inputs.olderOpenPetitions,
            platform: inputs.platform, mergeStories: StoryClusters.mergeProject)
    }
}

extension Monitor {
    /// The daily risk list (日报) of `asOf`: its register against the one of the day
    /// before, each as known on its own day. Story titles are the masked copies.
    public func dailyBrief(asOf: Day, windowDays: Int? = nil, now: Date = Date()) async throws -> DailyBrief {
        try await registerAndBrief(asOf: asOf, windowDays: windowDays, now: now).brief
    }

    /// The register of `asOf` and its daily list, from one read of the store.
    public func registerAndBrief(
        asOf: Day, windowDays: Int? = nil, now: Date = Date()
    ) async throws
        -> (register: RegisterReport, brief: DailyBrief)
    {
        try await registerAndBrief(asOf: asOf, windowDays: windowDays, now: now, rules: try loadRulebook().register)
    }

    /// The department and township scorecards as the register of `day` gives them (the
    /// scorecard's trend compares with the last day of the month before).
    public func scorecards(
        asOf day: Day
    ) async throws
        -> (departments: [RegisterReport.DepartmentEntry], townships: [RegisterReport.DepartmentEntry])
    {
        let rules = try loadRulebook().register
        guard
            let report = try await registers(asOf: [day], windowDays: rules.windowDays, now: day.adding(days: 1).start, rules: rules).first
        else { return ([], []) }
        return (report.departments, report.townships)
    }

    /// The register of `asOf` and its daily list under `rules`.
    public func registerAndBrief(
        asOf: Day, windowDays: Int? = nil, now: Date = Date(), rules: RegisterRules
    ) async throws
        -> (register: RegisterReport, brief: DailyBrief)
    {
        let both = try await registers(
            asOf: [asOf, asOf.adding(days: -1)], windowDays: windowDays ?? rules.windowDays,
            now: now, rules: rules)
        var brief = DailyBrief(today: both[0], yesterday: both[1]) { _ in "" }
        brief.addCases(try await database.supervisionCases())
        // The few stories shown, each titled by its first item's masked title (or the start of its text).
        for index in brief.topStories.indices {
            guard let itemID = brief.topStories[index].spread.items.first,
                let text = try await database.maskedText(ofItem: itemID)
            else { continue }
            let title = text.title.trimmingCharacters(in: .whitespacesAndNewlines)
            brief.topStories[index].title = title.isEmpty ? String(text.content.prefix(40)) : title
        }
        return (both[0], brief)
    }
}
