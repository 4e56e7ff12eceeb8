import ChineseConversion
import Foundation
import Model
import Scoring

// A plain loop over the benchmark corpus, for profilers (perf, valgrind) that
// cannot follow package-benchmark's harness:
//   WAGEWATCH_PROFILE=1 WAGEWATCH_BENCH_CORPUS=.bench/corpus-100000-200000 WAGEWATCH_BENCH_POSTS=20000 \
//     WAGEWATCH_PROFILE_REPEAT=10 perf record -g Benchmarks/.build/release/ScoringProfile
// package-benchmark's plugin runs every executable of this package; without
// WAGEWATCH_PROFILE this one does nothing there.
let environment = ProcessInfo.processInfo.environment
guard environment["WAGEWATCH_PROFILE"] != nil, let path = environment["WAGEWATCH_BENCH_CORPUS"] else {
    print("ScoringProfile: set WAGEWATCH_PROFILE=1 and WAGEWATCH_BENCH_CORPUS (a folder of ../shared/bench/gen_corpus.py)")
    exit(0)
}
let directory = URL(fileURLWithPath: path)
let limit = Int(ProcessInfo.processInfo.environment["WAGEWATCH_BENCH_POSTS"] ?? "") ?? 20_000
let gazetteer = try String(contentsOf: directory.appendingPathComponent("gazetteer.tsv"), encoding: .utf8)
let projects = gazetteer.split(separator: "\n").map { line -> Project in
    let fields = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
    return Project(id: fields[0], name: fields[1], aliases: fields[2].split(separator: ";").map(String.init),
                   contractor: fields[3], department: "基准测试", funding: .government)
}
let lexicon = try String(contentsOf: directory.appendingPathComponent("lexicon.txt"), encoding: .utf8)
    .split(separator: "\n").map { "\"\($0)\"" }.joined(separator: ", ")
let posts = try String(contentsOf: directory.appendingPathComponent("posts.txt"), encoding: .utf8)
    .split(separator: "\n").prefix(limit).enumerated()
    .map { Item(feedID: "bench", sourceKey: "\($0.offset)", kind: .post, content: String($0.element)) }
let rules = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().appendingPathComponent("rules")
var files = try FileManager.default.contentsOfDirectory(atPath: rules.path).filter { $0.hasSuffix(".yaml") }.sorted()
    .map { (name: $0, text: try String(contentsOf: rules.appendingPathComponent($0), encoding: .utf8)) }
files.append((name: "bench.yaml", text: """
    lexicons:
      bench_corpus: {title: 基准词表, terms: [\(lexicon)]}
    rules:
      - {id: bench.terms, title: 基准词表, any: [bench_corpus], weight: 1, effect: score}
    """))
let rulebook = try Rulebook.parse(files: files)
let table = try TraditionalToSimplified.characterTable()

let clock = ContinuousClock()
var engine: ScoringEngine!
let build = clock.measure {
    engine = ScoringEngine(rulebook: rulebook, projects: projects, traditionalToSimplified: table)
}
let bytes = posts.reduce(0) { $0 + $1.content.utf8.count }
var signals = 0, linked = 0
let repeats = Int(ProcessInfo.processInfo.environment["WAGEWATCH_PROFILE_REPEAT"] ?? "") ?? 1
let scoring = clock.measure {
    for _ in 0..<repeats { for post in posts {
        let verdict = engine.evaluate(post)
        if verdict.assessment.isSignal { signals += 1 }
        if verdict.link != nil { linked += 1 }
    } }
}
func seconds(_ duration: Duration) -> Double {
    Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
}
print(String(format: "build %.2f s; scoring %d posts (%.1f MB) in %.2f s = %.1f MB/s; %d signals, %d linked",
             seconds(build), posts.count * repeats, Double(bytes * repeats) / 1e6, seconds(scoring),
             Double(bytes * repeats) / 1e6 / seconds(scoring), signals, linked))
