import BenchCorpus
import ChineseConversion
import Foundation
import Model
import Scoring

// A plain loop over the benchmark corpus, for profilers (perf, valgrind) that
// cannot follow package-benchmark's harness:
//   WAGEWATCH_PROFILE=1 WAGEWATCH_BENCH_CORPUS=.bench/corpus-100000-200000 WAGEWATCH_BENCH_POSTS=20000 \
//     WAGEWATCH_PROFILE_REPEAT=10 perf record -g Benchmarks/.build/release/ScoringProfile
// WAGEWATCH_PROFILE_PHASES=1 also times folding, matching and evaluation apart
// (best of WAGEWATCH_PROFILE_ROUNDS, 3), over the peers' pattern set or, with
// WAGEWATCH_PROFILE_ENGINE_PATTERNS=1, over the engine's own; WAGEWATCH_PROFILE_FILTER=1
// says how often the matcher's bigram filter lets a position through. With WAGEWATCH_PROFILE_REPEAT
// above 1 each round's time is printed; WAGEWATCH_PROFILE_STAMPS=1 also prints each round's
// start on CLOCK_MONOTONIC, to cut a `perf record -k mono` profile into rounds.
// package-benchmark's plugin runs every executable of this package; without
// WAGEWATCH_PROFILE this one does nothing there.
let environment = ProcessInfo.processInfo.environment
guard environment["WAGEWATCH_PROFILE"] != nil, let corpus = Corpus.load(defaultPostLimit: 20_000) else {
    print("ScoringProfile: set WAGEWATCH_PROFILE=1 and WAGEWATCH_BENCH_CORPUS (a folder written by Benchmarks/tools/corpus.py)")
    exit(0)
}
let rulebook = try corpus.rulebook()
let table = try TraditionalToSimplified.characterTable()

let clock = ContinuousClock()
var engine: ScoringEngine!
let build = clock.measure {
    engine = ScoringEngine(rulebook: rulebook, projects: corpus.projects, traditionalToSimplified: table)
}
var signals = 0
var linked = 0
let repeats = Int(environment["WAGEWATCH_PROFILE_REPEAT"] ?? "") ?? 1
var rounds: [Double] = []
let scoring = clock.measure {
    for _ in 0..<repeats {
        if environment["WAGEWATCH_PROFILE_STAMPS"] != nil {
            var now = timespec()
            clock_gettime(CLOCK_MONOTONIC, &now)
            print(String(format: "round-start %.6f", Double(now.tv_sec) + Double(now.tv_nsec) / 1e9))
        }
        let round = clock.measure {
            // One core, or with WAGEWATCH_PROFILE_ALL_CORES=1 every core, as the monitor scores a batch.
            let verdicts =
                environment["WAGEWATCH_PROFILE_ALL_CORES"] != nil
                ? engine.evaluateOnAllCores(corpus.posts) : engine.evaluate(corpus.posts)
            for verdict in verdicts {
                if verdict.assessment.isSignal { signals += 1 }
                if verdict.link != nil { linked += 1 }
            }
        }
        rounds.append(Double(round.components.seconds) + Double(round.components.attoseconds) / 1e18)
    }
}
if repeats > 1 { print("rounds:", rounds.map { String(format: "%.3f s", $0) }.joined(separator: ", ")) }
func seconds(_ duration: Duration) -> Double {
    Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
}
let megabytes = Double(corpus.bytes * repeats) / 1e6
print("automaton: \(engine.automatonSize.patterns) patterns, \(engine.automatonSize.states) states")
print(
    String(
        format: "build %.2f s; scoring %d posts (%.1f MB) in %.2f s = %.1f MB/s; %d signals, %d linked",
        seconds(build), corpus.posts.count * repeats, megabytes, seconds(scoring),
        megabytes / seconds(scoring), signals, linked))
if environment["WAGEWATCH_PROFILE_PHASES"] != nil {
    let normalizer = TextNormalizer(traditionalToSimplified: table)
    let matcher =
        environment["WAGEWATCH_PROFILE_ENGINE_PATTERNS"] != nil
        ? PatternMatcher(scalarPatterns: engine.patternScalars)
        : PatternMatcher(patterns: corpus.peerPatterns.map(normalizer.normalize))
    var best = [Double](repeating: .infinity, count: 4)
    let prepared = corpus.posts.map { normalizer.normalize(fields: [$0.title, $0.content, "", ""], keepingOrigins: false).scalars }
    var sink = 0
    // Best of WAGEWATCH_PROFILE_ROUNDS rounds (3): on a shared machine the best round is the steadiest figure.
    for _ in 0..<(Int(environment["WAGEWATCH_PROFILE_ROUNDS"] ?? "") ?? 3) {
        best[0] = min(
            best[0],
            seconds(
                clock.measure {
                    for post in corpus.posts {
                        sink &+= normalizer.normalize(fields: [post.title, post.content, "", ""], keepingOrigins: false).scalars.count
                    }
                }))
        best[1] = min(
            best[1],
            seconds(
                clock.measure {
                    for post in corpus.posts {
                        let text = normalizer.normalize(fields: [post.title, post.content, "", ""], keepingOrigins: false)
                        text.scalars.withUnsafeBufferPointer { buffer in matcher.scan(buffer) { pattern, _, _ in sink &+= pattern } }
                    }
                }))
        best[3] = min(
            best[3],
            seconds(
                clock.measure {
                    for text in prepared {
                        text.withUnsafeBufferPointer { buffer in matcher.scan(buffer) { pattern, _, _ in sink &+= pattern } }
                    }
                }))
        best[2] = min(
            best[2],
            seconds(
                clock.measure {
                    for verdict in engine.evaluate(corpus.posts) { sink &+= verdict.assessment.firedRules.count }
                }))
    }
    let mb = Double(corpus.bytes) / 1e6
    print(
        String(
            format: "normalize %.0f MB/s; scan %.0f MB/s; normalize+scan %.0f MB/s; evaluate %.0f MB/s (%d)",
            mb / best[0], mb / best[3], mb / best[1], mb / best[2], sink & 1))
}
if let paths = environment["WAGEWATCH_PROFILE_MODELS"] {
    // The text model alone, models side by side: WAGEWATCH_PROFILE_MODELS=a.tsv,b.tsv reads
    // every post with each in turn, round after round, and prints each one's best round.
    let normalizer = TextNormalizer(traditionalToSimplified: table)
    let models = try paths.split(separator: ",").map {
        try TextModel.parse(String(contentsOfFile: String($0), encoding: .utf8), file: String($0))
    }
    let fields = corpus.posts.map { post in
        [
            ArraySlice(normalizer.normalize(post.title).unicodeScalars.map(\.value)),
            ArraySlice(normalizer.normalize(post.content).unicodeScalars.map(\.value)),
        ]
    }
    var best = [Double](repeating: .infinity, count: models.count)
    var sink = 0
    for _ in 0..<(Int(environment["WAGEWATCH_PROFILE_ROUNDS"] ?? "") ?? 5) {
        for (index, model) in models.enumerated() {
            var scratch = TextModel.Seen()
            best[index] = min(
                best[index],
                seconds(clock.measure { for post in fields { sink &+= model.reading(post, scratch: &scratch).kind.rawValue } }))
        }
    }
    for (index, path) in paths.split(separator: ",").enumerated() {
        print(String(format: "model %@: %d grams, best round %.3f s (%d)", String(path), models[index].grams.count, best[index], sink & 1))
    }
}
if environment["WAGEWATCH_PROFILE_FILTER"] != nil {
    // How often the matcher's bigram filter lets a position through, with the engine's patterns.
    var bigrams = Set<UInt64>()
    var singles = Set<UInt32>()
    for pattern in engine.patternScalars {
        if pattern.count >= 2 {
            bigrams.insert(UInt64(pattern[0]) << 32 | UInt64(pattern[1]))
        } else if let only = pattern.first {
            singles.insert(only)
        }
    }
    let normalizer = TextNormalizer(traditionalToSimplified: table)
    var positions = 0
    var passed = 0
    var passedSingle = 0
    var counts: [UInt64: Int] = [:]
    for post in corpus.posts.prefix(2000) {
        let scalars = normalizer.normalizedScalars(post.content)
        for index in scalars.indices {
            positions += 1
            let key = index + 1 < scalars.count ? UInt64(scalars[index]) << 32 | UInt64(scalars[index + 1]) : 0
            if bigrams.contains(key) {
                passed += 1
                counts[key, default: 0] += 1
            } else if singles.contains(scalars[index]) {
                passedSingle += 1
            }
        }
    }
    print(
        "patterns: \(bigrams.count) first bigrams, \(singles.count) single characters; positions \(positions), bigram pass \(Double(passed) / Double(positions)), single pass \(Double(passedSingle) / Double(positions))"
    )
    for (key, count) in counts.sorted(by: { $0.value > $1.value }).prefix(15) {
        print(String(Unicode.Scalar(UInt32(key >> 32))!) + String(Unicode.Scalar(UInt32(key & 0xFFFF_FFFF))!), count)
    }
}
