import ChineseConversion
import Foundation
import Ingest
import Model
import Parallel
import Scoring
import Store

/// A rule example that did not do what the rules file says.
public struct ExampleFailure: Sendable, Hashable, CustomStringConvertible {
    public var rule: String
    public var file: String
    public var line: Int?
    public var text: String
    public var expectedMatch: Bool

    public var description: String {
        let place = line.map { "\(file):\($0)" } ?? file
        return "\(place): rule \(rule) should \(expectedMatch ? "" : "not ")fire on: \(text)"
    }
}

/// What `rescore` found, item by item.
public struct RescoreReport: Sendable {
    /// One item whose verdict changed.
    public struct Change: Sendable, Hashable {
        public var itemID: String
        public var what: [String]
    }

    public var items: Int
    public var changedLevel: Int
    public var changedClaim: Int
    public var changedLink: Int
    public var changes: [Change]
    public var written: Bool
    /// Items a reviewer decided on: their decisions stay laid over the new verdicts (the
    /// store's triggers), so they are not counted as changed.
    public var keptDecisions = 0
}

extension Monitor {
    /// Runs every rule's examples against the current rules (with an empty registry).
    public func failingRuleExamples() throws -> (rules: Int, examples: Int, failures: [ExampleFailure]) {
        let rulebook = try loadRulebook()
        return Self.failingExamples(
            of: ScoringEngine(
                rulebook: rulebook, projects: [], traditionalToSimplified: try TraditionalToSimplified.sharedTable()))
    }

    /// The examples of `engine`'s rules that do not behave as written.
    public static func failingExamples(of engine: ScoringEngine) -> (rules: Int, examples: Int, failures: [ExampleFailure]) {
        var failures: [ExampleFailure] = []
        var examples = 0
        for rule in engine.rulebook.rules {
            for (texts, expected) in [(rule.examples.match, true), (rule.examples.noMatch, false)] {
                for text in texts {
                    examples += 1
                    let fired = engine.firedRules(onText: text).contains { $0.id == rule.id }
                    if fired != expected {
                        failures.append(
                            ExampleFailure(rule: rule.id, file: rule.file, line: rule.line, text: text, expectedMatch: expected))
                    }
                }
            }
        }
        return (engine.rulebook.rules.count, examples, failures)
    }

    /// Why the engine decides what it does about one stored item.
    public func explain(itemID: String) async throws -> Explanation? {
        guard let item = try await database.item(id: itemID) else { return nil }
        return try await makeEngine().explain(item)
    }

    /// Applies the current rules and registry to every stored item; writes only when `write`.
    public func rescore(write: Bool) async throws -> RescoreReport {
        let engine = try await makeEngine()
        let stored = try await database.storedAssessments()
        var report = RescoreReport(items: 0, changedLevel: 0, changedClaim: 0, changedLink: 0, changes: [], written: write)
        let items = try await database.allItems()
        let verdicts = await Parallel.run { engine.evaluateOnAllCores(items) }
        let decided = try await database.reviewedItemIDs()
        for (item, verdict) in zip(items, verdicts) {
            report.items += 1
            if decided.contains(item.id) {
                report.keptDecisions += 1
                continue
            }
            let before = stored[item.id]
            var what: [String] = []
            let oldLevel = before?.assessment.level ?? .none
            if oldLevel != verdict.assessment.level {
                report.changedLevel += 1
                what.append("level \(oldLevel.rawValue) -> \(verdict.assessment.level.rawValue)")
            }
            let oldClaim = before.map { $0.assessment.isSignal ? $0.assessment.claim.rawValue : "-" } ?? "-"
            let newClaim = verdict.assessment.isSignal ? verdict.assessment.claim.rawValue : "-"
            if oldClaim != newClaim {
                report.changedClaim += 1
                what.append("claim \(oldClaim) -> \(newClaim)")
            }
            let oldLink = before?.link.map { "\($0.projectID) (\($0.band.rawValue))" } ?? "-"
            let newLink = verdict.link.map { "\($0.projectID) (\($0.band.rawValue))" } ?? "-"
            if oldLink != newLink {
                report.changedLink += 1
                what.append("link \(oldLink) -> \(newLink)")
            }
            if !what.isEmpty { report.changes.append(.init(itemID: item.id, what: what)) }
        }
        if write {
            try await database.saveAssessments(verdicts, version: engine.version)
        }
        return report
    }
}

extension Monitor {
    /// How the current rules do on hand-labeled items (`rules evaluate`): the items are
    /// scored against `registry` (a registry CSV, as `import registry` reads it), not the store's.
    public func evaluateLabeled(files: [URL], registry: URL) throws -> [(file: String, report: QualityReport)] {
        let projects = try RegistryImporter.read(try readData(registry.path), file: registry.lastPathComponent).records
        let engine = ScoringEngine(
            rulebook: try loadRulebook(), projects: projects,
            traditionalToSimplified: try TraditionalToSimplified.sharedTable())
        return try files.map { file in
            let items = try LabeledItem.read(try readData(file.path), file: file.lastPathComponent)
            return (file.lastPathComponent, QualityReport(engine: engine, items: items))
        }
    }

    /// Learns the text model from labeled items (NDJSON, as `rules evaluate` reads), folding
    /// each title and content as the scorer does. Deterministic: the same files give the same model.
    public func trainTextModel(
        files: [URL], settings: TextModel.Training = TextModel.Training()
    ) throws -> (
        model: TextModel, examples: Int
    ) {
        let normalizer = TextNormalizer(traditionalToSimplified: try TraditionalToSimplified.sharedTable())
        var examples: [TextModel.Example] = []
        for file in files {
            for item in try LabeledItem.read(try readData(file.path), file: file.lastPathComponent) {
                let text = normalizer.normalize(fields: [item.title, item.content], keepingOrigins: false)
                let kind: TextModel.Kind =
                    !item.label.signal ? .none : item.label.claim == "project_payment" ? .projectPayment : .wage
                examples.append(
                    TextModel.Example(
                        fields: [text.scalars[text.range(ofField: 0)], text.scalars[text.range(ofField: 1)]], kind: kind))
            }
        }
        // A model learned from nothing would read every text as its bias: refused, and nothing written.
        guard !examples.isEmpty else {
            throw MonitorError.unreadable(
                path: files.map(\.path).joined(separator: ", "), reason: "no labeled items to learn the text model from")
        }
        return (TextModel.train(examples, settings), examples.count)
    }
}
