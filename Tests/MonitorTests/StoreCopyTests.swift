import Foundation
import Model
import Monitor
import Store
import TestStores
import Testing

/// `wagewatch store copy`: a demo store with every kind of row (decisions, claims, sessions,
/// the audit log, a failed login) copied into a new store on the engine of the run (a
/// PostgreSQL schema in scripts/test's PostgreSQL pass) and back into a SQLite file, each
/// table the same on all three; an interrupted copy goes on where it stopped; a store that
/// holds other rows is refused.
@Suite struct StoreCopyTests {
    let folder: URL
    let source: URL
    let now = Date(timeIntervalSince1970: 1_735_650_000)

    init() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("wagewatch-copy-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        source = folder.appendingPathComponent("source.sqlite")
    }

    /// The demo run in a SQLite file, with a decision, a claim, a session, audit lines and a
    /// login attempt.
    func makeSource() async throws -> AppDatabase {
        let database = try AppDatabase.open(path: source.path)
        let monitor = Monitor(
            database: database, feedsDirectory: DemoRunTests.root.appendingPathComponent("feeds"),
            rulesDirectory: DemoRunTests.root.appendingPathComponent("rules"), environment: [:])
        let demo = DemoRunTests.root.appendingPathComponent("feeds/demo")
        _ = try await monitor.importRegistry(path: demo.appendingPathComponent("registry.csv").path)
        let filed = Day(year: 2025, month: 1, day: 2)!
        _ = try await monitor.importReports(path: demo.appendingPathComponent("reports-2024-12.csv").path, today: filed)
        _ = try await monitor.runCycle(asOf: Day(year: 2024, month: 12, day: 31)!, windowDays: 30)
        let clerk = Account(name: "王芳", role: .petition, createdAt: now)
        try await database.addAccount(clerk, passwordHash: "$2b$12$hash")
        try await database.review(
            itemID: "demo-petitions:XF-2024-1201", action: .reject, projectID: nil, reason: "非欠薪\u{0}（测试）", by: clerk,
            now: now, claimLease: 1_800)
        _ = try await database.claim(itemID: "demo-petitions:XF-2024-1208", by: clerk, now: now, lease: 1_800)
        try await database.createSession(id: "cookie", account: clerk.name, csrf: "token", now: now, lifetime: 3_600)
        _ = try await database.beginLogin([(key: "name:王芳", limit: 5)], window: 900, now: now)
        return database
    }

    @Test func aStoreIsCopiedToTheEngineOfTheRunAndBackAndEveryTableMatches() async throws {
        guard let binary = Executable.required() else { return }
        let original = try await makeSource()
        let copy = TestStores.argument(folder: folder, name: "copy.sqlite")
        let back = folder.appendingPathComponent("back.sqlite").path
        let output = folder.appendingPathComponent("out.txt").path
        let errors = folder.appendingPathComponent("err.txt").path
        for (from, to) in [(source.path, copy), (copy, back)] {
            let end = try ChildProcess(binary, ["store", "copy", "--from", from, "--to", to], stdout: output, stderr: errors).wait()
            #expect(end == .exit(0), "\((try? String(contentsOfFile: errors, encoding: .utf8)) ?? "")")
            #expect(try String(contentsOfFile: output, encoding: .utf8).contains("复制完成"))
        }
        let stores = [try TestStores.open(folder: folder, name: "copy.sqlite"), try AppDatabase.open(path: back)]
        for table in StoreCopy.tableNames {
            let expected = try await StoreCopy.checksum(ofTable: table, in: original)
            for store in stores { #expect(try await StoreCopy.checksum(ofTable: table, in: store) == expected, "\(table)") }
        }
        for table in ["item", "assessment", "review", "review_claim", "session", "audit", "project"] {
            #expect(try await StoreCopy.checksum(ofTable: table, in: original).rows > 0, "\(table) has rows to copy")
        }
        // The decision holds in the copies: the rejected item is no signal there either.
        for store in stores {
            #expect(try await store.assessment(ofItem: "demo-petitions:XF-2024-1201")?.assessment.isSignal == false)
            #expect(try await store.session(id: "cookie", now: now)?.account.name == "王芳")
        }
        // The copies built their own search index.
        let fold = try Monitor.searchFold()
        _ = try await original.updateSearchIndex(fold: fold)
        let found = try await original.search("拖欠", limit: 100, fold: fold)
        #expect(!found.isEmpty)
        for store in stores { #expect(try await store.search("拖欠", limit: 100, fold: fold).sorted() == found.sorted()) }
    }

    struct Interrupted: Error {}

    /// `body` must fail with `StoreError.copyRefused`.
    func expectRefusal(_ body: () async throws -> Void) async {
        do {
            try await body()
            Issue.record("the copy was not refused")
        } catch StoreError.copyRefused {
        } catch {
            Issue.record("refused otherwise: \(error)")
        }
    }

    @Test func anInterruptedCopyGoesOnWhereItStopped() async throws {
        let original = try await makeSource()
        let destination = try TestStores.open(folder: folder, name: "copy.sqlite")
        await #expect(throws: Interrupted.self) {
            _ = try await StoreCopy.copy(from: original, named: source.path, to: destination, batch: 3) { table, rows in
                if table == "item" && rows >= 6 { throw Interrupted() }
            }
        }
        let items = try await StoreCopy.checksum(ofTable: "item", in: original).rows
        #expect(try await destination.itemCount() == 6)
        // A copy from another store into it is refused; the same copy goes on.
        await expectRefusal { _ = try await StoreCopy.copy(from: original, named: "/elsewhere.sqlite", to: destination) }
        let tables = try await StoreCopy.copy(from: original, named: source.path, to: destination, batch: 3)
        let item = try #require(tables.first { $0.name == "item" })
        #expect(item.rows == items && item.copiedNow == items - 6)
        #expect(tables.first { $0.name == "project" }?.copiedNow == 0)
        // Run again once done: nothing to copy, everything checked.
        let again = try await StoreCopy.copy(from: original, named: source.path, to: destination)
        #expect(again.allSatisfy { $0.copiedNow == 0 } && again.map(\.checksum) == tables.map(\.checksum))
    }

    @Test func aStoreThatHoldsRowsIsNotCopiedInto() async throws {
        let original = try await makeSource()
        let destination = try TestStores.open(folder: folder, name: "copy.sqlite")
        try await destination.addAccount(Account(name: "admin", role: .admin, createdAt: now), passwordHash: "$2b$12$x")
        await expectRefusal { _ = try await StoreCopy.copy(from: original, named: source.path, to: destination) }
        #expect(try await destination.itemCount() == 0)
    }
}
