import Foundation
import Model
import Register
import Testing

/// The real-name platform's flags (payroll_gap, labour_cost_unfunded, off_platform,
/// type_mismatch) raised and not raised on small hand-made stores, with the edges: a
/// payroll run in the first days of the next month, a month without attendance, a
/// partial payroll either side of the threshold, mixed signals.
@Suite struct PlatformFlagTests {
    let project = Project(id: "P-1", name: "城东安置房", department: "市住建局", township: "城关街道", funding: .government)
    let privateProject = Project(id: "P-2", name: "金域华府", department: "市住建局", funding: .private)
    let completed = Project(id: "P-3", name: "滨江水厂", department: "市水务局", funding: .government, status: .completed)
    /// November's wages are due by 2024-12-15, plus five days' grace: judged after 2024-12-20.
    let judged = Day(year: 2024, month: 12, day: 21)!

    func day(_ month: Int, _ day: Int, year: Int = 2024) -> Day { Day(year: year, month: month, day: day)! }

    /// November on the platform: ten workers, 200 person-days, 60,000 yuan due.
    func november(
        project: String = "P-1", paid: Double, paidOn: Day? = nil, attending: Int = 10, days: Double = 200, due: Double? = 60_000,
        funded: Double? = 50_000, period: String = "2024-11"
    ) -> PlatformRecord {
        PlatformRecord(
            period: Period(period)!, platformProjectID: "PT-\(project)", projectName: "某工程", workersRegistered: 12,
            workersAttending: attending, attendanceDays: days, labourCostFunded: funded, payrollDue: due, payrollPaid: paid,
            workersPaid: paid > 0 ? attending : 0, paidOn: paidOn, matchedProjectID: project, matchedBy: .id)
    }

    func signal(_ id: String, on day: Day, claim: ClaimKind = .wage, project: String = "P-1") -> ItemSignal {
        ItemSignal(
            itemID: id, kind: .post, at: day.start.addingTimeInterval(3600),
            assessment: ItemAssessment(
                itemID: id, score: 5, isSignal: true, claim: claim, isEscalation: false, isResolved: false,
                firedRules: ["wage.claim"], matchedTerms: ["欠薪"]),
            storyKey: id, link: ProjectLink(itemID: id, projectID: project, band: .link, confidence: 1, evidence: []))
    }

    func arrears(_ id: String, type: DepartmentReport.ArrearsType) -> DepartmentReport {
        DepartmentReport(
            id: id, department: "市住建局", period: Period("2024-11")!, projectID: "P-1", projectName: "城东安置房",
            status: .arrears, arrearsType: type, workers: 10, amountOwed: 100_000, responsibleUnit: "某公司",
            responsiblePerson: "王某", filedOn: day(12, 5))
    }

    func register(
        _ platform: [PlatformRecord], signals: [ItemSignal] = [], rows: [DepartmentReport] = [], asOf: Day? = nil,
        projects: [Project]? = nil
    ) -> RegisterReport {
        RiskRegister(projects: projects ?? [project], reports: rows, signals: signals, platform: platform)
            .evaluate(asOf: asOf ?? judged, windowDays: 30)
    }

    func flags(_ report: RegisterReport, _ id: String = "P-1") -> [RiskFlag] {
        report.projects.first { $0.projectID == id }?.flags ?? []
    }

    @Test func aMonthWithAttendanceAndNothingPaidByTheDueDayIsAPayrollGap() throws {
        let unpaid = [november(paid: 0)]
        #expect(flags(register(unpaid, asOf: day(12, 19))) == [])  // not due yet
        #expect(flags(register(unpaid, asOf: day(12, 20))) == [])  // the due day itself still may see the payroll
        let report = register(unpaid)
        #expect(flags(report) == [.payrollGap])
        let evidence = try #require(report.projects.first?.flagEvidence.first)
        #expect(evidence.platformRows == ["2024-11/PT-P-1"] && evidence.reason.contains("2024-12-20"))
        #expect(evidence.thresholds["payroll.min_share"] == 0.8)
        // A payroll run in the first days of the next month, or any day before the as-of day, is no gap.
        #expect(flags(register([november(paid: 60_000, paidOn: day(12, 3))])) == [])
        // One dated after the as-of day had not gone out on it.
        #expect(flags(register([november(paid: 60_000, paidOn: day(12, 28))])) == [.payrollGap])
        #expect(flags(register([november(paid: 60_000, paidOn: day(12, 28))], asOf: day(12, 29))) == [])
        // No attendance, no wages due.
        #expect(flags(register([november(paid: 0, attending: 0, days: 0)])) == [])
        // Long after its due day a month no longer speaks for the project.
        #expect(flags(register(unpaid, asOf: day(3, 1, year: 2025))) == [])
    }

    @Test func aPartialPayrollIsAGapBelowTheShareOfWhatWasDueOrOfTheDailyFloor() {
        #expect(flags(register([november(paid: 48_000)])) == [])  // 80% of 60,000
        #expect(flags(register([november(paid: 47_999)])) == [.payrollGap])
        // Without 应发工资: 200 person-days at the 150-yuan floor is 30,000; 80% of it 24,000.
        #expect(flags(register([november(paid: 24_000, due: nil)])) == [])
        #expect(flags(register([november(paid: 23_999, due: nil)])) == [.payrollGap])
    }

    @Test func twoPlatformCodesOfOneProjectAreJudgedTogether() {
        // Two 标段 of one project: one paid in full, one not at all; in any order.
        var second = november(paid: 0, funded: nil)
        second.platformProjectID = "PT-P-1-B"
        let paid = november(paid: 60_000, paidOn: day(12, 5), funded: nil)
        #expect(flags(register([paid, second])) == [.payrollGap])  // 60,000 of 120,000 due
        #expect(flags(register([second, paid])) == [.payrollGap])
        var small = second
        small.payrollDue = 10_000
        small.payrollPaid = 10_000
        small.workersPaid = 10
        #expect(flags(register([paid, small])) == [])
    }

    @Test func nothingPaidIsNeverWagesPaidInFull() {
        // Workers counted but no person-days, nothing paid: no gap can be judged, and the
        // ledger's wage row is not called project money on it.
        let payment = [signal("a", on: day(12, 10), claim: .projectPayment)]
        let empty = november(paid: 0, days: 0, due: nil)
        #expect(!flags(register([empty], signals: payment, rows: [arrears("R-1", type: .wage)])).contains(.typeMismatch))
    }

    @Test func aGovernmentProjectThatMovedNothingIntoTheAccountIsUnfunded() {
        #expect(flags(register([november(paid: 60_000, funded: 0)])) == [.labourCostUnfunded])
        // A blank amount is not known to be nothing; a private project's builder is not the government.
        #expect(flags(register([november(paid: 60_000, funded: nil)])) == [])
        #expect(flags(register([november(project: "P-2", paid: 60_000, funded: 0)], projects: [privateProject]), "P-2") == [])
    }

    @Test func anActiveProjectMissingFromThePlatformsLatestMonthIsOffPlatform() throws {
        let projects = [project, privateProject, completed]
        let report = register([november(paid: 60_000, period: "2024-12")], projects: projects)
        #expect(flags(report, "P-1") == [])
        #expect(flags(report, "P-2") == [.offPlatform])
        #expect(flags(report, "P-3") == [])  // completed
        #expect(report.projects.first { $0.projectID == "P-2" }?.flagEvidence.first?.reason.contains("2024-12") == true)
        // A city that imports no platform data raises it for no one.
        #expect(register([], projects: projects).projects.allSatisfy { $0.flags.isEmpty })
        // A row of an earlier month does not put the project on the latest month's list.
        let earlier = register(
            [november(paid: 60_000, period: "2024-12"), november(project: "P-2", paid: 60_000)], projects: projects)
        #expect(flags(earlier, "P-2") == [.offPlatform])
    }

    @Test func wagesReportedAsProjectMoneyOrTheReverseAreATypeMismatch() throws {
        // Wage arrears reported, every signal about project money, wages paid in full: 工程款 as 工资.
        let payment = [signal("a", on: day(12, 10), claim: .projectPayment), signal("b", on: day(12, 12), claim: .projectPayment)]
        let paid = [november(paid: 60_000, paidOn: day(12, 10))]
        let asWages = register(paid, signals: payment, rows: [arrears("R-1", type: .wage)])
        #expect(flags(asWages).contains(.typeMismatch))
        let evidence = try #require(asWages.projects.first?.flagEvidence.first { $0.flag == .typeMismatch })
        #expect(evidence.reports == ["R-1"] && evidence.items == ["a", "b"] && evidence.reason.contains("疑为工程款"))
        // Mixed signals raise nothing of the kind; nor does a payroll gap.
        let mixed = payment + [signal("c", on: day(12, 14))]
        #expect(!flags(register(paid, signals: mixed, rows: [arrears("R-1", type: .wage)])).contains(.typeMismatch))
        #expect(!flags(register([november(paid: 0)], signals: payment, rows: [arrears("R-1", type: .wage)])).contains(.typeMismatch))
        // The reverse: 工程款 reported while workers claim wages and the account shows a gap.
        let wage = [signal("w", on: day(12, 10))]
        let reverse = register([november(paid: 0)], signals: wage, rows: [arrears("R-2", type: .projectPayment)])
        #expect(flags(reverse).contains(.typeMismatch) && flags(reverse).contains(.payrollGap))
        #expect(reverse.projects.first?.flagEvidence.first { $0.flag == .typeMismatch }?.reason.contains("疑将拖欠工资报为工程款") == true)
        #expect(!flags(register(paid, signals: wage, rows: [arrears("R-2", type: .projectPayment)])).contains(.typeMismatch))
    }

    @Test func aPayrollGapWithWageSignalsRanksAboveEitherAlone() {
        let twin = Project(id: "P-4", name: "城西安置房", department: "市住建局", funding: .government)
        let report = register(
            [november(paid: 0), november(project: "P-4", paid: 60_000, paidOn: day(12, 5)), november(project: "P-2", paid: 0)],
            signals: [signal("a", on: day(12, 10)), signal("b", on: day(12, 10), project: "P-4")],
            projects: [project, privateProject, twin])
        #expect(report.projects.map(\.projectID) == ["P-1", "P-4", "P-2"])
        #expect(report.projects[0].weightedScore > report.projects[1].weightedScore)
    }

    @Test func anUnregisteredSiteIsCheckedAgainstThePlatformsProjectsTheRegistryLacks() throws {
        func unlinked(_ id: String, _ site: String) -> ItemSignal {
            var signal = ItemSignal(
                itemID: id, kind: .post, at: day(12, 10).start.addingTimeInterval(3600),
                assessment: ItemAssessment(
                    itemID: id, score: 5, isSignal: true, claim: .wage, isEscalation: false, isResolved: false,
                    firedRules: ["wage.claim"], matchedTerms: ["欠薪"]),
                storyKey: id, link: nil)
            signal.sites = [site]
            return signal
        }
        let signals = [unlinked("u1", "锦绣华庭项目工地"), unlinked("u2", "城关街道 金源大厦")]
        var offRegistry = november(paid: 0, period: "2024-12")
        offRegistry.projectName = "锦绣华庭二期"
        offRegistry.matchedProjectID = nil
        let report = register([november(paid: 0, period: "2024-12"), offRegistry], signals: signals)
        #expect(report.sitesOutsideBoth == 1)
        #expect(report.unregistered.map(\.onPlatform) == [true, false] || report.unregistered.map(\.onPlatform) == [false, true])
        #expect(report.unregistered.first { $0.mention.contains("锦绣") }?.onPlatform == true)
        // Without platform data the register does not say.
        let none = register([], signals: signals)
        #expect(none.sitesOutsideBoth == nil && none.unregistered.allSatisfy { $0.onPlatform == nil })
    }

    @Test func theScorecardCountsSupervisionAttendanceAndPayrollRates() throws {
        let projects = [project, privateProject, completed]
        // December on the platform: P-1 attends, P-2 is missing; November: P-1 unpaid.
        let report = register(
            [november(paid: 0), november(paid: 0, period: "2024-12")], projects: projects)
        let line = try #require(report.departments.first { $0.department == "市住建局" }).platform
        #expect(line.activeProjects == 2 && line.onPlatform == 1 && line.withAttendance == 1)
        #expect(line.payrollDue == 1 && line.paidThroughAccount == 0 && line.payrollGaps == 1 && line.offPlatform == 1)
        #expect(line.supervisedRate == 0.5 && line.attendanceRate == 1 && line.payrollRate == 0)
        let water = try #require(report.departments.first { $0.department == "市水务局" }).platform
        #expect(water.activeProjects == 0 && water.supervisedRate == nil)
    }
}
