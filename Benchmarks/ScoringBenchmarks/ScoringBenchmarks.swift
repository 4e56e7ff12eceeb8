import BenchCorpus
import Benchmark
import ChineseConversion
import Foundation
import Model
import Scoring

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
        configuration: .init(metrics: [.wallClock, .peakMemoryResident], warmupIterations: 0,
                             maxDuration: .seconds(30), maxIterations: 3)
    ) { _ in
        blackHole(ScoringEngine(rulebook: rulebook, projects: corpus.projects, traditionalToSimplified: table))
    }

    Benchmark(
        "Full scoring (normalize, match, rules, link, story) \(corpus.posts.count) posts, \(String(format: "%.1f", megabytes)) MB",
        // Seven rounds of some 1.5 s each: on a shared machine one round says little.
        configuration: .init(metrics: [.wallClock, .peakMemoryResident, megabytesPerSecond], warmupIterations: 1,
                             maxDuration: .seconds(60), maxIterations: 7)
    ) { benchmark in
        let start = ContinuousClock.now
        // One core: the engine's own speed.
        blackHole(engine.evaluate(corpus.posts))
        let elapsed = ContinuousClock.now - start
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        benchmark.measurement(megabytesPerSecond, Int(megabytes / seconds))
    }

    Benchmark(
        "Full scoring on all cores (as the monitor scores a batch) \(corpus.posts.count) posts",
        configuration: .init(metrics: [.wallClock, .peakMemoryResident, megabytesPerSecond], warmupIterations: 1,
                             maxDuration: .seconds(60), maxIterations: 7)
    ) { benchmark in
        let start = ContinuousClock.now
        blackHole(engine.evaluateOnAllCores(corpus.posts))
        let elapsed = ContinuousClock.now - start
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        benchmark.measurement(megabytesPerSecond, Int(megabytes / seconds))
    }

    // Matching alone over the peers' pattern set (lexicon, names, aliases, contractors), for a like-for-like figure.
    let matcher = PatternMatcher(patterns: corpus.peerPatterns)
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
