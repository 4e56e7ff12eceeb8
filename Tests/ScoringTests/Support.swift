import ChineseConversion
import Foundation
import Model
import Scoring

/// The repository's default rules and OpenCC's table, loaded once for the tests that score with them.
enum DefaultRules {
    static let directory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("rules")

    static func files() throws -> [(name: String, text: String)] {
        try FileManager.default.contentsOfDirectory(atPath: directory.path)
            .filter(Rulebook.isRulesFile(named:)).sorted()
            .map { ($0, try String(contentsOf: directory.appendingPathComponent($0), encoding: .utf8)) }
    }

    static func rulebook() throws -> Rulebook {
        try Rulebook.parse(files: files())
    }

    static let simplifiedTable: [UInt32: UInt32] = (try? TraditionalToSimplified.characterTable()) ?? [:]

    static func engine(projects: [Project] = []) throws -> ScoringEngine {
        ScoringEngine(rulebook: try rulebook(), projects: projects, traditionalToSimplified: simplifiedTable)
    }

    /// The linking section alone, to pair with a test's own rules.
    static func linkingFile() throws -> [(name: String, text: String)] {
        try files().filter { $0.name == "linking.yaml" }
    }
}

func post(_ content: String, title: String = "", id: String = "1") -> Item {
    Item(feedID: "test", sourceKey: id, kind: .post, title: title, content: content)
}

func fixture(_ name: String) throws -> Data {
    try Data(
        contentsOf: URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("Fixtures").appendingPathComponent(name))
}
