import Foundation
import LoopbackHTTP
import Model
import Store
import Synchronization
import TestStores
import Testing

/// Three `watch` workers on one store (PostgreSQL in scripts/test's PostgreSQL pass, the
/// SQLite file otherwise) share the feeds: one is killed mid-cycle, its feeds are taken
/// over when their leases end, every item is stored once, and no feed is fetched twice
/// within its interval.
@Suite struct WorkerLeaseTests {
    static let feedCount = 6
    static let postsPerFeed = 200
    static let interval = 4.0

    static func posts(feed: Int) -> Data {
        Data(
            (0..<postsPerFeed).map { index in
                "{\"id\": \"w\(feed)-\(index)\", \"platform\": \"论坛\", \"content\": \"西区工地第\(index)号帖：包工头拖欠工资两个月\"}\n"
            }.joined().utf8)
    }

    @Test func threeWorkersShareTheFeedsAndAKilledOnesAreTakenOver() async throws {
        guard let binary = Executable.required() else { return }
        let bodies = (0..<Self.feedCount).map(Self.posts)
        let fetches = Mutex<[(feed: Int, at: ContinuousClock.Instant)]>([])
        // The worker killed when the last of its requests arrives, before any answer.
        let killOnLastRequest = Mutex<pid_t?>(nil)
        let server = try LoopbackHTTPServer { request in
            guard let index = Int(request.path.dropFirst("/feed-".count).prefix { $0.isNumber }), index < bodies.count else {
                return .init(status: 404, body: Data())
            }
            let count = fetches.withLock { fetches in
                fetches.append((index, ContinuousClock.now))
                return fetches.count
            }
            if count == Self.feedCount, let pid = killOnLastRequest.withLock({ $0.take() }) { kill(pid, SIGKILL) }
            // A slow answer: the first worker is surely mid-cycle when it is killed.
            return .init(status: 200, headers: ["Content-Type": "application/x-ndjson"], body: bodies[index], delay: 0.5)
        }
        defer { server.stop() }
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("wagewatch-workers-\(UUID().uuidString)")
        let feeds = folder.appendingPathComponent("feeds")
        try FileManager.default.createDirectory(at: feeds, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        try
            ("feeds:\n"
            + (0..<Self.feedCount).map {
                "  - {id: forum-\($0), kind: post, format: post_ndjson, url: \"\(server.url("/feed-\($0).ndjson"))\"}\n"
            }.joined()).write(to: feeds.appendingPathComponent("forums.yaml"), atomically: true, encoding: .utf8)
        let store = TestStores.argument(folder: folder)
        let errors = folder.appendingPathComponent("stderr.txt").path
        #expect(try ChildProcess(binary, ["migrate", "--create", "--database", store], stderr: errors).wait() == .exit(0))

        let arguments = [
            "watch", "--interval", "\(Int(Self.interval))", "--database", store, "--feeds", feeds.path,
            "--rules", CrashRecoveryTests.root.appendingPathComponent("rules").path,
        ]
        func worker(_ number: Int) throws -> ChildProcess {
            try ChildProcess(binary, arguments, stdout: folder.appendingPathComponent("worker-\(number).txt").path, stderr: errors)
        }
        // The first worker leases every feed and dies mid-cycle: when its last request
        // arrives, before any answer (each waits half a second), so it stored nothing.
        let first = try worker(0)
        killOnLastRequest.withLock { $0 = first.pid }
        #expect(first.wait() == .signal(SIGKILL))
        #expect(fetches.withLock { $0.count } == Self.feedCount)
        // Two more start while its leases run; they take its feeds over when the leases end.
        let others = try [worker(1), worker(2)]
        let database = try TestStores.open(folder: folder)
        let deadline = ContinuousClock.now + .seconds(90)
        while try await database.itemCount() < Self.feedCount * Self.postsPerFeed && ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(200))
        }
        // And one more interval, in which no feed may be asked again.
        try await Task.sleep(for: .seconds(Self.interval))
        for other in others { kill(other.pid, SIGTERM) }
        for other in others { #expect(other.wait() == .exit(0)) }

        #expect(try await database.itemCount() == Self.feedCount * Self.postsPerFeed)
        let keys = try await database.allItems().map { "\($0.feedID)|\($0.sourceKey)" }
        #expect(Set(keys).count == keys.count)
        // Each feed asked at least once, never by two workers within an interval (less the
        // time between taking a lease and the request reaching the server on a busy machine).
        let byFeed = Dictionary(grouping: fetches.withLock { $0 }, by: \.feed)
        #expect(byFeed.count == Self.feedCount)
        for (feed, asked) in byFeed {
            let times = asked.map(\.at).sorted()
            for (earlier, later) in zip(times, times.dropFirst()) {
                #expect(later - earlier >= .seconds(Self.interval - 1.5), "feed \(feed) asked at \(times)")
            }
        }
    }
}
