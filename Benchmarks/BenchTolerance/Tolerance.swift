import Benchmark

/// How far a run may fall behind the thresholds checked in under `Benchmarks/Thresholds`
/// (`scripts/bench` fails past them). This machine's speed swings by a third between runs,
/// so the time and throughput tolerance is 40 % of the p90; memory varies less, 25 %.
public enum Tolerance {
    /// A benchmark's configuration, with the tolerances of the metrics it measures.
    public static func configuration(
        metrics: [BenchmarkMetric], warmupIterations: Int = Benchmark.defaultConfiguration.warmupIterations,
        maxDuration: Duration = Benchmark.defaultConfiguration.maxDuration,
        maxIterations: Int = Benchmark.defaultConfiguration.maxIterations
    ) -> Benchmark.Configuration {
        let time = BenchmarkThresholds(relative: [.p90: 40])
        let memory = BenchmarkThresholds(relative: [.p90: 25])
        var thresholds: [BenchmarkMetric: BenchmarkThresholds] = [:]
        for metric in metrics {
            switch metric {
            case .peakMemoryResident, .peakMemoryResidentDelta: thresholds[metric] = memory
            default: thresholds[metric] = time
            }
        }
        return .init(
            metrics: metrics, warmupIterations: warmupIterations, maxDuration: maxDuration,
            maxIterations: maxIterations, thresholds: thresholds)
    }
}
