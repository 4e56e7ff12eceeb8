import Foundation
import Logging
import Model
import Monitor
import Parallel
import Register
import Scoring
import Store
import Synchronization

/// The register as the pages read it: made once per change of the store (not per request;
/// at 100,000 projects it takes a second or two), then only looked up.
public struct RegisterSnapshot: Sendable {
    public var asOf: Day
    public var madeAt: Date
    /// Counts up with every snapshot made by one keeper.
    public var generation: Int
    public var register: RegisterReport
    public var brief: DailyBrief
    /// Position of each project in `register.projects`.
    var projectIndex: [String: Int]
    /// The review queue: undecided review-band signals and flagged projects' undecided
    /// signals, the most urgent first (see `QueueEntry.isMoreUrgent`).
    var queue: [QueueEntry]
    /// How many of the queue are 危急, 高, 中 (and below).
    var queueLevels: [SignalLevel: Int]
    /// The register's rules it was made under (the petitions' deadlines).
    var rules: RegisterRules
    /// The channels the queue's items came by, for its filter.
    var queueChannels: [String]
    /// Positions in `queue` by what its filters ask (each list in queue order).
    var queueIndex: QueueIndex

    func project(_ id: String) -> RegisterReport.ProjectEntry? {
        projectIndex[id].map { register.projects[$0] }
    }

    /// Makes the snapshot of `asOf` from the store.
    static func make(monitor: Monitor, asOf: Day, now: Date, generation: Int) async throws -> RegisterSnapshot {
        let clock = ContinuousClock()
        let start = clock.now
        let stamped = try monitor.stampedRules()
        let rules = try stamped.rulebook().register
        // The city's roll-up of the day is kept for the province as it is made here (not
        // this time if a write is under way: its commit brings another register), while
        // the queue is read and indexed.
        let basis = await forProvince(monitor) { try await monitor.rollupBasis(stamp: stamped.stamp, waitingAtMost: 0) } ?? nil
        let (register, brief) = try await monitor.registerAndBrief(asOf: asOf, now: now, rules: rules)
        let registered = clock.now
        async let kept: Void? = {
            guard let basis else { return nil }
            return await forProvince(monitor) { try await monitor.keepRollup(basis, register: register, brief: brief, madeAt: now) }
        }()
        let evidence = register.projects.lazy.filter { !$0.flags.isEmpty }.flatMap(\.evidence)
        let windowStart = asOf.adding(days: -(register.windowDays - 1)).start
        let candidates = try await monitor.database.queueCandidates(
            from: windowStart, until: asOf.adding(days: 1).start,
            evidence: Array(evidence))
        // Indexing a city's register and queue is work for a Dispatch thread.
        let snapshot = await Parallel.run {
            index(
                register: register, brief: brief, candidates: candidates, rules: rules, asOf: asOf, now: now, generation: generation)
        }
        monitor.logger.info(
            "register snapshot \(generation) of \(asOf): register and daily list \(registered - start), queue of \(snapshot.queue.count) \(clock.now - registered)"
        )
        _ = await kept
        return snapshot
    }

    /// `step` of keeping the province's roll-up; a failure is logged, never the snapshot's.
    private static func forProvince<Value: Sendable>(
        _ monitor: Monitor, _ step: @Sendable () async throws -> Value
    ) async -> Value? {
        do {
            return try await step()
        } catch {
            monitor.logger.warning("roll-up for the province not kept: \(Monitor.plainFailure(error))")
            return nil
        }
    }

    private static func index(
        register: RegisterReport, brief: DailyBrief, candidates: [QueueCandidate], rules: RegisterRules, asOf: Day,
        now: Date, generation: Int
    ) -> RegisterSnapshot {
        var projectIndex: [String: Int] = [:]
        projectIndex.reserveCapacity(register.projects.count)
        for (index, entry) in register.projects.enumerated() where projectIndex[entry.projectID] == nil {
            projectIndex[entry.projectID] = index
        }
        let queue =
            candidates
            .map { candidate in
                QueueEntry(
                    candidate: candidate, project: candidate.projectID.flatMap { projectIndex[$0] }.map { register.projects[$0] },
                    rules: rules)
            }
            .sorted(by: QueueEntry.isMoreUrgent)
        var levels: [SignalLevel: Int] = [:]
        for entry in queue { levels[entry.candidate.level, default: 0] += 1 }
        return RegisterSnapshot(
            asOf: asOf, madeAt: now, generation: generation, register: register, brief: brief,
            projectIndex: projectIndex, queue: queue, queueLevels: levels, rules: rules,
            queueChannels: Set(queue.compactMap(\.candidate.channel)).sorted(),
            queueIndex: QueueIndex(queue, todayFrom: asOf.start))
    }
}

/// A signal of the review queue with what its filters and rows show of its project, so
/// that a filter runs over the queue without looking each project up.
struct QueueEntry: Sendable {
    var candidate: QueueCandidate
    var projectName: String?
    var department: String?
    var flags: [RiskFlag]
    var flagLabels: String
    /// An open petition's last day (办理期限): its channel's deadline from the day it came.
    var deadline: Day?

    init(candidate: QueueCandidate, project: RegisterReport.ProjectEntry?, rules: RegisterRules) {
        self.candidate = candidate
        projectName = project?.name
        department = project?.department
        flags = project?.flags ?? []
        // A project's flags once: 疑似漏报、升级风险, not one per evidence line.
        var seen = Set<RiskFlag>()
        flagLabels = flags.filter { seen.insert($0).inserted }.map(\.label).joined(separator: "、")
        deadline =
            candidate.kind == .petition && candidate.closedAt == nil
            ? rules.adding(rules.petitionDeadline(channel: candidate.channel), to: Day(containing: candidate.at)) : nil
    }

    /// The worklist's order: by level (危急, 高, 中 ...); within a level the petitions first,
    /// the nearest deadline first; then the rest, the newest first.
    static func isMoreUrgent(_ a: QueueEntry, _ b: QueueEntry) -> Bool {
        if a.candidate.level != b.candidate.level { return a.candidate.level > b.candidate.level }
        switch (a.deadline, b.deadline) {
        case (let x?, let y?) where x != y: return x < y
        case (.some, nil): return true
        case (nil, .some): return false
        default: return (a.candidate.at, a.candidate.itemID) > (b.candidate.at, b.candidate.itemID)
        }
    }
}

/// Where the queue's entries are by project, department, flag and channel, so that a
/// filtered page walks only the entries of its smallest list (a city's queue holds
/// hundreds of thousands).
struct QueueIndex: Sendable {
    var byProject: [String: [Int]] = [:]
    var byDepartment: [String: [Int]] = [:]
    var byFlag: [RiskFlag: [Int]] = [:]
    var byChannel: [String: [Int]] = [:]
    /// Each project in the queue once, with its name, for a filter by part of a name.
    var projectNames: [(id: String, name: String)] = []
    /// Signals linked to no project (待关联), and those of the register's day (今日).
    var unlinked: [Int] = []
    var today: [Int] = []

    init(_ queue: [QueueEntry], todayFrom: Date = .distantFuture) {
        for (position, entry) in queue.enumerated() {
            if entry.candidate.projectID == nil { unlinked.append(position) }
            if entry.candidate.at >= todayFrom { today.append(position) }
            if let project = entry.candidate.projectID {
                if byProject[project] == nil { projectNames.append((project, entry.projectName ?? "")) }
                byProject[project, default: []].append(position)
            }
            if let department = entry.department { byDepartment[department, default: []].append(position) }
            for flag in entry.flags { byFlag[flag, default: []].append(position) }
            if let channel = entry.candidate.channel { byChannel[channel, default: []].append(position) }
        }
    }

    /// The positions an entry must be among for each filter given; nil for no filter at all.
    func positions(project: String, department: String, flag: RiskFlag?, channel: String?) -> [Int]? {
        var lists: [[Int]] = []
        if !project.isEmpty {
            if let exact = byProject[project] {
                lists.append(exact)
            } else {
                lists.append(projectNames.filter { $0.name.contains(project) }.flatMap { byProject[$0.id] ?? [] }.sorted())
            }
        }
        if !department.isEmpty {
            // A department by its name, or by part of it (住建 for 市住建局).
            lists.append(
                byDepartment[department]
                    ?? byDepartment.filter { $0.key.contains(department) }.values.flatMap { $0 }.sorted())
        }
        if let flag { lists.append(byFlag[flag] ?? []) }
        if let channel { lists.append(byChannel[channel] ?? []) }
        guard let smallest = lists.indices.min(by: { lists[$0].count < lists[$1].count }) else { return nil }
        var result = lists[smallest]
        for (index, list) in lists.enumerated() where index != smallest {
            let members = Set(list)
            result = result.filter(members.contains)
        }
        return result
    }
}

/// Keeps the latest snapshot and makes a new one when the store changed (a commit of
/// another process, seen through SQLite's `data_version`; a review decision of this one,
/// told through `refresh()`) or the day turned. Snapshots are made one at a time, each
/// after the one asked for before it; their reads await the store and their evaluation
/// runs on Dispatch's threads (`Parallel.run`), so the cooperative threads serve the
/// requests meanwhile.
public final class SnapshotKeeper: Sendable {
    private let monitor: Monitor
    private let asOf: @Sendable () -> Day
    private let now: @Sendable () -> Date
    private let state = Mutex<State>(State())

    private struct State {
        var snapshot: RegisterSnapshot?
        var generation = 0
        var dataVersion: Int?
        var lastError: String?
        /// A refresh failed: the next check makes one whatever the store says (this
        /// process's own commits do not change `data_version`).
        var failed = false
        /// The making asked for last: the next waits for it to end.
        var last: Task<RegisterSnapshot, any Error>?
    }

    /// - Parameters:
    ///   - asOf: the day the register is for (today, Asia/Shanghai; fixed in tests).
    public init(
        monitor: Monitor, asOf: @escaping @Sendable () -> Day = { Day(containing: Date()) },
        now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.monitor = monitor
        self.asOf = asOf
        self.now = now
    }

    /// The latest snapshot, nil until the first is made.
    public var current: RegisterSnapshot? { state.withLock { $0.snapshot } }

    /// The latest snapshot; before the first is made, the one being made (a page asked
    /// for while a node makes its first register waits for it, not for a second).
    public func latest() async throws -> RegisterSnapshot {
        if let current { return current }
        if let under = state.withLock({ $0.last }), let made = try? await under.value { return made }
        return try await refresh()
    }

    /// The generation of the latest snapshot asked for (made or being made).
    public var generation: Int { state.withLock { $0.generation } }

    /// Why the latest attempt failed, if it did.
    public var lastError: String? { state.withLock { $0.lastError } }

    /// Makes a new snapshot, and waits for it. Requests that arrive while one is being made
    /// are answered by the next one made after them (not one each): a queue of refreshes
    /// never piles up.
    @discardableResult
    public func refresh() async throws -> RegisterSnapshot {
        try await making().value
    }

    /// Makes a new snapshot, waiting for it at most `limit`: a small city's register is
    /// made in milliseconds and the answer shows it; a large one's takes seconds, and the
    /// answer does not wait for all of them.
    /// - Returns: the generation current when it was asked for (a snapshot of a later
    ///   generation includes whatever was committed before).
    @discardableResult
    public func refresh(waitingAtMost limit: Duration) async -> Int {
        let asked = state.withLock { $0.generation }
        let made = making()
        await withTaskGroup(of: Void.self) { group in
            group.addTask { _ = await made.result }
            group.addTask { try? await Task.sleep(for: limit) }
            // Whichever ends first: the making goes on either way.
            await group.next()
            group.cancelAll()
        }
        return asked
    }

    /// Makes a new snapshot without waiting for it (after a cycle of this process: its own
    /// commits do not change what `data_version` tells it).
    public func refreshLater() {
        _ = making()
    }

    /// Makes a new snapshot if the store changed or the day turned since the last one.
    /// A making under way is waited for first, and the store judged against what it read:
    /// a notice heard while the first snapshot is made (a node hears one as it connects)
    /// asks for no second of the same store. Failures are logged here (and by the making).
    public func refreshIfStale() async throws {
        if let under = state.withLock({ $0.last }) { _ = await under.result }
        let version: Int
        do {
            version = try await monitor.database.dataVersion()
        } catch {
            monitor.logger.error("register check failed: \(error)")
            throw error
        }
        let stale = state.withLock { state in
            state.snapshot == nil || state.failed || state.dataVersion != version || state.snapshot?.asOf != asOf()
        }
        if stale { try await refresh() }
    }

    /// A making of a snapshot, after the one asked for before it has ended. A snapshot
    /// whose making began after this was asked for is answer enough.
    private func making() -> Task<RegisterSnapshot, any Error> {
        state.withLock { state in
            let asked = state.generation
            let before = state.last
            let task = Task {
                _ = await before?.result
                return try await self.make(unlessNewerThan: asked)
            }
            state.last = task
            return task
        }
    }

    /// One snapshot at a time (`making`).
    private func make(unlessNewerThan asked: Int) async throws -> RegisterSnapshot {
        let ready: RegisterSnapshot? = state.withLock { state in
            guard let snapshot = state.snapshot, snapshot.generation > asked else { return nil }
            return snapshot
        }
        if let ready { return ready }
        let version = try await monitor.database.dataVersion()
        let generation = state.withLock { state in
            state.generation += 1
            return state.generation
        }
        do {
            let snapshot = try await RegisterSnapshot.make(monitor: monitor, asOf: asOf(), now: now(), generation: generation)
            state.withLock { state in
                if (state.snapshot?.generation ?? 0) < generation { state.snapshot = snapshot }
                state.dataVersion = version
                state.lastError = nil
                state.failed = false
            }
            return snapshot
        } catch {
            state.withLock { state in
                state.lastError = "\(error)"
                state.failed = true
            }
            monitor.logger.error("register snapshot failed: \(error)")
            throw error
        }
    }

    /// Checks for changes every `interval` until the task is cancelled.
    public func keepFresh(every interval: Duration) async {
        while !Task.isCancelled {
            try? await refreshIfStale()  // logged where it failed
            try? await Task.sleep(for: interval)
        }
    }
}
