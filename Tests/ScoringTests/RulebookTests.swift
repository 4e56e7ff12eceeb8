import Model
import Scoring
import Testing

@Suite struct RulebookTests {
    func parse(_ text: String, name: String = "r.yaml") throws -> Rulebook {
        try Rulebook.parse(files: [(name, text)] + DefaultRules.linkingFile())
    }

    func expectError(_ text: String, line: Int, column: Int? = nil, containing words: String) {
        #expect {
            try parse(text)
        } throws: { error in
            guard case let ScoringError.invalid(file, errorLine, errorColumn, reason) = error else { return false }
            return file == "r.yaml" && errorLine == line && (column == nil || errorColumn == column) && reason.contains(words)
        }
    }

    @Test func anUnknownFieldNamesFileLineAndColumn() {
        expectError("""
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
        expectError("rules:\n  - {id: x, title: t, any: [missing], weight: 1, effect: signal}\n",
                    line: 2, containing: "lexicon missing")
        expectError("lexicons: {a: {terms: [欠薪]}}\nrules:\n  - id: x\n    title: t\n    any: [a]\n    weight: 1\n    effect: shout\n",
                    line: 7, column: 13, containing: "effect shout")
        expectError("lexicons: {a: {terms: [欠薪]}}\nrules:\n  - id: x\n    title: t\n    any: [a]\n    weight: 1\n    effect: signal\n    level: huge\n",
                    line: 8, containing: "level must be")
    }

    @Test func aRegexThatDoesNotCompileIsRefusedAtLoad() {
        expectError("rules:\n  - id: x\n    title: t\n    any:\n      - regex: '拖欠(工资'\n    weight: 1\n    effect: signal\n",
                    line: 5, containing: "does not compile")
    }

    @Test func badComparisonsAndNearConditionsAreRefused() {
        expectError("rules:\n  - id: x\n    title: t\n    where: {people: about 5}\n    weight: 1\n    effect: escalation\n",
                    line: 4, containing: "comparison")
        expectError("rules:\n  - id: x\n    title: t\n    any:\n      - near: [[工资]]\n        within: 5\n    weight: 1\n    effect: signal\n",
                    line: 5, containing: "two slots")
    }

    @Test func invalidYAMLNamesItsPosition() {
        expectError("rules: [\n  - id: x\n", line: 2, containing: "not valid YAML")
    }

    @Test func nothingLoadsWhenOneFileIsBroken() throws {
        var files = try DefaultRules.files()
        files.append(("zz.yaml", "rules:\n  - {id: wage.claim, title: dup, any: [wage_arrears], weight: 1, effect: signal}\n"))
        #expect(throws: ScoringError.self) { try Rulebook.parse(files: files) }
    }

    @Test func theVersionChangesWithTheRuleText() throws {
        var files = try DefaultRules.files()
        let before = try Rulebook.parse(files: files).version
        #expect(try Rulebook.parse(files: files).version == before)
        files[0].text += "\n# a comment\n"
        #expect(try Rulebook.parse(files: files).version != before)
    }

    @Test func regexFieldAndScopeConditionsWork() throws {
        let rulebook = try parse("""
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
    }
}
