import Foundation
import Model
import RulesFile
import Testing

@testable import Scoring

@Suite struct RulebookTests {
    func parse(_ text: String, name: String = "r.yaml") throws -> Rulebook {
        try Rulebook.parse(files: [(name, text)] + DefaultRules.linkingFile())
    }

    func expectError(_ text: String, line: Int, column: Int? = nil, containing words: String) {
        #expect {
            try parse(text)
        } throws: { error in
            guard case RulesError.invalid(let file, let errorLine, let errorColumn, let reason) = error else { return false }
            return file == "r.yaml" && errorLine == line && (column == nil || errorColumn == column) && reason.contains(words)
        }
    }

    @Test func anUnknownFieldNamesFileLineAndColumn() {
        expectError(
            """
            lexicons:
              a: {terms: [欠薪]}
            rules:
              - id: x
                title: t
                any: [a]
                weight: 1
                effect: signal
                wieght: 2
            """, line: 9, column: 5, containing: "unknown field wieght")
    }

    @Test func anUnknownLexiconEffectOrLevelIsRefusedWithItsPlace() {
        expectError(
            "rules:\n  - {id: x, title: t, any: [missing], weight: 1, effect: signal}\n",
            line: 2, containing: "lexicon missing")
        expectError(
            "lexicons: {a: {terms: [欠薪]}}\nrules:\n  - id: x\n    title: t\n    any: [a]\n    weight: 1\n    effect: shout\n",
            line: 7, column: 13, containing: "effect shout")
        expectError(
            "lexicons: {a: {terms: [欠薪]}}\nrules:\n  - id: x\n    title: t\n    any: [a]\n    weight: 1\n    effect: signal\n    level: huge\n",
            line: 8, containing: "level must be")
    }

    @Test func aRegexThatMayBacktrackWithoutEndIsRefusedAtLoad() {
        for pattern in ["(a+)+$", "(\\w*x)*y", "((ab)*)+", "(a|b+){2,}", "(.)\\1", "(a|a)*$", "(a|ab)+c", "(?:.|\\s)*x", "(工资|工)+没"] {
            expectError(
                "rules:\n  - id: x\n    title: t\n    any:\n      - regex: '\(pattern)'\n    weight: 1\n    effect: signal\n",
                line: 5, containing: "without end")
        }
        for pattern in ["拖欠(工资|工钱)+", "[a+]+", "(ab)+c", "\\(a+\\)+", "(?:从|往|向)+跳", "(市|县|区)?的"] {
            #expect(Rulebook.backtrackingRisk(in: pattern) == nil, "\(pattern)")
        }
    }

    /// A group is written once and taken whole by the rules' any: and none: lists; under
    /// all:, or unknown, it is refused with its place.
    @Test func aGroupStandsForItsConditionsUnderAnyAndNone() throws {
        let rulebook = try parse(
            """
            lexicons:
              a: {terms: [欠薪]}
              b: {terms: [讨薪]}
              c: {terms: [新闻]}
            groups:
              cues:
                - a
                - {term: 拖欠工资}
            rules:
              - id: x
                title: t
                any: [{group: cues}, b]
                none: [{group: cues}]
                weight: 1
                effect: signal
            """)
        let rule = try #require(rulebook.rules.first)
        #expect(rule.any == [.lexicon("a"), .term("拖欠工资"), .lexicon("b")])
        #expect(rule.none == [.lexicon("a"), .term("拖欠工资")])
        expectError(
            """
            lexicons: {a: {terms: [欠薪]}}
            groups: {cues: [a]}
            rules:
              - id: x
                title: t
                all: [{group: cues}]
                weight: 1
                effect: signal
            """, line: 6, containing: "belongs under a rule's any: or none:")
        expectError(
            """
            lexicons: {a: {terms: [欠薪]}}
            rules:
              - id: x
                title: t
                any: [{group: missing}]
                weight: 1
                effect: signal
            """, line: 5, containing: "no group missing")
    }

    @Test func aRegexThatDoesNotCompileIsRefusedAtLoad() {
        expectError(
            "rules:\n  - id: x\n    title: t\n    any:\n      - regex: '拖欠(工资'\n    weight: 1\n    effect: signal\n",
            line: 5, containing: "does not compile")
    }

    @Test func badComparisonsAndNearConditionsAreRefused() {
        expectError(
            "rules:\n  - id: x\n    title: t\n    where: {people: about 5}\n    weight: 1\n    effect: escalation\n",
            line: 4, containing: "comparison")
        expectError(
            "rules:\n  - id: x\n    title: t\n    any:\n      - near: [[工资]]\n        within: 5\n    weight: 1\n    effect: signal\n",
            line: 5, containing: "two slots")
    }

    @Test func aLinkingSettingOutOfRangeNamesItsFileAndLine() throws {
        let (name, text) = try #require(DefaultRules.linkingFile().first)
        let bad = text.replacingOccurrences(of: "type_word_bonus: 0.2", with: "type_word_bonus: 3")
        let lines = bad.split(separator: "\n", omittingEmptySubsequences: false)
        let line = try #require(lines.firstIndex { $0.contains("type_word_bonus: 3") }) + 1
        #expect {
            try Rulebook.parse(files: [(name, bad)])
        } throws: { error in
            guard case RulesError.invalid(let file, let errorLine, _, let reason) = error else { return false }
            return file == name && errorLine == line && reason.contains("linking.type_word_bonus must be 0 to 1")
        }
    }

    @Test func anInfiniteOrHugeWeightIsRefusedAtLoad() {
        for weight in ["1e400", "-1e400", ".inf", "1e9", "nan"] {
            expectError(
                "lexicons: {a: {terms: [欠薪]}}\nrules:\n  - {id: x, title: t, any: [a], weight: \(weight), effect: signal}\n",
                line: 3, containing: "must be a number")
        }
    }

    @Test func anExceptionThatHoldsNoTermOfItsLexiconIsRefused() {
        expectError(
            "lexicons:\n  festival:\n    terms: [年前]\n    except_in: [前年]\nrules:\n  - {id: x, title: t, any: [festival], weight: 1, effect: score}\n",
            line: 3, containing: "except_in 前年 holds none")
        expectError(
            "lexicons:\n  a:\n    terms: [欠薪]\n    except_window: 99\nrules:\n  - {id: x, title: t, any: [a], weight: 1, effect: signal}\n",
            line: 4, containing: "except_window")
    }

    @Test func exceptionsCancelATermInsideACompoundAndNextToACue() throws {
        let rulebook = try parse(
            """
            lexicons:
              festival:
                terms: [年前]
                except_in: [半年前]
              cities:
                terms: [郑州]
                except_after: [老家在]
                except_before: [")"]
            rules:
              - {id: season, title: t, any: [festival], weight: 1, effect: signal}
              - {id: city, title: t, any: [cities], weight: 1, effect: signal}
            """)
        let engine = ScoringEngine(rulebook: rulebook, projects: [])
        func fired(_ text: String) -> [String] { engine.evaluate(post(text)).assessment.firedRules }
        #expect(fired("年前一定给") == ["season"])
        #expect(fired("半年前就说给") == [])
        #expect(fired("我在郑州打工") == ["city"])
        #expect(fired("我老家在郑州") == [])
        #expect(fired("华建建设(郑州)有限公司") == [])
    }

    @Test func anOrderedNearNeedsItsSlotsInOrder() throws {
        let rulebook = try parse(
            """
            rules:
              - id: x
                title: t
                any:
                  - near: [[如果], [欠薪]]
                    within: 8
                    ordered: true
                weight: 1
                effect: signal
            """)
        let engine = ScoringEngine(rulebook: rulebook, projects: [])
        #expect(engine.evaluate(post("如果被欠薪怎么办")).assessment.isSignal)
        #expect(!engine.evaluate(post("欠薪了，如果再不给")).assessment.isSignal)
        expectError(
            "rules:\n  - id: x\n    title: t\n    any:\n      - {near: [[a], [b]], within: 5, ordered: maybe}\n    weight: 1\n    effect: signal\n",
            line: 5, containing: "ordered must be true or false")
    }

    @Test func recordedPeopleReadsTheFieldAndNotTheText() throws {
        let rulebook = try parse(
            "rules:\n  - {id: x, title: t, where: {kind: petition, recorded_people: \">= 5\"}, weight: 1, effect: signal}\n")
        let engine = ScoringEngine(rulebook: rulebook, projects: [])
        var petition = Item(feedID: "f", sourceKey: "1", kind: .petition, content: "涉及三十多名工人")
        #expect(!engine.evaluate(petition).assessment.isSignal)
        petition.people = 6
        #expect(engine.evaluate(petition).assessment.isSignal)
    }

    @Test func invalidYAMLNamesItsPosition() {
        expectError("rules: [\n  - id: x\n", line: 2, containing: "not valid YAML")
    }

    @Test func nothingLoadsWhenOneFileIsBroken() throws {
        var files = try DefaultRules.files()
        files.append(("zz.yaml", "rules:\n  - {id: wage.claim, title: dup, any: [wage_arrears], weight: 1, effect: signal}\n"))
        #expect(throws: RulesError.self) { try Rulebook.parse(files: files) }
    }

    @Test func theVersionChangesWithTheRuleText() throws {
        var files = try DefaultRules.files()
        let before = try Rulebook.parse(files: files).version
        #expect(try Rulebook.parse(files: files).version == before)
        files[0].text += "\n# a comment\n"
        #expect(try Rulebook.parse(files: files).version != before)
    }

    @Test func regexFieldAndScopeConditionsWork() throws {
        let rulebook = try parse(
            """
            lexicons: {claim: {terms: [欠薪]}}
            rules:
              - id: r.regex
                title: 拖欠若干个月
                any: [{regex: '拖欠[0-9一二三四五六七八九十]+个月'}]
                weight: 1
                effect: signal
              - id: r.title
                title: 标题里的欠薪
                any: [claim]
                scope: [title]
                weight: 1
                effect: signal
              - id: r.petition.hotline
                title: 12345 来电
                any: [claim]
                where: {kind: petition, channel: [hotline]}
                weight: 1
                effect: escalation
            """)
        let engine = ScoringEngine(rulebook: rulebook, projects: [])
        #expect(engine.firedRules(onText: "工资拖欠三个月").map(\.id) == ["r.regex"])
        var item = Item(feedID: "f", sourceKey: "1", kind: .petition, channel: "hotline", title: "关于欠薪", content: "欠薪")
        #expect(engine.evaluate(item).assessment.firedRules == ["r.title", "r.petition.hotline"])
        item.title = "来电"
        item.channel = "visit"
        #expect(engine.evaluate(item).assessment.firedRules == [])
        // A regex reads a field's first 4,000 characters only: its time has a bound, whatever the post.
        let padding = String(repeating: "啊", count: 4_100)
        #expect(engine.firedRules(onText: "工资拖欠三个月" + padding).map(\.id) == ["r.regex"])
        #expect(engine.firedRules(onText: padding + "工资拖欠三个月").isEmpty)
    }
}
