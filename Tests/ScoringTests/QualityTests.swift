import Foundation
import Ingest
import Model
import Scoring
import Testing

/// Precision and recall of the default rules on hand-labeled posts and petitions
/// against Fixtures/quality-registry.csv (52 projects of the fictional city 江陵市),
/// measured by `QualityReport`, the code behind `wagewatch rules evaluate`.
///
/// - tuning-*.ndjson (13,350 items) are the sets the rules were tuned on: every error
///   in them has been read. tuning-posts and tuning-petitions hold the trap classes of
///   the channels (who is owed what, escalation, genres, other cities, informal names,
///   unregistered sites); tuning-blind1 to tuning-blind18, tuning-blind20 to tuning-blind22, tuning-blind24, tuning-blind26, tuning-blind27 and tuning-blind30 were blind sets
///   until their errors were read; tuning-third holds the hardest classes again, written apart
///   (partial payments, disputed denials, advice threads);
/// - blind-holdout.ndjson to blind-holdout6.ndjson (450 items each, the nineteenth,
///   twenty-third, twenty-fifth, twenty-eighth, twenty-ninth and thirty-first sets) were written by someone who never saw the rules or the tuning
///   sets, from a description of the channels, the trap classes and the registry. Their
///   errors have not been read: their figures are the honest ones.
///
/// The scorer is the rules and the text model (`rules/text-model.tsv`), which `wagewatch
/// rules train` learned from the tuning sets (all but tuning-blind30, the newest) and never
/// from the held-out sets.
///
/// The floors are what the scorer reaches now, so that no change makes them worse unseen.
@Suite struct QualityTests {
    struct Floors: Sendable, CustomStringConvertible {
        var file: String
        var signalF1: Double
        var paymentPrecision: Double
        var paymentRecall: Double
        var escalationF1: Double
        var linkF1: Double
        /// nil for sets labeled before sites were.
        var sitePrecision: Double?
        var description: String { file }
    }

    static let sets = [
        Floors(
            file: "tuning-first.ndjson", signalF1: 0.99, paymentPrecision: 0.99, paymentRecall: 0.99,
            escalationF1: 0.97, linkF1: 0.97, sitePrecision: nil),
        Floors(
            file: "tuning-second.ndjson", signalF1: 0.99, paymentPrecision: 0.99, paymentRecall: 0.99,
            escalationF1: 0.99, linkF1: 0.92, sitePrecision: nil),
        Floors(
            file: "tuning-posts.ndjson", signalF1: 0.92, paymentPrecision: 0.97, paymentRecall: 0.85,
            escalationF1: 0.92, linkF1: 0.96, sitePrecision: 0.99),
        Floors(
            file: "tuning-petitions.ndjson", signalF1: 0.98, paymentPrecision: 0.99, paymentRecall: 0.98,
            escalationF1: 0.99, linkF1: 0.97, sitePrecision: 0.90),
        Floors(
            file: "tuning-blind1.ndjson", signalF1: 0.98, paymentPrecision: 0.99, paymentRecall: 0.99,
            escalationF1: 0.98, linkF1: 0.98, sitePrecision: 0.99),
        Floors(
            file: "tuning-third.ndjson", signalF1: 0.95, paymentPrecision: 0.97, paymentRecall: 0.95,
            escalationF1: 0.92, linkF1: 0.98, sitePrecision: 0.92),
        Floors(
            file: "tuning-blind2.ndjson", signalF1: 0.98, paymentPrecision: 0.99, paymentRecall: 0.99,
            escalationF1: 0.99, linkF1: 0.96, sitePrecision: 0.99),
        Floors(
            file: "tuning-blind3.ndjson", signalF1: 0.97, paymentPrecision: 0.99, paymentRecall: 0.97,
            escalationF1: 0.98, linkF1: 0.96, sitePrecision: 0.93),
        Floors(
            file: "tuning-blind4.ndjson", signalF1: 0.99, paymentPrecision: 0.93, paymentRecall: 0.96,
            escalationF1: 0.99, linkF1: 0.97, sitePrecision: 0.99),
        Floors(
            file: "tuning-blind5.ndjson", signalF1: 0.98, paymentPrecision: 0.99, paymentRecall: 0.95,
            escalationF1: 0.98, linkF1: 0.97, sitePrecision: 0.99),
        Floors(
            file: "tuning-blind6.ndjson", signalF1: 0.99, paymentPrecision: 0.99, paymentRecall: 0.99,
            escalationF1: 0.99, linkF1: 0.97, sitePrecision: 0.99),
        Floors(
            file: "tuning-blind7.ndjson", signalF1: 0.98, paymentPrecision: 0.99, paymentRecall: 0.94,
            escalationF1: 0.98, linkF1: 0.97, sitePrecision: 0.94),
        Floors(
            file: "tuning-blind8.ndjson", signalF1: 0.98, paymentPrecision: 0.92, paymentRecall: 0.97,
            escalationF1: 0.97, linkF1: 0.98, sitePrecision: 0.99),
        Floors(
            file: "tuning-blind9.ndjson", signalF1: 0.98, paymentPrecision: 0.96, paymentRecall: 0.98,
            escalationF1: 0.99, linkF1: 0.96, sitePrecision: 0.99),
        Floors(
            file: "tuning-blind10.ndjson", signalF1: 0.97, paymentPrecision: 0.98, paymentRecall: 0.93,
            escalationF1: 0.95, linkF1: 0.98, sitePrecision: 0.99),
        Floors(
            file: "tuning-blind11.ndjson", signalF1: 0.97, paymentPrecision: 0.97, paymentRecall: 0.92,
            escalationF1: 0.94, linkF1: 0.96, sitePrecision: 0.99),
        Floors(
            file: "tuning-blind12.ndjson", signalF1: 0.98, paymentPrecision: 0.97, paymentRecall: 0.94,
            escalationF1: 0.95, linkF1: 0.99, sitePrecision: 0.99),
        Floors(
            file: "tuning-blind13.ndjson", signalF1: 0.96, paymentPrecision: 0.97, paymentRecall: 0.88,
            escalationF1: 0.98, linkF1: 0.98, sitePrecision: 0.99),
        Floors(
            file: "tuning-blind14.ndjson", signalF1: 0.99, paymentPrecision: 0.98, paymentRecall: 0.99,
            escalationF1: 0.98, linkF1: 0.98, sitePrecision: 0.99),
        Floors(
            file: "tuning-blind15.ndjson", signalF1: 0.99, paymentPrecision: 0.99, paymentRecall: 0.99,
            escalationF1: 0.99, linkF1: 0.96, sitePrecision: 0.99),
        Floors(
            file: "tuning-blind16.ndjson", signalF1: 0.99, paymentPrecision: 0.98, paymentRecall: 0.94,
            escalationF1: 0.99, linkF1: 0.97, sitePrecision: 0.95),
        Floors(
            file: "tuning-blind17.ndjson", signalF1: 0.99, paymentPrecision: 0.99, paymentRecall: 0.97,
            escalationF1: 0.99, linkF1: 0.96, sitePrecision: 0.99),
        Floors(
            file: "tuning-blind18.ndjson", signalF1: 0.97, paymentPrecision: 0.96, paymentRecall: 0.91,
            escalationF1: 0.98, linkF1: 0.98, sitePrecision: 0.99),
        Floors(
            file: "tuning-blind20.ndjson", signalF1: 0.99, paymentPrecision: 0.99, paymentRecall: 0.99,
            escalationF1: 0.93, linkF1: 0.98, sitePrecision: 0.99),
        Floors(
            file: "tuning-blind21.ndjson", signalF1: 0.99, paymentPrecision: 0.99, paymentRecall: 0.99,
            escalationF1: 0.93, linkF1: 0.96, sitePrecision: 0.87),
        Floors(
            file: "tuning-blind22.ndjson", signalF1: 0.99, paymentPrecision: 0.99, paymentRecall: 0.98,
            escalationF1: 0.98, linkF1: 0.99, sitePrecision: 0.75),
        // The twenty-fourth set, read once (its first figures: 0.965 signal F1, 0.625 site
        // precision); the text model has not learned from it.
        Floors(
            file: "tuning-blind24.ndjson", signalF1: 0.97, paymentPrecision: 0.99, paymentRecall: 0.96,
            escalationF1: 0.96, linkF1: 0.97, sitePrecision: 0.99),
        Floors(
            file: "tuning-blind26.ndjson", signalF1: 0.98, paymentPrecision: 0.96, paymentRecall: 0.96,
            escalationF1: 0.99, linkF1: 0.98, sitePrecision: 0.99),
        Floors(
            file: "tuning-blind27.ndjson", signalF1: 0.98, paymentPrecision: 0.98, paymentRecall: 0.99,
            escalationF1: 0.99, linkF1: 0.97, sitePrecision: 0.93),
        // The thirtieth set: the text model has not learned from it yet.
        Floors(
            file: "tuning-blind30.ndjson", signalF1: 0.98, paymentPrecision: 0.96, paymentRecall: 0.99,
            escalationF1: 0.97, linkF1: 0.99, sitePrecision: 0.89),
        // The targets are 0.93 signal F1, 0.90 payment precision and recall, 0.85
        // escalation F1, 0.95 link F1 and 0.80 site precision. This set (the nineteenth, 102
        // payment claims and 38 wage claims told as a story with none of the usual words)
        // meets them with the text model (rules/text-model.tsv, learned from the tuning sets
        // only); the floors are its figures. Without the model it gave 0.913 signal F1 and
        // 0.804 payment recall.
        Floors(
            file: "blind-holdout.ndjson", signalF1: 0.99, paymentPrecision: 0.99, paymentRecall: 0.97,
            escalationF1: 0.96, linkF1: 0.98, sitePrecision: 0.92),
        // The twenty-third set, written after the twenty-second was read, never read either.
        Floors(
            file: "blind-holdout2.ndjson", signalF1: 0.98, paymentPrecision: 0.99, paymentRecall: 0.96,
            escalationF1: 0.96, linkF1: 0.99, sitePrecision: 0.88),
        // The twenty-fifth set, written after the twenty-fourth was read, never read either.
        Floors(
            file: "blind-holdout3.ndjson", signalF1: 0.97, paymentPrecision: 0.99, paymentRecall: 0.96,
            escalationF1: 0.93, linkF1: 0.97, sitePrecision: 0.89),
        // The twenty-eighth set, written after the twenty-sixth and twenty-seventh were read, never read either.
        Floors(
            file: "blind-holdout4.ndjson", signalF1: 0.97, paymentPrecision: 0.94, paymentRecall: 0.96,
            escalationF1: 0.98, linkF1: 0.97, sitePrecision: 0.99),
        // The twenty-ninth set, written by another hand after the twenty-eighth; never read.
        Floors(
            file: "blind-holdout5.ndjson", signalF1: 0.99, paymentPrecision: 0.99, paymentRecall: 0.99,
            escalationF1: 0.98, linkF1: 0.98, sitePrecision: 0.88),
        // The thirty-first set, written after the thirtieth was read; never read.
        Floors(
            file: "blind-holdout6.ndjson", signalF1: 0.98, paymentPrecision: 0.99, paymentRecall: 0.99,
            escalationF1: 0.92, linkF1: 0.99, sitePrecision: 0.99),
    ]

    static func engine() throws -> ScoringEngine {
        let registry = try RegistryImporter.read(try fixture("quality-registry.csv"), file: "quality-registry.csv")
        #expect(registry.rejections.isEmpty)
        return try DefaultRules.engine(projects: registry.records)
    }

    @Test(arguments: sets)
    func signalsClaimsEscalationAndLinksMeetTheFloors(floors: Floors) throws {
        let engine = try Self.engine()
        let items = try LabeledItem.read(try fixture(floors.file), file: floors.file)
        #expect(items.count >= 100)
        // Batch scoring (reused buffers, a pipeline) leaves nothing of one item in the next:
        // checked on two sets (scoring every set three times would load the machine for
        // minutes, beside the suites that wait on sockets and timers).
        if ["blind-holdout.ndjson", "tuning-blind21.ndjson"].contains(floors.file) {
            let batch = engine.evaluate(items.compactMap(\.item))
            #expect(batch == items.compactMap(\.item).map { engine.evaluate($0) })
        }

        let report = QualityReport(engine: engine, items: items)
        print(report.rendered(title: floors.file))
        if ProcessInfo.processInfo.environment["WAGEWATCH_QUALITY_DETAILS"] != nil {
            print(report.misses.joined(separator: "\n"))
        }
        let overall = report.overall
        #expect(overall.signal.f1 >= floors.signalF1, "signal \(overall.signal)")
        #expect(overall.projectPayment.precision.value >= floors.paymentPrecision, "payment \(overall.projectPayment)")
        #expect(overall.projectPayment.recall.value >= floors.paymentRecall, "payment \(overall.projectPayment)")
        #expect(overall.escalation.f1 >= floors.escalationF1, "escalation \(overall.escalation)")
        #expect(overall.link.f1 >= floors.linkF1, "linking \(overall.link)")
        if let sitePrecision = floors.sitePrecision {
            #expect(report.sites.value >= sitePrecision, "sites \(report.sites)")
        }
    }

    /// The corpus is what the issue asks of it: large, in every channel's register, mostly hard.
    @Test func theLabeledCorpusCoversEveryChannelAndTrapClass() throws {
        var all: [LabeledItem] = []
        for floors in Self.sets { all += try LabeledItem.read(try fixture(floors.file), file: floors.file) }
        #expect(all.count >= 2000)
        let classed = all.filter { $0.label.classes != nil }
        let hard = classed.filter { !($0.label.classes ?? []).allSatisfy { $0 == "plain" } }
        #expect(Double(hard.count) >= 0.5 * Double(classed.count))
        let channels = Set(all.compactMap(\.channel))
        for channel in ["微博", "抖音", "贴吧", "论坛", "hotline", "visit", "letter", "online", "platform", "新闻", "公众号"] {
            #expect(channels.contains(channel), "no items of \(channel)")
        }
        let classes = Set(classed.flatMap { $0.label.classes ?? [] })
        for trap in [
            "claimant_role", "wage_as_consequence", "boss_blames_project_payment", "festival_only", "headcount_only",
            "compound_word", "collective_action", "extreme_act", "narrative_paraphrase", "resolved",
            "hypothetical_advice", "law_explainer", "statistics", "notice", "fiction", "other_city",
            "city_in_company_name", "news_dateline", "hometown_elsewhere", "local_despite_city_name",
            "informal_project_name", "homophone_township", "unregistered_site", "generic_site", "repeat_contact",
        ] {
            #expect(classes.contains(trap), "no items of class \(trap)")
        }
    }

    /// A labeled set with a broken line is refused with the line's number, not half read.
    @Test func aBrokenLabeledLineNamesItsLine() throws {
        let text = """
            {"id": "1", "kind": "post", "title": "", "content": "工资没发", "label": {"signal": true, "ambiguous": false, "escalation": false}}
            {"id": "2", "kind": "post", "title": "", "content": "工资没发"}
            """
        #expect(throws: LabeledSetError.self) { try LabeledItem.read(Data(text.utf8), file: "x.ndjson") }
        do {
            _ = try LabeledItem.read(Data(text.utf8), file: "x.ndjson")
        } catch let error as LabeledSetError {
            #expect(error.line == 2 && error.file == "x.ndjson")
        }
    }
}
