import Foundation
import Model
import Monitor
import Register
import Store
import TestStores
import Testing

/// 督办件 on the engine of the run: opened by a supervisor on a project, an unregistered
/// site or an item, handed to a unit, signed, answered, closed or returned; each step
/// allowed only to whom it belongs, in the state it fits, and recorded with the audit log.
@Suite struct CaseTests {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("wagewatch-cases-\(UUID().uuidString)")
    let today = Day(year: 2024, month: 12, day: 2)!  // a Monday
    let office = CaseActor(name: "zhao", kind: .wageOffice)
    let housing = CaseActor(name: "qian", kind: .unit(SupervisionCase.Unit(kind: .department, name: "市住建局")))
    let education = CaseActor(name: "sun", kind: .unit(SupervisionCase.Unit(kind: .department, name: "市教育局")))

    func monitor() async throws -> Monitor {
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let monitor = Monitor(
            database: try TestStores.open(folder: folder), feedsDirectory: DemoRunTests.root.appendingPathComponent("feeds"),
            rulesDirectory: DemoRunTests.root.appendingPathComponent("rules"), environment: [:])
        _ = try await monitor.importRegistry(path: DemoRunTests.root.appendingPathComponent("feeds/demo/registry.csv").path)
        return monitor
    }

    @Test func aCaseGoesFromDispatchToClosingWithEachStepRecorded() async throws {
        defer { try? FileManager.default.removeItem(at: folder) }
        let monitor = try await monitor()
        let opened = try await monitor.openCase(
            CaseRequest(subject: .project("P-001"), person: "李科长", plan: "三日内核实并督促支付"), by: office, today: today)
        #expect(opened.id == "DB-2024-0001" && opened.state == .awaitingSignature && opened.version == 1)
        #expect(opened.unit == SupervisionCase.Unit(kind: .department, name: "市住建局"))
        // Ten working days from Monday 2 December (no flag of its own: the default).
        #expect(opened.deadline == Day(year: 2024, month: 12, day: 16)!)
        #expect(!opened.isOverdue(on: opened.deadline) && opened.isOverdue(on: opened.deadline.adding(days: 1)))

        // A second case on the project is refused, naming the open one.
        await #expect(throws: CaseError.alreadyOpen(opened.id)) {
            _ = try await monitor.openCase(CaseRequest(subject: .project("P-001"), person: "王", plan: "再查"), by: office, today: today)
        }
        // Another unit may not sign; the wage office may not answer for the unit.
        await #expect(throws: CaseError.self) { _ = try await monitor.act(on: opened.id, .sign, by: education, today: today) }
        await #expect(throws: CaseError.self) {
            _ = try await monitor.act(on: opened.id, .reply(.notWageArrears(reason: "材料款")), by: office, today: today)
        }

        let signed = try await monitor.act(on: opened.id, .sign, by: housing, today: today)
        #expect(signed.state == .inProgress && signed.version == 2)
        // A page that showed version 1 loses to the signature: 409 with the case as it is.
        await #expect(throws: CaseError.conflict(signed)) {
            _ = try await monitor.act(on: opened.id, .requestExtension(reason: "需核对"), by: housing, today: today, seenVersion: 1)
        }
        let paid = CaseAction.reply(.alreadyPaid(on: today, amount: 320_000, workers: 41))
        // 已支付 needs its proof: without a file nothing changes.
        await #expect(throws: CaseError.invalid("已支付须附代发银行回单或签字工资表")) {
            _ = try await monitor.act(on: opened.id, paid, by: housing, today: today, seenVersion: 2)
        }
        let slip = Self.slip(on: today)
        let replied = try await monitor.act(
            on: opened.id, paid, by: housing, today: today, seenVersion: 2, files: [slip, Self.slip(on: today)])
        #expect(replied.state == .replied && replied.version == 3)
        // The same slip sent twice is kept once, by its digest; the case lists both sendings.
        #expect(replied.attachments?.map(\.sha256) == [slip.attachment.sha256, slip.attachment.sha256])
        #expect(replied.attachments?.first?.name == "代发回单.pdf" && replied.attachments?.first?.kind == .pdf)
        let kept = try #require(try await monitor.database.caseFile(slip.attachment.sha256))
        #expect(kept.kind == .pdf && kept.bytes == slip.bytes)
        #expect(try await monitor.database.caseFile(String(repeating: "0", count: 64)) == nil)
        // Closing needs a reason, and a supervisor.
        await #expect(throws: CaseError.invalid("办结须写明理由")) {
            _ = try await monitor.act(on: opened.id, .close(reason: " "), by: office, today: today)
        }
        await #expect(throws: CaseError.self) { _ = try await monitor.act(on: opened.id, .close(reason: "已付"), by: housing, today: today) }
        let closed = try await monitor.act(on: opened.id, .close(reason: "代发凭证齐全"), by: office, today: today)
        #expect(closed.state == .closed && closed.closedOn == today)
        // A reply on a closed case changes nothing.
        await #expect(throws: CaseError.self) { _ = try await monitor.act(on: opened.id, paid, by: housing, today: today) }
        #expect(try await monitor.database.supervisionCase(opened.id) == closed)

        let history = try await monitor.database.caseEvents(opened.id)
        #expect(history.map(\.action) == ["open", "sign", "reply", "close"])
        #expect(history.map(\.after) == [.awaitingSignature, .inProgress, .replied, .closed])
        #expect(history.last?.before == .replied && history.last?.reason == "代发凭证齐全")
        #expect(history[2].reason.contains("附件：代发回单.pdf"))
        let audit = try await monitor.database.auditEntries().filter { $0.action.hasPrefix("case_") }
        #expect(audit.count == 4 && audit.allSatisfy { $0.projectID == "P-001" })
        #expect(audit.contains { $0.reason == "DB-2024-0001 已反馈→已办结：代发凭证齐全" })
        // Once closed, the project may have a new case.
        let second = try await monitor.openCase(
            CaseRequest(subject: .project("P-001"), person: "李科长", plan: "复查"), by: office, today: today)
        #expect(second.id == "DB-2024-0002")
        let counts = CaseCounts.byUnit([closed, second], today: today)[opened.unit]
        #expect(counts?.received == 2 && counts?.closed == 1 && counts?.closedOnTime == 1 && counts?.medianDaysToClose == 0)
        let line = try #require(try await monitor.evaluateRegister(asOf: today).departments.first { $0.department == "市住建局" })
        #expect(line.cases == counts)
    }

    @Test func returnsExtensionsAndReopeningFollowTheRules() async throws {
        defer { try? FileManager.default.removeItem(at: folder) }
        let monitor = try await monitor()
        let opened = try await monitor.openCase(
            CaseRequest(subject: .project("P-002"), person: "周", plan: "核实", deadline: Day(year: 2024, month: 12, day: 6)!),
            by: CaseActor(name: "wu", kind: .leader), today: today)
        #expect(opened.unit.name == "市教育局" && opened.deadline == Day(year: 2024, month: 12, day: 6)!)
        _ = try await monitor.act(on: opened.id, .requestExtension(reason: "涉及多家分包"), by: education, today: today)
        await #expect(throws: CaseError.wrongState("延期只能申请一次")) {
            _ = try await monitor.act(on: opened.id, .requestExtension(reason: "再延"), by: education, today: today)
        }
        let extended = try await monitor.act(
            on: opened.id, .decideExtension(granted: true, newDeadline: Day(year: 2024, month: 12, day: 20)!, reason: "同意"),
            by: office, today: today)
        #expect(extended.deadline == Day(year: 2024, month: 12, day: 20)! && extended.extensionRequest?.decision == .granted)
        _ = try await monitor.act(on: opened.id, .sign, by: education, today: today)
        // Confirmed arrears name a stored ledger row of the case's project.
        _ = try await monitor.importReports(
            path: DemoRunTests.root.appendingPathComponent("feeds/demo/reports-2024-12.csv").path,
            today: Day(year: 2024, month: 12, day: 31)!)
        await #expect(throws: CaseError.invalid("台账中没有填报行 R-2024-12-07")) {
            _ = try await monitor.act(
                on: opened.id, .reply(.confirmedArrears(amount: 50_000, workers: 12, ledgerRow: "R-2024-12-07")), by: education,
                today: today)
        }
        await #expect(throws: CaseError.invalid("填报行 202412-001 不是项目 P-002 的")) {
            _ = try await monitor.act(
                on: opened.id, .reply(.confirmedArrears(amount: 50_000, workers: 12, ledgerRow: "202412-001")), by: education,
                today: today)
        }
        // Confirmed arrears cannot be closed: returned for rework, answered again.
        _ = try await monitor.act(
            on: opened.id, .reply(.confirmedArrears(amount: 50_000, workers: 12, ledgerRow: "202412-002")), by: education, today: today)
        await #expect(throws: CaseError.self) { _ = try await monitor.act(on: opened.id, .close(reason: "结案"), by: office, today: today) }
        let returned = try await monitor.act(on: opened.id, .returnForRework(reason: "须支付后反馈"), by: office, today: today)
        #expect(returned.state == .returned && returned.timesReturned == 1)
        _ = try await monitor.act(
            on: opened.id, .reply(.alreadyPaid(on: today, amount: 50_000, workers: 12)), by: education, today: today,
            files: [Self.slip(on: today)])
        _ = try await monitor.act(on: opened.id, .close(reason: "已支付"), by: office, today: today)
        // A closed case's deadline is not moved by an extension.
        await #expect(throws: CaseError.self) {
            _ = try await monitor.act(
                on: opened.id, .decideExtension(granted: true, newDeadline: today.adding(days: 60), reason: "x"), by: office,
                today: today)
        }
        let later = today.adding(days: 20)
        let reopened = try await monitor.act(
            on: opened.id, .reopen(reason: "办结后又有讨薪信息", newDeadline: later.adding(days: 7)),
            by: CaseActor(name: "wagewatch", kind: .system),
            today: later)
        #expect(reopened.state == .awaitingSignature && reopened.timesReopened == 1 && reopened.dispatchedOn == later)
        #expect(reopened.reply == nil && reopened.closedOn == nil && reopened.extensionRequest == nil)
        // The scorecard's line of the unit: received, returned, reopened; overdue once
        // its new deadline passes.
        let line = try #require(
            try await monitor.evaluateRegister(asOf: later.adding(days: 30)).departments.first { $0.department == "市教育局" })
        #expect(line.cases.received == 1 && line.cases.returned == 1 && line.cases.reopened == 1 && line.cases.overdue == 1)
        #expect(line.cases.closed == 0 && line.cases.medianDaysToClose == nil)
    }

    /// A small PDF: a 代发 bank slip as a unit scans it.
    static func slip(on day: Day) -> AppDatabase.CaseFile {
        // swift-format-ignore: NeverForceUnwrap
        // (the bytes begin as a PDF does)
        AppDatabase.CaseFile(
            bytes: Array("%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n".utf8), name: "C:\\扫描\\代发回单.PDF", on: day,
            by: "housing")!
    }

    /// Files are told by their first bytes, never by their names: an executable, or a page
    /// of HTML, named as a PDF or a PNG is no file of a case.
    @Test func filesAreToldByTheirContentNotTheirName() {
        let elf: [UInt8] = [0x7F, 0x45, 0x4C, 0x46, 0x02, 0x01, 0x01, 0x00] + Array(repeating: 0, count: 56)
        #expect(AppDatabase.CaseFile(bytes: elf, name: "回单.pdf", on: today, by: "u") == nil)
        #expect(AppDatabase.CaseFile(bytes: Array("<html><script>alert(1)</script>".utf8), name: "a.png", on: today, by: "u") == nil)
        #expect(CaseAttachment.Kind.of([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0]) == .png)
        #expect(CaseAttachment.Kind.of([0xFF, 0xD8, 0xFF, 0xE0]) == .jpeg)
        // A ZIP is an XLSX only with a workbook's parts, and never with macros.
        let parts = Array("PK\u{3}\u{4}....[Content_Types].xml....xl/workbook.xml".utf8)
        #expect(CaseAttachment.Kind.of(parts) == .xlsx)
        #expect(CaseAttachment.Kind.of(parts + Array("xl/vbaProject.bin".utf8)) == nil)
        #expect(CaseAttachment.Kind.of(Array("PK\u{3}\u{4}word/document.xml".utf8)) == nil)
        // Names keep no path, quotes or control characters, and take their kind's extension.
        #expect(CaseAttachment.cleanName("../../etc/passwd", kind: .pdf) == "passwd.pdf")
        #expect(CaseAttachment.cleanName("工资表\"\u{202E}\n.xlsx.exe", kind: .xlsx) == "工资表.xlsx.xlsx")
        #expect(CaseAttachment.cleanName("", kind: .png) == "附件.png")
    }

    /// The weekly 调度表: open cases and those closed in the last seven days, unit by
    /// unit, each unit's overdue ones first.
    /// Five cases of two units: open, overdue, closed this week, closed before it.
    var scheduleCases: [SupervisionCase] {
        func make(_ id: String, _ unit: String, deadline: Int, closedDaysAgo: Int? = nil, person: String = "p") -> SupervisionCase {
            var supervised = SupervisionCase(
                id: id, subject: .project("P-\(id)"), unit: .init(kind: .department, name: unit), person: person, plan: "x",
                openedAt: Date(timeIntervalSince1970: 0), openedBy: "zhao", dispatchedOn: today.adding(days: -20),
                deadline: today.adding(days: deadline), evidence: .init())
            if let closedDaysAgo {
                supervised.state = .closed
                supervised.closedOn = today.adding(days: -closedDaysAgo)
            }
            return supervised
        }
        return [
            make("1", "市住建局", deadline: 5, person: "=HYPERLINK(\"http://x\")"), make("2", "市住建局", deadline: -3),
            make("3", "市教育局", deadline: 1, person: "<b>李 & 王</b>"),
            make("4", "市住建局", deadline: -9, closedDaysAgo: 2), make("5", "市住建局", deadline: -30, closedDaysAgo: 10),
        ]
    }

    @Test func theScheduleListsTheWeeksCasesUnitByUnitOverdueFirst() {
        let cases = scheduleCases
        let rows = CaseSchedule.rows(cases, today: today)
        #expect(rows.map { $0[1] } == ["2", "4", "1", "3"])
        #expect(rows[0][7] == "3" && rows[1][6] == "已办结" && rows[1][7] == "")
        #expect(CaseSchedule.csv(cases, today: today).hasPrefix("\u{FEFF}责任单位,编号"))
    }

    /// The workbook as LibreOffice reads it (`soffice --convert-to csv`, every sheet): a
    /// sheet 汇总 and one per unit, holding the CSV's cells; text that looks like a formula
    /// stays text.
    @Test func theScheduleWorkbookOpensInLibreOfficeWithASheetPerUnit() throws {
        defer { try? FileManager.default.removeItem(at: folder) }
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let cases = scheduleCases
        let workbook = folder.appendingPathComponent("schedule.xlsx")
        try CaseSchedule.xlsx(cases, today: today).write(to: workbook)
        #expect(try CaseSchedule.xlsx(cases, today: today) == Data(contentsOf: workbook))  // the same cases, the same bytes
        let sheets = try LibreOffice.sheetsAsCSV(workbook, in: folder)
        #expect(sheets.keys.sorted() == ["市住建局", "市教育局", "汇总"])
        #expect(sheets["汇总"] == [["责任单位", "在办", "超期", "本周办结"], ["市住建局", "2", "1", "1"], ["市教育局", "1", "0", "0"]])
        let expected = CaseSchedule.rows(cases, today: today)
        #expect(sheets["市住建局"]?.first == CaseSchedule.header)
        #expect(sheets["市住建局"]?.dropFirst().map { $0 } == expected.filter { $0[0] == "市住建局" })
        #expect(sheets["市教育局"]?.dropFirst().map { $0 } == expected.filter { $0[0] == "市教育局" })
        #expect(sheets["市住建局"]?.contains { $0[3] == "=HYPERLINK(\"http://x\")" } == true)
        #expect(sheets["市教育局"]?.contains { $0[3] == "<b>李 & 王</b>" } == true)
    }

    @Test func badRequestsAreRefusedAndChangeNothing() async throws {
        defer { try? FileManager.default.removeItem(at: folder) }
        let monitor = try await monitor()
        let request = CaseRequest(subject: .project("P-003"), person: "郑", plan: "核实")
        // A unit does not open cases.
        await #expect(throws: CaseError.self) { _ = try await monitor.openCase(request, by: housing, today: today) }
        // A deadline that is not after today, an unknown unit, an unknown project, an empty plan.
        var past = request
        past.deadline = today
        await #expect(throws: CaseError.invalid("办理期限 \(today) 须晚于今天 \(today)")) {
            _ = try await monitor.openCase(past, by: office, today: today)
        }
        var stranger = request
        stranger.unit = SupervisionCase.Unit(kind: .department, name: "市外星局")
        await #expect(throws: CaseError.invalid("登记册中没有主管部门“市外星局”")) {
            _ = try await monitor.openCase(stranger, by: office, today: today)
        }
        await #expect(throws: CaseError.self) {
            _ = try await monitor.openCase(CaseRequest(subject: .project("P-999"), person: "郑", plan: "核实"), by: office, today: today)
        }
        await #expect(throws: CaseError.invalid("须填写工作方案")) {
            _ = try await monitor.openCase(CaseRequest(subject: .project("P-003"), person: "郑", plan: "  "), by: office, today: today)
        }
        // A township takes a case on its own ground.
        var township = request
        township.unit = SupervisionCase.Unit(kind: .township, name: "河西镇")
        let opened = try await monitor.openCase(township, by: office, today: today)
        #expect(opened.unit.kind == .township)
        await #expect(throws: CaseError.unknownCase("DB-2024-0099")) {
            _ = try await monitor.act(on: "DB-2024-0099", .sign, by: housing, today: today)
        }
        #expect(try await monitor.database.supervisionCases().map(\.id) == [opened.id])
        #expect(try await monitor.database.supervisionCases(unit: "河西镇", states: [.awaitingSignature]).count == 1)
        #expect(try await monitor.database.supervisionCases(unit: "河西镇", states: [.closed]).isEmpty)
        // Pages of the list: counted apart, cut in order.
        _ = try await monitor.openCase(CaseRequest(subject: .project("P-001"), person: "李", plan: "核实"), by: office, today: today)
        #expect(try await monitor.database.supervisionCaseCount() == 2)
        #expect(try await monitor.database.supervisionCaseCount(unit: "河西镇") == 1)
        #expect(try await monitor.database.supervisionCases(range: 1..<2).map(\.id) == [opened.id])
        #expect(try await monitor.database.supervisionCases(range: 0..<1).map(\.id) == ["DB-2024-0002"])
    }
}
