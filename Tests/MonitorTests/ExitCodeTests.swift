import Foundation
import Testing

/// `run` tells cron and systemd what happened: 0 when every feed was read, 3 when one
/// failed while the others were stored.
@Suite struct ExitCodeTests {
    @Test func aFailedFeedMakesRunExitThree() throws {
        guard let binary = Executable.required() else { return }
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("wagewatch-exit-\(UUID().uuidString)")
        let feeds = folder.appendingPathComponent("feeds")
        try FileManager.default.createDirectory(at: feeds, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        try "{\"id\": \"1\", \"platform\": \"论坛\", \"content\": \"工资拖了三个月没发\"}\n"
            .write(to: feeds.appendingPathComponent("posts.ndjson"), atomically: true, encoding: .utf8)
        let good = "feeds:\n  - {id: good, kind: post, format: post_ndjson, url: \"file:posts.ndjson\"}\n"
        try good.write(to: feeds.appendingPathComponent("feeds.yaml"), atomically: true, encoding: .utf8)
        let arguments = [
            "run", "--create", "--database", folder.appendingPathComponent("s.sqlite").path, "--feeds", feeds.path,
            "--rules", CrashRecoveryTests.root.appendingPathComponent("rules").path, "--as-of", "2025-01-06",
        ]
        let errors = folder.appendingPathComponent("stderr.txt").path
        #expect(try ChildProcess(binary, arguments, stderr: errors).wait() == .exit(0))
        let broken = good + "  - {id: gone, kind: post, format: post_ndjson, url: \"file:missing.ndjson\"}\n"
        try broken.write(to: feeds.appendingPathComponent("feeds.yaml"), atomically: true, encoding: .utf8)
        #expect(try ChildProcess(binary, arguments, stderr: errors).wait() == .exit(3))

        // A feeds folder with no catalog is no quiet city either.
        let empty = folder.appendingPathComponent("empty-feeds")
        try FileManager.default.createDirectory(at: empty, withIntermediateDirectories: true)
        var noFeeds = arguments
        noFeeds[noFeeds.firstIndex(of: feeds.path)!] = empty.path
        #expect(try ChildProcess(binary, noFeeds, stderr: errors).wait() == .exit(3))
        #expect(try String(contentsOfFile: errors, encoding: .utf8).contains("no feed is defined"))

        // A missing rules folder fails before the store is opened: no empty store is left behind.
        let elsewhere = folder.appendingPathComponent("other.sqlite").path
        let noRules = ["register", "--database", elsewhere, "--rules", folder.appendingPathComponent("nowhere").path]
        #expect(try ChildProcess(binary, noRules, stderr: errors).wait() == .exit(1))
        #expect(!FileManager.default.fileExists(atPath: elsewhere))
        let message = try String(contentsOfFile: errors, encoding: .utf8)
        #expect(message.contains("nowhere") && !message.contains("Usage"))

        // So does an import of a file that is not there.
        let noFile = ["import", "registry", "--database", elsewhere, folder.appendingPathComponent("none.csv").path]
        #expect(try ChildProcess(binary, noFile, stderr: errors).wait() == .exit(1))
        #expect(!FileManager.default.fileExists(atPath: elsewhere))
        #expect(try String(contentsOfFile: errors, encoding: .utf8).contains("none.csv：文件不存在"))

        // A negative number reaches the option's own check, not "missing value".
        for (command, option) in [("search", ["x", "--limit", "-1"]), ("register", ["--window", "-5"])] {
            let bad =
                [command, "--database", elsewhere, "--rules", CrashRecoveryTests.root.appendingPathComponent("rules").path]
                + option
            #expect(try ChildProcess(binary, bad, stderr: errors).wait() == .exit(64))
            let said = try String(contentsOfFile: errors, encoding: .utf8)
            #expect(said.contains("must be between") && !said.contains("Missing value"), "\(said)")
        }
    }

    /// A user who may read the store but not write it, nor its folder (no -shm file can be
    /// made), still gets the register. Run when the tests run as root, as CI does.
    @Test func aStoreInAFolderTheUserMayNotWriteIsRead() throws {
        let binary = Executable.path
        let setpriv = "/usr/bin/setpriv"
        guard getuid() == 0, FileManager.default.isExecutableFile(atPath: setpriv),
            FileManager.default.isExecutableFile(atPath: binary)
        else { return }
        let folder = URL(fileURLWithPath: "/tmp/wagewatch-ro-\(UUID().uuidString)")
        try FileManager.default.createDirectory(
            at: folder, withIntermediateDirectories: true,
            attributes: [.posixPermissions: 0o755])
        defer { try? FileManager.default.removeItem(at: folder) }
        let store = folder.appendingPathComponent("s.sqlite").path
        // The binary and the rules are copied where the other user may read them (a clone
        // under /root is not); when that user cannot run it even so, there is nothing to test.
        let copy = folder.appendingPathComponent("wagewatch").path
        let rules = folder.appendingPathComponent("rules").path
        try FileManager.default.copyItem(atPath: binary, toPath: copy)
        try FileManager.default.copyItem(atPath: CrashRecoveryTests.root.appendingPathComponent("rules").path, toPath: rules)
        let probe = folder.appendingPathComponent("probe.txt").path
        guard
            try ChildProcess(setpriv, ["--reuid=65534", "--regid=65534", "--clear-groups", copy, "--help"], stderr: probe)
                .wait() == .exit(0)
        else { return }
        let errors = folder.appendingPathComponent("stderr.txt").path
        let registry = CrashRecoveryTests.root.appendingPathComponent("feeds/demo/registry.csv").path
        #expect(try ChildProcess(binary, ["import", "registry", "--database", store, registry], stderr: errors).wait() == .exit(0))
        // Closed cleanly: no -wal or -shm is left for the reader to use.
        #expect(!FileManager.default.fileExists(atPath: store + "-shm"))
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: store)
        let before = try Data(contentsOf: URL(fileURLWithPath: store))
        let asNobody = [
            "--reuid=65534", "--regid=65534", "--clear-groups", copy,
            "register", "--database", store, "--rules", rules, "--as-of", "2024-12-31",
        ]
        let output = folder.appendingPathComponent("nobody.txt").path
        #expect(try ChildProcess(setpriv, asNobody, stderr: output).wait() == .exit(0))
        let said = (try? String(contentsOfFile: output, encoding: .utf8)) ?? ""
        #expect(!said.contains("readonly") && !said.contains("Error"), "\(said)")
        #expect(try Data(contentsOf: URL(fileURLWithPath: store)) == before)
        // Search reads it as last indexed.
        let search = ["--reuid=65534", "--regid=65534", "--clear-groups", copy, "search", "欠薪", "--database", store]
        #expect(try ChildProcess(setpriv, search, stderr: output).wait() == .exit(0))
        #expect(((try? String(contentsOfFile: output, encoding: .utf8)) ?? "").contains("read-only"))
        // A command that writes fails there, said without the SQL it was running.
        let writing = ["--reuid=65534", "--regid=65534", "--clear-groups", copy, "rescore", "--database", store, "--rules", rules]
        #expect(try ChildProcess(setpriv, writing, stderr: output).wait() == .exit(1))
        let refused = (try? String(contentsOfFile: output, encoding: .utf8)) ?? ""
        #expect(refused.contains("readonly") && refused.contains("SQLite error"), "\(refused)")
        #expect(!refused.contains("while executing") && !refused.contains("SELECT") && !refused.contains("INSERT"), "\(refused)")
        #expect(try Data(contentsOf: URL(fileURLWithPath: store)) == before)
        // A file this user may not read is said to be so, not "cannot be read".
        let secret = folder.appendingPathComponent("secret.csv").path
        try FileManager.default.copyItem(atPath: registry, toPath: secret)
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: secret)
        let denied = ["--reuid=65534", "--regid=65534", "--clear-groups", copy, "import", "registry", "--database", store, secret]
        #expect(try ChildProcess(setpriv, denied, stderr: output).wait() == .exit(1))
        let deniedSaid = (try? String(contentsOfFile: output, encoding: .utf8)) ?? ""
        #expect(deniedSaid.contains("secret.csv：无读取权限") && !deniedSaid.contains("Usage"), "\(deniedSaid)")
        // And a command that only reads takes the rejected rows from the store it may not write.
        let rejected = ["--reuid=65534", "--regid=65534", "--clear-groups", copy, "reports", "rejected", "--database", store]
        #expect(try ChildProcess(setpriv, rejected, stderr: output).wait() == .exit(0))
        #expect(try Data(contentsOf: URL(fileURLWithPath: store)) == before)
    }
}
