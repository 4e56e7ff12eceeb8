import Foundation
import Model
import Register
import Testing

/// Small hand-made stores: one sensitive project, one private one, and ledger rows as each test needs.
@Suite struct RiskRegisterTests {
    let asOf = Day(year: 2024, month: 12, day: 31)!
    let sensitive = Project(id: "P-1", name: "城东安置房", department: "市住建局", funding: .government)
    let privateProject = Project(id: "P-2", name: "金域华府", department: "市住建局", funding: .private)

    func signal(
        _ id: String, project: String?, on day: Day, kind: ItemKind = .post, claim: ClaimKind = .wage,
        resolved: Bool = false, isSignal: Bool = true, band: LinkBand = .link, story: String? = nil
    ) -> ItemSignal {
        ItemSignal(
            itemID: id, kind: kind, at: day.start.addingTimeInterval(3600),
            assessment: ItemAssessment(
                itemID: id, score: 5, isSignal: isSignal, claim: claim, isEscalation: false,
                isResolved: resolved, firedRules: ["wage.claim"], matchedTerms: ["欠薪"]),
            storyKey: story ?? id,
            link: project.map { ProjectLink(itemID: id, projectID: $0, band: band, confidence: 1, evidence: []) })
    }

    func row(
        _ id: String, project: String = "P-1", period: String = "2024-12", status: DepartmentReport.Status = .none,
        type: DepartmentReport.ArrearsType? = nil, commitment: Bool? = nil, filed: Day? = nil
    ) -> DepartmentReport {
        DepartmentReport(
            id: id, department: "市住建局", period: Period(period)!, projectID: project,
            projectName: "城东安置房", status: status, arrearsType: type, workers: status == .arrears ? 10 : nil,
            amountOwed: status == .arrears ? 100_000 : nil, responsibleUnit: status == .arrears ? "某公司" : nil,
            responsiblePerson: status == .arrears ? "王某" : nil, commitment: commitment,
            filedOn: filed ?? Day(year: 2024, month: 12, day: 20)!)
    }

    func entry(_ report: RegisterReport, _ id: String) throws -> RegisterReport.ProjectEntry {
        try #require(report.projects.first { $0.projectID == id })
    }

    @Test func storiesAreMergedAmongEachProjectsCountedSignals() throws {
        // The merge gives every key of the "x" story its first copy's key; it sees the
        // project's linked signals oldest first, not those of the review band or other projects.
        let merged: @Sendable (inout ArraySlice<String>) -> Void = { keys in
            let first = keys.first { $0.hasPrefix("x") }
            for index in keys.indices where keys[index].hasPrefix("x") { keys[index] = first! }
        }
        let signals = [
            signal("c", project: "P-1", on: Day(year: 2024, month: 12, day: 12)!, story: "x-late"),
            signal("a", project: "P-1", on: Day(year: 2024, month: 12, day: 10)!, story: "x-first"),
            signal("b", project: "P-1", on: Day(year: 2024, month: 12, day: 11)!, story: "y"),
            signal("r", project: "P-1", on: Day(year: 2024, month: 12, day: 9)!, band: .review, story: "x-review"),
            signal("o", project: "P-2", on: Day(year: 2024, month: 12, day: 8)!, story: "x-other"),
            // A stored key (16 digits) made twice: one story, by content.
            signal("d", project: "P-1", on: Day(year: 2024, month: 12, day: 13)!, story: "0123456789" + "abcdef"),
            signal(
                "e", project: "P-1", on: Day(year: 2024, month: 12, day: 14)!,
                story: String("fedcba9876543210".reversed())),
        ]
        let report = RiskRegister(
            projects: [sensitive, privateProject], reports: [], signals: signals,
            mergeStories: merged
        ).evaluate(asOf: asOf, windowDays: 30)
        let project = try entry(report, "P-1")
        #expect(project.signals.stories == 3)
        #expect(project.stories.map(\.story) == ["x-first", "0123456789abcdef", "y"])
        #expect(project.stories.map(\.items) == [["a", "c"], ["d", "e"], ["b"]])
        #expect(try entry(report, "P-2").stories.map(\.story) == ["x-other"])
    }

    @Test func underreportedWhenASensitiveProjectHasSignalsAndNoRow() throws {
        let register = RiskRegister(
            projects: [sensitive], reports: [],
            signals: [
                signal("a", project: "P-1", on: Day(year: 2024, month: 12, day: 10)!, kind: .petition),
                signal("b", project: "P-1", on: Day(year: 2024, month: 12, day: 11)!),
            ])
        let report = register.evaluate(asOf: asOf, windowDays: 30)
        let project = try entry(report, "P-1")
        #expect(project.flags == [.underreported])
        #expect(project.reported == .missing)
        #expect(project.evidence == ["a", "b"])
        #expect(project.signals == .init(petitions: 1, posts: 1, stories: 2, score: 10))
        #expect(
            report.departments == [
                .init(department: "市住建局", projects: 1, flagged: 1, underreported: 1, underreporting: 1, reportsMissing: 1)
            ])
    }

    @Test func aProjectWithManySignalsListsEachOnceInOrderAcrossChunksOfProjects() throws {
        // 40 signals over 20 days on one project (the evidence lists pass 16 entries), and
        // 5,000 quiet projects before it, so that it is judged in a later chunk of projects.
        let quiet = (0..<5_000).map { Project(id: String(format: "A-%05d", $0), name: "项目\($0)", department: "市水务局") }
        let signals = (0..<40).map { index in
            signal(
                String(format: "s%02d", 39 - index), project: "P-1", on: Day(year: 2024, month: 12, day: 2 + index / 2)!,
                claim: index % 4 == 0 ? .projectPayment : .wage, story: "story-\(index % 10)")
        }
        let report = RiskRegister(projects: quiet + [sensitive], reports: [row("R-1", commitment: true)], signals: signals)
            .evaluate(asOf: asOf, windowDays: 30)
        let project = try entry(report, "P-1")
        #expect(project.flags == [.underreported, .contradictsCommitment])
        let wage = signals.filter { $0.claim == .wage }.map(\.itemID).sorted()
        #expect(project.evidence == wage)
        #expect(project.flagEvidence.first?.items.count == 30)
        #expect(project.stories.count == 10 && project.stories.allSatisfy { $0.copies == 4 && $0.items == $0.items.sorted() })
        #expect(report.projects.count == 5_001 && report.departments.count == 2)
        #expect(report.departments.first { $0.department == "市水务局" }?.projects == 5_000)
    }

    @Test func underreportedAndContradictedWhenTheRowSaysNoneWithACommitment() throws {
        let signals = [signal("a", project: "P-1", on: Day(year: 2024, month: 12, day: 10)!)]
        let withCommitment = RiskRegister(projects: [sensitive], reports: [row("R-1", commitment: true)], signals: signals)
            .evaluate(asOf: asOf, windowDays: 30)
        #expect(try entry(withCommitment, "P-1").flags == [.underreported, .contradictsCommitment])
        #expect(try entry(withCommitment, "P-1").reportEvidence == ["R-1"])
        #expect(withCommitment.departments.first?.contradictedCommitments == 1)

        let withoutCommitment = RiskRegister(projects: [sensitive], reports: [row("R-1")], signals: signals)
            .evaluate(asOf: asOf, windowDays: 30)
        #expect(try entry(withoutCommitment, "P-1").flags == [.underreported])
        #expect(try entry(withoutCommitment, "P-1").reported == ReportedState.none)
    }

    @Test func noFlagWhenTheDepartmentReportedTheArrears() throws {
        let report = RiskRegister(
            projects: [sensitive], reports: [row("R-1", status: .arrears, type: .wage)],
            signals: [signal("a", project: "P-1", on: Day(year: 2024, month: 12, day: 10)!)]
        )
        .evaluate(asOf: asOf, windowDays: 30)
        let project = try entry(report, "P-1")
        #expect(project.flags.isEmpty)
        #expect(project.reported == .arrears)
        #expect(project.signals.posts == 1)
    }

    @Test(arguments: [
        (DepartmentReport.ArrearsType.projectPayment, false),
        (DepartmentReport.ArrearsType.wage, true),
    ])
    func aRowThatDoesNotReportOpenWageArrearsDoesNotAnswerWageSignals(type: DepartmentReport.ArrearsType, resolved: Bool) throws {
        var reported = row("R-1", status: .arrears, type: type)
        if resolved {
            reported.resolved = true
            reported.resolvedOn = Day(year: 2024, month: 12, day: 1)
        }
        let report = RiskRegister(
            projects: [sensitive], reports: [reported],
            signals: [signal("a", project: "P-1", on: Day(year: 2024, month: 12, day: 10)!)]
        )
        .evaluate(asOf: asOf, windowDays: 30)
        let project = try entry(report, "P-1")
        #expect(project.reported == .arrears)
        // Complaints after a row said 清零 are a recurrence as well.
        #expect(project.flags == (resolved ? [.underreported, .recurrence] : [.underreported]))
    }

    @Test func noFlagForPrivateProjectsQuietProjectsOrSignalsThatDoNotCount() throws {
        let day = Day(year: 2024, month: 12, day: 10)!
        let report = RiskRegister(
            projects: [sensitive, privateProject], reports: [row("R-1", commitment: true)],
            signals: [
                signal("private", project: "P-2", on: day),
                signal("old", project: "P-1", on: Day(year: 2024, month: 11, day: 1)!),
                signal("materials", project: "P-1", on: day, claim: .projectPayment),
                signal("paid", project: "P-1", on: day, resolved: true),
                signal("noise", project: "P-1", on: day, isSignal: false),
                signal("unsure", project: "P-1", on: day, band: .review),
            ]
        ).evaluate(asOf: asOf, windowDays: 30)
        #expect(try entry(report, "P-2").flags.isEmpty)
        #expect(try entry(report, "P-2").signals.posts == 1)
        let project = try entry(report, "P-1")
        #expect(project.flags.isEmpty)
        // The project-payment and resolved items are signals on the project; the old, noisy and unsure ones are not.
        #expect(project.signals.posts == 2)
    }

    @Test func aRowFiledAfterTheAsOfDayDoesNotClearTheFlag() throws {
        let signals = [signal("a", project: "P-1", on: Day(year: 2024, month: 12, day: 10)!)]
        let late = row("R-late", status: .arrears, type: .wage, filed: Day(year: 2025, month: 1, day: 6)!)
        let register = RiskRegister(projects: [sensitive], reports: [late], signals: signals)
        #expect(try entry(register.evaluate(asOf: asOf, windowDays: 30), "P-1").flags == [.underreported])
        let later = register.evaluate(asOf: Day(year: 2025, month: 1, day: 6)!, windowDays: 30)
        #expect(try entry(later, "P-1").flags.isEmpty)
    }

    @Test func theLatestMonthInTheWindowDecides() throws {
        let signals = [signal("a", project: "P-1", on: Day(year: 2024, month: 12, day: 10)!)]
        let rows = [
            row("R-11", period: "2024-11", status: .arrears, type: .wage, filed: Day(year: 2024, month: 12, day: 5)!),
            row("R-12", period: "2024-12", commitment: true, filed: Day(year: 2024, month: 12, day: 28)!),
        ]
        let project = try entry(
            RiskRegister(projects: [sensitive], reports: rows, signals: signals)
                .evaluate(asOf: asOf, windowDays: 45), "P-1")
        #expect(project.reportEvidence == ["R-12"])
        #expect(project.flags == [.underreported, .contradictsCommitment])
    }

    @Test func copiesOfOneStoryCountOnceAndUnregisteredSitesAreGrouped() throws {
        let day = Day(year: 2024, month: 12, day: 10)!
        var first = signal("u1", project: nil, on: day)
        first.sites = ["锦绣华庭项目"]
        var second = signal("u2", project: nil, on: day, kind: .petition)
        second.sites = ["锦绣华庭项目"]
        let report = RiskRegister(
            projects: [sensitive],
            reports: [],
            signals: [signal("a", project: "P-1", on: day, story: "s"), signal("b", project: "P-1", on: day, story: "s"), first, second],
            rejectedRows: ["市水务局": 2]
        ).evaluate(asOf: asOf, windowDays: 30)
        #expect(try entry(report, "P-1").signals.stories == 1)
        let spread = try #require(try entry(report, "P-1").stories.first)
        #expect(spread.copies == 2)
        #expect(spread.items == ["a", "b"])
        #expect(spread.platforms == ["post"])
        #expect(
            report.unregistered == [
                .init(
                    mention: "锦绣华庭项目", items: ["u1", "u2"], variants: ["锦绣华庭项目"],
                    firstSeen: day, lastSeen: day)
            ])
        #expect(report.departments.map(\.department) == ["市住建局", "市水务局"])
        #expect(report.departments[1].rowsRejected == 2)
    }

    @Test func theJSONUsesTheSpecFieldNames() throws {
        let report = RiskRegister(projects: [sensitive], reports: [], signals: [])
            .evaluate(asOf: asOf, windowDays: 30)
        let object = try #require(try JSONSerialization.jsonObject(with: JSONEncoder().encode(report)) as? [String: Any])
        #expect(object["as_of"] as? String == "2024-12-31")
        #expect(object["window_days"] as? Int == 30)
        let project = try #require((object["projects"] as? [[String: Any]])?.first)
        #expect(
            Set(project.keys) == [
                "project_id", "name", "department", "township", "sensitive", "signals", "reported",
                "flags", "evidence", "report_evidence", "stories", "flag_evidence", "weighted_score",
            ])
        #expect(project["township"] is NSNull)
        #expect(project["reported"] as? String == "missing")
        let department = try #require((object["departments"] as? [[String: Any]])?.first)
        #expect(
            Set(department.keys) == [
                "department", "projects", "flagged", "underreported", "contradicts_commitment", "underreporting", "reports_missing",
                "rows_rejected", "late_filings", "platform", "cases",
            ])
        let cases = try #require(department["cases"] as? [String: Any])
        #expect(Set(cases.keys) == ["received", "overdue", "closed", "closed_on_time", "returned", "reopened"])
        let platform = try #require(department["platform"] as? [String: Any])
        #expect(
            Set(platform.keys) == [
                "active_projects", "on_platform", "with_attendance", "payroll_due", "paid_through_account", "payroll_gaps",
                "labour_cost_unfunded", "off_platform", "type_mismatches",
            ])
    }
}
