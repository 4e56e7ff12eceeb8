import BenchCorpus
import BenchTolerance
import Benchmark
import ChineseConversion
import Foundation
import Model
import Scoring

let megabytesPerSecond = BenchmarkMetric.custom("MB/s", polarity: .prefersLarger, useScalingFactor: false)

/// Runs `work` once and records how many MB/s it read of `megabytes`.
func measureThroughput(_ benchmark: Benchmark, megabytes: Double, _ work: () -> Void) {
    let elapsed = ContinuousClock().measure(work)
    let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    benchmark.measurement(megabytesPerSecond, Int(megabytes / seconds))
}

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
        "Automaton_build_\(corpus.projects.count)_projects",
        configuration: Tolerance.configuration(
            metrics: [.wallClock, .peakMemoryResident], warmupIterations: 0,
            maxDuration: .seconds(30), maxIterations: 3)
    ) { _ in
        blackHole(ScoringEngine(rulebook: rulebook, projects: corpus.projects, traditionalToSimplified: table))
    }

    Benchmark(
        // Normalize, match, rules, link, story.
        "Full_scoring_one_core_\(corpus.posts.count)_posts",
        // Seven rounds of some 1.5 s each: on a shared machine one round says little.
        configuration: Tolerance.configuration(
            metrics: [.wallClock, .peakMemoryResident, megabytesPerSecond], warmupIterations: 1,
            maxDuration: .seconds(60), maxIterations: 7)
    ) { benchmark in
        // One core: the engine's own speed.
        measureThroughput(benchmark, megabytes: megabytes) { blackHole(engine.evaluate(corpus.posts)) }
    }

    Benchmark(
        // As the monitor scores a batch.
        "Full_scoring_all_cores_\(corpus.posts.count)_posts",
        configuration: Tolerance.configuration(
            metrics: [.wallClock, .peakMemoryResident, megabytesPerSecond], warmupIterations: 1,
            maxDuration: .seconds(60), maxIterations: 7)
    ) { benchmark in
        measureThroughput(benchmark, megabytes: megabytes) { blackHole(engine.evaluateOnAllCores(corpus.posts)) }
    }

    // Matching alone over the peers' pattern set (lexicon, names, aliases, contractors), for a like-for-like figure.
    let matcher = PatternMatcher(patterns: corpus.peerPatterns)
    let scalars = corpus.posts.map { $0.content.unicodeScalars.map(\.value) }
    Benchmark(
        // The peers' pattern set, overlapping matches.
        "Matching_only_\(matcher.count)_patterns",
        configuration: Tolerance.configuration(metrics: [.wallClock, megabytesPerSecond], warmupIterations: 1, maxIterations: 3)
    ) { benchmark in
        var matches = 0
        measureThroughput(benchmark, megabytes: megabytes) {
            for text in scalars {
                text.withUnsafeBufferPointer { buffer in
                    matcher.scan(buffer) { _, _, _ in matches += 1 }
                }
            }
        }
        blackHole(matches)
        if ProcessInfo.processInfo.environment["WAGEWATCH_BENCH_VERBOSE"] != nil {
            print("matching only: \(matches) matches")
        }
    }
}
