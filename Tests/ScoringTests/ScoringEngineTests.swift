import Model
import Scoring
import Testing

@Suite struct ScoringEngineTests {
    let engine: ScoringEngine

    init() throws {
        engine = try DefaultRules.engine()
    }

    func assess(_ text: String, kind: ItemKind = .post) -> ItemAssessment {
        var item = post(text)
        item.kind = kind
        return engine.evaluate(item).assessment
    }

    @Test func wageTermsScoreAboveTextWithout() {
        let claim = assess("工地老板拖欠工资三个月，电话打不通")
        let chatter = assess("工地今天浇筑楼板，进度很快")
        #expect(claim.isSignal)
        #expect(claim.claim == .wage)
        #expect(claim.firedRules.first == "wage.claim")
        #expect(claim.matchedTerms.contains("拖欠工资"))
        #expect(claim.level == .medium)
        #expect(!chatter.isSignal)
        #expect(chatter.level == SignalLevel.none)
        #expect(claim.score > chatter.score)
    }

    @Test func resolvedTermsCloseTheSignal() {
        let paid = assess("之前反映的拖欠工资问题，工资已全部发放到位，感谢")
        #expect(paid.isSignal)
        #expect(paid.isResolved)
        #expect(!paid.isOpenWageSignal)
        #expect(paid.score < assess("之前反映的拖欠工资问题还没解决").score)
    }

    @Test func projectPaymentsAreTheirOwnClaimKind() {
        let materials = assess("施工方拖欠材料款21万元，至今不结算")
        #expect(materials.isSignal)
        #expect(materials.claim == .projectPayment)
        // Workers whose boss blames unpaid 工程款 still claim wages.
        #expect(assess("包工头说工程款没到位，所以工资没发").claim == .wage)
        // A subcontractor presenting 工程款 as wages is a project-payment dispute.
        let disguised = assess("我们施工队干了两年，工程款1200万被拖欠，农民工工资发不出来")
        #expect(disguised.isSignal)
        #expect(disguised.claim == .projectPayment)
    }

    @Test func negationCancelsAClaim() {
        #expect(!assess("经了解，该工地没有拖欠工资").isSignal)
        #expect(!assess("不存在欠薪").isSignal)
        #expect(assess("工资没有发，老板不接电话").isSignal)
        #expect(assess("不给工资还骂人").isSignal)
    }

    @Test func proximityFindsClaimsWithoutAFixedPhrase() {
        #expect(assess("工资到现在一直没发").isSignal)
        #expect(!assess("工资很高。下个月我们就没发愁的事了，去年的账也早都拖了").isSignal)
    }

    @Test func aCancelledSignalKeepsEveryRuleThatFired() {
        // A drama synopsis: the claim, the extreme act and the noise rule that cancels them are all on record.
        let synopsis = assess("这部短剧讲述了农民工讨薪的故事，男主被欠薪三个月后爬上塔吊")
        #expect(!synopsis.isSignal && !synopsis.isEscalation)
        #expect(synopsis.firedRules.contains("noise.fiction"))
        #expect(synopsis.firedRules.contains("escalation.extreme"))
        #expect(synopsis.firedRules.contains { $0.hasPrefix("wage.") })
    }

    @Test func noiseCancelsTheSignalForPostsOnly() {
        let news = assess("新华社：国务院根治拖欠农民工工资工作领导小组部署冬季专项行动")
        #expect(news.firedRules.contains("wage.claim"))
        #expect(!news.isSignal)
        #expect(news.level == SignalLevel.none)
        // A petition is a complaint even when it quotes the campaign.
        #expect(assess("根治欠薪专项行动搞了这么久，我们的工资还是没发", kind: .petition).isSignal)
        #expect(!assess("郑州一工地包工头跑路，工人讨薪").isSignal)
    }

    @Test func escalationNeedsASignal() {
        let tower = assess("工地又有人爬塔吊讨薪了")
        #expect(tower.isEscalation)
        #expect(tower.level == .critical)
        // An escalation word on a real claim escalates; on a non-claim it does nothing.
        let inspection = assess("塔吊司机爬塔吊检修，工资月月按时发")
        #expect(!inspection.isSignal)
        #expect(!inspection.isEscalation)
        #expect(!assess("拖欠我五个月工资了").isEscalation)
        // How many are owed, and the weeks before Spring Festival, are no escalation.
        #expect(!assess("三十多人的工资拖了半年").isEscalation)
        #expect(!assess("快过年了，工资还没发，怎么回家").isEscalation)
        #expect(assess("快过年了，工资还没发，工人们在项目部门口拉起了横幅").isEscalation)
        // A petition that recorded five people or more is a collective petition (集体访).
        var visit = Item(feedID: "test", sourceKey: "v", kind: .petition, content: "反映工地拖欠工资三个月")
        visit.people = 6
        #expect(engine.evaluate(visit).assessment.isEscalation)
        visit.people = 4
        #expect(!engine.evaluate(visit).assessment.isEscalation)
    }

    @Test func headCountsAndAmountsComeFromTheTextWhenFieldsAreEmpty() {
        let text = assess("班组三十多人被拖欠工资一百二十万元")
        #expect(text.people == 30)
        #expect(text.amount == 1_200_000)
        #expect(text.firedRules.contains("amount.large"))
        var item = post("拖欠工资")
        item.people = 3
        item.amount = 9_000
        let fields = engine.evaluate(item).assessment
        #expect(fields.people == 3)
        #expect(!fields.isEscalation)
        #expect(!fields.firedRules.contains("amount.large"))
    }

    @Test func anEmptyItemIsNoSignal() {
        let verdict = engine.evaluate(Item(feedID: "f", sourceKey: "1", kind: .post, title: "", content: ""))
        #expect(!verdict.assessment.isSignal)
        #expect(verdict.link == nil)
    }

    @Test func traditionalFullWidthAndSpacedTextStillMatches() {
        #expect(assess("拖欠工資三個月了").isSignal)
        #expect(assess("拖 欠 工 资 ！").isSignal)
        #expect(assess("ＱＩＡＮＸＩＮ三个月了").isSignal)
        #expect(assess("<p>老板<b>拖欠</b>工资&nbsp;</p>").isSignal)
    }
}

@Suite struct RuleExamplesTests {
    @Test func everyRuleExampleInTheDefaultRulesHolds() throws {
        let engine = try DefaultRules.engine()
        var failures: [String] = []
        for rule in engine.rulebook.rules {
            for (texts, expected) in [(rule.examples.match, true), (rule.examples.noMatch, false)] {
                for text in texts where engine.firedRules(onText: text).contains(where: { $0.id == rule.id }) != expected {
                    failures.append("\(rule.id) \(expected ? "should" : "should not") fire on \(text)")
                }
            }
        }
        #expect(failures == [])
        // Examples are scored as posts: a rule that only petitions or their recorded head
        // count can fire is tested with such items (ScoringEngineTests.escalationNeedsASignal).
        // A rule that needs a registry mention is tested against a registry (QualityTests).
        let textRules = engine.rulebook.rules.filter {
            $0.conditions.kind != .petition && $0.conditions.recordedPeople == nil && $0.conditions.mentionsRegistry != true
        }
        #expect(textRules.allSatisfy { !$0.examples.match.isEmpty && !$0.examples.noMatch.isEmpty })
    }
}
