import Foundation
import Ingest
import Model

// Parses one feed file as a plain program, for perf and valgrind:
//   WAGEWATCH_PROFILE=1 perf record -g Benchmarks/.build/release/FeedProfile .bench/feed-20000.xml
// package-benchmark's plugin runs every executable of this package; without
// WAGEWATCH_PROFILE this one does nothing there.
guard ProcessInfo.processInfo.environment["WAGEWATCH_PROFILE"] != nil, CommandLine.arguments.count > 1,
    let data = FileManager.default.contents(atPath: CommandLine.arguments[1])
else {
    print("FeedProfile: set WAGEWATCH_PROFILE=1 and give a feed file")
    exit(0)
}
let feed = FeedDefinition(id: "profile", kind: .post, format: .rss, url: "https://rsshub.example/weibo/keyword/1")
let clock = ContinuousClock()
var entries = 0
let elapsed = try clock.measure { entries = try RSSParser(feed: feed).parseReporting(data).items.count }
let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
print(
    String(
        format: "%d entries, %.1f MB in %.2f s = %.1f MB/s", entries, Double(data.count) / 1e6, seconds,
        Double(data.count) / 1e6 / seconds))
