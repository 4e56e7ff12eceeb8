import Foundation
import Model
import NIOCore
import Synchronization
import TestStores
import Testing

@testable import Store

/// The store's answers on the engine of this run (SQLite, or PostgreSQL in scripts/test's
/// PostgreSQL pass): accounts, sessions, the audit log, feed states, migrations.
@Suite struct EngineTests {
    let folder: URL
    let database: AppDatabase

    init() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("wagewatch-engine-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        database = try TestStores.open(folder: folder)
    }

    let created = Date(timeIntervalSince1970: 1_733_000_000)

    @Test func theStoreIsOnTheEngineOfTheRun() {
        #expect(database.engine == TestStores.engine)
    }

    @Test func anAccountChangeEndsItsSessionsAndIsAudited() async throws {
        let admin = Account(name: "admin", role: .admin, createdAt: created)
        try await database.addAccount(admin, passwordHash: "$2b$12$admin")
        try await database.addAccount(Account(name: "李四", role: .petition, createdAt: created), passwordHash: "$2b$12$first")
        let now = created.addingTimeInterval(60)
        try await database.createSession(id: "cookie-1", account: "李四", csrf: "t1", now: now, lifetime: 3_600)
        #expect(try await database.session(id: "cookie-1", now: now)?.account.name == "李四")

        try await database.change(account: "李四", .disable, by: "admin", now: now)
        #expect(try await database.session(id: "cookie-1", now: now) == nil)
        #expect(try await database.account(named: "李四")?.account.disabledAt == now)
        try await database.change(account: "李四", .enable, by: "admin", now: now)
        #expect(try await database.account(named: "李四")?.account.disabledAt == nil)
        try await database.change(account: "李四", .password(hash: "$2b$12$second"), by: "admin", now: now)
        #expect(try await database.account(named: "李四")?.passwordHash == "$2b$12$second")
        await #expect(throws: StoreError.self) { try await database.change(account: "王五", .enable, by: "admin", now: now) }
        try await database.change(account: "李四", .delete, by: "admin", now: now)
        #expect(try await database.accounts().map(\.name) == ["admin"])

        let actions = try await database.auditEntries().map(\.action)
        #expect(actions == ["account_deleted", "password_reset", "account_enabled", "account_disabled"])
        #expect(try await database.auditEntries(limit: 2, offset: 1).map(\.action) == ["password_reset", "account_enabled"])
    }

    @Test func aLoginEndsTheAccountsOtherSessionsAndSessionsEnd() async throws {
        try await database.addAccount(Account(name: "zhang", role: .cyberspace, createdAt: created), passwordHash: "h")
        try await database.createSession(id: "a", account: "zhang", csrf: "ta", now: created, lifetime: 600)
        try await database.createSession(id: "b", account: "zhang", csrf: "tb", now: created, lifetime: 600)
        #expect(try await database.session(id: "a", now: created) == nil)
        let session = try #require(try await database.session(id: "b", now: created))
        #expect(session.csrf == "tb" && session.expiresAt == created.addingTimeInterval(600))
        #expect(try await database.session(id: "b", now: created.addingTimeInterval(600)) == nil)
        // Kept as a digest only.
        #expect(try await database.sessionCount(storedAs: "b") == 0)
        #expect(try await database.sessionCount(storedAs: SessionDigest.hex(of: "b")) == 1)
        try await database.deleteSession(id: "b")
        #expect(try await database.session(id: "b", now: created) == nil)
    }

    @Test func theDataVersionMovesWithAChangeOnly() async throws {
        try await database.saveProjects([Project(id: "P-1", name: "一号工程", department: "市住建局")], rejections: [], file: "r.csv")
        let before = try await database.dataVersion()
        _ = try await database.projects()
        _ = try await database.feedStates()
        #expect(try await database.dataVersion() == before)
        try await database.saveProjects([Project(id: "P-2", name: "二号工程", department: "市住建局")], rejections: [], file: "r.csv")
        let other = try TestStores.open(folder: folder)
        try await other.saveFeedStates([FeedState(feedID: "posts")])
        #expect(try await database.dataVersion() != before)
    }

    @Test func theChangeCountMovesWithWhatTheRegisterReadsOnly() async throws {
        let start = try #require(try await database.changeCount())
        try await database.saveProjects([Project(id: "P-1", name: "一号工程", department: "市住建局")], rejections: [], file: "r.csv")
        let changed = try #require(try await database.changeCount())
        #expect(changed > start)
        // Accounts, sessions, the audit log and a kept roll-up are not read by the register.
        try await database.addAccount(Account(name: "zhang", role: .leader, createdAt: created), passwordHash: "h")
        try await database.createSession(id: "a", account: "zhang", csrf: "t", now: created, lifetime: 600)
        try await database.record(AuditEntry(at: created, account: "zhang", role: "leader", action: "marker", reason: ""))
        let day = try #require(Day("2024-12-31"))
        try await database.keepRollup(.init(asOf: day, stamp: "s", dataVersion: changed, madeAt: created, body: "{}"))
        #expect(try await database.changeCount() == changed)
        #expect(try await database.changeCount(settled: true) == changed)
        // A write that fails leaves it on SQLite (on PostgreSQL it may move: never too little).
        await #expect(throws: (any Error).self) {
            try await database.write { session in
                _ = try session.execute("UPDATE project SET name = '改' WHERE id = 'P-1'")
                throw StoreError.missingItem("x")
            }
        }
        if database.engine == .sqlite { #expect(try await database.changeCount() == changed) }
        #expect(try await database.projects().map(\.name) == ["一号工程"])
        // Rows bound and run straight through SQLite, not only GRDB's statements.
        let beforeItems = try #require(try await database.changeCount())
        _ = try await database.insertItems(
            [Item(feedID: "posts", sourceKey: "k1", kind: .post, title: "工资", content: "欠薪")], fetchedAt: created, mask: { $1 })
        let afterItems = try #require(try await database.changeCount())
        #expect(afterItems > beforeItems)
        // Feed states are not counted (a roll-up counts its silent sources when read).
        try await database.write { session in
            try session.copyRows(into: "feed_state", columns: ["feed_id"], count: 1) { _ in ["other".sqlValue] }
        }
        try await database.saveFeedStates([FeedState(feedID: "posts")])
        #expect(try await database.changeCount() == afterItems)
        // Another connection's change is counted, as is a later one's of this.
        let other = try TestStores.open(folder: folder)
        try await other.saveProjects([Project(id: "P-3", name: "三号工程", department: "市住建局")], rejections: [], file: "r.csv")
        let afterOther = try #require(try await database.changeCount())
        #expect(afterOther > afterItems)
        try await database.saveProjects([Project(id: "P-2", name: "二号工程", department: "市住建局")], rejections: [], file: "r.csv")
        #expect(try #require(try await other.changeCount()) > afterOther)
    }

    @Test func aKeptRollupReplacesItsDaysAndOlderOnesGo() async throws {
        let day = try #require(Day("2024-12-31"))
        let old = AppDatabase.KeptRollup(asOf: day.adding(days: -8), stamp: "s", dataVersion: 1, madeAt: created, body: "{}")
        try await database.keepRollup(old)
        #expect(try await database.keptRollup(asOf: old.asOf) == old)
        try await database.keepRollup(.init(asOf: day, stamp: "s", dataVersion: 2, madeAt: created, body: #"{"a":1}"#))
        let newer = AppDatabase.KeptRollup(asOf: day, stamp: "t", dataVersion: 3, madeAt: created, body: #"{"a":"工资"}"#)
        try await database.keepRollup(newer)
        #expect(try await database.keptRollup(asOf: day) == newer)
        #expect(try await database.keptRollup(asOf: day, withBody: false)?.body == "")
        #expect(try await database.keptRollup(asOf: old.asOf) == nil)
        #expect(try await database.keptRollup(asOf: day.adding(days: 1)) == nil)
    }

    @Test(.enabled(if: TestStores.engine == .postgres, "PostgreSQL moves its count before a commit"))
    func aSettledCountWaitsForTheWriterAndGivesUpAfterItsTime() async throws {
        let holding = Mutex(false)
        let release = Mutex(false)
        let writer = Task { [database] in
            try await database.write { _ in
                holding.withLock { $0 = true }
                while !release.withLock({ $0 }) { Thread.sleep(forTimeInterval: 0.01) }
            }
        }
        try await waitUntil { holding.withLock { $0 } }
        #expect(try await database.changeCount(settled: true, waitingAtMost: 1) == nil)
        release.withLock { $0 = true }
        try await writer.value
        #expect(try await database.changeCount(settled: true, waitingAtMost: 30) != nil)
    }

    @Test(.enabled(if: TestStores.engine == .postgres, "the triggers are PostgreSQL's"))
    func theTablesCountedOnSQLiteAreThoseWhoseTriggersMoveTheSequence() async throws {
        func tables(calling function: String) async throws -> Set<String> {
            Set(
                try await database.read { session in
                    try session.rows(
                        """
                        SELECT DISTINCT event_object_table AS name FROM information_schema.triggers
                        WHERE trigger_schema = current_schema() AND action_statement LIKE ?
                        """, [("%" + function + "%").sqlValue]
                    ) { row in try row("name", as: String.self) }
                })
        }
        #expect(try await tables(calling: "rollup_changed()") == AppDatabase.changeCountedTables)
        // The tables whose changes a node's register follows, but the feed states.
        #expect(try await tables(calling: "store_notice('changed')").subtracting(["feed_state"]) == AppDatabase.changeCountedTables)
    }

    @Test func aFeedIsLeasedToOneWorkerUntilItsLeaseEnds() async throws {
        let later = created.addingTimeInterval(60)
        let first = try await database.leaseFeeds(["posts": later, "petitions": later], holder: "a", now: created)
        #expect(first.leased == ["posts", "petitions"] && first.heldUntil.isEmpty)
        let other = try await database.leaseFeeds(["posts": later.addingTimeInterval(60)], holder: "b", now: created.addingTimeInterval(10))
        #expect(other.leased.isEmpty && other.heldUntil == ["posts": later])
        // Its own lease, extended; another's, taken once it ended.
        #expect(try await database.leaseFeeds(["posts": later.addingTimeInterval(30)], holder: "a", now: later).leased == ["posts"])
        let takeover = try await database.leaseFeeds(["petitions": later.addingTimeInterval(600)], holder: "b", now: later)
        #expect(takeover.leased == ["petitions"])
        // A worker stopping gives its feeds up at once.
        try await database.releaseFeeds(holder: "a")
        #expect(try await database.leaseFeeds(["posts": later.addingTimeInterval(600)], holder: "b", now: later).leased == ["posts"])
    }

    @Test func aWorkerLeavesTheItemsOfFeedsAnotherHoldsToIt() async throws {
        let later = created.addingTimeInterval(600)
        _ = try await database.leaseFeeds(["posts": later], holder: "a", now: created)
        _ = try await database.leaseFeeds(["petitions": later], holder: "b", now: created)
        func item(_ feed: String, _ key: String) -> Item {
            Item(
                feedID: feed, sourceKey: key, kind: feed == "posts" ? .post : .petition, publishedAt: created,
                title: "工资没发", content: "项目欠薪")
        }
        // Each stores its feed's items as a leased write (alongside the other's, on PostgreSQL).
        let posts = [item("posts", "1"), item("posts", "2")]
        let petitions = [item("petitions", "1")]
        async let a = database.storeFetch(
            of: "posts", items: posts, displays: posts.map { DisplayCopies(of: $0, mask: { $1 }) }, rejections: [],
            state: FeedState(feedID: "posts"), fetchedAt: created, leased: true)
        async let b = database.storeFetch(
            of: "petitions", items: petitions, displays: petitions.map { DisplayCopies(of: $0, mask: { $1 }) }, rejections: [],
            state: FeedState(feedID: "petitions"), fetchedAt: created, leased: true)
        let (added, addedElsewhere) = try await (a.added, b.added)
        #expect(added == 2 && addedElsewhere == 1)

        // Worker a, at the end of its cycle, scores its own feed's items, not b's (b is
        // scoring them); anyone not sharing by lease sees every item.
        let soon = created.addingTimeInterval(60)
        #expect(try await database.itemsNeedingAssessment(version: "v1", holder: "a", now: soon).map(\.feedID) == ["posts", "posts"])
        #expect(try await database.itemsNeedingAssessment(version: "v1").count == 3)
        // b's lease ended (b was killed): a takes its items too.
        #expect(try await database.itemsNeedingAssessment(version: "v1", holder: "a", now: later).count == 3)

        // A leased save of verdicts on items just stored replaces one another writer gave
        // one of them meanwhile, as any later verdict does.
        func verdict(_ item: Item, score: Double) -> ItemVerdict {
            ItemVerdict(
                assessment: ItemAssessment(
                    itemID: item.id, score: score, level: .high, isSignal: true, claim: .wage, isEscalation: false,
                    isResolved: false, firedRules: [], matchedTerms: []),
                storyKey: item.id, link: nil, sites: [])
        }
        try await database.saveAssessments([verdict(posts[0], score: 9)], version: "v1")
        try await database.saveAssessments(
            PreparedVerdicts(posts.map { verdict($0, score: 5) }, facts: posts.map { ItemFacts(newItem: $0, fetchedAt: created) }),
            version: "v1", leased: true)
        #expect(try await database.assessment(ofItem: posts[0].id)?.assessment.score == 5)
        #expect(try await database.assessment(ofItem: posts[1].id)?.assessment.score == 5)
        #expect(try await database.itemsNeedingAssessment(version: "v1", holder: "a", now: soon).isEmpty)
        #expect(try await database.itemsNeedingAssessment(version: "v1").map(\.feedID) == ["petitions"])
    }

    @Test func twoWorkersStoringOneFeedAtOnceStoreEachItemOnce() async throws {
        // A lease that ended during a long cycle: two workers store the same feed's items.
        let items = (0..<300).map { Item(feedID: "posts", sourceKey: "k\($0)", kind: .post, title: "工资", content: "欠薪 \($0)") }
        let displays = items.map { DisplayCopies(of: $0, mask: { $1 }) }
        let other = try TestStores.open(folder: folder)
        async let first = database.storeFetch(
            of: "posts", items: items, displays: displays, rejections: [], state: FeedState(feedID: "posts"),
            fetchedAt: created, leased: true)
        async let second = other.storeFetch(
            of: "posts", items: items, displays: displays, rejections: [], state: FeedState(feedID: "posts"),
            fetchedAt: created, leased: true)
        let (a, b) = try await (first.added, second.added)
        #expect(a + b == items.count)
        #expect(try await database.itemCount() == items.count)
    }

    @Test func aSharedWriterThatMeetsAStoredKeyRunsAgainAlone() throws {
        guard case .postgres(let pool) = database.backend else { return }
        let locks = Mutex<[Bool]>([])
        let answer = try pool.write(shared: true) { session -> Int in
            // Which lock this transaction holds: shared first, then the write lock itself.
            let shared =
                try session.value(
                    "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND pid = pg_backend_pid() AND mode = 'ShareLock'",
                    as: Int.self) == 1
            let count = locks.withLock { locks in
                locks.append(shared)
                return locks.count
            }
            if count == 1 { throw StoreError.postgres("duplicate key value violates unique constraint (SQLSTATE 23505)") }
            return 7
        }
        #expect(answer == 7 && locks.withLock { $0 } == [true, false])
    }

    @Test func aBatchOfSeveralMegabytesIsStoredAndAKeyStoredAlreadyFailsItWhole() async throws {
        // Over a megabyte: several COPY messages on PostgreSQL.
        let long = String(repeating: "工资拖欠，", count: 100)
        let items = (0..<1_500).map { Item(feedID: "posts", sourceKey: "k\($0)", kind: .post, title: "工资", content: long + "\($0)") }
        try await database.insertItems(items, fetchedAt: created, mask: { $1 })
        #expect(try await database.itemCount() == items.count)
        #expect(try await database.item(id: items[1_499].id)?.content == long + "1499")
        // The same rows added again, the last of them already stored: an error, not a wait,
        // and nothing of the batch kept.
        let fresh = (0..<1_500).map { Item(feedID: "other", sourceKey: "k\($0)", kind: .post, title: "工资", content: long) }
        await #expect(throws: (any Error).self) {
            try await database.write { session in
                try session.copyRows(
                    into: "item",
                    columns: ["id", "feed_id", "source_key", "kind", "fetched_at", "title", "content", "title_masked", "content_masked"],
                    count: fresh.count + 1
                ) { index in
                    let item = index < fresh.count ? fresh[index] : items[0]
                    return [item.id, item.feedID, item.sourceKey, "post", "2024-12-01", "t", item.content, "", ""].map(\.sqlValue)
                }
            }
        }
        #expect(try await database.itemCount() == items.count)
    }

    @Test func textWithTabsNewlinesAndBackslashesIsStoredAsItIs() async throws {
        let text = "第一行\t制表\r\n第二行 \\N 反斜杠\\ \\t"
        let item = Item(feedID: "posts", sourceKey: "k", kind: .post, publishedAt: created, title: text, content: text + "\n")
        try await database.insertItems([item], fetchedAt: created, mask: { $1 })
        let stored = try #require(try await database.item(id: item.id))
        #expect(stored.title == text && stored.content == text + "\n")
    }

    @Test func loginAttemptsAreCountedInTheStoreAndAgeOut() async throws {
        let window: TimeInterval = 60
        let keysA = [(key: "name:a", limit: 2), (key: "address:x", limit: 3)]
        guard case .begun = try await database.beginLogin(keysA, window: window, now: created) else {
            Issue.record("the first attempt must begin")
            return
        }
        // Another connection to the same store (another web node) counts the same attempts.
        let other = try TestStores.open(folder: folder)
        guard case .begun = try await other.beginLogin(keysA, window: window, now: created.addingTimeInterval(10)) else {
            Issue.record("the second attempt must begin")
            return
        }
        #expect(try await database.beginLogin(keysA, window: window, now: created.addingTimeInterval(20)) == .wait(40))
        // The address has room for one more: another name from it begins, then the address is full.
        let keysB = [(key: "name:b", limit: 2), (key: "address:x", limit: 3)]
        guard case .begun(let attempt) = try await other.beginLogin(keysB, window: window, now: created.addingTimeInterval(30)) else {
            Issue.record("another name must begin")
            return
        }
        #expect(try await database.beginLogin(keysB, window: window, now: created.addingTimeInterval(30)) == .wait(30))
        // A success takes its own attempt back and clears its name's failures.
        try await database.loginSucceeded(attempt, clearing: "name:b")
        guard case .begun = try await database.beginLogin(keysB, window: window, now: created.addingTimeInterval(30)) else {
            Issue.record("the address must have room again")
            return
        }
        // Past the window, the first name may try again.
        guard case .begun = try await database.beginLogin(keysA, window: window, now: created.addingTimeInterval(75)) else {
            Issue.record("the failures must age out")
            return
        }
        // What was typed as a name is not kept as typed (it may be a password).
        let kept = try await database.read { session in
            try session.rows("SELECT key FROM login_attempt") { try $0.first(as: String.self) }
        }
        #expect(!kept.isEmpty && kept.allSatisfy { !$0.contains("name:") && !$0.contains("address:") })
        try await database.forgetLoginAttempts(before: created.addingTimeInterval(76))
        #expect(try await database.read { session in try session.value("SELECT count(*) FROM login_attempt", as: Int.self) } == 0)
    }

    @Test(.enabled(if: TestStores.engine == .postgres, "PostgreSQL announces its changes"))
    func committedChangesAreAnnouncedToAnotherConnection() async throws {
        #expect(database.announcesChanges)
        let heard = Mutex<[StoreNotice]>([])
        let listener = try TestStores.open(folder: folder)
        let following = Task {
            await listener.followNotices(failed: { Issue.record("listening failed: \($0)") }) { notice in
                heard.withLock { $0.append(notice) }
            }
        }
        defer { following.cancel() }
        // Heard at once after connecting: whatever happened before is to be read again.
        try await waitUntil { heard.withLock { $0.contains(.claimed) } }
        try await database.saveProjects([Project(id: "P-1", name: "一号工程", department: "市住建局")], rejections: [], file: "r.csv")
        try await waitUntil { heard.withLock { $0.filter { $0 == .changed }.count >= 2 } }
        // A store in another schema of the same database is not heard.
        let elsewhere = try TestStores.open(folder: folder, name: "another.sqlite")
        let before = heard.withLock { $0.count }
        try await elsewhere.saveProjects([Project(id: "P-9", name: "九号工程", department: "市住建局")], rejections: [], file: "r.csv")
        try await database.record(AuditEntry(at: created, account: "a", role: "leader", action: "marker", reason: ""))
        try await database.saveFeedStates([FeedState(feedID: "posts")])
        try await waitUntil { heard.withLock { $0.count > before } }
        // Notices arrive in the order of their commits: one from the other schema would be first.
        try await Task.sleep(for: .milliseconds(300))
        #expect(heard.withLock { Array($0.dropFirst(before)) } == [.changed])
    }

    /// Waits (at most a minute: other tests of the run may hold the threads a while) for `condition`.
    private func waitUntil(_ condition: () -> Bool) async throws {
        let clock = ContinuousClock()
        let end = clock.now + .seconds(60)
        while !condition() {
            guard clock.now < end else {
                Issue.record("waited a minute in vain")
                return
            }
            try await Task.sleep(for: .milliseconds(20))
        }
    }

    @Test func auditLinesOfOneItemNewestFirst() async throws {
        for (index, item) in ["I-1", "I-2", "I-1"].enumerated() {
            try await database.record(
                AuditEntry(
                    at: created.addingTimeInterval(Double(index)), account: "a", role: "petition", action: "claim", itemID: item,
                    reason: "第\(index)次"))
        }
        let lines = try await database.auditEntries(itemID: "I-1")
        #expect(lines.map(\.reason) == ["第2次", "第0次"])
        #expect(lines.first?.at == created.addingTimeInterval(2))
        #expect(try await database.auditEntries().count == 3)
    }

    @Test func feedStatesAreReplacedWhole() async throws {
        var state = FeedState(feedID: "posts")
        state.etag = "\"v1\""
        state.lastAttempt = created
        state.recordFailure("HTTP 503", at: created)
        state.nextAttempt = created.addingTimeInterval(120)  // whole milliseconds, as stored
        state.lastBodyCutShort = true
        try await database.saveFeedStates([state, FeedState(feedID: "petitions")])
        #expect(try await database.feedStates()["posts"] == state)
        state.recordSuccess(at: created.addingTimeInterval(60))
        state.etag = nil
        state.lastBodyCutShort = false
        try await database.saveFeedStates([state])
        let stored = try await database.feedStates()
        #expect(stored["posts"] == state && stored.count == 2)
    }

    @Test func reopeningMigratesOnceAndAStoreOfANewerVersionIsRefused() async throws {
        try await database.addAccount(Account(name: "kept", role: .leader, createdAt: created), passwordHash: "h")
        let again = try TestStores.open(folder: folder)
        #expect(try await again.accounts().map(\.name) == ["kept"])
        let table = database.engine == .sqlite ? "grdb_migrations" : "wagewatch_migrations"
        try await database.write { session in
            try session.execute("INSERT INTO \(table) (identifier) VALUES ('v99: from the future')")
        }
        #expect {
            try TestStores.open(folder: folder)
        } throws: { error in
            guard case StoreError.newerStore(let unknown) = error else { return false }
            return unknown == ["v99: from the future"]
        }
    }
}

/// What PostgreSQL is asked, checked without a server.
@Suite struct PostgresSyntaxTests {
    @Test func placeholdersAreNumberedOutsideQuotesAndComments() {
        #expect(
            PostgresSQL.numbered("SELECT ? , '?' , \"a?\" FROM t WHERE x = ? -- why?\nAND y = ?")
                == "SELECT $1 , '?' , \"a?\" FROM t WHERE x = $2 -- why?\nAND y = $3")
        #expect(PostgresSQL.numbered("WHERE ?1 IS NULL OR id = ?1 LIMIT ?2") == "WHERE $1 IS NULL OR id = $1 LIMIT $2")
        // Text outside ASCII around the marks (they are rewritten byte by byte).
        #expect(
            PostgresSQL.numbered("SELECT '欠薪？?', ? AS 工资 -- 为什么?\nWHERE 项目 = ?, ?")
                == "SELECT '欠薪？?', $1 AS 工资 -- 为什么?\nWHERE 项目 = $2, $3")
        #expect(PostgresSQL.numbered("SELECT 1") == "SELECT 1")
    }

    @Test func copyRowsAreWrittenInTheTextFormat() {
        var buffer = ByteBuffer()
        PostgresCopyText.appendRow(
            [.text("a\tb\nc\\d\re\u{0}f"), .null, .integer(-3), .real(0.5), .bool(true), .blob([0x0a, 0xff]), .text("欠薪")],
            to: &buffer)
        PostgresCopyText.appendRow([.text(""), .real(.infinity), .bool(false)], to: &buffer)
        #expect(
            String(buffer: buffer)
                == "a\\tb\\nc\\\\d\\re\u{FFFD}f\t\\N\t-3\t0.5\tt\t\\\\x0aff\t欠薪\n" + "\tinf\tf\n")
    }

    @Test func aScriptIsSplitIntoItsStatements() {
        let script = """
            CREATE TABLE a (x text DEFAULT ';'); -- a comment; with a semicolon
            CREATE FUNCTION f() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN UPDATE a SET x = 'y'; RETURN NULL; END $$;
            INSERT INTO a VALUES ('it''s');
            """
        #expect(
            PostgresSQL.statements(of: script) == [
                "CREATE TABLE a (x text DEFAULT ';')",
                "CREATE FUNCTION f() RETURNS trigger LANGUAGE plpgsql AS $$\nBEGIN UPDATE a SET x = 'y'; RETURN NULL; END $$",
                "INSERT INTO a VALUES ('it''s')",
            ])
    }

    @Test func anAddressNamesUserHostAndDatabaseAndNeverAPassword() throws {
        let location = try PostgresLocation("postgres://wagewatch@db.example:5433/city?sslmode=verify-full&schema=qingchuan")
        #expect(location.user == "wagewatch" && location.host == "db.example" && location.port == 5433)
        #expect(location.database == "city" && location.sslMode == "verify-full" && location.schema == "qingchuan")
        #expect(location.description == "postgres://wagewatch@db.example:5433/city?sslmode=verify-full&schema=qingchuan")
        for bad in [
            "postgres://wagewatch:secret@db/city", "postgres://db/city", "postgres://u@db/", "postgres://u@db/c?sslmode=maybe",
            "postgres://u@db/c?schema=a;drop", "postgres://u@db/c?color=red", "mysql://u@db/c",
        ] {
            #expect(throws: StoreError.self, "\(bad)") { try PostgresLocation(bad) }
            #expect((try? PostgresLocation(bad)) == nil)
        }
        let refused = "\((try? PostgresLocation("postgres://wagewatch:secret@db/city")).map { "\($0)" } ?? "")"
        #expect(!refused.contains("secret"))
        do {
            _ = try PostgresLocation("postgres://wagewatch:secret@db/city")
        } catch {
            #expect(!"\(error)".contains("secret"))
        }
    }

    @Test func thePasswordComesFromTheEnvironmentOrThePasswordFile() throws {
        let location = try PostgresLocation("postgres://wagewatch@db.example:5433/city")
        #expect(try location.password(environment: ["PGPASSWORD": "from-env", "HOME": "/nowhere"]) == "from-env")
        let passfile = """
            # comment
            other.example:*:*:*:wrong
            db.example:5433:city:wagewatch:pa\\:ss\\\\word
            *:*:*:*:fallback
            """
        #expect(
            PostgresLocation.password(inPassfile: passfile, host: "db.example", port: 5433, database: "city", user: "wagewatch")
                == "pa:ss\\word")
        #expect(
            PostgresLocation.password(inPassfile: passfile, host: "db.example", port: 5432, database: "city", user: "wagewatch")
                == "fallback")
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("pgpass-\(UUID().uuidString)")
        try Data("just-the-password\n".utf8).write(to: file)
        #expect(try location.password(environment: ["WAGEWATCH_DATABASE_PASSWORD_FILE": file.path]) == "just-the-password")
        #expect(throws: StoreError.self) { try location.password(environment: ["WAGEWATCH_DATABASE_PASSWORD_FILE": "/no/such/file"]) }
    }
}
