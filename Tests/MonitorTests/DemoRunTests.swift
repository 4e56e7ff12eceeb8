import Foundation
import Model
import Monitor
import Register
import Store
import TestStores
import Testing

/// End to end on the bundled demo data, into a real SQLite file.
@Suite struct DemoRunTests {
    static let root = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    let asOf = Day(year: 2024, month: 12, day: 31)!
    let folder: URL
    let monitor: Monitor

    init() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("wagewatch-demo-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        monitor = Monitor(
            database: try TestStores.open(folder: folder, name: "demo.sqlite"),
            feedsDirectory: Self.root.appendingPathComponent("feeds"),
            rulesDirectory: Self.root.appendingPathComponent("rules"),
            environment: [:])
    }

    func importDemoLedgers() async throws {
        let demo = Self.root.appendingPathComponent("feeds/demo")
        _ = try await monitor.importRegistry(path: demo.appendingPathComponent("registry.csv").path)
        let today = Day(year: 2025, month: 1, day: 2)!
        _ = try await monitor.importReports(path: demo.appendingPathComponent("reports-2024-11.csv").path, today: today)
        let december = try await monitor.importReports(path: demo.appendingPathComponent("reports-2024-12.csv").path, today: today)
        #expect(december.rejections.map(\.row) == [15, 19])
    }

    /// A 督办 case closed on 1 December reopens by itself when the run stores the wage
    /// signals its project drew after that day; a case whose project drew none stays closed.
    @Test func aClosedCaseReopensWhenTheRunBringsNewWageSignals() async throws {
        try await importDemoLedgers()
        let office = CaseActor(name: "zhao", kind: .wageOffice)
        let closedOn = Day(year: 2024, month: 12, day: 1)!
        var ids: [String: String] = [:]
        for (project, department) in [("P-001", "市住建局"), ("P-020", "")] {
            guard let found = try await monitor.database.project(id: project) else { continue }
            let unit = CaseActor(name: "u", kind: .unit(.init(kind: .department, name: department.isEmpty ? found.department : department)))
            let opened = try await monitor.openCase(
                CaseRequest(subject: .project(project), person: "李", plan: "核实"), by: office, today: closedOn.adding(days: -10))
            _ = try await monitor.act(on: opened.id, .sign, by: unit, today: closedOn)
            _ = try await monitor.act(
                on: opened.id, .reply(.alreadyPaid(on: closedOn, amount: 1_000, workers: 2)), by: unit, today: closedOn,
                files: [CaseTests.slip(on: closedOn)])
            _ = try await monitor.act(on: opened.id, .close(reason: "已付"), by: office, today: closedOn)
            ids[project] = opened.id
        }
        let cycle = try await monitor.runCycle(asOf: asOf, windowDays: 30)
        let signals = try await monitor.database.wageSignalItems(
            ofProject: "P-001", from: closedOn.adding(days: 1).start, until: asOf.adding(days: 1).start)
        #expect(!signals.isEmpty)
        #expect(cycle.reopenedCases.map(\.id) == [ids["P-001"]].compactMap { $0 })
        let reopened = try #require(try await monitor.database.supervisionCase(ids["P-001"] ?? ""))
        #expect(reopened.state == .awaitingSignature && reopened.timesReopened == 1 && reopened.deadline > asOf)
        let history = try await monitor.database.caseEvents(reopened.id)
        #expect(history.last?.action == "reopen" && history.last?.actor == "wagewatch" && history.last?.reason.contains(signals[0]) == true)
        // A second run reopens nothing more.
        #expect(try await monitor.runCycle(asOf: asOf, windowDays: 30).reopenedCases.isEmpty)
    }

    @Test func theDemoRunRaisesTheDesignedFlagsAndASecondRunAddsNothing() async throws {
        try await importDemoLedgers()
        let first = try await monitor.runCycle(asOf: asOf, windowDays: 30)
        #expect(first.feeds.map(\.feedID) == ["demo-petitions", "demo-weibo", "demo-forum"])
        #expect(first.feeds.allSatisfy { $0.error == nil && $0.rejected == 0 })
        #expect(first.feeds.map(\.added) == [9, 6, 4])
        let stored = try await monitor.database.itemCount()

        let register = first.register
        func project(_ id: String) throws -> RegisterReport.ProjectEntry {
            try #require(register.projects.first { $0.projectID == id })
        }
        // Reported 无欠薪 with a commitment while workers petition and post; a 跳楼 threat and
        // a collective petition; the 12-08 hotline call is past its 15 working days.
        #expect(try project("P-001").flags == [.underreported, .contradictsCommitment, .escalating, .staleFollowup])
        #expect(try project("P-001").flagEvidence.first { $0.flag == .staleFollowup }?.items == ["demo-petitions:XF-2024-1208"])
        #expect(try project("P-001").evidence.contains("demo-petitions:XF-2024-1201"))
        #expect(try !project("P-001").evidence.contains("demo-petitions:XF-2024-1105"))
        // Reported 无欠薪, no commitment; collective.
        #expect(try project("P-002").flags == [.underreported, .escalating])
        // Properly reported, but 35 workers petitioned together.
        #expect(try project("P-003").flags == [.escalating])
        #expect(try project("P-003").reported == .arrears)
        #expect(try project("P-003").signals.petitions + project("P-003").signals.posts >= 2)
        // Quiet.
        #expect(try project("P-004").flags.isEmpty)
        #expect(try project("P-004").signals == .init())
        // A private project is never underreported, but six workers together escalate.
        #expect(try project("P-005").flags == [.escalating])
        // Project payments presented as wages, with a road blocked.
        #expect(try project("P-006").flags == [.escalating, .nonWageDispute])
        // A resolved case: signals but no flag.
        #expect(try project("P-007").flags.isEmpty)
        #expect(register.projects.prefix(2).map(\.projectID) == ["P-001", "P-002"])
        // The Weibo post and its repost are one story seen twice on one platform.
        let widest = try #require(try project("P-001").stories.first)
        #expect(widest.copies == 2)
        #expect(widest.platforms == ["微博"])
        #expect(widest.items == ["demo-weibo:weibo-4991001", "demo-weibo:weibo-4991002"])
        #expect(register.unregistered.first?.mention == "锦绣华庭项目工地")
        #expect(register.unregistered.first?.items.count == 2)
        let education = try #require(register.departments.first { $0.department == "市教育局" })
        // P-015's December row was rejected, but December is not due until 01-10: not missing yet.
        #expect((education.underreported, education.reportsMissing, education.rowsRejected) == (1, 0, 1))

        // The same register as the JSON document of docs/FORMATS.md, "Register".
        let json = try #require(try JSONSerialization.jsonObject(with: JSONEncoder().encode(register)) as? [String: Any])
        #expect(json["as_of"] as? String == "2024-12-31")
        let projects = try #require(json["projects"] as? [[String: Any]])
        let site = try #require(projects.first { $0["project_id"] as? String == "P-001" })
        #expect(site["flags"] as? [String] == ["underreported", "contradicts_commitment", "escalating", "stale_followup"])
        #expect(site["reported"] as? String == "none")
        #expect((site["evidence"] as? [String])?.count == 5)
        #expect((json["unregistered"] as? [[String: Any]])?.first?["mention"] as? String == "锦绣华庭项目工地")

        let second = try await monitor.runCycle(asOf: asOf, windowDays: 30)
        #expect(second.feeds.map(\.added) == [0, 0, 0])
        #expect(second.assessed == 0)
        #expect(try await monitor.database.itemCount() == stored)
        #expect(second.register == register)
    }

    /// With the demo's platform export, as `scripts/demo` imports it: each platform flag
    /// raised where the demo's README says, and nowhere else.
    @Test func theDemoPlatformExportRaisesEachPlatformFlagOnce() async throws {
        try await importDemoLedgers()
        let demo = Self.root.appendingPathComponent("feeds/demo")
        for month in ["11", "12"] {
            let summary = try await monitor.importPlatform(
                path: demo.appendingPathComponent("platform-2024-\(month).csv").path, today: asOf)
            #expect(summary.rejections.isEmpty && summary.added > 15)
        }
        #expect(try await monitor.database.unmatchedPlatformRecords().map(\.projectName) == ["锦绣华庭项目", "锦绣华庭项目"])
        let register = try await monitor.runCycle(asOf: asOf, windowDays: 30).register
        let platformFlags: Set<RiskFlag> = [.payrollGap, .labourCostUnfunded, .offPlatform, .typeMismatch]
        var raised: [String: [RiskFlag]] = [:]
        for project in register.projects {
            let flags = project.flags.filter(platformFlags.contains)
            if !flags.isEmpty { raised[project.projectID] = flags }
        }
        #expect(raised == ["P-001": [.payrollGap, .labourCostUnfunded], "P-006": [.typeMismatch], "P-013": [.offPlatform]])
        // The ledger's flags stay as they were without the platform.
        #expect(register.projects.first { $0.projectID == "P-006" }?.flags == [.escalating, .nonWageDispute, .typeMismatch])
        let housing = try #require(register.departments.first { $0.department == "市住建局" }).platform
        #expect(housing.activeProjects == 8 && housing.onPlatform == 7 && housing.payrollGaps == 1)
    }

    @Test func theDailyListReadsTheStoreOnceAndEqualsTwoRegistersReadApart() async throws {
        try await importDemoLedgers()
        _ = try await monitor.runCycle(asOf: asOf, windowDays: 30)
        for day in [5, 8, 9, 16, 24, 28, 31].map({ Day(year: 2024, month: 12, day: $0)! }) {
            let brief = try await monitor.dailyBrief(asOf: day, windowDays: 30)
            let today = try await monitor.evaluateRegister(asOf: day, windowDays: 30)
            let yesterday = try await monitor.evaluateRegister(asOf: day.adding(days: -1), windowDays: 30)
            // Every story's title, looked up apart.
            var titles: [String: String] = [:]
            for itemID in today.projects.flatMap(\.stories).compactMap(\.items.first) {
                guard let text = try await monitor.database.maskedText(ofItem: itemID) else { continue }
                let title = text.title.trimmingCharacters(in: .whitespacesAndNewlines)
                titles[itemID] = title.isEmpty ? String(text.content.prefix(40)) : title
            }
            let apart = DailyBrief(today: today, yesterday: yesterday) { titles[$0] ?? "" }
            #expect(brief == apart, "\(day)")
        }
    }

    @Test func theRegisterOfAnEarlierDaySeesOnlyWhatWasKnownThen() async throws {
        try await importDemoLedgers()
        _ = try await monitor.runCycle(asOf: asOf, windowDays: 30)
        // On 12-07 the December rows (filed 12-27 and later) were not in yet; November's (filed 12-05) were.
        let early = try await monitor.evaluateRegister(asOf: Day(year: 2024, month: 12, day: 7)!, windowDays: 30)
        let school = try #require(early.projects.first { $0.projectID == "P-002" })
        #expect(school.reportEvidence == ["202411-002"])
        let site = try #require(early.projects.first { $0.projectID == "P-001" })
        #expect(site.reportEvidence == ["202411-001"])
        // 赵德明 came back on 12-03 about the matter he raised on 11-05: a repeat contact.
        #expect(site.flags == [.underreported, .contradictsCommitment, .escalating, .staleFollowup])
        #expect(site.flagEvidence.first { $0.flag == .staleFollowup }?.items == ["demo-petitions:XF-2024-1201"])
        // Nothing from after the as-of day: the 12-08 hotline call is not yet evidence.
        #expect(site.evidence == ["demo-petitions:XF-2024-1201", "demo-weibo:weibo-4991001", "demo-weibo:weibo-4991002"])
    }

    @Test func aBrokenFeedIsReportedAndTheOthersGoOn() async throws {
        let feeds = folder.appendingPathComponent("feeds")
        try FileManager.default.createDirectory(at: feeds, withIntermediateDirectories: true)
        let demo = Self.root.appendingPathComponent("feeds/demo")
        // The demo's folder is outside this catalog's: allowed by name.
        try """
        file_roots: ["\(demo.path)"]
        feeds:
          - {id: good, kind: post, format: rss, url: "\(demo.appendingPathComponent("forum.xml").absoluteString)"}
          - {id: missing-file, kind: post, format: rss, url: "file:nowhere.xml"}
          - {id: secret, kind: post, format: rss, url: "https://rsshub.example.invalid/x", headers: {Cookie: "SUB=${NOT_SET_COOKIE}"}}
        """.write(to: feeds.appendingPathComponent("feeds.yaml"), atomically: true, encoding: .utf8)
        var monitor = self.monitor
        monitor.feedsDirectory = feeds
        // The later cycles' clocks count from before the first one: a failure is recorded at
        // its own time, so a slow first cycle (a loaded machine) cannot outlast the backoff.
        let start = Date()
        let cycle = try await monitor.runCycle(asOf: asOf, windowDays: 30)
        let outcomes = Dictionary(uniqueKeysWithValues: cycle.feeds.map { ($0.feedID, $0) })
        #expect(outcomes["good"]?.added == 4)
        #expect(outcomes["missing-file"]?.error?.contains("missing-file") == true)
        #expect(outcomes["secret"]?.error?.contains("NOT_SET_COOKIE") == true)

        // A feed that keeps failing is reported, so its silence is not read as a quiet city.
        #expect(outcomes["missing-file"]?.warning == nil)
        // Right after a failure the feed waits (backoff); a day later it is asked again.
        let soon = try await monitor.runCycle(asOf: asOf, windowDays: 30, now: start.addingTimeInterval(5))
        #expect(soon.feeds.first { $0.feedID == "missing-file" }?.backingOffUntil != nil)
        #expect(soon.feeds.first { $0.feedID == "good" }?.backingOffUntil == nil)
        _ = try await monitor.runCycle(asOf: asOf, windowDays: 30, now: start.addingTimeInterval(86_400))
        let third = try await monitor.runCycle(asOf: asOf, windowDays: 30, now: start.addingTimeInterval(2 * 86_400))
        let failing = try #require(third.feeds.first { $0.feedID == "missing-file" })
        #expect(failing.warning?.contains("连续 3 次失败") == true)
        #expect(third.feeds.first { $0.feedID == "good" }?.warning == nil)
        let states = try await monitor.database.feedStates()
        #expect(states["missing-file"]?.errorCount == 3)
        #expect(states["good"]?.errorCount == 0)
        #expect(states["good"]?.lastSuccess != nil)
        // The register says so too, beside the flags.
        let register = try await monitor.evaluateRegister(asOf: asOf, windowDays: 30)
        #expect(register.sourceHealth.map(\.feed) == ["missing-file", "secret"])
        #expect(register.sourceHealth.first?.errorCount == 3)
    }

    @Test func backoffDoublesWithJitterAndRetryAfterCanAskForLonger() {
        let start = Date(timeIntervalSince1970: 1_700_000_000)
        var state = FeedState(feedID: "f")
        state.recordFailure("boom", at: start, jitter: 1)
        #expect(state.nextAttempt == start.addingTimeInterval(60))
        state.recordFailure("boom", at: start, jitter: 1)
        #expect(state.nextAttempt == start.addingTimeInterval(120))
        state.recordFailure("boom", at: start, jitter: 1.25)
        #expect(state.nextAttempt == start.addingTimeInterval(300))
        state.recordFailure("429", at: start, retryAfter: 3_600, jitter: 1)
        #expect(state.nextAttempt == start.addingTimeInterval(3_600))
        for _ in 0..<30 { state.recordFailure("boom", at: start, jitter: 1) }
        #expect(state.nextAttempt == start.addingTimeInterval(FeedState.longestBackoff))
        state.recordSuccess(at: start)
        #expect(state.errorCount == 0)
        #expect(state.nextAttempt == nil)
    }

    @Test func aRefusedSourceWarnsAtOnce() {
        let now = Date(timeIntervalSince1970: 1_735_000_000)
        var state = FeedState(feedID: "weibo", errorCount: 1, lastStatus: 403)
        #expect(state.healthWarning(at: now)?.contains("HTTP 403") == true)
        state.errorCount = 0
        #expect(state.healthWarning(at: now) == nil)
    }

    @Test func aFeedSilentFarBeyondItsRhythmWarns() {
        let start = Date(timeIntervalSince1970: 1_735_000_000)
        var state = FeedState(feedID: "forum")
        // New posts every two hours, three times: the feed's rhythm is two hours.
        for hour in stride(from: 0, through: 6, by: 2) {
            state.recordArrival(newItems: 3, at: start.addingTimeInterval(Double(hour) * 3600))
        }
        state.recordArrival(newItems: 0, at: start.addingTimeInterval(7 * 3600))
        #expect(state.typicalGap == 7200)
        // Six hours of nothing is within four gaps; nine hours is not.
        #expect(state.healthWarning(at: start.addingTimeInterval(12 * 3600)) == nil)
        let warning = state.healthWarning(at: start.addingTimeInterval(15 * 3600))
        #expect(warning?.contains("9.0 小时没有新内容") == true)
        #expect(warning?.contains("2.0 小时") == true)
        // A feed that never showed a rhythm is not judged by one.
        #expect(FeedState(feedID: "new").healthWarning(at: start) == nil)
    }
}
