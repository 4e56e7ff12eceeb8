import ArgumentParser
import Foundation
import Model
import Monitor
import ServiceLifecycle
import Synchronization

#if canImport(Glibc)
    import Glibc
    import UnixSignals
#endif

extension WageWatch {
    struct Watch: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Keep polling every feed at its own interval until Ctrl-C or SIGTERM.",
            discussion: """
                Each feed is asked again after its `interval:` (feeds/*.yaml), or this command's \
                --interval, or the time its <ttl> or Cache-Control max-age gives, whichever is longest; \
                after failures, when its backoff ends. On SIGINT or SIGTERM the transfers in flight \
                finish, what arrived is stored, and the command exits; a second signal exits at once \
                (every feed's items are stored in one transaction, so nothing is half-written).
                """)

        @OptionGroup var global: GlobalOptions

        @Option(parsing: .unconditional, help: "How often a feed without an interval of its own is asked, in seconds (1 to 86400).")
        var interval: Double = 900

        @Option(
            parsing: .unconditional,
            help: "How many days the register looks back, the day included (default: window_days of rules/register.yaml).")
        var window: Int?

        func validate() throws {
            guard (1...86_400).contains(interval) else {
                throw ValidationError("--interval must be between 1 and 86400 seconds, got \(interval)")
            }
            if let window, !(1...366).contains(window) { throw ValidationError("--window must be between 1 and 366 days, got \(window)") }
        }

        func run() async throws {
            let monitor = try global.makeMonitor()
            let progress = CycleProgress()
            print("wagewatch watch: polling feeds from \(global.feeds); Ctrl-C stops after the cycle in flight")
            fflush(nil)
            let service = WatchService(
                monitor: monitor, defaultInterval: interval, windowDays: window,
                progress: { progress.update(done: $0, total: $1) },
                failed: { error in
                    progress.finish()
                    print("\(ISO8601DateFormatter().string(from: Date())) round failed, trying again in 30 s: \(error)")
                    fflush(nil)
                },
                report: { cycle in
                    progress.finish()
                    let flagged = cycle.register.projects.filter { !$0.flags.isEmpty }.count
                    print(
                        "\(ISO8601DateFormatter().string(from: Date())) cycle: \(cycle.feeds.count) feeds, "
                            + "\(cycle.feeds.reduce(0) { $0 + $1.added }) new items, \(cycle.assessed) assessed, "
                            + "\(flagged) projects flagged")
                    for line in RiskListTable.feedLines(cycle) { print(line) }
                    fflush(nil)  // a pipe gets each cycle as it ends
                })
            let escalation = SecondSignalExit()
            let group = ServiceGroup(
                configuration: .init(
                    services: [.init(service: service)], gracefulShutdownSignals: [.sigterm, .sigint], logger: monitor.logger))
            try await group.run()
            _ = escalation
            print("wagewatch watch: stopped")
        }
    }
}

/// A cycle's fetching progress: a bar redrawn in place when standard error is a
/// terminal; nothing on a pipe or a file, where the per-feed lines printed after
/// each cycle are the log.
final class CycleProgress: Sendable {
    private let isTerminal = isatty(STDERR_FILENO) == 1
    /// Whether a bar is on the screen.
    private let shown = Mutex(false)

    func update(done: Int, total: Int) {
        guard isTerminal, total > 0 else { return }
        let width = 30
        let filled = min(width, done * width / total)
        let bar = String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled)
        shown.withLock { shown in
            FileHandle.standardError.write(Data("\r抓取 fetching [\(bar)] \(done)/\(total)".utf8))
            shown = true
        }
    }

    /// Clears the bar before the cycle's lines are printed.
    func finish() {
        shown.withLock { shown in
            guard shown else { return }
            FileHandle.standardError.write(Data("\r\u{1B}[K".utf8))
            shown = false
        }
    }
}
