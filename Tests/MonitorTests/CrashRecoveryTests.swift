import Foundation
import LoopbackHTTP
import Model
import Store
import Testing

/// A cycle killed at any moment (SIGKILL, no chance to clean up) and run again
/// ends with every item stored exactly once: a feed's validators are committed
/// with its items, so a killed cycle can never leave a feed remembered as
/// fetched (and answered 304 next time) without its items.
@Suite struct CrashRecoveryTests {
    static let root = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let feedCount = 6
    static let postsPerFeed = 1500
    static let answerDelay: TimeInterval = 0.6

    static func posts(feed: Int) -> Data {
        var lines = ""
        for index in 0..<postsPerFeed {
            lines += "{\"id\": \"f\(feed)-\(index)\", \"platform\": \"论坛\", \"content\": \"城东工地第\(index)号帖：工资拖了三个月没发，工友们准备去讨薪\"}\n"
        }
        return Data(lines.utf8)
    }

    @Test func aCycleKilledMidwayAndRunAgainStoresEveryItemOnce() async throws {
        guard let binary = Executable.required() else { return }
        let bodies = (0..<Self.feedCount).map(Self.posts)
        let server = try LoopbackHTTPServer { request in
            // Every feed has a validator: a feed wrongly remembered as fetched would get 304 and never its items.
            guard let index = Int(request.path.dropFirst("/feed-".count).prefix { $0.isNumber }), index < bodies.count else {
                return .init(status: 404, body: Data())
            }
            let etag = "\"feed-\(index)\""
            if request.headers["if-none-match"] == etag { return .init(status: 304, body: Data()) }
            // Late answers: a run cannot be over before the first kills, however fast the machine.
            return .init(
                status: 200, headers: ["ETag": etag, "Content-Type": "application/x-ndjson"], body: bodies[index],
                delay: Self.answerDelay)
        }
        defer { server.stop() }
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("wagewatch-crash-\(UUID().uuidString)")
        let feeds = folder.appendingPathComponent("feeds")
        try FileManager.default.createDirectory(at: feeds, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let catalog =
            "feeds:\n"
            + (0..<Self.feedCount).map {
                "  - {id: forum-\($0), kind: post, format: post_ndjson, url: \"\(server.url("/feed-\($0).ndjson"))\"}\n"
            }.joined()
        try catalog.write(to: feeds.appendingPathComponent("forums.yaml"), atomically: true, encoding: .utf8)
        let store = folder.appendingPathComponent("store.sqlite").path

        // What the last run wrote on stderr, for the message of a failed expectation.
        let errors = folder.appendingPathComponent("stderr.txt").path
        let arguments = [
            "run", "--create", "--database", store, "--feeds", feeds.path,
            "--rules", Self.root.appendingPathComponent("rules").path, "--as-of", "2025-01-06",
        ]
        func stderr() -> String {
            (try? String(contentsOf: URL(fileURLWithPath: errors), encoding: .utf8)).map { String($0.suffix(2_000)) } ?? ""
        }
        // Killed while fetching (before the answers come, so surely alive), then later,
        // while storing or scoring on most machines, then run once to the end.
        // Once a run has ended on its own (an earlier kill woken so late that the run was over),
        // the feeds are remembered and the next run is all 304s: quick, and no longer "surely alive".
        var aRunFinished = false
        for delay in [0.1, 0.35, 1.0, 1.6] {
            let child = try ChildProcess(binary, arguments, stderr: errors)
            let started = ContinuousClock.now
            try await Task.sleep(for: .seconds(delay))
            kill(child.pid, SIGKILL)
            // A loaded machine (the other tests run beside this one) may wake the sleep late:
            // only a kill sent before any answer could come must have found the run alive.
            let killedAfter = ContinuousClock.now - started
            let end = child.wait()
            if killedAfter < .seconds(Self.answerDelay) && !aRunFinished {
                #expect(
                    end == .signal(SIGKILL),
                    "the run killed \(killedAfter) in should have been alive; it ended \(end): \(stderr())")
            }
            if end == .exit(0) { aRunFinished = true }
        }
        let last = try ChildProcess(binary, arguments, stderr: errors)
        #expect(last.wait() == .exit(0), "\(stderr())")

        let database = try AppDatabase.open(path: store)
        #expect(try await database.itemCount() == Self.feedCount * Self.postsPerFeed)
        let keys = try await database.allItems().map { "\($0.feedID)|\($0.sourceKey)" }
        #expect(Set(keys).count == keys.count)
        let states = try await database.feedStates()
        #expect((0..<Self.feedCount).allSatisfy { states["forum-\($0)"]?.etag == "\"feed-\($0)\"" })
    }
}

/// The debug executable the CLI tests run (`swift build --build-tests` builds it), or nil
/// after recording that it is missing.
enum Executable {
    static let path = CrashRecoveryTests.root.appendingPathComponent(".build/debug/wagewatch").path

    static func required() -> String? {
        guard FileManager.default.isExecutableFile(atPath: path) else {
            Issue.record("build the executable first (swift build --build-tests builds it): \(path)")
            return nil
        }
        return path
    }
}

/// A child process started and waited for with posix_spawn and waitpid: Foundation's
/// `Process` was seen to report a child killed at once, while other tests of the same
/// run started processes too, as having exited 0.
struct ChildProcess {
    enum End: Equatable {
        case exit(Int32)
        case signal(Int32)
        /// waitpid itself failed (errno): the child's end is unknown.
        case unknown(Int32)
    }

    let pid: pid_t

    /// Starts `path` with `arguments`, stdout to the file `stdout` (or /dev/null), stderr to
    /// the file `stderr`, stdin from the file `stdin` (or /dev/null).
    init(_ path: String, _ arguments: [String], stdout: String? = nil, stderr: String, stdin: String? = nil) throws {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, stdin ?? "/dev/null", O_RDONLY, 0)
        if let stdout {
            posix_spawn_file_actions_addopen(&actions, 1, stdout, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        } else {
            posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        }
        posix_spawn_file_actions_addopen(&actions, 2, stderr, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        // No signal blocked or caught in the child, whatever the spawning thread had.
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var none = sigset_t()
        var all = sigset_t()
        sigemptyset(&none)
        sigfillset(&all)
        posix_spawnattr_setsigmask(&attributes, &none)
        posix_spawnattr_setsigdefault(&attributes, &all)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        let argv = ([path] + arguments).map { strdup($0) }
        defer { for argument in argv { free(argument) } }
        var pid: pid_t = 0
        let result = posix_spawn(&pid, path, &actions, &attributes, argv + [nil], environ)
        guard result == 0 else { throw POSIXError(POSIXErrorCode(rawValue: result) ?? .EINVAL) }
        self.pid = pid
    }

    /// Waits for the child to end and says how.
    func wait() -> End {
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1 {
            guard errno == EINTR else { return .unknown(errno) }
        }
        let signal = status & 0x7F
        return signal == 0 ? .exit((status >> 8) & 0xFF) : .signal(signal)
    }
}
