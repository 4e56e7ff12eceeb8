/// The register's thresholds, window, sensitivity and deadlines: the `register:`
/// section of `rules/register.yaml` (the defaults below are that file's values).
public struct RegisterRules: Hashable, Sendable {
    /// How many days the register looks back, the as-of day included.
    public var windowDays = 30

    /// Which projects are sensitive (government- or state-funded, or tagged; docs/FORMATS.md, "Project registry (在建项目台账)").
    public var sensitiveFunding: Set<Project.Funding> = [.government, .state]
    public var sensitiveTags: Set<Project.Tag> = Set(Project.Tag.allCases)
    /// Widens sensitivity: a project with wage signals on at least this many
    /// distinct days of the window counts as sensitive too (0: never).
    public var sensitiveSignalDays = 0

    // escalating
    /// Scoring rules (by id) whose firing on an open signal means collective action,
    /// and extreme acts or threats (跳楼、爬塔吊、堵路、扬言).
    public var collectiveRules: Set<String> = ["escalation.collective", "escalation.headcount"]
    public var extremeRules: Set<String> = ["escalation.extreme"]
    /// A sudden rise: stories first seen in the last `surgeDays` days against the
    /// project's own daily rate over the `baselineDays` before them.
    public var surgeDays = 7
    public var baselineDays = 28
    /// Raised when the recent stories reach `surgeFactor` times the baseline's
    /// expectation and at least `surgeMinStories`.
    public var surgeFactor = 3.0
    public var surgeMinStories = 3

    // stale_followup
    /// How long a petition may stay open after it was received, per channel (visit,
    /// letter, online, hotline, platform); `defaultPetitionDeadline` for the rest. The
    /// 信访工作条例 (2022) gives 60 calendar days; 12345 sets its own, in working days.
    public var petitionDeadlines: [String: Deadline] = [
        "hotline": Deadline(days: 15, unit: .working),
        "platform": Deadline(days: 15, unit: .working),
    ]
    public var defaultPetitionDeadline = Deadline(days: 60, unit: .calendar)
    /// Scoring rules whose firing marks a repeat contact on the same matter (此前已反映，
    /// 至今没有结果). Their ids start with `followup.`: the store reads fired rules of
    /// signals only for escalations and these.
    public var repeatRules: Set<String> = ["followup.repeat"]
    /// An arrears row still open, unpaid amount unchanged, across this many
    /// consecutive monthly reports.
    public var ledgerStaleMonths = 2

    // recurrence
    /// Wage signals this many days or more after a row's 清零日期 mean the arrears came back.
    public var recurrenceGraceDays = 3

    // non_wage_dispute
    /// Project-payment claims (工程款、材料款、租赁费 ...) among a project's signals:
    /// at least this many, and at least this share of all its signals.
    public var nonWageMinSignals = 2
    public var nonWageMinShare = 0.5

    // reporting
    /// A month's rows are due by this day of the next month; a row filed later is a
    /// late filing, and a month without a row counts as missing from that day on.
    public var reportDueDay = 10

    // payroll_gap, labour_cost_unfunded, type_mismatch (the real-name platform)
    /// A month's wages are due through the wage account by this day of the next month,
    /// plus `payrollGraceDays`; the platform's rows of a month are judged from then on.
    public var payrollPayDay = 15
    public var payrollGraceDays = 5
    /// What went out through the account is short when it is below this share of 应发工资,
    /// or, where the platform gives none, of 考勤工日 × `dailyWageFloor`.
    public var payrollMinShare = 0.8
    public var dailyWageFloor = 150.0
    /// How long after its due day a month's row still raises a flag (a later month's row
    /// speaks for the project then).
    public var payrollLookBackDays = 62

    /// The day the wages of `period` are due through the wage account, grace included.
    public func payrollDue(of period: Period) -> Day {
        period.next.firstDay.adding(days: payrollPayDay - 1 + payrollGraceDays)
    }

    /// Weights of signals by season: in 腊月, the last month of the Chinese year before
    /// Spring Festival, and from `yearEndFrom` (month, day) to the end of the
    /// Gregorian year. The higher weight applies where both do.
    public var springFestivalWeight = 1.5
    public var yearEndWeight = 1.2
    public var yearEndFrom = MonthDay(month: 12, day: 1)

    /// A day of any year (12-01).
    public struct MonthDay: Hashable, Sendable {
        public var month: Int
        public var day: Int

        public init(month: Int, day: Int) {
            self.month = month
            self.day = day
        }
    }

    /// Public holidays (days off) and the weekend days worked instead (调休), for
    /// counting working days.
    public var holidays: Set<Day> = []
    public var workdays: Set<Day> = []

    // 督办 cases
    /// How long a unit has to answer a case, by the flag it was opened on (the shortest of
    /// its flags applies); `defaultCaseDeadline` for a case on a site or an item.
    public var caseDeadlines: [RiskFlag: Deadline] = [
        .escalating: Deadline(days: 3, unit: .working),
        .payrollGap: Deadline(days: 5, unit: .working),
    ]
    public var defaultCaseDeadline = Deadline(days: 10, unit: .working)

    public init() {}

    /// The last day to answer a case on `flags` (none: a site or an item) dispatched on
    /// `start`: the earliest of its flags' deadlines.
    public func caseDeadline(flags: [RiskFlag], dispatchedOn start: Day) -> Day {
        flags.map { adding(caseDeadlines[$0] ?? defaultCaseDeadline, to: start) }.min()
            ?? adding(defaultCaseDeadline, to: start)
    }

    /// Whether `day` is a working day: Monday to Friday unless a holiday, or a weekend day
    /// worked instead (调休).
    public func isWorkingDay(_ day: Day) -> Bool {
        if workdays.contains(day) { return true }
        if holidays.contains(day) { return false }
        return day.weekday <= 5
    }

    /// The last day of `limit` counted from `start` (the day after it is the first).
    public func adding(_ limit: Deadline, to start: Day) -> Day {
        guard limit.unit == .working else { return start.adding(days: limit.days) }
        var day = start
        var left = limit.days
        while left > 0 {
            day = day.adding(days: 1)
            if isWorkingDay(day) { left -= 1 }
        }
        return day
    }

    public func isSensitive(_ project: Project) -> Bool {
        project.funding.map(sensitiveFunding.contains) == true || project.tags.contains(where: sensitiveTags.contains)
    }

    /// The deadline of a petition received on `channel`.
    public func petitionDeadline(channel: String?) -> Deadline {
        channel.flatMap { petitionDeadlines[$0] } ?? defaultPetitionDeadline
    }

    /// A time limit: a number of calendar days or of working days (weekends and public
    /// holidays not counted, 调休 days counted; see `RegisterCalendar`).
    public struct Deadline: Hashable, Sendable, CustomStringConvertible {
        public enum Unit: String, Hashable, Sendable, CaseIterable {
            case calendar, working
        }

        public var days: Int
        public var unit: Unit

        public init(days: Int, unit: Unit) {
            self.days = days
            self.unit = unit
        }

        public var description: String { "\(days) \(unit == .calendar ? "日" : "个工作日")" }
    }
}
