import Foundation
import Model
import RulesFile
import Scoring
import Testing

/// The text model: its file, its training, and how its reading and the rules make one verdict.
@Suite struct TextModelTests {
    /// A model that reads 欠 and 欠了 as a wage claim, 货 and 货款 as a business's claim and nothing else:
    /// small enough to say by hand what it must decide.
    static let handModel = """
        # a model written by hand for the tests
        threshold\t0.8
        bias\t3\t0\t0
        gram\t欠\t0\t3.99\t0
        gram\t欠了\t0\t3.99\t0
        gram\t货\t0\t0\t3.99
        gram\t货款\t0\t0\t3.99
        """

    /// Rules of their own: one signal rule on 工资, a final place rule on 外地, a plain noise
    /// rule on 小说, and 已结清 as resolution.
    static let rules = """
        lexicons:
          wage: {title: 工资, terms: [工资]}
          elsewhere: {title: 外地, terms: [外地]}
          fiction: {title: 小说, terms: [小说]}
          paid: {title: 结清, terms: [已结清], negatable: false}
        rules:
          - id: wage.plain
            title: 工资
            level: medium
            any: [wage]
            weight: 10
            effect: signal
          - id: noise.elsewhere
            title: 外地
            level: informational
            final: true
            any: [elsewhere]
            weight: -10
            effect: noise
          - id: noise.fiction
            title: 小说
            level: informational
            any: [fiction]
            weight: -10
            effect: noise
          - id: resolved.paid
            title: 结清
            level: informational
            any: [paid]
            weight: -5
            effect: resolved
        """

    func engine(model: String? = handModel) throws -> ScoringEngine {
        var files = try DefaultRules.linkingFile() + [("r.yaml", Self.rules)]
        if let model { files.append((TextModel.fileName, model)) }
        return ScoringEngine(rulebook: try Rulebook.parse(files: files), projects: [])
    }

    @Test func aSureModelMakesASignalNoRuleSeesAndSaysWhoseMoney() throws {
        let engine = try engine()
        let wage = engine.evaluate(post("老板欠了三个月")).assessment
        #expect(wage.isSignal && wage.claim == .wage)
        #expect(wage.firedRules == ["model.wage"] && wage.level == .low)
        let goods = engine.evaluate(post("工资？不，是货款")).assessment
        #expect(goods.isSignal && goods.claim == .projectPayment)
        #expect(goods.firedRules == ["wage.plain", "model.project_payment"])
        // Without the model, the rules alone decide.
        let rulesOnly = try self.engine(model: nil)
        #expect(!rulesOnly.evaluate(post("老板欠了三个月")).assessment.isSignal)
        #expect(rulesOnly.evaluate(post("工资？不，是货款")).assessment.claim == .wage)
    }

    @Test func aSureNoneCancelsTheRulesAndAnUnsureModelLeavesThemAlone() throws {
        let engine = try engine()
        // The bias alone: sure of none (e^3 against 1 + 1), so the rules' signal goes.
        let none = engine.evaluate(post("工资的事")).assessment
        #expect(!none.isSignal && none.firedRules == ["wage.plain", "model.none"])
        // A model not that sure (threshold 0.95) leaves the rules' signal standing.
        let unsure = try self.engine(model: Self.handModel.replacingOccurrences(of: "threshold\t0.8", with: "threshold\t0.95"))
        let kept = unsure.evaluate(post("工资的事")).assessment
        #expect(kept.isSignal && kept.firedRules == ["wage.plain"])
        // A cancel threshold above the reading keeps the rules' signal, and still lets the model raise one.
        let guarded = try self.engine(model: Self.handModel + "\ncancel_threshold\t0.95")
        #expect(guarded.evaluate(post("工资的事")).assessment.firedRules == ["wage.plain"])
        #expect(guarded.evaluate(post("老板欠了三个月")).assessment.firedRules == ["model.wage"])
        // Nor does one that knows too few grams of the text: there it only guesses.
        let short = try self.engine(model: Self.handModel + "\nminimum_grams\t2")
        #expect(short.evaluate(post("工资欠着")).assessment.firedRules == ["wage.plain"])
        #expect(short.evaluate(post("工资欠着货款")).assessment.firedRules == ["wage.plain", "model.project_payment"])
    }

    @Test func aFinalRuleOverrulesTheModelAndAPlainNoiseRuleDoesNot() throws {
        let engine = try engine()
        let elsewhere = engine.evaluate(post("外地的老板欠了三个月")).assessment
        #expect(!elsewhere.isSignal && elsewhere.firedRules == ["noise.elsewhere"])
        let story = engine.evaluate(post("小说里老板欠了三个月")).assessment
        #expect(story.isSignal && story.firedRules == ["noise.fiction", "model.wage"])
    }

    @Test func aResolvedSignalStaysOneWhenTheModelReadsNone() throws {
        let engine = try engine()
        let paid = engine.evaluate(post("工资已结清")).assessment
        #expect(paid.isSignal && paid.isResolved)
        #expect(!paid.firedRules.contains("model.none"))
        // Sure of an open claim, the model keeps a resolution word from closing it.
        let partly = engine.evaluate(post("工资已结清？还欠了三个月")).assessment
        #expect(partly.isSignal && !partly.isResolved && partly.firedRules == ["wage.plain", "resolved.paid", "model.wage"])
    }

    @Test func explainShowsTheReadingAndTheGramsThatWeighedMost() throws {
        let engine = try engine()
        let explanation = engine.explain(post("货款欠着"))
        let reading = try #require(explanation.model)
        #expect(reading.decided && reading.judgement.kind == .projectPayment)
        #expect(reading.grams.first?.text == "货")
        #expect(reading.grams.map(\.text).contains("货款"))
        // The grams shown come from the masked text: a model that weighs the petitioner's
        // name never shows a piece of it.
        let named = try self.engine(model: Self.handModel + "\ngram\t秀英\t0\t0\t3")
        let petition = Item(feedID: "p", sourceKey: "1", kind: .petition, content: "王秀英的货款欠着", petitioner: "王秀英")
        let shown = try #require(named.explain(petition).model)
        #expect(shown.judgement.kind == .projectPayment)
        #expect(!shown.grams.contains { $0.text.contains("秀") || $0.text.contains("英") }, "\(shown.grams)")
    }

    @Test func trainingIsDeterministicAndLearnsWordsItWasShown() throws {
        func example(_ text: String, _ kind: TextModel.Kind) -> TextModel.Example {
            let scalars = text.unicodeScalars.map(\.value)
            return TextModel.Example(fields: [[], scalars[...]], kind: kind)
        }
        var examples: [TextModel.Example] = []
        for round in 0..<20 {
            examples.append(example("包工头欠我们工钱第\(round)天", .wage))
            examples.append(example("我们公司的材料款欠了\(round)个月", .projectPayment))
            examples.append(example("今天天气很好，出去走走\(round)", .none))
        }
        let first = TextModel.train(examples)
        let second = TextModel.train(examples)
        #expect(first.rendered(comment: []) == second.rendered(comment: []))
        // Read back from its file, the model reads texts it was not shown by the words it learned.
        let model = try TextModel.parse(first.rendered(comment: ["test"]), file: "m.tsv")
        func kind(_ text: String) -> TextModel.Kind {
            model.reading([[], Array(text.unicodeScalars.map(\.value))[...]]).kind
        }
        #expect(kind("还欠工钱") == .wage)
        #expect(kind("材料款没给") == .projectPayment)
        #expect(kind("天气真好") == TextModel.Kind.none)
    }

    /// A capped model keeps that many grams, those that tell the kinds apart (not the
    /// characters every text shares), and still reads the words it was shown.
    @Test func aCappedModelKeepsTheGramsThatTellTheKindsApart() throws {
        func example(_ text: String, _ kind: TextModel.Kind) -> TextModel.Example {
            TextModel.Example(fields: [[], Array(text.unicodeScalars.map(\.value))[...]], kind: kind)
        }
        var examples: [TextModel.Example] = []
        for round in 0..<20 {
            examples.append(example("大家好，包工头欠我们工钱第\(round)天", .wage))
            examples.append(example("大家好，我们公司的材料款欠了\(round)个月", .projectPayment))
            examples.append(example("大家好，今天天气很好，出去走走\(round)", .none))
        }
        var settings = TextModel.Training()
        settings.maximumGrams = 30
        let full = TextModel.train(examples)
        let capped = TextModel.train(examples, settings)
        #expect(capped.grams.count <= 30 && full.grams.count > 30, "\(full.grams.count)")
        #expect(capped.rendered(comment: []) == TextModel.train(examples, settings).rendered(comment: []))
        // 大家好 is in every text: it tells nothing apart.
        #expect(!capped.grams.contains("大家") && !capped.grams.contains("家好"), "\(capped.grams)")
        func kind(_ text: String) -> TextModel.Kind {
            capped.reading([[], Array(text.unicodeScalars.map(\.value))[...]]).kind
        }
        #expect(kind("包工头欠我们工钱") == .wage)
        #expect(kind("公司的材料款欠了") == .projectPayment)
        #expect(kind("今天天气很好，出去走走") == TextModel.Kind.none)
    }

    @Test func aBadModelFileNamesItsLineAndField() {
        func expectError(_ text: String, line: Int, containing words: String) {
            do {
                _ = try TextModel.parse(text, file: "text-model.tsv")
                Issue.record("no error for \(text)")
            } catch {
                #expect(error.description.contains("text-model.tsv"), "\(error)")
                if case .invalid(_, let at, _, let reason) = error {
                    #expect(at == line, "\(error)")
                    #expect(reason.contains(words), "\(error)")
                }
            }
        }
        expectError("threshold\t0.8\nbias\t0\t0\t0\ngram\t欠\t0\tx\t0", line: 3, containing: "weight 2 is not a number")
        expectError("threshold\t0.8\nbias\t0\t0", line: 2, containing: "needs 3 weights")
        expectError("threshold\t2\nbias\t0\t0\t0", line: 1, containing: "threshold")
        expectError("threshold\t0.8\nbias\t0\t0\t0\ngram\t欠\t0\t1\t0\ngram\t欠\t0\t1\t0", line: 4, containing: "listed twice")
        expectError("threshold\t0.8\nbias\t0\t0\t0\ngram\t欠薪了\t0\t1\t0", line: 3, containing: "one or two characters")
        expectError("bias\t0\t0\t0", line: 1, containing: "no threshold")
        expectError("threshold\t0.8\ncancel_threshold\t0.2", line: 2, containing: "cancel_threshold")
        expectError("threshold\t0.8\nbias\t0\t0\t0\ngram\t欠\t0\t4.5\t0", line: 3, containing: "beyond")
        expectError("threshold\t0.8\nweights\t1", line: 2, containing: "unknown line kind")
        expectError("threshold\t0.8\nbias\t0\tnan\t0", line: 2, containing: "weight 2 is not a number")
        // A broken model stops the rules from loading, as a broken rules file does.
        #expect(throws: RulesError.self) {
            try Rulebook.parse(files: try DefaultRules.files().filter { $0.name != TextModel.fileName } + [(TextModel.fileName, "bias\t1")])
        }
    }

    @Test func theModelFileIsPartOfTheRulesVersion() throws {
        let with = try engine()
        let other = try engine(model: Self.handModel.replacingOccurrences(of: "gram\t欠\t0\t3.99\t0", with: "gram\t欠\t0\t3.98\t0"))
        let without = try engine(model: nil)
        #expect(with.rulebook.version != other.rulebook.version)
        #expect(with.rulebook.version != without.rulebook.version)
    }
}
