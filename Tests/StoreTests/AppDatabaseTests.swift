import Foundation
import GRDB
import Model
import Store
import TestStores
import Testing

/// Each test works on a real SQLite file in a fresh temporary folder.
@Suite struct AppDatabaseTests {
    let folder: URL
    let database: AppDatabase

    init() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("wagewatch-store-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        database = try TestStores.open(folder: folder)
    }

    let project = Project(
        id: "P-1", name: "城东安置房二期工程", aliases: ["城东安置房", "东苑安置小区"],
        contractor: "青川宏远建设集团有限公司", department: "市住建局", township: "城关街道",
        funding: .government, tags: [.keyProject], realName: true, status: .active)

    func petition(_ key: String, day: Int = 3) -> Item {
        Item(
            feedID: "petitions", sourceKey: key, kind: .petition, channel: "visit",
            publishedAt: Day(year: 2024, month: 12, day: day)!.start, title: "欠薪", content: "工资没发",
            people: 12, amount: 380_000, petitioner: "赵某", phone: "13900000000")
    }

    @Test func openPetitionsFromBeforeTheSpanAreReadForTheirDeadlines() async throws {
        var open = petition("open")
        open.publishedAt = Day(year: 2024, month: 10, day: 15)!.start
        var closed = petition("closed")
        closed.publishedAt = Day(year: 2024, month: 10, day: 16)!.start
        closed.status = "closed"
        closed.closedAt = Day(year: 2024, month: 11, day: 1)!.start
        var closedLater = petition("later")
        closedLater.publishedAt = Day(year: 2024, month: 10, day: 17)!.start
        closedLater.closedAt = Day(year: 2025, month: 1, day: 10)!.start
        let items = [open, closed, closedLater]
        try await database.insertItems(items, fetchedAt: Date(), mask: { $1 })
        try await database.saveAssessments(
            items.map { item in
                ItemVerdict(
                    assessment: ItemAssessment(
                        itemID: item.id, score: 5, isSignal: true, claim: .wage, isEscalation: false,
                        isResolved: false, firedRules: ["wage.claim"], matchedTerms: []),
                    storyKey: item.id, link: ProjectLink(itemID: item.id, projectID: "P-1", band: .link, confidence: 1, evidence: []),
                    sites: [])
            }, version: "v1")
        let asOf = Day(year: 2024, month: 12, day: 31)!
        let inputs = try await database.registerInputs(
            from: asOf.adding(days: -34).start, until: asOf.adding(days: 1).start, asOf: asOf,
            reportsFrom: Period(year: 2024, month: 11)!, resolvedSince: asOf.adding(days: -365))
        #expect(inputs.signals.isEmpty)
        #expect(inputs.olderOpenPetitions.map(\.itemID).sorted() == [closedLater.id, open.id].sorted())
    }

    @Test func signalsReadBackAsStoredWithTheirTimesListsAndPetitionState() async throws {
        var escalated = petition("escalated")
        escalated.publishedAt = Date(timeIntervalSince1970: 1_733_221_230.456)  // 2024-12-03 10:20:30.456 UTC
        escalated.status = "closed"
        escalated.closedAt = Day(year: 2024, month: 12, day: 20)!.start.addingTimeInterval(0.25)
        var unlinked = petition("unlinked", day: 5)
        unlinked.kind = .post
        unlinked.channel = "微博"
        try await database.insertItems([escalated, unlinked], fetchedAt: Date(), mask: { $1 })
        // Lists with a quote, a comma and a backslash in them, as stored JSON must keep them.
        let rules = ["escalation.collective", "rule \"quoted\", with comma", "back\\slash"]
        let sites = ["锦绣华庭项目", "a,b\"c"]
        try await database.saveAssessments(
            [
                ItemVerdict(
                    assessment: ItemAssessment(
                        itemID: escalated.id, score: 7.5, level: .high, isSignal: true, claim: .wage,
                        isEscalation: true, isResolved: false, firedRules: rules, matchedTerms: [],
                        people: 12, amount: 380_000),
                    storyKey: "0123456789abcdef",
                    link: ProjectLink(
                        itemID: escalated.id, projectID: "P-1", band: .link,
                        confidence: 0.75, evidence: []),
                    sites: []),
                ItemVerdict(
                    assessment: ItemAssessment(
                        itemID: unlinked.id, score: 3, isSignal: true, claim: .projectPayment,
                        isEscalation: false, isResolved: true, firedRules: [], matchedTerms: []),
                    storyKey: "story-2", link: nil, sites: sites),
            ], version: "v1")
        let signals = try await database.signals(
            from: Day(year: 2024, month: 12, day: 1)!.start,
            until: Day(year: 2025, month: 1, day: 1)!.start
        )
        .sorted { $0.at < $1.at }
        try #require(signals.count == 2)
        let first = signals[0]
        let second = signals[1]
        #expect(first.itemID == escalated.id && first.kind == .petition && first.channel == "visit")
        #expect(abs(first.at.timeIntervalSince1970 - 1_733_221_230.456) < 0.000_5)
        #expect(first.status == "closed" && first.closedAt == escalated.closedAt)
        #expect(first.firedRules == rules && first.level == .high && first.score == 7.5)
        #expect(first.people == 12 && first.amount == 380_000 && first.isEscalation)
        #expect(first.storyKey == "0123456789abcdef" && first.projectID == "P-1" && first.band == .link && first.confidence == 0.75)
        #expect(second.projectID == nil && second.band == nil && second.sites == sites && second.claim == .projectPayment)
        #expect(second.isResolved && second.kind == .post && second.status == nil && second.closedAt == nil)
    }

    @Test func aVerdictGivenWhatItsNewItemWasStoredWithReadsBackTheSame() async throws {
        var dated = petition("dated")
        dated.status = "processing"
        var undated = petition("undated", day: 5)
        undated.publishedAt = nil
        let fetchedAt = Date(timeIntervalSince1970: 1_733_500_000.25)
        try await database.insertItems([dated, undated], fetchedAt: fetchedAt, mask: { $1 })
        func verdict(_ id: String) -> ItemVerdict {
            ItemVerdict(
                assessment: ItemAssessment(
                    itemID: id, score: 5, isSignal: true, claim: .wage, isEscalation: false,
                    isResolved: false, firedRules: [], matchedTerms: []),
                storyKey: id, link: nil, sites: [])
        }
        let span = (Day(year: 2024, month: 12, day: 1)!.start, Day(year: 2025, month: 1, day: 1)!.start)
        // The same verdicts read their item's row, then are given what it was stored with.
        try await database.saveAssessments([verdict(dated.id), verdict(undated.id)], version: "v1")
        let fromRows = try await database.signals(from: span.0, until: span.1).sorted { $0.itemID < $1.itemID }
        try await database.saveAssessments(
            PreparedVerdicts(
                [verdict(dated.id), verdict(undated.id)],
                facts: [ItemFacts(newItem: dated, fetchedAt: fetchedAt), ItemFacts(newItem: undated, fetchedAt: fetchedAt)]),
            version: "v2")
        let given = try await database.signals(from: span.0, until: span.1).sorted { $0.itemID < $1.itemID }
        #expect(given == fromRows && given.count == 2)
        #expect(given.map(\.at).contains(fetchedAt) && given.contains { $0.status == "processing" })
        // Given facts, a verdict on an item the store does not hold still fails.
        let stranger = petition("stranger")
        let error = await #expect(throws: StoreError.self) {
            try await database.saveAssessments(
                PreparedVerdicts(
                    [verdict(stranger.id)],
                    facts: [ItemFacts(newItem: stranger, fetchedAt: fetchedAt)]),
                version: "v2")
        }
        #expect(error?.description.contains(stranger.id) == true)
    }

    @Test func accountsKeepTheirRoleAndHashAndANameIsTakenOnce() async throws {
        let created = Date(timeIntervalSince1970: 1_735_000_000)
        try await database.addAccount(Account(name: "zhang.wei", role: .petition, createdAt: created), passwordHash: "$2b$12$first")
        try await database.addAccount(Account(name: "admin", role: .admin, createdAt: created), passwordHash: "$2b$12$second")
        await #expect(throws: StoreError.self) {
            try await database.addAccount(Account(name: "zhang.wei", role: .admin, createdAt: created), passwordHash: "$2b$12$other")
        }
        let stored = try #require(try await database.account(named: "zhang.wei"))
        #expect(stored.account == Account(name: "zhang.wei", role: .petition, createdAt: created))
        #expect(stored.passwordHash == "$2b$12$first")
        #expect(try await database.account(named: "nobody") == nil)
        #expect(try await database.accounts().map(\.name) == ["admin", "zhang.wei"])
    }

    @Test func aVerdictOnAnItemNotStoredFailsTheBatch() async throws {
        let stored = petition("A")
        try await database.insertItems([stored], fetchedAt: Date(), mask: { $1 })
        func verdict(_ id: String) -> ItemVerdict {
            ItemVerdict(
                assessment: ItemAssessment(
                    itemID: id, score: 0, isSignal: false, claim: .wage, isEscalation: false,
                    isResolved: false, firedRules: [], matchedTerms: []),
                storyKey: "", link: nil, sites: [])
        }
        await #expect(throws: StoreError.self) {
            try await database.saveAssessments([verdict(stored.id), verdict("petitions:nowhere")], version: "v1")
        }
        // Nothing of the batch was kept.
        #expect(try await database.itemsNeedingAssessment(version: "v1").map(\.id) == [stored.id])
    }

    @Test func projectsRoundTripAndReimportingChangesNothing() async throws {
        let first = try await database.saveProjects([project], rejections: [], file: "registry.csv")
        #expect(first.added == 1)
        #expect(try await database.projects() == [project])
        let again = try await database.saveProjects([project], rejections: [], file: "registry.csv")
        #expect((again.added, again.updated, again.unchanged) == (0, 0, 1))
        var renamed = project
        renamed.aliases = ["城东安置房"]
        #expect(try await database.saveProjects([renamed], rejections: [], file: "registry.csv").updated == 1)
        #expect(try await database.projects() == [renamed])
    }

    @Test func reportsRoundTripAndACorrectedFileReplacesItsRejections() async throws {
        try await database.saveProjects([project], rejections: [], file: "registry.csv")
        let row = DepartmentReport(
            id: "R-1", department: "市住建局", period: Period(year: 2024, month: 12)!, projectID: "P-1",
            projectName: "城东安置房二期工程", status: .arrears, arrearsType: .wage, workers: 12, amountOwed: 380_000,
            amountPaid: 10_000, since: Day(year: 2024, month: 8, day: 1), resolved: false,
            responsibleUnit: "青川宏远建设集团有限公司", responsiblePerson: "王某", filedOn: Day(year: 2024, month: 12, day: 28)!)
        let rejected = ImportRejection(file: "dec.csv", row: 3, column: "责任人", reason: "有欠薪的行须填写责任人", department: "市教育局")
        try await database.saveReports([row], rejections: [rejected], file: "dec.csv")
        #expect(try await database.reports() == [row])
        #expect(try await database.rejections(kind: .reports) == [rejected])
        #expect(try await database.rejectedRowCounts() == ["市教育局": 1])

        // The file corrected: the education bureau's row now reads.
        var fixed = row
        fixed.id = "R-2"
        fixed.department = "市教育局"
        let corrected = try await database.saveReports([row, fixed], rejections: [], file: "dec.csv")
        #expect(corrected.unchanged == 1 && corrected.added == 1)
        #expect(try await database.rejections().isEmpty)
    }

    @Test func anotherDepartmentsFileOfTheSameNameRemovesNothingOfThisOne() async throws {
        func row(_ id: String, _ department: String, month: Int = 12) -> DepartmentReport {
            DepartmentReport(
                id: id, department: department, period: Period(year: 2024, month: month)!, projectID: nil,
                projectName: "某工程", status: .none, filedOn: Day(year: 2024, month: 12, day: 28)!)
        }
        try await database.saveReports([row("A-1", "市住建局"), row("A-2", "市住建局")], rejections: [], file: "ledger.csv")
        // b/ledger.csv of the water bureau: a/ledger.csv's rows stay.
        let other = try await database.saveReports([row("B-1", "市水务局")], rejections: [], file: "ledger.csv")
        #expect(other.removed == 0 && other.removedIDs.isEmpty)
        // The same department's file for another month removes nothing of December either.
        #expect(try await database.saveReports([row("A-9", "市住建局", month: 11)], rejections: [], file: "ledger.csv").removed == 0)
        // A file whose rows were all rejected removes nothing.
        let rejected = ImportRejection(file: "ledger.csv", row: 2, column: "period", reason: "bad", department: "市住建局")
        #expect(try await database.saveReports([], rejections: [rejected], file: "ledger.csv").removed == 0)
        await #expect(Set(try database.reports().map(\.id)) == ["A-1", "A-2", "B-1", "A-9"])
        // A corrected December file of the housing bureau that drops A-2 removes it, and says so.
        let corrected = try await database.saveReports([row("A-1", "市住建局")], rejections: [], file: "ledger.csv")
        #expect(corrected.removedIDs == ["A-2"])
    }

    @Test func anotherDepartmentsFileOfTheSameNameKeepsThisOnesRejectedRows() async throws {
        func row(_ id: String, _ department: String) -> DepartmentReport {
            DepartmentReport(
                id: id, department: department, period: Period(year: 2024, month: 12)!, projectID: nil,
                projectName: "某工程", status: .none, filedOn: Day(year: 2024, month: 12, day: 28)!)
        }
        func rejected(_ row: Int, _ department: String?) -> ImportRejection {
            ImportRejection(file: "ledger.csv", row: row, column: "workers", reason: "bad", department: department)
        }
        // a/ledger.csv (housing) and b/ledger.csv (water) each have a bad row 3.
        try await database.saveReports([row("A-1", "市住建局")], rejections: [rejected(3, "市住建局")], file: "ledger.csv")
        try await database.saveReports([row("B-1", "市水务局")], rejections: [rejected(3, "市水务局"), rejected(4, nil)], file: "ledger.csv")
        #expect(
            Set(try await database.rejections(kind: .reports).map { "\($0.department ?? "-")#\($0.row)" })
                == ["市住建局#3", "市水务局#3", "-#4"])
        #expect(try await database.rejectedRowCounts() == ["市住建局": 1, "市水务局": 1])
        // The housing bureau's corrected file clears its own rejected row, and the one of no department.
        try await database.saveReports([row("A-1", "市住建局")], rejections: [], file: "ledger.csv")
        #expect(try await database.rejections(kind: .reports).map(\.department) == ["市水务局"])
    }

    @Test func aRowWithoutFilingDayKeepsItsFirstImportDayAndACorrectedFileReplacesItsRows() async throws {
        func row(_ id: String, filed: Day, imputed: Bool) -> DepartmentReport {
            DepartmentReport(
                id: id, department: "市住建局", period: Period(year: 2024, month: 12)!, projectID: nil,
                projectName: "某工程", status: .none, filedOn: filed, isFilingDayImputed: imputed)
        }
        let firstDay = Day(year: 2024, month: 12, day: 28)!
        let laterDay = Day(year: 2025, month: 2, day: 1)!
        try await database.saveReports(
            [row("R-1", filed: firstDay, imputed: true), row("R-2", filed: firstDay, imputed: true)],
            rejections: [], file: "dec.csv")
        let again = try await database.saveReports([row("R-1", filed: laterDay, imputed: true)], rejections: [], file: "dec.csv")
        #expect((again.added, again.updated, again.unchanged, again.removed) == (0, 0, 1, 1))
        #expect(again.removedIDs == ["R-2"])
        #expect(try await database.reports() == [row("R-1", filed: firstDay, imputed: true)])
        // A filing day the file states is taken as stated.
        try await database.saveReports([row("R-1", filed: laterDay, imputed: false)], rejections: [], file: "dec.csv")
        #expect(try await database.reports().first?.filedOn == laterDay)
    }

    @Test func aRefetchedPetitionBringsItsHandlingStateUpToDate() async throws {
        var item = petition("A")
        try await database.insertItems([item], fetchedAt: Date(), mask: { $1 })
        try await database.saveAssessments(
            [
                ItemVerdict(
                    assessment: ItemAssessment(
                        itemID: item.id, score: 5, isSignal: true, claim: .wage, isEscalation: false,
                        isResolved: false, firedRules: [], matchedTerms: []),
                    storyKey: "s", link: ProjectLink(itemID: item.id, projectID: "P-1", band: .link, confidence: 1, evidence: []),
                    sites: [])
            ], version: "v1")
        item.status = "closed"
        item.closedAt = Day(year: 2024, month: 12, day: 20)!.start
        #expect(try await database.insertItems([item], fetchedAt: Date(), mask: { $1 }) == 0)
        let stored = try #require(try await database.itemsNeedingAssessment(version: "v").first)
        #expect(stored.status == "closed")
        #expect(stored.closedAt == item.closedAt)
        #expect(try await database.maskedHistory(ofItem: item.id).isEmpty)
        // The register reads the state kept beside the verdict, which the verdict did not redo.
        #expect(try await database.itemsNeedingAssessment(version: "v1").isEmpty)
        let signal = try await #require(
            try database.signals(
                from: Day(year: 2024, month: 12, day: 1)!.start,
                until: Day(year: 2025, month: 1, day: 1)!.start
            ).first)
        #expect(signal.status == "closed" && signal.closedAt == item.closedAt)
    }

    @Test func aChangedEntryIsUpdatedKeepsItsHistoryAndIsScoredAgain() async throws {
        var item = petition("A")
        let first = Date(timeIntervalSince1970: 1_735_000_000)
        try await database.insertItems([item], fetchedAt: first, mask: { $1.replacingOccurrences(of: "工资", with: "**") })
        try await database.saveAssessments(
            [
                ItemVerdict(
                    assessment: ItemAssessment(
                        itemID: item.id, score: 1, isSignal: true, claim: .wage, isEscalation: false,
                        isResolved: false, firedRules: [], matchedTerms: []),
                    storyKey: "s", link: nil, sites: [])
            ], version: "v1")
        #expect(try await database.itemsNeedingAssessment(version: "v1").isEmpty)

        item.content = "工资没发，已经三个月了"
        let second = first.addingTimeInterval(3600)
        let items = [item, petition("B")]
        let counts = try await database.storeFetch(
            of: "petitions", items: items,
            displays: items.map { DisplayCopies(of: $0, mask: { $1.replacingOccurrences(of: "工资", with: "**") }) },
            rejections: [], state: FeedState(feedID: "petitions", etag: "\"v2\""), fetchedAt: second)
        #expect(counts.added == 1)
        #expect(counts.changed == 1)
        // The latest text is the item's; the earlier one is kept, masked; the item is scored again.
        #expect(try await database.item(id: item.id)?.content == "工资没发，已经三个月了")
        let history = try await database.maskedHistory(ofItem: item.id)
        #expect(history.map(\.content) == ["**没发"])
        // A text the masking left alone is shown as it is (its copy is not stored twice).
        #expect(history.map(\.title) == ["欠薪"])
        #expect(try await database.maskedText(ofItem: petition("B").id).map { [$0.title, $0.content] } == ["欠薪", "**没发"])
        #expect(history.first?.replacedAt == second)
        #expect(try await database.itemsNeedingAssessment(version: "v1").map(\.id) == [item.id, petition("B").id])
        // The feed's validators were stored with its items, and it learned that items arrived.
        let state = try #require(try await database.feedStates()["petitions"])
        #expect(state.etag == "\"v2\"")
        #expect(state.lastNewItem == second)

        // The same text again changes nothing.
        let again = try await database.storeFetch(
            of: "petitions", items: [item], displays: [DisplayCopies(of: item, mask: { $1 })],
            rejections: [], state: state, fetchedAt: second.addingTimeInterval(60))
        #expect(again.added == 0 && again.changed == 0)
        #expect(try await database.maskedHistory(ofItem: item.id).count == 1)
    }

    @Test func itemsAreStoredOnceAndKeepTheirPersonalFieldsInTheStoreOnly() async throws {
        let fetchedAt = Date(timeIntervalSince1970: 1_735_000_000)
        #expect(try await database.insertItems([petition("A"), petition("B")], fetchedAt: fetchedAt, mask: { $1 }) == 2)
        #expect(try await database.insertItems([petition("A"), petition("B"), petition("C")], fetchedAt: fetchedAt, mask: { $1 }) == 1)
        #expect(try await database.itemCount() == 3)
        let pending = try await database.itemsNeedingAssessment(version: "v1")
        #expect(pending == [petition("A"), petition("B"), petition("C")])
    }

    @Test func assessmentsAreRedoneOnlyWhenRulesOrRegistryChange() async throws {
        let items = [petition("A", day: 3), petition("B", day: 20)]
        try await database.insertItems(items, fetchedAt: Date(), mask: { $1 })
        let verdicts = items.map { item in
            ItemVerdict(
                assessment: ItemAssessment(
                    itemID: item.id, score: 5, level: .high, isSignal: true, claim: .wage,
                    isEscalation: true, isResolved: false,
                    firedRules: ["wage.claim", "a \"quoted\" \\ rule\n\u{1}/"],
                    matchedTerms: ["工资没发"], people: 12, amount: 380_000),
                storyKey: "s-\(item.sourceKey)",
                link: ProjectLink(
                    itemID: item.id, projectID: "P-1", band: .link, confidence: 0.9,
                    evidence: [LinkEvidence(kind: .alias, text: "城东安置房")]),
                sites: [])
        }
        try await database.saveAssessments(verdicts, version: "v1")
        #expect(try await database.itemsNeedingAssessment(version: "v1").isEmpty)
        #expect(try await database.itemsNeedingAssessment(version: "v2").count == 2)

        let window = try await database.signals(
            from: Day(year: 2024, month: 12, day: 10)!.start,
            until: Day(year: 2025, month: 1, day: 1)!.start)
        #expect(window.map(\.itemID) == [items[1].id])
        let signal = try #require(window.first)
        // What the register reads; matched terms and link evidence stay in the store.
        let expected = verdicts[1].assessment
        #expect(signal.score == expected.score && signal.level == expected.level && signal.isSignal == expected.isSignal)
        #expect(signal.claim == expected.claim && signal.isEscalation == expected.isEscalation)
        #expect(signal.isResolved == expected.isResolved && signal.people == expected.people && signal.amount == expected.amount)
        #expect(signal.projectID == verdicts[1].link?.projectID)
        #expect(signal.band == verdicts[1].link?.band)
        #expect(signal.storyKey == "s-B")
        #expect(signal.at == items[1].publishedAt)
    }

    /// A backup is the store at one moment, written while another connection writes, one
    /// file that opens read-only on its own; an existing file is never overwritten, and a
    /// left-over partial copy of a failed backup does not stop the next one.
    @Test(.enabled(if: TestStores.engine == .sqlite, "the SQLite file itself"))
    func aBackupIsACompleteCopyTakenWhileTheStoreIsWrittenAndOverwritesNothing() async throws {
        try await database.saveProjects([project], rejections: [], file: "registry.csv")
        let path = folder.appendingPathComponent("backup.sqlite").path
        try Data("half a copy".utf8).write(to: URL(fileURLWithPath: path + ".partial"))
        // Another connection holds a write transaction while the backup reads.
        let other = try DatabaseQueue(path: folder.appendingPathComponent("store.sqlite").path)
        let holding = DispatchSemaphore(value: 0)
        let release = DispatchSemaphore(value: 0)
        let ended = DispatchSemaphore(value: 0)
        DispatchQueue.global().async {
            do {
                try other.inTransaction { db in
                    try db.execute(sql: "UPDATE project SET name = 'in flight' WHERE id = 'P-1'")
                    holding.signal()
                    release.wait()
                    return .rollback
                }
            } catch {
                holding.signal()  // the test fails on, instead of waiting forever
            }
            ended.signal()
        }
        holding.wait()
        try await database.backup(to: path)
        release.signal()
        ended.wait()
        try other.close()
        #expect(!FileManager.default.fileExists(atPath: path + ".partial"))
        #expect(!FileManager.default.fileExists(atPath: path + "-wal"))
        let copy = try AppDatabase.openReadOnly(path: path)
        #expect(try await copy.projects() == [project])
        await #expect {
            try await database.backup(to: path)
        } throws: { error in
            guard case StoreError.backupExists = error else { return false }
            return "\(error)".contains("已存在")
        }
        #expect(try await AppDatabase.openReadOnly(path: path).projects() == [project])
        let nowhere = folder.appendingPathComponent("missing/backup.sqlite").path
        await #expect {
            try await database.backup(to: nowhere)
        } throws: { error in
            guard case StoreError.backupFailed(let failedPath, _) = error else { return false }
            return failedPath == nowhere && "\(error)".contains(nowhere)
        }
        #expect(!FileManager.default.fileExists(atPath: nowhere + ".partial"))
    }

    @Test(.enabled(if: TestStores.engine == .sqlite, "the SQLite file itself"))
    func reopeningTheFileKeepsEverythingAndMigratesOnce() async throws {
        try await database.saveProjects([project], rejections: [], file: "registry.csv")
        let reopened = try AppDatabase.open(path: folder.appendingPathComponent("store.sqlite").path)
        #expect(try await reopened.projects() == [project])
    }
}

/// A store from a newer wagewatch is refused with a message, not used half-understood.
@Suite struct NewerStoreTests {
    @Test(.enabled(if: TestStores.engine == .sqlite, "the SQLite file itself"))
    func aStoreWithAnUnknownMigrationIsRefused() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("wagewatch-newer-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("s.sqlite").path
        _ = try AppDatabase.open(path: path)
        let queue = try DatabaseQueue(path: path)
        try queue.write { try $0.execute(sql: "INSERT INTO grdb_migrations (identifier) VALUES ('v99: from the future')") }
        try queue.close()
        #expect {
            try AppDatabase.open(path: path)
        } throws: { error in
            guard case StoreError.newerStore(let migrations) = error else { return false }
            return migrations == ["v99: from the future"] && "\(error)".contains("newer wagewatch")
        }
    }
}

/// A SQLite file's log is copied into the file after a large commit, not inside it: the
/// log does not keep growing, and the writer that committed did not wait for the copy.
@Suite struct WALCheckpointTests {
    @Test(.enabled(if: TestStores.engine == .sqlite, "the SQLite file itself"))
    func aLargeCommitIsCheckpointedBeforeTheNextWrite() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("wagewatch-wal-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("s.sqlite").path
        let database = try AppDatabase.open(path: path)
        let name = String(repeating: "城关镇安置房工程", count: 12)
        let records = (0..<20_000).map { index in
            PlatformRecord(
                period: Period(year: 2024, month: 11)!, platformProjectID: "PT\(index)", projectName: "\(name)\(index)",
                workersRegistered: 10, workersAttending: 8, attendanceDays: 160, payrollPaid: 40_000, workersPaid: 8)
        }
        try await database.savePlatformRecords(records, rejections: [], file: "platform.csv")
        // The checkpoint was queued on the writer before this write, which runs after it.
        try await database.savePlatformRecords(Array(records.prefix(1)), rejections: [], file: "other.csv")
        let queue = try DatabaseQueue(path: path)
        defer { try? queue.close() }
        let (logFrames, _) = try await queue.writeWithoutTransaction { try $0.checkpoint(.passive) }
        #expect(logFrames > 0 && logFrames < 100, "the log holds only the last small write, \(logFrames) pages")
        #expect(
            try await database.platformRecords(from: Period(year: 2024, month: 11)!, through: Period(year: 2024, month: 11)!).count
                == 20_000)
    }
}

/// The commands that only read open the store to read only: they never change it, work on
/// a file they may not write, and are told plainly when there is no store or it is too old.
@Suite struct ReadOnlyStoreTests {
    @Test(.enabled(if: TestStores.engine == .sqlite, "the SQLite file itself"))
    func aStoreOpenedToReadOnlyIsReadAndNeverWritten() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("wagewatch-ro-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("s.sqlite").path
        let project = Project(id: "P-1", name: "甲工程", department: "市住建局")
        _ = try await AppDatabase.open(path: path).saveProjects([project], rejections: [], file: "r.csv")

        let reader = try AppDatabase.openReadOnly(path: path)
        #expect(try await reader.projects().map(\.id) == ["P-1"])
        await #expect(throws: (any Error).self) {
            _ = try await reader.saveProjects([Project(id: "P-2", name: "乙工程", department: "市住建局")], rejections: [], file: "r.csv")
        }
        #expect(try await AppDatabase.open(path: path).projects().map(\.id) == ["P-1"])

        #expect {
            try AppDatabase.openReadOnly(path: folder.appendingPathComponent("none.sqlite").path)
        } throws: { error in
            guard case StoreError.noStore = error else { return false }
            return true
        }
        #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("none.sqlite").path))

        // A store a migration behind is not upgraded by a reader.
        let queue = try DatabaseQueue(path: path)
        let last = try await queue.read { try String.fetchOne($0, sql: "SELECT max(identifier) FROM grdb_migrations") }
        try await queue.write { try $0.execute(sql: "DELETE FROM grdb_migrations WHERE identifier = ?", arguments: [last]) }
        try queue.close()
        #expect {
            try AppDatabase.openReadOnly(path: path)
        } throws: { error in
            guard case StoreError.olderStore = error else { return false }
            return "\(error)".contains("rescore")
        }
    }
}
