import Foundation
import Model
import Register
import Testing

/// Each flag of the register raised and not raised, on small hand-made stores, with the edges.
@Suite struct RegisterFlagTests {
    let asOf = Day(year: 2024, month: 12, day: 31)!
    let project = Project(id: "P-1", name: "城东安置房", department: "市住建局", township: "城关街道", funding: .government)

    func day(_ month: Int, _ day: Int, year: Int = 2024) -> Day { Day(year: year, month: month, day: day)! }

    func signal(
        _ id: String, on day: Day, kind: ItemKind = .post, claim: ClaimKind = .wage, resolved: Bool = false,
        people: Int? = nil, rules: [String] = ["wage.claim"], story: String? = nil, channel: String? = nil,
        status: String? = nil, closedAt: Date? = nil
    ) -> ItemSignal {
        ItemSignal(
            itemID: id, kind: kind, at: day.start.addingTimeInterval(10 * 3600),
            assessment: ItemAssessment(
                itemID: id, score: 5, isSignal: true, claim: claim, isEscalation: rules.count > 1,
                isResolved: resolved, firedRules: rules, matchedTerms: ["欠薪"], people: people),
            storyKey: story ?? id,
            link: ProjectLink(itemID: id, projectID: "P-1", band: .link, confidence: 1, evidence: []),
            channel: channel, status: status, closedAt: closedAt)
    }

    func arrears(
        _ id: String, period: String, owed: Double = 100_000, paid: Double? = nil, resolvedOn: Day? = nil,
        type: DepartmentReport.ArrearsType = .wage, filed: Day? = nil
    ) -> DepartmentReport {
        DepartmentReport(
            id: id, department: "市住建局", period: Period(period)!, projectID: "P-1", projectName: "城东安置房",
            status: .arrears, arrearsType: type, workers: 10, amountOwed: owed, amountPaid: paid,
            resolved: resolvedOn != nil, resolvedOn: resolvedOn, responsibleUnit: "某公司", responsiblePerson: "王某",
            filedOn: filed ?? Period(period)!.next.firstDay.adding(days: 4))
    }

    func flags(
        _ signals: [ItemSignal], rows: [DepartmentReport] = [], rules: RegisterRules = RegisterRules(),
        asOf: Day? = nil
    ) throws -> (flags: [RiskFlag], entry: RegisterReport.ProjectEntry) {
        let report = RiskRegister(projects: [project], reports: rows, signals: signals, rules: rules)
            .evaluate(asOf: asOf ?? self.asOf, windowDays: 30)
        let entry = try #require(report.projects.first)
        return (entry.flags, entry)
    }

    // MARK: escalating

    @Test func aCollectivePetitionEscalatesAndAHeadCountAloneDoesNot() throws {
        let reported = [arrears("R-1", period: "2024-12", filed: day(12, 20))]
        let collective = try flags(
            [
                signal(
                    "a", on: day(12, 10), kind: .petition, people: 6,
                    rules: ["wage.claim", "escalation.headcount"])
            ], rows: reported)
        #expect(collective.flags == [.escalating])
        #expect(collective.entry.flagEvidence.first?.items == ["a"])
        #expect(collective.entry.flagEvidence.first?.thresholds["surge_days"] == 7)
        // Thirty workers owed is how many are owed, not what they do: the scorer fired no escalation rule.
        #expect(try flags([signal("a", on: day(12, 10), kind: .petition, people: 30)], rows: reported).flags.isEmpty)
    }

    @Test func anExtremeActEscalatesUnlessTheCaseIsResolved() throws {
        let reported = [arrears("R-1", period: "2024-12", filed: day(12, 20))]
        #expect(
            try flags([signal("a", on: day(12, 10), rules: ["wage.claim", "escalation.extreme"])], rows: reported).flags == [.escalating])
        #expect(
            try flags(
                [signal("a", on: day(12, 10), resolved: true, rules: ["wage.claim", "escalation.extreme"])],
                rows: reported
            ).flags.isEmpty)
        // Pressure before Spring Festival weighs by season; alone it is no escalation.
        #expect(try flags([signal("a", on: day(12, 10), rules: ["wage.claim", "season.festival"])], rows: reported).flags.isEmpty)
    }

    @Test func aSuddenRiseOfStoriesAgainstTheProjectsOwnBaseline() throws {
        let reported = [arrears("R-1", period: "2024-12", filed: day(12, 20))]
        let recent = (0..<3).map { signal("new-\($0)", on: day(12, 27 + $0)) }
        #expect(try flags(recent, rows: reported).flags == [.escalating])
        // Two copies of one story are one story: two stories are too few.
        let copies = [signal("c1", on: day(12, 27), story: "s"), signal("c2", on: day(12, 28), story: "s"), signal("c3", on: day(12, 29))]
        #expect(try flags(copies, rows: reported).flags.isEmpty)
        // Eight stories in the 28 days before: two expected a week, three is no surge.
        let baseline = (0..<8).map { signal("old-\($0)", on: day(12, 2 + $0 * 3)) }
        #expect(try flags(baseline + recent, rows: reported).flags.isEmpty)
    }

    // MARK: stale_followup

    @Test func aPetitionOpenPastItsWorkingDayDeadlineIsStale() throws {
        let reported = [arrears("R-1", period: "2024-12", filed: day(12, 20))]
        // A hotline call on Monday 12-02 has 15 working days: until 12-23.
        let open = signal("a", on: day(12, 2), kind: .petition, channel: "hotline", status: "handling")
        let stale = try flags([open], rows: reported)
        #expect(stale.flags == [.staleFollowup])
        #expect(stale.entry.flagEvidence.first?.items == ["a"])
        // Closed in time.
        let closed = signal("a", on: day(12, 2), kind: .petition, channel: "hotline", status: "closed", closedAt: day(12, 10).start)
        #expect(try flags([closed], rows: reported).flags.isEmpty)
        // Closed, but only after the as-of day: as of then it was still open.
        let closedLater = signal(
            "a", on: day(12, 2), kind: .petition, channel: "hotline", status: "closed",
            closedAt: day(1, 5, year: 2025).start)
        #expect(try flags([closedLater], rows: reported).flags == [.staleFollowup])
        // A letter has 60 working days.
        #expect(try flags([signal("a", on: day(12, 2), kind: .petition, channel: "letter")], rows: reported).flags.isEmpty)
    }

    @Test func aPetitionOlderThanTheWindowStillOpenIsStale() throws {
        let reported = [arrears("R-1", period: "2024-12", filed: day(12, 20))]
        // Received 08-01, long before the 35 days the register reads signals for; its 60
        // calendar days ended on 09-30.
        let old = signal("old", on: day(8, 1), kind: .petition, channel: "visit", status: "handling")
        let report = RiskRegister(projects: [project], reports: reported, signals: [], olderOpenPetitions: [old])
            .evaluate(asOf: asOf, windowDays: 30)
        let entry = try #require(report.projects.first)
        #expect(entry.flags == [.staleFollowup])
        #expect(entry.flagEvidence.first?.items == ["old"])
        // It counts nowhere else: no signals in the window.
        #expect(entry.signals == .init())
    }

    @Test func aPetitionDeadlineCountsCalendarOrWorkingDaysAsItSays() throws {
        let reported = [arrears("R-1", period: "2024-12", filed: day(12, 20))]
        // 信访工作条例: 60 calendar days. Received 11-01, due 12-31: not late on 12-31.
        let onTime = signal("a", on: day(11, 1), kind: .petition, channel: "visit", status: "handling")
        #expect(try flags([onTime], rows: reported).flags.isEmpty)
        // Received 10-31, due 12-30: late.
        let late = signal("b", on: day(10, 31), kind: .petition, channel: "visit", status: "handling")
        #expect(try flags([late], rows: reported).flags == [.staleFollowup])
        // The same 60 counted as working days would not have ended yet.
        var rules = RegisterRules()
        rules.defaultPetitionDeadline = RegisterRules.Deadline(days: 60, unit: .working)
        #expect(try flags([late], rows: reported, rules: rules).flags.isEmpty)
    }

    @Test func aRepeatContactOnTheSameMatterIsStale() throws {
        let reported = [arrears("R-1", period: "2024-12", filed: day(12, 20))]
        // The text says it was reported before and nothing came of it.
        let again = signal("a", on: day(12, 10), kind: .petition, rules: ["wage.claim", "followup.repeat"], channel: "visit")
        let stale = try flags([again], rows: reported)
        #expect(stale.flags == [.staleFollowup])
        #expect(stale.entry.flagEvidence.first?.items == ["a"])
        // The same petitioner back about this project, in other words.
        var first = signal("b", on: day(11, 20), kind: .petition, channel: "hotline", status: "closed")
        var second = signal("c", on: day(12, 15), kind: .petition, channel: "hotline")
        first.petitionerKey = 42
        second.petitionerKey = 42
        #expect(try flags([first, second], rows: reported).entry.flagEvidence.first?.items == ["c"])
        // Someone else is no repeat.
        second.petitionerKey = 43
        #expect(try flags([first, second], rows: reported).flags.isEmpty)
    }

    @Test func holidaysAndWorkedWeekendsMoveTheDeadline() throws {
        let reported = [arrears("R-1", period: "2024-12", filed: day(12, 20))]
        var rules = RegisterRules()
        rules.petitionDeadlines = ["hotline": RegisterRules.Deadline(days: 1, unit: .working)]
        // Friday 12-27: one working day is Monday 12-30, which has passed by 12-31.
        let call = signal("a", on: day(12, 27), kind: .petition, channel: "hotline")
        #expect(try flags([call], rows: reported, rules: rules).flags == [.staleFollowup])
        // With 12-30 a holiday the deadline is 12-31 itself: not yet late.
        rules.holidays = [day(12, 30)]
        #expect(try flags([call], rows: reported, rules: rules).flags.isEmpty)
        // With Saturday 12-28 worked instead (调休), the deadline was 12-28.
        rules.workdays = [day(12, 28)]
        #expect(try flags([call], rows: reported, rules: rules).flags == [.staleFollowup])
    }

    @Test func anArrearsRowWithoutProgressBetweenTwoReportsIsStale() throws {
        let unchanged = [arrears("R-11", period: "2024-11"), arrears("R-12", period: "2024-12", filed: day(12, 28))]
        let stale = try flags([], rows: unchanged)
        #expect(stale.flags == [.staleFollowup])
        #expect(stale.entry.flagEvidence.first?.reports == ["R-11", "R-12"])
        // Something was paid in December.
        let progress = [arrears("R-11", period: "2024-11"), arrears("R-12", period: "2024-12", paid: 40_000, filed: day(12, 28))]
        #expect(try flags([], rows: progress).flags.isEmpty)
        // Months apart are not consecutive reports.
        let gap = [arrears("R-10", period: "2024-10"), arrears("R-12", period: "2024-12", filed: day(12, 28))]
        #expect(try flags([], rows: gap).flags.isEmpty)
    }

    // MARK: recurrence

    @Test func wageClaimsAfterTheArrearsWereClearedAreARecurrence() throws {
        let cleared = [arrears("R-11", period: "2024-11", resolvedOn: day(12, 1))]
        let again = try flags([signal("a", on: day(12, 10))], rows: cleared)
        #expect(again.flags.contains(.recurrence))
        #expect(again.entry.flagEvidence.first { $0.flag == .recurrence }?.reports == ["R-11"])
        // Within the grace days: the last complaints before the money arrived.
        #expect(try !flags([signal("a", on: day(12, 3))], rows: cleared).flags.contains(.recurrence))
        // A thank-you for the payment is no complaint.
        #expect(try !flags([signal("a", on: day(12, 10), resolved: true)], rows: cleared).flags.contains(.recurrence))
    }

    // MARK: non_wage_dispute

    @Test func mostlyProjectPaymentClaimsAreANonWageDispute() throws {
        let reported = [arrears("R-1", period: "2024-11", type: .projectPayment)]
        let payment = [
            signal("a", on: day(12, 10), claim: .projectPayment), signal("b", on: day(12, 11), claim: .projectPayment),
            signal("c", on: day(12, 12), claim: .wage),
        ]
        let dispute = try flags(payment, rows: reported)
        #expect(dispute.flags.contains(.nonWageDispute))
        #expect(dispute.entry.flagEvidence.first { $0.flag == .nonWageDispute }?.items == ["a", "b"])
        let mostlyWage = [signal("a", on: day(12, 10), claim: .projectPayment), signal("b", on: day(12, 11)), signal("c", on: day(12, 12))]
        #expect(try !flags(mostlyWage, rows: reported).flags.contains(.nonWageDispute))
    }

    @Test func aPaymentDisputeDoesNotAccuseTheDepartmentOfUnderreporting() throws {
        // The department promised no arrears; suppliers' money dressed as wages is no proof it lied.
        var promise = arrears("R-1", period: "2024-12", filed: day(12, 20))
        promise.status = .none
        promise.commitment = true
        promise.arrearsType = nil
        let payment = [
            signal("a", on: day(12, 10), claim: .projectPayment), signal("b", on: day(12, 11), claim: .projectPayment),
            signal("c", on: day(12, 12), claim: .wage),
        ]
        let dispute = try flags(payment, rows: [promise])
        #expect(dispute.flags == [.nonWageDispute])
        // The same wage signal alone accuses it.
        #expect(try flags([signal("c", on: day(12, 12), claim: .wage)], rows: [promise]).flags == [.underreported, .contradictsCommitment])
    }

    // MARK: scorecard, seasons, sensitivity

    @Test func missingMonthsAndLateFilingsCountAgainstTheDepartmentAndTownship() throws {
        let completed = Project(id: "P-2", name: "旧城改造", department: "市住建局", township: "城关街道", funding: .state, status: .completed)
        let other = Project(id: "P-3", name: "北山公路", department: "市交通运输局", township: "北山镇", funding: .government)
        // November is due 12-10 (inside the window); December only on 01-10.
        var late = arrears("R-3", period: "2024-11", filed: day(12, 15))
        late.projectID = "P-3"
        late.department = "市交通运输局"
        var imputed = arrears("R-4", period: "2024-11", filed: day(12, 20))
        imputed.projectID = "P-3"
        imputed.department = "市交通运输局"
        imputed.id = "R-4"
        imputed.isFilingDayImputed = true
        let report = RiskRegister(projects: [project, completed, other], reports: [late], signals: [])
            .evaluate(asOf: asOf, windowDays: 30)
        let housing = try #require(report.departments.first { $0.department == "市住建局" })
        #expect((housing.projects, housing.reportsMissing, housing.lateFilings) == (2, 1, 0))
        let transport = try #require(report.departments.first { $0.department == "市交通运输局" })
        #expect((transport.reportsMissing, transport.lateFilings) == (0, 1))
        #expect(report.townships.map(\.department).sorted() == ["北山镇", "城关街道"])
        #expect(report.townships.first { $0.department == "城关街道" }?.reportsMissing == 1)
        // A row whose filing day was not given is never counted late.
        let unknown = RiskRegister(projects: [other], reports: [imputed], signals: []).evaluate(asOf: asOf, windowDays: 30)
        #expect(unknown.departments.first?.lateFilings == 0)
    }

    @Test func signalsWeighMoreInLaYueAndAtYearEnd() throws {
        let reported = [arrears("R-1", period: "2024-11"), arrears("R-2", period: "2024-12", filed: day(12, 28))]
        // 2024-11-20: no season. 2024-12-10: year-end (1.2). 2025-01-15: 腊月 of 甲辰 (1.5; Spring Festival 2025-01-29).
        let plain = try flags([signal("a", on: day(11, 20))], rows: reported, asOf: day(11, 30))
        #expect(plain.entry.weightedScore == 5)
        let yearEnd = try flags([signal("a", on: day(12, 10))], rows: reported)
        #expect(abs(yearEnd.entry.weightedScore - 6) < 1e-9)
        let laYue = try flags([signal("a", on: day(1, 15, year: 2025))], rows: reported, asOf: day(1, 20, year: 2025))
        #expect(abs(laYue.entry.weightedScore - 7.5) < 1e-9)
        #expect(laYue.entry.signals.score == 5)
    }

    @Test func sensitivityCanBeWidenedBySignalDays() throws {
        let privateProject = Project(id: "P-1", name: "金域华府", department: "市住建局", funding: .private)
        let signals = [signal("a", on: day(12, 10)), signal("b", on: day(12, 11)), signal("c", on: day(12, 12))]
        var rules = RegisterRules()
        let plain = RiskRegister(projects: [privateProject], reports: [], signals: signals, rules: rules).evaluate(
            asOf: asOf, windowDays: 30)
        #expect(plain.projects.first?.flags.contains(.underreported) == false)
        rules.sensitiveSignalDays = 3
        let widened = RiskRegister(projects: [privateProject], reports: [], signals: signals, rules: rules).evaluate(
            asOf: asOf, windowDays: 30)
        #expect(widened.projects.first?.flags.contains(.underreported) == true)
        #expect(widened.projects.first?.sensitive == true)
    }
}
