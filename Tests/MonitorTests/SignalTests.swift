import Foundation
import Testing

/// `watch` and `serve` stop on SIGTERM: at once while they wait, and with exit code 0.
@Suite struct SignalTests {
    let binary = Executable.path

    /// Starts the command, waits until its standard output says `ready` (at most three minutes),
    /// sends SIGTERM and says how it ended and what it printed.
    func stop(_ arguments: [String], in folder: URL, once ready: String) throws -> (end: ChildProcess.End, out: String) {
        let out = folder.appendingPathComponent("out.txt").path
        let err = folder.appendingPathComponent("err.txt").path
        let child = try ChildProcess(binary, arguments, stdout: out, stderr: err)
        let deadline = Date().addingTimeInterval(180)
        func printed() -> String { (try? String(contentsOfFile: out, encoding: .utf8)) ?? "" }
        while !printed().contains(ready) && Date() < deadline { usleep(50_000) }
        #expect(printed().contains(ready), "\(printed()) \((try? String(contentsOfFile: err, encoding: .utf8)) ?? "")")
        kill(child.pid, SIGTERM)
        return (child.wait(), printed())
    }

    @Test func watchAndServeStopGracefullyOnSIGTERM() throws {
        guard Executable.required() != nil else { return }
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("wagewatch-signal-\(UUID().uuidString)")
        let feeds = folder.appendingPathComponent("feeds")
        try FileManager.default.createDirectory(at: feeds, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        try "{\"id\": \"1\", \"platform\": \"论坛\", \"content\": \"工资拖了三个月没发\"}\n"
            .write(to: feeds.appendingPathComponent("posts.ndjson"), atomically: true, encoding: .utf8)
        try "feeds:\n  - {id: posts, kind: post, format: post_ndjson, url: \"file:posts.ndjson\"}\n"
            .write(to: feeds.appendingPathComponent("feeds.yaml"), atomically: true, encoding: .utf8)
        let common = [
            "--create", "--database", folder.appendingPathComponent("s.sqlite").path, "--feeds", feeds.path,
            "--rules", CrashRecoveryTests.root.appendingPathComponent("rules").path,
        ]
        // After its first cycle the watch waits an hour for the next: SIGTERM ends the wait.
        let watched = try stop(["watch", "--interval", "3600"] + common, in: folder, once: "cycle:")
        #expect(watched.end == .exit(0))
        #expect(watched.out.contains("wagewatch watch: stopped"), "\(watched.out)")
        // The server (with its upkeep and a watch of its own) stops the same way.
        let served = try stop(
            ["serve", "--port", "0", "--watch", "--interval", "3600", "--as-of", "2025-01-06"] + common,
            in: folder, once: "wagewatch serve: http://")
        #expect(served.end == .exit(0))
        #expect(served.out.contains("wagewatch serve: stopped"), "\(served.out)")
    }
}
