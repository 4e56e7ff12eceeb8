import Benchmark
import ChineseConversion
import Foundation
import Model
import Scoring

// The corpus of ../shared/bench/gen_corpus.py: gazetteer.tsv, lexicon.txt, posts.txt.
// scripts/bench makes it (100,000 projects, 200,000 posts) and points WAGEWATCH_BENCH_CORPUS at it.
struct Corpus: @unchecked Sendable {
    var projects: [Project]
    var lexicon: [String]
    var posts: [Item]
    var bytes: Int

    static func load() -> Corpus? {
        guard let path = ProcessInfo.processInfo.environment["WAGEWATCH_BENCH_CORPUS"] else { return nil }
        let directory = URL(fileURLWithPath: path)
        func lines(_ name: String) -> [Substring] {
            guard let text = try? String(contentsOf: directory.appendingPathComponent(name), encoding: .utf8) else { return [] }
            return text.split(separator: "\n")
        }
        let projects = lines("gazetteer.tsv").map { line -> Project in
            let fields = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            return Project(id: fields[0], name: fields[1], aliases: fields[2].split(separator: ";").map(String.init),
                           contractor: fields[3], department: "基准测试", funding: .government)
        }
        let limit = Int(ProcessInfo.processInfo.environment["WAGEWATCH_BENCH_POSTS"] ?? "") ?? Int.max
        let posts = lines("posts.txt").prefix(limit).enumerated().map { index, line in
            Item(feedID: "bench", sourceKey: "\(index)", kind: .post, content: String(line))
        }
        return Corpus(projects: projects, lexicon: lines("lexicon.txt").map(String.init), posts: posts,
                      bytes: posts.reduce(0) { $0 + $1.content.utf8.count })
    }

    /// The default rules plus the corpus lexicon as one more lexicon, so that the
    /// automaton holds every pattern the peers hold.
    func rulebook() throws -> Rulebook {
        let rules = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("rules")
        var files = try FileManager.default.contentsOfDirectory(atPath: rules.path).filter { $0.hasSuffix(".yaml") }.sorted()
            .map { (name: $0, text: try String(contentsOf: rules.appendingPathComponent($0), encoding: .utf8)) }
        let terms = lexicon.map { "\"\($0)\"" }.joined(separator: ", ")
        files.append((name: "bench.yaml", text: """
            lexicons:
              bench_corpus: {title: 基准词表, terms: [\(terms)]}
            rules:
              - {id: bench.terms, title: 基准词表, any: [bench_corpus], weight: 1, effect: score}
            """))
        return try Rulebook.parse(files: files)
    }
}

let megabytesPerSecond = BenchmarkMetric.custom("MB/s", polarity: .prefersLarger, useScalingFactor: false)

let benchmarks: @Sendable () -> Void = {
    guard let corpus = Corpus.load(), !corpus.posts.isEmpty else {
        print("WAGEWATCH_BENCH_CORPUS is not set or empty; run scripts/bench, which makes the corpus")
        return
    }
    let table = (try? TraditionalToSimplified.characterTable()) ?? [:]
    let rulebook = try! corpus.rulebook()
    let engine = ScoringEngine(rulebook: rulebook, projects: corpus.projects, traditionalToSimplified: table)
    let megabytes = Double(corpus.bytes) / 1_000_000

    Benchmark(
        "Automaton build (\(corpus.projects.count) projects)",
        configuration: .init(metrics: [.wallClock, .peakMemoryResident], warmupIterations: 0, maxIterations: 3)
    ) { _ in
        blackHole(ScoringEngine(rulebook: rulebook, projects: corpus.projects, traditionalToSimplified: table))
    }

    Benchmark(
        "Full scoring (normalize, match, rules, link, story) \(corpus.posts.count) posts, \(String(format: "%.1f", megabytes)) MB",
        configuration: .init(metrics: [.wallClock, .peakMemoryResident, megabytesPerSecond], warmupIterations: 1, maxIterations: 3)
    ) { benchmark in
        let start = ContinuousClock.now
        for post in corpus.posts {
            blackHole(engine.evaluate(post))
        }
        let elapsed = ContinuousClock.now - start
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        benchmark.measurement(megabytesPerSecond, Int(megabytes / seconds))
    }

    // Matching alone over the peers' pattern set (lexicon, names, aliases, contractors), for a like-for-like figure.
    var patterns = Set(corpus.lexicon)
    for project in corpus.projects {
        patterns.insert(project.name)
        patterns.formUnion(project.aliases)
        if let contractor = project.contractor { patterns.insert(contractor) }
    }
    let matcher = PatternMatcher(patterns: patterns.sorted())
    let scalars = corpus.posts.map { $0.content.unicodeScalars.map(\.value) }
    Benchmark(
        "Matching only (\(matcher.count) patterns, overlapping)",
        configuration: .init(metrics: [.wallClock, megabytesPerSecond], warmupIterations: 1, maxIterations: 3)
    ) { benchmark in
        let start = ContinuousClock.now
        var matches = 0
        for text in scalars {
            text.withUnsafeBufferPointer { buffer in
                matcher.scan(buffer) { _, _, _ in matches += 1 }
            }
        }
        let elapsed = ContinuousClock.now - start
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        blackHole(matches)
        benchmark.measurement(megabytesPerSecond, Int(megabytes / seconds))
        if ProcessInfo.processInfo.environment["WAGEWATCH_BENCH_VERBOSE"] != nil {
            print("matching only: \(matches) matches")
        }
    }
}
