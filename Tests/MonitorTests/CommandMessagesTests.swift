import Foundation
import Store
import TestStores
import Testing

/// What the commands tell a clerk: what an import removed, and why a file or an item
/// could not be read, in a sentence and without the usage text.
@Suite struct CommandMessagesTests {
    let binary = Executable.path
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("wagewatch-messages-\(UUID().uuidString)")

    func run(_ arguments: [String], input: String? = nil) throws -> (end: ChildProcess.End, out: String, err: String) {
        let out = folder.appendingPathComponent("stdout.txt").path
        let err = folder.appendingPathComponent("stderr.txt").path
        let stdin = folder.appendingPathComponent("stdin.txt").path
        if let input { try input.write(toFile: stdin, atomically: true, encoding: .utf8) }
        let end = try ChildProcess(binary, arguments, stdout: out, stderr: err, stdin: input == nil ? nil : stdin).wait()
        return (end, (try? String(contentsOfFile: out, encoding: .utf8)) ?? "", (try? String(contentsOfFile: err, encoding: .utf8)) ?? "")
    }

    /// Every account command, as an administrator runs it: add (the password from standard
    /// input), list, disable, enable, reset-password, unlock, delete; each in the audit log.
    @Test func everyAccountCommandWorksAndIsAudited() async throws {
        guard Executable.required() != nil else { return }
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let store = TestStores.argument(folder: folder, name: "accounts.sqlite")
        #expect(try run(["migrate", "--create", "--database", store]).end == .exit(0))
        let added = try run(["user", "add", "张三", "--role", "petition", "--database", store], input: "correct-horse-9\n")
        #expect(added.end == .exit(0), "\(added.err)")
        #expect(try run(["user", "list", "--database", store]).out.contains("张三"))
        for (command, said) in [("disable", "已停用"), ("enable", "已启用"), ("unlock", "已解除"), ("delete", "已删除")] {
            if command == "delete" {
                let reset = try run(["user", "reset-password", "张三", "--database", store], input: "battery-staple-7\n")
                #expect(reset.end == .exit(0) && reset.out.contains("已重设"), "\(reset.err)")
            }
            let done = try run(["user", command, "张三", "--database", store])
            #expect(done.end == .exit(0) && done.out.contains(said), "\(command): \(done.err)")
        }
        let missing = try run(["user", "unlock", "李四", "--database", store])
        #expect(missing.end == .exit(1) && missing.err.contains("李四") && !missing.err.contains("Usage"))
        let database = try TestStores.open(folder: folder, name: "accounts.sqlite")
        let actions = try await database.auditEntries().map(\.action)
        for action in ["account_disabled", "account_enabled", "account_unlocked", "password_reset", "account_deleted"] {
            #expect(actions.contains(action), "\(action) in \(actions)")
        }
    }

    /// `migrate` on the engine of the run: a store that is not there is made only with
    /// --create; a password in the address is refused without echoing it.
    @Test func migrateMakesTheStoreOnlyWhenAskedAndKeepsPasswordsOutOfAddresses() throws {
        guard Executable.required() != nil else { return }
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let store = TestStores.argument(folder: folder, name: "migrate.sqlite")
        let missing = try run(["migrate", "--database", store])
        #expect(missing.end == .exit(1) && missing.err.contains("--create"))
        let made = try run(["migrate", "--create", "--database", store])
        #expect(made.end == .exit(0) && made.out.contains("数据库已是当前版本"))
        #expect(try run(["migrate", "--database", store]).end == .exit(0))
        let secret = try run(["migrate", "--database", "postgres://wagewatch:hunter2@127.0.0.1/x"])
        #expect(secret.end == .exit(1) && secret.err.contains("PGPASSWORD") && !secret.err.contains("hunter2"))
    }

    /// `case`: opened, listed and stepped through from the command line; a step by the
    /// wrong unit, or on a version seen before another step, is refused in a sentence.
    @Test func casesAreOpenedAndSteppedThroughFromTheCommandLine() throws {
        guard Executable.required() != nil else { return }
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let store = TestStores.argument(folder: folder, name: "cases.sqlite")
        let root = CrashRecoveryTests.root
        let global = ["--database", store, "--rules", root.appendingPathComponent("rules").path]
        let registry = root.appendingPathComponent("feeds/demo/registry.csv").path
        #expect(try run(["import", "registry", "--database", store, registry]).end == .exit(0))
        let office = ["--by", "zhao", "--as", "wage-office", "--today", "2024-12-02"]
        let opened = try run(["case", "open", "--project", "P-001", "--person", "李科长", "--plan", "核实"] + global + office)
        #expect(
            opened.end == .exit(0) && opened.out.contains("督办件 DB-2024-0001：交办市住建局") && opened.out.contains("2024-12-16"), "\(opened.err)")
        let twice = try run(["case", "open", "--project", "P-001", "--person", "王", "--plan", "再查"] + global + office)
        #expect(twice.end == .exit(1) && twice.err.contains("DB-2024-0001") && !twice.err.contains("Usage"))
        let unit = ["--by", "qian", "--today", "2024-12-02"]
        let wrong = try run(["case", "act", "DB-2024-0001", "sign", "--department", "市教育局"] + global + unit)
        #expect(wrong.end == .exit(1) && wrong.err.contains("只有责任单位市住建局可以签收"))
        #expect(try run(["case", "act", "DB-2024-0001", "sign", "--department", "市住建局"] + global + unit).end == .exit(0))
        let stale = try run(
            ["case", "act", "DB-2024-0001", "reply-paid", "--amount", "3200", "--workers", "4", "--version", "1", "--department", "市住建局"]
                + global + unit)
        #expect(stale.end == .exit(1) && stale.err.contains("已被他人处理") && stale.err.contains("办理中"))
        let listed = try run(["case", "list", "--today", "2024-12-20", "--database", store])
        #expect(listed.out.contains("DB-2024-0001") && listed.out.contains("办理中") && listed.out.contains("已超期 4 日"), "\(listed.out)")
        let shown = try run(["case", "show", "DB-2024-0001", "--database", store])
        #expect(shown.out.contains("待签收→办理中") && shown.out.contains("治欠办（zhao）交办"), "\(shown.out)")
        let scorecard = try run(["scorecard", "--as-of", "2024-12-20"] + global)
        #expect(scorecard.out.contains("督办") && scorecard.out.contains("超期"), "\(scorecard.out) \(scorecard.err)")
        let schedule = try run(["case", "schedule", "--today", "2024-12-20", "--database", store])
        #expect(schedule.out.contains("市住建局,DB-2024-0001,项目 P-001,李科长,2024-12-02,2024-12-16,办理中,4"), "\(schedule.out)")
        // The workbook goes to a file only; an answer's proof is told by its content.
        let noFile = try run(["case", "schedule", "--format", "xlsx", "--database", store])
        #expect(noFile.end == .exit(64) && noFile.err.contains("--output"))
        let book = folder.appendingPathComponent("调度表.xlsx").path
        #expect(try run(["case", "schedule", "--today", "2024-12-20", "--database", store, "-o", book]).end == .exit(0))
        #expect(try Data(contentsOf: URL(fileURLWithPath: book)).starts(with: [0x50, 0x4B, 0x03, 0x04]))
        let page = folder.appendingPathComponent("回单.pdf")
        try Data("<html><body>not a slip</body></html>".utf8).write(to: page)
        let posing = try run(
            [
                "case", "act", "DB-2024-0001", "reply-paid", "--amount", "3200", "--workers", "4", "--file", page.path, "--department",
                "市住建局",
            ]
                + global + unit)
        #expect(
            posing.end == .exit(1) && posing.err.contains("not a PDF, JPEG, PNG or XLSX") && !posing.err.contains("Usage"), "\(posing.err)")
        let daily = try run(["daily", "--as-of", "2024-12-20"] + global)
        #expect(
            daily.out.contains("超期督办（1）") && daily.out.contains("DB-2024-0001 项目 P-001 → 市住建局（李科长）办理中，期限 2024-12-16，已超期 4 日"),
            "\(daily.out)")
    }

    @Test func importsSayWhatTheyRemovedAndFailuresSayWhyWithoutUsage() throws {
        guard Executable.required() != nil else { return }
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let store = folder.appendingPathComponent("s.sqlite").path
        let rules = CrashRecoveryTests.root.appendingPathComponent("rules").path
        let demo = CrashRecoveryTests.root.appendingPathComponent("feeds/demo")
        #expect(try run(["import", "registry", "--database", store, demo.appendingPathComponent("registry.csv").path]).end == .exit(0))

        // A December ledger, then the same file corrected without its last row: the import says which row went.
        let ledger = try String(contentsOf: demo.appendingPathComponent("reports-2024-12.csv"), encoding: .utf8)
        var rows = ledger.replacingOccurrences(of: "\r\n", with: "\n").split(separator: "\n", omittingEmptySubsequences: true)
        let file = folder.appendingPathComponent("ledger.csv")
        try (rows.joined(separator: "\n") + "\n").write(to: file, atomically: true, encoding: .utf8)
        let first = try run(["import", "reports", "--database", store, "--filed-on", "2025-01-02", file.path])
        #expect(first.end == .exit(0), "\(first.err)")
        let dropped = String(rows.remove(at: 2).split(separator: ",")[0])  // the second row, a good one
        try (rows.joined(separator: "\n") + "\n").write(to: file, atomically: true, encoding: .utf8)
        let corrected = try run(["import", "reports", "--database", store, "--filed-on", "2025-01-02", file.path])
        #expect(corrected.end == .exit(0), "\(corrected.err)")
        #expect(
            corrected.out.contains("1 removed") && corrected.out.contains("removed (an earlier version of this file had them): \(dropped)"),
            "\(corrected.out)")

        // feed inspect refuses a file past the 15 MiB a fetched body may be, and says so.
        let huge = folder.appendingPathComponent("huge.xml")
        #expect(FileManager.default.createFile(atPath: huge.path, contents: nil))
        let handle = try FileHandle(forWritingTo: huge)
        try handle.truncate(atOffset: 16 * 1024 * 1024)
        try handle.close()
        let inspect = try run(["feed", "inspect", huge.path])
        #expect(inspect.end == .exit(1))
        #expect(
            inspect.err.contains("huge.xml") && inspect.err.contains("超过 15 MiB") && !inspect.err.contains("Usage"),
            "\(inspect.err)")
        let folderInspect = try run(["feed", "inspect", folder.path])
        #expect(folderInspect.end == .exit(1) && !folderInspect.err.contains("Usage"), "\(folderInspect.err)")

        // A mistyped store path makes no empty store: the command says so, unless --create is given.
        let typo = folder.appendingPathComponent("wagewach.sqlite").path
        let feeds = CrashRecoveryTests.root.appendingPathComponent("feeds").path
        let mistyped = try run(["run", "--database", typo, "--feeds", feeds, "--rules", rules, "--as-of", "2024-12-31"])
        #expect(
            mistyped.end == .exit(1) && mistyped.err.contains("no store at \(typo)") && !mistyped.err.contains("Usage"),
            "\(mistyped.err)")
        #expect(!FileManager.default.fileExists(atPath: typo))
        #expect(try run(["rules", "check", "--database", typo, "--rules", rules]).end == .exit(0))
        #expect(!FileManager.default.fileExists(atPath: typo))
        #expect(
            try run(["run", "--create", "--database", typo, "--feeds", feeds, "--rules", rules, "--as-of", "2024-12-31"]).end
                == .exit(0))
        #expect(FileManager.default.fileExists(atPath: typo))
        #expect(try run(["--version"]).out.hasPrefix("wagewatch "))
        // Account commands: an unknown name is said so; a stop is listed.
        let unknown = try run(["user", "disable", "nobody", "--database", store])
        #expect(unknown.end == .exit(1) && unknown.err.contains("no such account") && !unknown.err.contains("Usage"), "\(unknown.err)")

        // explain of an id the store does not hold, and daily on a store that is not there.
        let explain = try run(["explain", "no-such-item", "--database", store, "--rules", rules])
        #expect(explain.end == .exit(1))
        #expect(explain.err.contains("no-such-item") && !explain.err.contains("Usage"), "\(explain.err)")
        let daily = try run(["daily", "--database", folder.appendingPathComponent("none.sqlite").path, "--rules", rules])
        #expect(daily.end == .exit(1))
        #expect(daily.err.contains("none.sqlite") && !daily.err.contains("Usage"), "\(daily.err)")
    }

    /// `province scorecard` and `province daily` over two cities' stores: every city rolled
    /// up; a city whose store is missing is listed, named on standard error and fails the
    /// command; a wrong province file is named with its line.
    @Test func theProvinceCommandsRollUpEveryCityAndNameTheOnesNotRead() throws {
        guard Executable.required() != nil else { return }
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let root = CrashRecoveryTests.root
        let paths = ["--rules", root.appendingPathComponent("rules").path, "--feeds", root.appendingPathComponent("feeds").path]
        let registry = root.appendingPathComponent("feeds/demo/registry.csv").path
        let cityA = TestStores.argument(folder: folder, name: "a.sqlite")
        let cityB = TestStores.argument(folder: folder, name: "b.sqlite")
        #expect(try run(["import", "registry", "--database", cityA, registry]).end == .exit(0))
        #expect(try run(["run", "--database", cityA, "--as-of", "2024-12-31", "--window", "30"] + paths).end == .exit(0))
        #expect(try run(["import", "registry", "--database", cityB, registry]).end == .exit(0))
        let file = folder.appendingPathComponent("province.yaml")
        var text = """
            name: 示例省
            cities:
              - {code: qingchuan, name: 青川市, store: "\(cityA)"}
              - {code: beishan, name: 北山市, store: "\(cityB)"}

            """
        try text.write(to: file, atomically: true, encoding: .utf8)
        let asOf = ["--province", file.path, "--as-of", "2024-12-31"] + paths
        let json = try run(["province", "scorecard", "--format", "json"] + asOf)
        #expect(json.end == .exit(0), "\(json.err)")
        let cities = try #require(
            (try JSONSerialization.jsonObject(with: Data(json.out.utf8)) as? [String: Any])?["cities"] as? [[String: Any]])
        #expect(cities.map { $0["name"] as? String } == ["青川市", "北山市"])
        #expect(((cities[0]["total"] as? [String: Any])?["flagged"] as? Int ?? 0) > 0)
        let table = try run(["province", "scorecard"] + asOf)
        #expect(table.end == .exit(0) && table.out.contains("青川市  市住建局"), "\(table.out)")
        let html = try run(["province", "daily", "--format", "html"] + asOf)
        #expect(html.end == .exit(0) && html.out.contains("示例省全省欠薪风险日报") && html.out.contains("青川市"))

        text += "  - {code: nanhu, name: 南湖市, store: \(folder.appendingPathComponent("missing.sqlite").path)}\n"
        try text.write(to: file, atomically: true, encoding: .utf8)
        let missing = try run(["province", "scorecard"] + asOf)
        #expect(missing.end == .exit(1) && missing.out.contains("南湖市  （无法读取）") && missing.out.contains("北山市"))
        #expect(missing.err.contains("city nanhu (南湖市) could not be read") && missing.err.contains("cities not read: nanhu"))

        try "name: 示例省\ncities:\n  - {code: 9, name: 甲市, store: a.sqlite}\n".write(to: file, atomically: true, encoding: .utf8)
        let wrong = try run(["province", "daily"] + asOf)
        #expect(wrong.end == .exit(1) && wrong.err.contains("province file province.yaml:3:5: field code") && !wrong.err.contains("Usage"))
    }
}
