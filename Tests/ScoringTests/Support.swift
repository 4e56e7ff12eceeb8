import Foundation
import Model
import Scoring

/// The repository's default rules, loaded once for the tests that score with them.
enum DefaultRules {
    static let directory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("rules")

    static func files() throws -> [(name: String, text: String)] {
        try FileManager.default.contentsOfDirectory(atPath: directory.path)
            .filter { $0.hasSuffix(".yaml") }.sorted()
            .map { ($0, try String(contentsOf: directory.appendingPathComponent($0), encoding: .utf8)) }
    }

    static func rulebook() throws -> Rulebook {
        try Rulebook.parse(files: files())
    }
}

func post(_ content: String, title: String = "", id: String = "1") -> Item {
    Item(feedID: "test", sourceKey: id, kind: .post, title: title, content: content)
}
