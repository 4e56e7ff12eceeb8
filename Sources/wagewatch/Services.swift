import Foundation
import Monitor
import ServiceLifecycle
import Store
import Synchronization
import Web

/// The feed watch as a service: rounds of cycles until a graceful shutdown, which lets
/// the cycle in flight finish and store what arrived, and ends a wait at once.
struct WatchService: Service {
    let monitor: Monitor
    let defaultInterval: TimeInterval
    let windowDays: Int?
    let progress: (@Sendable (_ done: Int, _ total: Int) -> Void)?
    let failed: @Sendable (any Error) -> Void
    let report: @Sendable (CycleReport) -> Void

    func run() async throws {
        let monitor = monitor
        let defaultInterval = defaultInterval
        let windowDays = windowDays
        let progress = progress
        let failed = failed
        let report = report
        // Of several watch processes on one store, each fetches the feeds it leases.
        let holder = FeedLease.holderName()
        await cancelWhenGracefulShutdown {
            await monitor.watch(
                defaultInterval: defaultInterval, windowDays: windowDays, leaseHolder: holder, progress: progress,
                failed: failed, report: report)
        }
        // Stopping on purpose: the feeds go to the other workers at once.
        try? await monitor.database.releaseFeeds(holder: holder)
    }
}

/// What keeps the web UI current (the search index, the kept register; on PostgreSQL, the
/// changes other processes announce) as a service.
struct WebMaintenanceService: Service {
    let web: WebApp
    let every: Duration

    func run() async throws {
        let web = web
        let every = every
        await cancelWhenGracefulShutdown {
            await withDiscardingTaskGroup { group in
                group.addTask { await web.maintain(every: every) }
                group.addTask { await web.followStore(gap: every) }
            }
        }
    }
}

/// A second SIGINT or SIGTERM, while the first one's graceful stop is under way, exits
/// at once (the first is the service group's). Kept by the command while it runs.
final class SecondSignalExit {
    private final class Count: Sendable {
        let value = Mutex(0)
    }

    private let sources: [any DispatchSourceSignal]

    init() {
        let count = Count()
        sources = [SIGINT, SIGTERM].map { number in
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler {
                let seen = count.value.withLock { value in
                    value += 1
                    return value
                }
                if seen >= 2 {
                    FileHandle.standardError.write(Data("\nwagewatch: stopping now\n".utf8))
                    exit(130)
                }
                FileHandle.standardError.write(Data("\nwagewatch: stopping after the work in flight (signal again to stop now)\n".utf8))
            }
            source.resume()
            return source
        }
    }
}
