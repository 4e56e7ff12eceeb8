import Foundation
import TestStores
import Testing

/// `--log-format json`: every line a log collector reads is one JSON object, with the time
/// in local time and its zone, whatever the logged values hold.
@Suite struct LogFormatTests {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("wagewatch-logs-\(UUID().uuidString)")

    @Test func jsonLogLinesAreOneObjectALine() throws {
        guard let binary = Executable.required() else { return }
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        // A file name with a quote, a backslash and a line break: logged as a value, escaped.
        let registry = folder.appendingPathComponent("登记\"表\\\n.csv")
        let demo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("feeds/demo/registry.csv")
        try FileManager.default.copyItem(at: demo, to: registry)
        let (out, err) = (folder.appendingPathComponent("out").path, folder.appendingPathComponent("err").path)
        let store = TestStores.argument(folder: folder, name: "logs.sqlite")
        let end = try ChildProcess(
            binary, ["import", "registry", registry.path, "--database", store, "-v", "--log-format", "json"], stdout: out, stderr: err
        ).wait()
        #expect(end == .exit(0))
        let lines = try String(contentsOfFile: err, encoding: .utf8).split(separator: "\n")
        #expect(!lines.isEmpty)
        for line in lines {
            let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: String], "\(line)")
            #expect(["time", "level", "label", "message", "source"].allSatisfy { object[$0] != nil }, "\(line)")
            let time = try #require(object["time"])
            #expect(time.range(of: #"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}[+-]\d\d:\d\d$"#, options: .regularExpression) != nil, "\(time)")
        }
        let imported = try #require(
            lines.lazy.compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: String] }
                .first { $0["message"] == "registry imported" })
        #expect(imported["file"] == registry.lastPathComponent && imported["added"] == "20")
        // A format that is none of the two is refused, naming the choices.
        let wrong = try ChildProcess(
            binary, ["import", "registry", registry.path, "--database", store, "--log-format", "xml"], stdout: out, stderr: err
        ).wait()
        let refusal = try String(contentsOfFile: err, encoding: .utf8)
        #expect(wrong == .exit(64) && refusal.contains("'text' and 'json'"))
    }
}
