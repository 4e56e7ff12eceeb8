import Model
import RulesFile
import Scoring
import Testing

/// rules/register.yaml: read with the rest of the rules, checked with file, line and column.
@Suite struct RegisterRulesTests {
    func parse(_ register: String) throws -> Rulebook {
        try Rulebook.parse(files: DefaultRules.files().filter { $0.name != "register.yaml" } + [("register.yaml", register)])
    }

    func expectError(_ text: String, line: Int, containing words: String) {
        #expect {
            try parse(text)
        } throws: { error in
            guard case RulesError.invalid(let file, let errorLine, _, let reason) = error else { return false }
            return file == "register.yaml" && errorLine == line && reason.contains(words)
        }
    }

    @Test func theBundledFileSetsEverySetting() throws {
        let rules = try DefaultRules.rulebook().register
        #expect(rules.windowDays == 30)
        #expect(
            rules.collectiveRules == [
                "escalation.collective", "escalation.headcount", "escalation.group_petition",
                "escalation.group_visit",
            ])
        #expect(rules.petitionDeadline(channel: "hotline") == RegisterRules.Deadline(days: 15, unit: .working))
        #expect(rules.petitionDeadline(channel: "letter") == RegisterRules.Deadline(days: 60, unit: .calendar))
        #expect(rules.repeatRules == ["followup.repeat"])
        #expect(rules.extremeRules == ["escalation.extreme"])
        #expect(rules.holidays.contains(Day(year: 2025, month: 1, day: 28)!))
        #expect(rules.workdays.contains(Day(year: 2025, month: 1, day: 26)!))
    }

    @Test func registerThresholdsDoNotChangeTheScoringStamp() throws {
        let bundled = try DefaultRules.rulebook()
        let changed = try parse("register:\n  window_days: 14\n")
        #expect(changed.register.windowDays == 14)
        #expect(changed.version == bundled.version)
    }

    @Test func badValuesNameTheLine() {
        expectError(
            "register:\n  window_days: 30\n  escalating:\n    colective_people: 5\n", line: 4, containing: "unknown field colective_people")
        expectError("register:\n  window_days: 0\n", line: 2, containing: "between 1 and 366")
        expectError("register:\n  non_wage_dispute:\n    min_share: 1.5\n", line: 3, containing: "between 0 and 1")
        expectError("register:\n  calendar:\n    holidays: [2025-02-30]\n", line: 3, containing: "2025-02-30")
        expectError("register:\n  sensitive:\n    funding: [goverment]\n", line: 3, containing: "goverment")
        expectError("register:\n  season:\n    year_end: {from: \"13-01\"}\n", line: 3, containing: "MM-DD")
        // A deadline says whether it counts calendar or working days.
        expectError("register:\n  stale_followup:\n    default_petition_deadline: 60\n", line: 3, containing: "must say its unit")
        expectError(
            "register:\n  stale_followup:\n    default_petition_deadline: {days: 60, unit: weeks}\n", line: 3,
            containing: "calendar (自然日) or working")
        expectError("register:\n  stale_followup:\n    repeat_rules: [wage.claim]\n", line: 3, containing: "must start with followup.")
    }

    @Test func aRuleTheRegisterNamesMustExistAndEscalate() {
        expectError("register:\n  escalating:\n    extreme_rules: [escalation.extrem]\n", line: 2, containing: "escalation.extrem")
        expectError("register:\n  escalating:\n    collective_rules: [wage.claim]\n", line: 2, containing: "not escalation")
    }
}
