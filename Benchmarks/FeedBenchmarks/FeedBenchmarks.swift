import BenchTolerance
import Benchmark
import Foundation
import Ingest
import LoopbackHTTP
import Model

let megabytesPerSecond = BenchmarkMetric.custom("MB/s", polarity: .prefersLarger, useScalingFactor: false)

let benchmarks: @Sendable () -> Void = {
    let environment = ProcessInfo.processInfo.environment

    // Parsing: the RSSHub-style feed of Benchmarks/tools/feed.py (scripts/bench writes it),
    // and the same feed cut to the 15 MiB body cap, for peak memory.
    for (variable, label) in [
        ("WAGEWATCH_BENCH_FEED", "RSS_parse_feed_20000_items"), ("WAGEWATCH_BENCH_FEED_CAP", "RSS_parse_feed_at_the_15_MiB_cap"),
    ] {
        guard let path = environment[variable], let data = FileManager.default.contents(atPath: path) else {
            print("\(variable) is not set; run scripts/bench, which writes the feed")
            continue
        }
        let feed = FeedDefinition(id: "bench", kind: .post, format: .rss, url: "https://rsshub.example/weibo/keyword/1")
        let megabytes = Double(data.count) / 1_000_000
        // Decode, repair, parse, HTML to text, keys. Names without spaces or slashes: package-benchmark
        // finds a threshold file by the name as it is.
        Benchmark(
            label,
            configuration: Tolerance.configuration(
                metrics: [.wallClock, .peakMemoryResident, megabytesPerSecond], warmupIterations: 1, maxIterations: 5)
        ) { benchmark in
            let start = ContinuousClock.now
            let result = try RSSParser(feed: feed).parseReporting(data)
            let elapsed = ContinuousClock.now - start
            blackHole(result)
            let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
            benchmark.measurement(megabytesPerSecond, Int(megabytes / seconds))
            if environment["WAGEWATCH_BENCH_VERBOSE"] != nil { print("\(label): \(result.items.count) entries") }
        }
    }

    // Fetching: 1,000 feeds over 50 local servers (one port each stands for a host),
    // every answer 100 ms late, with the default caps (32 in all, 4 per host).
    Benchmark(
        "Fetch_cycle_1000_feeds_50_hosts_100_ms_each",
        configuration: Tolerance.configuration(metrics: [.wallClock, .peakMemoryResident], warmupIterations: 0, maxIterations: 3)
    ) { _ in
        let body = Data("<rss version=\"2.0\"><channel><item><guid>1</guid><title>欠薪</title></item></channel></rss>".utf8)
        let servers = try (0..<50).map { _ in
            try LoopbackHTTPServer { _ in .init(status: 200, headers: ["Content-Type": "application/rss+xml"], body: body, delay: 0.1) }
        }
        defer { for server in servers { server.stop() } }
        let requests = (0..<1000).map { index in
            FetchRequest(feedID: "feed-\(index)", url: servers[index % servers.count].url("/feed/\(index).xml"))
        }
        let results = await Fetcher().fetch(requests)
        let failed = results.values.filter { if case .failure = $0 { true } else { false } }.count
        precondition(results.count == 1000 && failed == 0, "\(failed) of \(results.count) fetches failed")
    }
}
