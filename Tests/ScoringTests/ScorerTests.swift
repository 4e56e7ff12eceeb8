import Model
import Scoring
import Testing

@Suite struct ScorerTests {
    let scorer: Scorer

    init() throws {
        scorer = Scorer(rulebook: try DefaultRules.rulebook())
    }

    @Test func everyRuleExampleInTheDefaultRulesHolds() {
        #expect(scorer.failingExamples() == [])
    }

    @Test func wageTermsScoreAboveTextWithout() {
        let claim = scorer.assess(post("工地老板拖欠工资三个月，电话打不通"))
        let chatter = scorer.assess(post("工地今天浇筑楼板，进度很快"))
        #expect(claim.isSignal)
        #expect(claim.claim == .wage)
        #expect(claim.firedRules == ["wage.claim"])
        #expect(claim.matchedTerms.contains("拖欠工资"))
        #expect(!chatter.isSignal)
        #expect(claim.score > chatter.score)
        #expect(chatter.score == 0)
    }

    @Test func resolvedTermsCloseTheSignal() {
        let paid = scorer.assess(post("之前反映的拖欠工资问题，工资已全部发放到位，感谢"))
        #expect(paid.isSignal)
        #expect(paid.isResolved)
        #expect(!paid.isOpenWageSignal)
        #expect(paid.score < scorer.assess(post("之前反映的拖欠工资问题还没解决")).score)
    }

    @Test func projectPaymentTermsMakeAProjectPaymentClaim() {
        let materials = scorer.assess(post("施工方拖欠材料款21万元，至今不结算"))
        #expect(materials.isSignal)
        #expect(materials.claim == .projectPayment)
        #expect(!materials.isOpenWageSignal)
        // Workers whose boss blames unpaid 工程款 still claim wages.
        let wages = scorer.assess(post("包工头说工程款没到位，所以工资没发"))
        #expect(wages.claim == .wage)
        #expect(wages.isOpenWageSignal)
    }

    @Test func noiseCancelsTheSignal() {
        let news = scorer.assess(post("新华社：国务院根治拖欠农民工工资工作领导小组部署冬季专项行动"))
        #expect(news.firedRules.contains("wage.claim"))
        #expect(!news.isSignal)
        #expect(news.score == 0)
    }

    @Test func escalationNeedsAClaimAndAnAct() {
        #expect(scorer.assess(post("工地又有人爬塔吊讨薪了")).isEscalation)
        #expect(!scorer.assess(post("塔吊司机爬塔吊检修")).isEscalation)
    }

    @Test func fullWidthAndSpacedTextStillMatches() {
        #expect(scorer.assess(post("拖 欠 工 资")).isSignal)
        #expect(TextNormalizer.normalize("ＡＢＣ建筑\u{200B} 公司１２３") == "abc建筑公司123")
    }
}

@Suite struct RulebookTests {
    @Test func anUnknownFieldNamesFileAndPath() throws {
        let broken = """
            lexicons:
              a: {terms: [欠薪]}
            rules:
              - id: x
                title: t
                any: [a]
                weight: 1
                effect: signal
                wieght: 2
            """
        #expect {
            try Rulebook.parse(files: [("broken.yaml", broken)] + DefaultRules.files().filter { $0.name == "linking.yaml" })
        } throws: { error in
            guard case let ScoringError.malformedRules(file, reason) = error else { return false }
            return file == "broken.yaml" && reason.contains("rules[0].wieght") && reason.contains("unknown field")
        }
    }

    @Test func anUnknownLexiconOrEffectIsRefused() throws {
        let linking = try DefaultRules.files().filter { $0.name == "linking.yaml" }
        let unknownLexicon = "rules:\n  - {id: x, title: t, any: [missing], weight: 1, effect: signal}\n"
        #expect(throws: ScoringError.unknownLexicon(file: "r.yaml", rule: "x", lexicon: "missing")) {
            try Rulebook.parse(files: [("r.yaml", unknownLexicon)] + linking)
        }
        let badEffect = "lexicons: {a: {terms: [欠薪]}}\nrules:\n  - {id: x, title: t, any: [a], weight: 1, effect: shout}\n"
        #expect(throws: ScoringError.self) {
            try Rulebook.parse(files: [("r.yaml", badEffect)] + linking)
        }
    }

    @Test func invalidYAMLNamesTheFile() {
        #expect {
            try Rulebook.parse(files: [("bad.yaml", "rules: [\n  - id: x\n")])
        } throws: { error in
            guard case let ScoringError.malformedRules(file, _) = error else { return false }
            return file == "bad.yaml"
        }
    }

    @Test func theVersionChangesWithTheRuleText() throws {
        var files = try DefaultRules.files()
        let before = try Rulebook.parse(files: files).version
        #expect(try Rulebook.parse(files: files).version == before)
        files[0].text += "\n# a comment\n"
        #expect(try Rulebook.parse(files: files).version != before)
    }
}
