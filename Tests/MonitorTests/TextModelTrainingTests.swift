import Foundation
import Monitor
import RulesFile
import Scoring
import TestStores
import Testing

/// `wagewatch rules train` end to end: labeled items in, a model file in a rules folder,
/// read back with the rules and scored with.
@Suite struct TextModelTrainingTests {
    static let root = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let labeled = root.appendingPathComponent("Tests/ScoringTests/Fixtures/tuning-blind1.ndjson")

    /// A rules folder of the default rules, without the model.
    func rulesFolder() throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("wagewatch-train-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let rules = Self.root.appendingPathComponent("rules")
        for name in try FileManager.default.contentsOfDirectory(atPath: rules.path) where name.hasSuffix(".yaml") {
            try FileManager.default.copyItem(at: rules.appendingPathComponent(name), to: folder.appendingPathComponent(name))
        }
        return folder
    }

    func monitor(rules: URL) throws -> Monitor {
        Monitor(
            database: try TestStores.open(folder: rules, name: "train.sqlite"),
            feedsDirectory: Self.root.appendingPathComponent("feeds"), rulesDirectory: rules, environment: [:])
    }

    @Test func aTrainedModelIsTheSameEachTimeAndScoresWithTheRules() throws {
        let rules = try rulesFolder()
        defer { try? FileManager.default.removeItem(at: rules) }
        let monitor = try monitor(rules: rules)
        #expect(try monitor.loadRulebook().textModel == nil)
        let first = try monitor.trainTextModel(files: [Self.labeled])
        let second = try monitor.trainTextModel(files: [Self.labeled])
        #expect(first.examples == 420)
        #expect(first.model.rendered(comment: []) == second.model.rendered(comment: []))
        #expect(first.model.grams.count > 1000)
        let withoutModel = try monitor.loadRulebook().version
        try Data(first.model.rendered(comment: ["test"]).utf8).write(to: rules.appendingPathComponent(TextModel.fileName))
        let rulebook = try monitor.loadRulebook()
        #expect(rulebook.textModel?.grams == first.model.grams)
        #expect(rulebook.version != withoutModel)
        // Scored on the items it learned from, it agrees with nearly all of their labels.
        let report = try #require(
            try monitor.evaluateLabeled(
                files: [Self.labeled],
                registry: Self.root.appendingPathComponent("Tests/ScoringTests/Fixtures/quality-registry.csv")
            ).first?.report)
        #expect(report.overall.signal.f1 > 0.95, "\(report.overall.signal)")
    }

    @Test func learningFromNoItemsIsRefusedAndWritesNothing() throws {
        let rules = try rulesFolder()
        defer { try? FileManager.default.removeItem(at: rules) }
        let empty = rules.appendingPathComponent("empty.ndjson")
        try Data().write(to: empty)
        #expect(throws: MonitorError.self) { try monitor(rules: rules).trainTextModel(files: [empty]) }
        #expect(!FileManager.default.fileExists(atPath: rules.appendingPathComponent(TextModel.fileName).path))
    }

    @Test func aBrokenModelFileStopsTheRulesWithItsLine() throws {
        let rules = try rulesFolder()
        defer { try? FileManager.default.removeItem(at: rules) }
        try Data("threshold\t0.8\nbias\t0\t0\t0\ngram\t欠\t0\tx\t0\n".utf8).write(to: rules.appendingPathComponent(TextModel.fileName))
        do {
            _ = try monitor(rules: rules).loadRulebook()
            Issue.record("a broken model loaded")
        } catch let error as RulesError {
            #expect(error.description.hasPrefix("rules file text-model.tsv:3: gram 欠: weight 2"), "\(error)")
        }
    }
}
