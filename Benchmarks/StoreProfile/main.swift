import BenchCorpus
import Foundation
import Ingest
import Model
import Monitor
import Register
import Scoring
import Store

// The register and ingest suites as a plain program, for perf:
//   WAGEWATCH_PROFILE=1 WAGEWATCH_PROFILE_WHAT=register|ingest [WAGEWATCH_PROFILE_PHASES=1] [WAGEWATCH_BENCH_POSTGRES=postgres://...]
//   (WAGEWATCH_PROFILE_WHAT=cases WAGEWATCH_PROFILE_STORE=FILE: 10,000 督办 cases added to a store, for scripts/bench-cases)
//     WAGEWATCH_BENCH_CORPUS=... WAGEWATCH_BENCH_WORK=... \
//     perf record -g Benchmarks/.build/release/StoreProfile
let environment = ProcessInfo.processInfo.environment
guard environment["WAGEWATCH_PROFILE"] != nil, let corpus = Corpus.load(defaultPostLimit: 100_000),
    let workPath = environment["WAGEWATCH_BENCH_WORK"]
else {
    print("StoreProfile: set WAGEWATCH_PROFILE=1, WAGEWATCH_BENCH_CORPUS and WAGEWATCH_BENCH_WORK")
    exit(0)
}
let work = URL(fileURLWithPath: workPath)
let rules = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().appendingPathComponent("rules")
let asOf = Day(year: 2024, month: 12, day: 31)!
/// Resident memory now and at its peak so far (VmRSS, VmHWM), for the phases' lines.
func memory() -> String {
    let status = (try? String(contentsOfFile: "/proc/self/status", encoding: .utf8)) ?? ""
    let lines = status.split(separator: "\n").filter { $0.hasPrefix("VmRSS") || $0.hasPrefix("VmHWM") }
    return lines.map { $0.split(whereSeparator: { $0 == " " || $0 == "\t" }).dropFirst().prefix(1).joined() }
        .joined(separator: " kB / peak ") + " kB"
}
let clock = ContinuousClock()
if environment["WAGEWATCH_PROFILE_WHAT"] == "ingest", BenchPostgres.location != nil {
    // Workers into PostgreSQL (WAGEWATCH_PROFILE_WORKERS, 2 as the benchmark), with the
    // machine's busy and idle processor time over the ingest (all processes: PostgreSQL's too).
    let workers = Int(environment["WAGEWATCH_PROFILE_WORKERS"] ?? "") ?? 2
    let feeds = try IngestFeeds.make(in: work, posts: Array(corpus.posts.prefix(100_000)))
    let parts = try IngestFeeds.split(feeds, parts: workers)
    guard let stores = try await BenchPostgres.ingestStores(projects: corpus.projects, workers: workers) else { exit(1) }
    let monitors = zip(stores, parts).map { Monitor(database: $0, feedsDirectory: $1, rulesDirectory: rules) }
    var engines: [ScoringEngine] = []
    for monitor in monitors { engines.append(try await monitor.makeEngine()) }
    let prepared = Array(zip(monitors, engines))
    @Sendable func both() async throws {
        try await withThrowingTaskGroup(of: Void.self) { group in
            for (index, (monitor, engine)) in prepared.enumerated() {
                // Each holds its feeds by lease, as `watch` workers do.
                let lease = FeedLease(holder: "profile-worker-\(index)", defaultInterval: 900)
                group.addTask { _ = try await monitor.ingest(engine: engine, now: asOf.start, lease: lease) }
            }
            try await group.waitForAll()
        }
    }
    func ticks() -> (busy: Int, idle: Int) {
        let line = ((try? String(contentsOfFile: "/proc/stat", encoding: .utf8)) ?? "").split(separator: "\n").first ?? ""
        let numbers = line.split(separator: " ").dropFirst().compactMap { Int($0) }
        guard numbers.count >= 5 else { return (0, 0) }
        return (numbers.reduce(0, +) - numbers[3] - numbers[4], numbers[3] + numbers[4])
    }
    print("ingest begins")
    fflush(nil)
    let before = ticks()
    let elapsed = try await clock.measure { try await both() }
    let after = ticks()
    print(
        "ingest into PostgreSQL, \(workers) workers: \(try await stores[0].itemCount()) stored in \(elapsed);",
        "processors busy \(after.busy - before.busy) ticks, idle or waiting for disk \(after.idle - before.idle) ticks")
} else if environment["WAGEWATCH_PROFILE_WHAT"] == "platform" {
    // The twelve platform exports imported into a fresh store, then each phase of one file.
    let files = try PlatformExports.make(in: work, projects: corpus.projects, asOf: asOf)
    let path = work.appendingPathComponent("platform-profile.sqlite").path
    for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
    let monitor = try await IngestStore.monitor(at: path, projects: corpus.projects, feeds: work, rules: rules)
    if environment["WAGEWATCH_PROFILE_PHASES"] != nil, let file = files.first {
        let data = try Data(contentsOf: file)
        print("  table:", try clock.measure { _ = try CSVTable(data: data, file: "f", columns: PlatformImporter.columns) })
        var batch = ImportBatch<PlatformRecord>()
        print("  read:", try clock.measure { batch = try PlatformImporter.read(data, file: "f", importedOn: asOf) })
        print("  project ids:", try await clock.measure { _ = try await monitor.database.projectIDs() })
        print(
            "  save:",
            try await clock.measure { _ = try await monitor.database.savePlatformRecords(batch.records, rejections: [], file: "f") })
        print(
            "  save again:",
            try await clock.measure { _ = try await monitor.database.savePlatformRecords(batch.records, rejections: [], file: "f") })
    }
    @Sendable func importAll(_ monitor: Monitor, _ files: [URL]) async throws -> Int {
        var rows = 0
        try await monitor.importPlatform(paths: files.map(\.path), today: asOf) { _, summary in
            rows += summary.added + summary.updated
        }
        return rows
    }
    var rows = 0
    let elapsed = try await clock.measure { rows = try await importAll(monitor, files) }
    print("platform import: \(rows) rows in \(elapsed)", memory())
} else if environment["WAGEWATCH_PROFILE_WHAT"] == "cases", let path = environment["WAGEWATCH_PROFILE_STORE"] {
    // 10,000 督办 cases (WAGEWATCH_PROFILE_CASES) on the store at `path`, one per project,
    // dispatched over the last quarter and taken through the steps as units do: most
    // signed, many answered paid (with a bank slip), some closed, a few returned.
    let database = try await AppDatabase.open(path: path)
    let count = Int(environment["WAGEWATCH_PROFILE_CASES"] ?? "") ?? 10_000
    let office = CaseActor(name: "bench-office", kind: .wageOffice)
    let slip = Array("%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n".utf8)
    var steps = 0
    let elapsed = try await clock.measure {
        // The store's own registry (its departments are the register store's, not the corpus's).
        let projects = try await database.projects().sorted { $0.id < $1.id }
        for (index, project) in projects.prefix(count).enumerated() {
            let dispatched = asOf.adding(days: -(index % 90))
            let unit = SupervisionCase.Unit(kind: .department, name: project.department)
            let draft = SupervisionCase(
                id: "", subject: .project(project.id), unit: unit, person: "责任人\(index % 97)", plan: "核实并督促支付",
                openedAt: dispatched.start, openedBy: office.name, dispatchedOn: dispatched, deadline: dispatched.adding(days: 14),
                evidence: .init(note: "bench"))
            let opened = try await database.openCase(draft, by: office, reason: "")
            let actor = CaseActor(name: "bench-unit", kind: .unit(unit))
            var script: [(CaseAction, CaseActor, [AppDatabase.CaseFile])] = []
            if index % 10 < 7 { script.append((.sign, actor, [])) }
            if index % 10 < 4 {
                let file = AppDatabase.CaseFile(bytes: slip + Array("\(index)".utf8), name: "回单.pdf", on: dispatched, by: actor.name)!
                script.append((.reply(.alreadyPaid(on: dispatched, amount: 10_000, workers: 3)), actor, [file]))
                if index % 10 < 3 {
                    script.append((.close(reason: "凭证齐全"), office, []))
                } else if index % 20 == 3 {
                    script.append((.returnForRework(reason: "凭证不全"), office, []))
                }
            }
            for (action, who, files) in script {
                _ = try await database.act(on: opened.id, action, by: who, today: dispatched, at: dispatched.start, files: files)
            }
            steps += script.count
        }
    }
    print("cases: \(count) opened and \(steps) steps taken in \(elapsed)")
} else if environment["WAGEWATCH_PROFILE_WHAT"] == "ingest" {
    let feeds = try IngestFeeds.make(in: work, posts: corpus.posts)
    let monitor = try await IngestStore.monitor(
        at: work.appendingPathComponent("ingest-profile.sqlite").path, projects: corpus.projects,
        feeds: feeds, rules: rules)
    let engine = try await monitor.makeEngine()
    var stored = 0
    var assessed = 0
    let elapsed = try await clock.measure {
        let (feeds, count) = try await monitor.ingest(engine: engine, now: asOf.start)
        stored = feeds.reduce(0) { $0 + $1.added }
        assessed = count
    }
    print("ingest: \(stored) stored, \(assessed) assessed in \(elapsed)")
} else {
    // WAGEWATCH_PROFILE_STORE: another store of the same registry (the register suite's with
    // the platform's rows, say).
    var path = environment["WAGEWATCH_PROFILE_STORE"] ?? ""
    if path.isEmpty { path = try await RegisterStore.make(in: work, projects: corpus.projects, items: 1_000_000, asOf: asOf) }
    // WAGEWATCH_BENCH_POSTGRES set: the same store on PostgreSQL (copied once).
    func open() async throws -> AppDatabase {
        try await BenchPostgres.registerStore(copying: path, items: 1_000_000) ?? AppDatabase.open(path: path)
    }
    let monitor = Monitor(database: try await open(), feedsDirectory: work, rulesDirectory: rules)
    let registerRules = try monitor.loadRulebook().register
    var flagged = 0
    if environment["WAGEWATCH_PROFILE_PHASES"] != nil {
        // The register's steps one by one: read, evaluation.
        let database = try await open()
        var inputs: RegisterInputs?
        let from = asOf.adding(days: -29).start
        let until = asOf.adding(days: 1).start
        print("  before:", memory())
        print(
            "  read:",
            try await clock.measure {
                inputs = try await database.registerInputs(
                    from: from, until: until, asOf: asOf, reportsFrom: asOf.period.previous.previous,
                    resolvedSince: asOf.adding(days: -365),
                    platformFrom: RiskRegister.payrollMonths(asOf: asOf, rules: registerRules)?.lowerBound)
            }, memory())
        let register = RiskRegister(
            projects: inputs!.projects, reports: inputs!.reports, signals: inputs!.signals,
            rejectedRows: inputs!.rejectedRows, rules: registerRules,
            olderOpenPetitions: inputs!.olderOpenPetitions, platform: inputs!.platform, mergeStories: StoryClusters.mergeProject)
        // WAGEWATCH_PROFILE_PHASES=evaluate: five evaluations and nothing else after, for perf.
        let evaluateOnly = environment["WAGEWATCH_PROFILE_PHASES"] == "evaluate"
        for _ in 0..<(evaluateOnly ? 5 : 1) {
            print("  evaluate:", clock.measure { _ = register.evaluate(asOf: asOf, windowDays: 30) }, memory())
        }
        if evaluateOnly { exit(0) }
    }
    let elapsed = try await clock.measure {
        flagged = try await monitor.evaluateRegister(asOf: asOf, windowDays: 30, rules: registerRules).projects.count { !$0.flags.isEmpty }
    }
    print("register in \(elapsed): \(flagged) flagged")
}
