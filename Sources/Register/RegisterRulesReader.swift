import Model
import RulesFile
import Yams

/// Reads the `register:` section of a rules file (rules/register.yaml) into `RegisterRules`.
/// Every key is optional (the default stays); an unknown key or a value out of range
/// names file, line and column.
public struct RegisterRulesReader {
    let reader: RulesFileReader

    public init(reader: RulesFileReader) {
        self.reader = reader
    }

    public func read(_ node: Node) throws(RulesError) -> RegisterRules {
        var rules = RegisterRules()
        let sections = [
            "window_days", "sensitive", "escalating", "stale_followup", "recurrence",
            "non_wage_dispute", "reporting", "payroll", "season", "calendar", "cases",
        ]
        for (key, value, _) in try reader.mapping(node, "register", allowed: sections) {
            switch key {
            case "window_days": rules.windowDays = try count(value, "register.window_days", in: 1...366)
            case "sensitive": try readSensitive(value, into: &rules)
            case "escalating":
                for (key, value, _) in try reader.mapping(
                    value, "register.escalating",
                    allowed: [
                        "collective_rules", "extreme_rules", "surge_days", "baseline_days", "surge_factor",
                        "surge_min_stories",
                    ])
                {
                    let what = "register.escalating.\(key)"
                    switch key {
                    case "collective_rules": rules.collectiveRules = Set(try reader.strings(value, what))
                    case "extreme_rules": rules.extremeRules = Set(try reader.strings(value, what))
                    case "surge_days": rules.surgeDays = try count(value, what, in: 1...90)
                    case "baseline_days": rules.baselineDays = try count(value, what, in: 1...365)
                    case "surge_factor": rules.surgeFactor = try number(value, what, atLeast: 1)
                    default: rules.surgeMinStories = try count(value, what, in: 1...10_000)
                    }
                }
            case "stale_followup":
                for (key, value, _) in try reader.mapping(
                    value, "register.stale_followup",
                    allowed: [
                        "petition_deadlines", "default_petition_deadline", "ledger_stale_months", "repeat_rules",
                    ])
                {
                    let what = "register.stale_followup.\(key)"
                    switch key {
                    case "petition_deadlines":
                        rules.petitionDeadlines = [:]
                        let channels = ["visit", "letter", "online", "hotline", "platform"]
                        for (channel, days, _) in try reader.mapping(value, what, allowed: channels) {
                            rules.petitionDeadlines[channel] = try deadline(days, "\(what).\(channel)")
                        }
                    case "default_petition_deadline": rules.defaultPetitionDeadline = try deadline(value, what)
                    case "repeat_rules":
                        rules.repeatRules = Set(try reader.strings(value, what))
                        for id in rules.repeatRules where !id.hasPrefix("followup.") {
                            throw reader.failure(
                                value, "\(what): \(id) must start with followup. (the store reads the fired rules of such rules)")
                        }
                    default: rules.ledgerStaleMonths = try count(value, what, in: 2...24)
                    }
                }
            case "recurrence":
                for (_, value, _) in try reader.mapping(value, "register.recurrence", allowed: ["grace_days"]) {
                    rules.recurrenceGraceDays = try count(value, "register.recurrence.grace_days", in: 0...365)
                }
            case "cases":
                for (key, value, _) in try reader.mapping(value, "register.cases", allowed: ["default_deadline", "deadlines"]) {
                    let what = "register.cases.\(key)"
                    if key == "default_deadline" {
                        rules.defaultCaseDeadline = try deadline(value, what)
                        continue
                    }
                    rules.caseDeadlines = [:]
                    for (flag, limit, _) in try reader.mapping(value, what, allowed: RiskFlag.allCases.map(\.rawValue)) {
                        // swift-format-ignore: NeverForceUnwrap
                        // (the mapping allows the flags' names alone)
                        rules.caseDeadlines[RiskFlag(rawValue: flag)!] = try deadline(limit, "\(what).\(flag)")
                    }
                }
            case "non_wage_dispute":
                for (key, value, _) in try reader.mapping(value, "register.non_wage_dispute", allowed: ["min_signals", "min_share"]) {
                    if key == "min_signals" {
                        rules.nonWageMinSignals = try count(value, "register.non_wage_dispute.min_signals", in: 1...10_000)
                    } else {
                        let share = try number(value, "register.non_wage_dispute.min_share", atLeast: 0)
                        guard share <= 1 else {
                            throw reader.failure(value, "register.non_wage_dispute.min_share must lie between 0 and 1")
                        }
                        rules.nonWageMinShare = share
                    }
                }
            case "reporting":
                for (_, value, _) in try reader.mapping(value, "register.reporting", allowed: ["due_day"]) {
                    rules.reportDueDay = try count(value, "register.reporting.due_day", in: 1...28)
                }
            case "payroll":
                let allowed = ["pay_day", "grace_days", "min_share", "daily_wage_floor", "look_back_days"]
                for (key, value, _) in try reader.mapping(value, "register.payroll", allowed: allowed) {
                    let what = "register.payroll.\(key)"
                    switch key {
                    case "pay_day": rules.payrollPayDay = try count(value, what, in: 1...28)
                    case "grace_days": rules.payrollGraceDays = try count(value, what, in: 0...60)
                    case "look_back_days": rules.payrollLookBackDays = try count(value, what, in: 1...366)
                    case "daily_wage_floor": rules.dailyWageFloor = try number(value, what, atLeast: 0)
                    default:
                        let share = try number(value, what, atLeast: 0)
                        guard share <= 1 else { throw reader.failure(value, "\(what) must lie between 0 and 1") }
                        rules.payrollMinShare = share
                    }
                }
            case "season": try readSeason(value, into: &rules)
            default:
                for (key, value, _) in try reader.mapping(value, "register.calendar", allowed: ["holidays", "workdays"]) {
                    var days = Set<Day>()
                    for entry in try reader.sequence(value, "register.calendar.\(key)") {
                        let text = try reader.string(entry, "each day of register.calendar.\(key)")
                        guard let day = Day(text) else {
                            throw reader.failure(entry, "register.calendar.\(key): expected a day YYYY-MM-DD, found \(text)")
                        }
                        days.insert(day)
                    }
                    if key == "holidays" { rules.holidays = days } else { rules.workdays = days }
                }
            }
        }
        return rules
    }

    private func readSensitive(_ node: Node, into rules: inout RegisterRules) throws(RulesError) {
        for (key, value, _) in try reader.mapping(node, "register.sensitive", allowed: ["funding", "tags", "signal_days"]) {
            switch key {
            case "funding": rules.sensitiveFunding = try codes(value, "register.sensitive.funding")
            case "tags": rules.sensitiveTags = try codes(value, "register.sensitive.tags")
            default: rules.sensitiveSignalDays = try count(value, "register.sensitive.signal_days", in: 0...366)
            }
        }
    }

    private func readSeason(_ node: Node, into rules: inout RegisterRules) throws(RulesError) {
        for (key, value, _) in try reader.mapping(node, "register.season", allowed: ["spring_festival", "year_end"]) {
            if key == "spring_festival" {
                for (_, value, _) in try reader.mapping(value, "register.season.spring_festival", allowed: ["weight"]) {
                    rules.springFestivalWeight = try number(value, "register.season.spring_festival.weight", atLeast: 0)
                }
            } else {
                for (field, value, _) in try reader.mapping(value, "register.season.year_end", allowed: ["from", "weight"]) {
                    if field == "weight" {
                        rules.yearEndWeight = try number(value, "register.season.year_end.weight", atLeast: 0)
                        continue
                    }
                    let text = try reader.string(value, "register.season.year_end.from")
                    let parts = text.split(separator: "-")
                    guard parts.count == 2, let month = Int(parts[0]), let day = Int(parts[1]),
                        (1...12).contains(month), (1...31).contains(day)
                    else {
                        throw reader.failure(value, "register.season.year_end.from: expected a month and day MM-DD, found \(text)")
                    }
                    rules.yearEndFrom = RegisterRules.MonthDay(month: month, day: day)
                }
            }
        }
    }

    /// A list of a registry code's raw values (funding kinds, tags).
    private func codes<Code: RawRepresentable & CaseIterable & Hashable>(_ node: Node, _ what: String) throws(RulesError) -> Set<Code>
    where Code.RawValue == String {
        var codes = Set<Code>()
        for text in try reader.strings(node, what) {
            guard let code = Code(rawValue: text) else {
                throw reader.failure(node, "\(what): \(text) is not one of \(Code.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            codes.insert(code)
        }
        return codes
    }

    /// A deadline: `{days: 60, unit: calendar}` or `{days: 15, unit: working}`.
    private func deadline(_ node: Node, _ what: String) throws(RulesError) -> RegisterRules.Deadline {
        guard node.mapping != nil else {
            throw reader.failure(node, "\(what) must say its unit, as {days: 60, unit: calendar} or {days: 15, unit: working}")
        }
        var days: Int?
        var unit: RegisterRules.Deadline.Unit?
        for (key, value, _) in try reader.mapping(node, what, allowed: ["days", "unit"]) {
            if key == "days" {
                days = try count(value, "\(what).days", in: 1...365)
            } else {
                let text = try reader.string(value, "\(what).unit")
                guard let parsed = RegisterRules.Deadline.Unit(rawValue: text) else {
                    throw reader.failure(value, "\(what).unit must be calendar (自然日) or working (工作日), not \(text)")
                }
                unit = parsed
            }
        }
        guard let days, let unit else {
            throw reader.failure(node, "\(what) needs days: and unit:")
        }
        return RegisterRules.Deadline(days: days, unit: unit)
    }

    private func count(_ node: Node, _ what: String, in range: ClosedRange<Int>) throws(RulesError) -> Int {
        let value = try reader.integer(node, what)
        guard range.contains(value) else {
            throw reader.failure(node, "\(what) must lie between \(range.lowerBound) and \(range.upperBound), found \(value)")
        }
        return value
    }

    private func number(_ node: Node, _ what: String, atLeast minimum: Double) throws(RulesError) -> Double {
        let value = try reader.number(node, what)
        guard value >= minimum, value.isFinite else { throw reader.failure(node, "\(what) must be a number of at least \(minimum)") }
        return value
    }
}
