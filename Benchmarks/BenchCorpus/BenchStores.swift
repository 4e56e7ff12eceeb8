import Foundation
import Model
import Monitor
import Store

/// NDJSON post feeds of the corpus posts, each under the fetcher's 15 MiB body cap.
public enum IngestFeeds {
    public static func make(in work: URL, posts: [Item]) throws -> URL {
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

/// A fresh store holding only the registry, and a monitor over it and `feeds`, for
/// ingest runs (the store of an earlier run is removed first).
public enum IngestStore {
    public static func monitor(at path: String, projects: [Project], feeds: URL, rules: URL) async throws -> Monitor {
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
        let database = try AppDatabase.open(path: path)
        _ = try await database.saveProjects(projects, rejections: [], file: "registry.csv")
        return Monitor(database: database, feedsDirectory: feeds, rulesDirectory: rules)
    }
}

/// A store with the registry, twelve months of ledgers for every project and `items`
/// assessed items spread over the 30 days before the as-of day, made once and kept
/// (it takes a minute or two).
public enum RegisterStore {
    public static func make(in work: URL, projects corpusProjects: [Project], items: Int, asOf: Day) async throws -> String {
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
        _ = try await database.saveProjects(projects, rejections: [], file: "registry.csv")

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
            _ = try await database.saveReports(rows, rejections: [], file: "ledger-\(period).csv")
            period = period.previous
        }

        // Items in batches: two in five are signals, four in five of those linked.
        let windowStart = asOf.adding(days: -29).start
        let batch = 50_000
        for first in stride(from: 0, to: items, by: batch) {
            var stored: [Item] = []
            var verdicts: [ItemVerdict] = []
            for index in first..<min(first + batch, items) {
                let isPetition = index % 10 == 0
                var item = Item(
                    feedID: isPetition ? "petitions" : "posts", sourceKey: "\(index)",
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
                verdicts.append(
                    ItemVerdict(
                        assessment: ItemAssessment(
                            itemID: item.id, score: isSignal ? 6 : 0, level: isSignal ? .medium : .none,
                            isSignal: isSignal, claim: claim, isEscalation: false, isResolved: false,
                            firedRules: isSignal ? ["wage.claim"] : [], matchedTerms: isSignal ? ["拖欠工资"] : [],
                            people: item.people),
                        storyKey: String(format: "%016llx", random.next()),
                        link: linked
                            ? ProjectLink(
                                itemID: item.id, projectID: projects[project].id, band: .link, confidence: 0.9,
                                evidence: [LinkEvidence(kind: .name, text: projects[project].name)]) : nil,
                        sites: []))
            }
            try await database.insertItems(stored, fetchedAt: asOf.start) { _, text in text }
            try await database.saveAssessments(verdicts, version: "bench")
        }
        FileManager.default.createFile(atPath: done, contents: Data())
        return path
    }
}

/// The benchmarks' PostgreSQL database, when `WAGEWATCH_BENCH_POSTGRES` names one
/// (scripts/bench starts a throwaway cluster for it): each store in a schema of its own.
public enum BenchPostgres {
    public static let location: PostgresLocation? = ProcessInfo.processInfo.environment["WAGEWATCH_BENCH_POSTGRES"].flatMap {
        try? PostgresLocation($0)
    }

    public static func location(schema: String) -> PostgresLocation? {
        guard var location else { return nil }
        location.schema = schema
        return location
    }

    /// The register store of `RegisterStore` on PostgreSQL, copied from the SQLite one
    /// (`wagewatch store copy`'s code) once and kept.
    public static func registerStore(copying path: String, items: Int) async throws -> AppDatabase? {
        guard let location = location(schema: "bench_register") else { return nil }
        let database = try AppDatabase.open(postgres: location)
        if try await database.itemCount() < items {
            let start = ContinuousClock.now
            _ = try await StoreCopy.copy(from: try AppDatabase.open(path: path), named: path, to: database, batch: 5_000)
            print("register store copied to PostgreSQL in \(ContinuousClock.now - start)")
        }
        return database
    }

    /// A new store holding only the registry, in a schema of its own (the cluster is a
    /// throwaway one), opened `workers` times: one connection pool per worker.
    public static func ingestStores(projects: [Project], workers: Int) async throws -> [AppDatabase]? {
        guard let location = location(schema: "bench_ingest_" + String(UInt64.random(in: 0...UInt64.max), radix: 16)) else {
            return nil
        }
        let database = try AppDatabase.open(postgres: location)
        _ = try await database.saveProjects(projects, rejections: [], file: "registry.csv")
        return [database] + (try (1..<max(1, workers)).map { _ in try AppDatabase.open(postgres: location) })
    }
}

extension IngestFeeds {
    /// The feeds of `folder` (made by `make`) shared out among `parts` folders, as leases
    /// share them among workers: each with its own catalog and links to its files.
    public static func split(_ folder: URL, parts: Int) throws -> [URL] {
        let catalog = try String(contentsOf: folder.appendingPathComponent("feeds.yaml"), encoding: .utf8)
        let feeds = catalog.split(separator: "\n").filter { $0.hasPrefix("  - ") }
        return try (0..<parts).map { part in
            let partFolder = folder.appendingPathComponent("part-\(part)-of-\(parts)")
            try? FileManager.default.removeItem(at: partFolder)
            try FileManager.default.createDirectory(at: partFolder, withIntermediateDirectories: true)
            var yaml = "feeds:\n"
            for (index, line) in feeds.enumerated() where index % parts == part {
                yaml += line + "\n"
                if let name = line.split(separator: "\"").dropFirst().first?.dropFirst("file:".count) {
                    try FileManager.default.linkItem(
                        at: folder.appendingPathComponent(String(name)), to: partFolder.appendingPathComponent(String(name)))
                }
            }
            try Data(yaml.utf8).write(to: partFolder.appendingPathComponent("feeds.yaml"))
            return partFolder
        }
    }
}

/// The real-name platform's monthly exports for the corpus's projects: twelve months
/// ending with the as-of day's, one file a month, made once and kept. One project in
/// twenty has a month with workers on site and nothing paid, one in fifty no attendance.
public enum PlatformExports {
    public static func make(in work: URL, projects: [Project], asOf: Day) throws -> [URL] {
        let folder = work.appendingPathComponent("platform-\(projects.count)")
        let done = folder.appendingPathComponent(".done")
        var periods = [asOf.period]
        while periods.count < 12, let first = periods.first { periods.insert(first.previous, at: 0) }
        let files = periods.map { folder.appendingPathComponent("platform-\($0).csv") }
        if FileManager.default.fileExists(atPath: done.path) { return files }
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        var random = SplitMix(seed: 12)
        let header =
            "月份,平台项目编码,项目编号,项目名称,施工总包单位,所属乡镇,在册人数,考勤人数,考勤工日,人工费拨付金额,应发工资,专户代发金额,代发人数,代发日期,是否开立工资专户\n"
        for (period, file) in zip(periods, files) {
            var text = header
            text.reserveCapacity(projects.count * 120)
            for (index, project) in projects.enumerated() {
                let registered = 10 + Int(random.next() % 90)
                let idle = index % 50 == 0
                let attending = idle ? 0 : registered - Int(random.next() % 5)
                let days = attending * 22
                let due = days * 260
                let unpaid = random.next() % 20 == 0
                let paid = idle || unpaid ? 0 : due
                let paidOn = paid > 0 ? "\(period.next.firstDay.adding(days: Int(random.next() % 10)))" : ""
                text += "\(period),PT\(index),\(project.id),\(project.name.replacingOccurrences(of: ",", with: " ")),,,"
                text += "\(registered),\(attending),\(days),\(due),\(due),\(paid),\(paid > 0 ? attending : 0),\(paidOn),是\n"
            }
            try Data(text.utf8).write(to: file)
        }
        FileManager.default.createFile(atPath: done.path, contents: Data())
        return files
    }
}
