import Foundation
import Model
import Scoring

// The corpus of Benchmarks/tools/corpus.py: gazetteer.tsv, lexicon.txt, posts.txt.
// scripts/bench makes it (100,000 projects, 200,000 posts) and points WAGEWATCH_BENCH_CORPUS at it.
public struct Corpus: @unchecked Sendable {
    public var projects: [Project]
    public var lexicon: [String]
    public var posts: [Item]
    public var bytes: Int

    /// Loads the corpus named by WAGEWATCH_BENCH_CORPUS, at most WAGEWATCH_BENCH_POSTS posts
    /// (else `defaultPostLimit`); nil when the variable is not set.
    public static func load(defaultPostLimit: Int = Int.max) -> Corpus? {
        guard let path = ProcessInfo.processInfo.environment["WAGEWATCH_BENCH_CORPUS"] else { return nil }
        let directory = URL(fileURLWithPath: path)
        func lines(_ name: String) -> [Substring] {
            guard let text = try? String(contentsOf: directory.appendingPathComponent(name), encoding: .utf8) else { return [] }
            return text.split(separator: "\n")
        }
        let projects = lines("gazetteer.tsv").map { line -> Project in
            let fields = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            return Project(
                id: fields[0], name: fields[1], aliases: fields[2].split(separator: ";").map(String.init),
                contractor: fields[3], department: "基准测试", funding: .government)
        }
        let limit = Int(ProcessInfo.processInfo.environment["WAGEWATCH_BENCH_POSTS"] ?? "") ?? defaultPostLimit
        let posts = lines("posts.txt").prefix(limit).enumerated().map { index, line in
            Item(feedID: "bench", sourceKey: "\(index)", kind: .post, content: String(line))
        }
        return Corpus(
            projects: projects, lexicon: lines("lexicon.txt").map(String.init), posts: posts,
            bytes: posts.reduce(0) { $0 + $1.content.utf8.count })
    }

    /// The peers' pattern set (`peers.py`): lexicon terms, project names, aliases and
    /// contractors, each once, sorted.
    public var peerPatterns: [String] {
        var patterns = Set(lexicon)
        for project in projects {
            patterns.insert(project.name)
            patterns.formUnion(project.aliases)
            if let contractor = project.contractor { patterns.insert(contractor) }
        }
        return patterns.sorted()
    }

    /// The default rules and text model plus the corpus lexicon as one more lexicon, so
    /// that the automaton holds every pattern the peers hold.
    public func rulebook() throws -> Rulebook {
        let rules = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("rules")
        var files = try FileManager.default.contentsOfDirectory(atPath: rules.path).filter(Rulebook.isRulesFile(named:))
            .sorted()
            .map { (name: $0, text: try String(contentsOf: rules.appendingPathComponent($0), encoding: .utf8)) }
        let terms = lexicon.map { "\"\($0)\"" }.joined(separator: ", ")
        files.append(
            (
                name: "bench.yaml",
                text: """
                lexicons:
                  bench_corpus: {title: 基准词表, terms: [\(terms)]}
                rules:
                  - {id: bench.terms, title: 基准词表, any: [bench_corpus], weight: 1, effect: score}
                """
            ))
        return try Rulebook.parse(files: files)
    }
}
