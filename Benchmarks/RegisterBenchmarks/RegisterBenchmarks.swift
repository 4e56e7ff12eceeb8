import BenchCorpus
import Benchmark
import Foundation
import Model
import Monitor
import Scoring
import Store

// Issue figures: the register over 100,000 projects, 1,000,000 stored items in the
// window and 12 months of ledgers (under 2 s, under 1 GB); and ingest of posts end to
// end (fetch from files, parse, store, score, link, in transactions), at least 20,000
// items a second.

let benchmarks: @Sendable () -> Void = {
    guard let corpus = Corpus.load(), !corpus.projects.isEmpty else {
        print("WAGEWATCH_BENCH_CORPUS is not set or empty; run scripts/bench, which makes the corpus")
        return
    }
    let work = URL(fileURLWithPath: ProcessInfo.processInfo.environment["WAGEWATCH_BENCH_WORK"]
        ?? FileManager.default.temporaryDirectory.appendingPathComponent("wagewatch-bench").path)
    try? FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
    let rules = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("rules")
    let asOf = Day(year: 2024, month: 12, day: 31)!

    Benchmark(
        "Register: 100,000 projects, 1,000,000 items in the window, 12 months of ledgers (load and evaluate)",
        configuration: .init(metrics: [.wallClock, .peakMemoryResident], warmupIterations: 0,
                             maxDuration: .seconds(60), maxIterations: 3)
    ) { benchmark in
        let path = try RegisterStore.make(in: work, projects: corpus.projects, items: 1_000_000, asOf: asOf)
        let monitor = Monitor(database: try AppDatabase.open(path: path), feedsDirectory: work, rulesDirectory: rules)
        let registerRules = try monitor.loadRulebook().register
        benchmark.startMeasurement()
        let report = try monitor.evaluateRegister(asOf: asOf, windowDays: 30, rules: registerRules)
        benchmark.stopMeasurement()
        blackHole(report)
        if ProcessInfo.processInfo.environment["WAGEWATCH_BENCH_VERBOSE"] != nil {
            print("register: \(report.projects.count) projects, \(report.projects.count { !$0.flags.isEmpty }) flagged")
        }
    }

    let itemsPerSecond = BenchmarkMetric.custom("items/s", polarity: .prefersLarger, useScalingFactor: false)
    let ingestPosts = min(100_000, corpus.posts.count)
    Benchmark(
        "Ingest: \(ingestPosts) posts from NDJSON feeds, parse, store, score, link (100,000 projects)",
        configuration: .init(metrics: [.wallClock, .peakMemoryResident, itemsPerSecond], warmupIterations: 0,
                             maxDuration: .seconds(120), maxIterations: 3)
    ) { benchmark in
        let feeds = try IngestFeeds.make(in: work, posts: Array(corpus.posts.prefix(ingestPosts)))
        let path = work.appendingPathComponent("ingest.sqlite").path
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
        let database = try AppDatabase.open(path: path)
        _ = try database.saveProjects(corpus.projects, rejections: [], file: "registry.csv")
        let monitor = Monitor(database: database, feedsDirectory: feeds, rulesDirectory: rules)
        let engine = try monitor.makeEngine()
        benchmark.startMeasurement()
        let start = ContinuousClock.now
        let outcomes = try await monitor.fetchAndStore(now: asOf.start)
        let assessed = try monitor.assessPendingItems(engine: engine)
        let elapsed = ContinuousClock.now - start
        benchmark.stopMeasurement()
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        let added = outcomes.reduce(0) { $0 + $1.added }
        precondition(added == ingestPosts && assessed == ingestPosts, "stored \(added), assessed \(assessed) of \(ingestPosts)")
        benchmark.measurement(itemsPerSecond, Int(Double(assessed) / seconds))
    }
}

/// NDJSON post feeds of the corpus posts, each under the fetcher's 15 MiB body cap.
enum IngestFeeds {
    static func make(in work: URL, posts: [Item]) throws -> URL {
        let folder = work.appendingPathComponent("ingest-feeds-\(posts.count)")
        let catalog = folder.appendingPathComponent("feeds.yaml")
        if FileManager.default.fileExists(atPath: catalog.path) { return folder }
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        var yaml = "feeds:\n"
        let perFile = 10_000
        let start = Day(year: 2024, month: 12, day: 1)!.start
        for (file, first) in stride(from: 0, to: posts.count, by: perFile).enumerated() {
            var lines = ""
            for (offset, post) in posts[first..<min(first + perFile, posts.count)].enumerated() {
                let index = first + offset
                let record: [String: Any] = [
                    "id": "bench-\(index)", "platform": index % 3 == 0 ? "微博" : "论坛",
                    "url": "https://example.invalid/p/\(index)", "author": "用户\(index % 997)",
                    "published_at": ISO8601DateFormatter().string(from: start.addingTimeInterval(Double(index % 2_592_000))),
                    "title": "", "content": post.content, "reposts": index % 7, "comments": index % 5, "likes": index % 11,
                ]
                lines += String(decoding: try JSONSerialization.data(withJSONObject: record, options: [.sortedKeys]), as: UTF8.self)
                lines += "\n"
            }
            let name = "posts-\(file).ndjson"
            try Data(lines.utf8).write(to: folder.appendingPathComponent(name))
            yaml += "  - {id: bench-\(file), kind: post, format: post_ndjson, url: \"file:\(name)\"}\n"
        }
        try Data(yaml.utf8).write(to: catalog)
        return folder
    }
}

/// A store with the registry, twelve months of ledgers for every project and `items`
/// assessed items spread over the 30 days before the as-of day, made once and kept
/// (it takes a minute or two).
enum RegisterStore {
    static func make(in work: URL, projects corpusProjects: [Project], items: Int, asOf: Day) throws -> String {
        let path = work.appendingPathComponent("register-\(corpusProjects.count)-\(items).sqlite").path
        let done = path + ".done"
        if FileManager.default.fileExists(atPath: done) { return path }
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
        let database = try AppDatabase.open(path: path)
        var random = SplitMix(seed: 2024)
        let departments = ["市住建局", "市交通运输局", "市水务局", "市教育局", "市卫健委", "市城管局", "市园林局", "市国资委"]
        let townships = (1...40).map { "第\($0)街道" }
        let projects = corpusProjects.enumerated().map { index, project in
            var project = project
            project.department = departments[index % departments.count]
            project.township = townships[index % townships.count]
            project.funding = [.government, .state, .private][index % 3]
            return project
        }
        _ = try database.saveProjects(projects, rejections: [], file: "registry.csv")

        // Twelve months of rows for every project: most 无欠薪, one in ten reporting arrears.
        var period = asOf.period
        for _ in 0..<12 {
            let rows = projects.enumerated().map { index, project -> DepartmentReport in
                let arrears = random.next() % 10 == 0
                return DepartmentReport(
                    id: "\(period)-\(index)", department: project.department, period: period, projectID: project.id,
                    projectName: project.name, status: arrears ? .arrears : .none, arrearsType: arrears ? .wage : nil,
                    workers: arrears ? 12 : nil, amountOwed: arrears ? 150_000 : nil, amountPaid: arrears ? 20_000 : nil,
                    responsibleUnit: arrears ? project.contractor : nil, responsiblePerson: arrears ? "负责人" : nil,
                    commitment: arrears ? nil : random.next() % 2 == 0, filedOn: period.next.firstDay.adding(days: 4))
            }
            _ = try database.saveReports(rows, rejections: [], file: "ledger-\(period).csv")
            period = period.previous
        }

        // Items in batches: two in five are signals, four in five of those linked.
        let windowStart = asOf.adding(days: -29).start
        let batch = 50_000
        for first in stride(from: 0, to: items, by: batch) {
            var stored: [Item] = []
            var verdicts: [StoredAssessment] = []
            for index in first..<min(first + batch, items) {
                let isPetition = index % 10 == 0
                var item = Item(feedID: isPetition ? "petitions" : "posts", sourceKey: "\(index)",
                                kind: isPetition ? .petition : .post, channel: isPetition ? "hotline" : "微博",
                                publishedAt: windowStart.addingTimeInterval(Double(random.next() % (30 * 86_400))),
                                content: "第\(index)条：某工地拖欠工资")
                if isPetition { item.status = random.next() % 2 == 0 ? "closed" : "handling" }
                if isPetition { item.people = Int(random.next() % 8) }
                stored.append(item)
                let isSignal = random.next() % 5 < 2
                let project = Int(random.next() % UInt64(projects.count))
                let linked = isSignal && random.next() % 5 < 4
                let claim: ClaimKind = random.next() % 10 == 0 ? .projectPayment : .wage
                verdicts.append(StoredAssessment(
                    assessment: ItemAssessment(itemID: item.id, score: isSignal ? 6 : 0, level: isSignal ? .medium : .none,
                                               isSignal: isSignal, claim: claim, isEscalation: false, isResolved: false,
                                               firedRules: isSignal ? ["wage.claim"] : [], matchedTerms: isSignal ? ["拖欠工资"] : [],
                                               people: item.people),
                    storyKey: String(format: "%016llx", random.next()),
                    link: linked ? ProjectLink(itemID: item.id, projectID: projects[project].id, band: .link, confidence: 0.9,
                                               evidence: [LinkEvidence(kind: .name, text: projects[project].name)]) : nil,
                    sites: []))
            }
            try database.insertItems(stored, fetchedAt: asOf.start) { _, text in text }
            try database.saveAssessments(verdicts, version: "bench")
        }
        FileManager.default.createFile(atPath: done, contents: Data())
        return path
    }
}

/// A small deterministic generator, so that every run builds the same store.
struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
