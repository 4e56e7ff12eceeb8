import Foundation
import Model
import Monitor
import Store
import TestStores
import Testing

/// `import platform` on the engine of the run: matched by id or by name, the same file
/// twice changes nothing, a corrected file replaces its rows, what matches nothing is
/// listed; the register reads the rows back and raises the platform's flags.
@Suite struct PlatformStoreTests {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("wagewatch-platform-\(UUID().uuidString)")
    let today = Day(year: 2025, month: 1, day: 10)!
    let header =
        "月份,平台项目编码,项目编号,项目名称,施工总包单位,所属乡镇,在册人数,考勤人数,考勤工日,人工费拨付金额,应发工资,专户代发金额,代发人数,代发日期,是否开立工资专户"

    func write(_ rows: [String], name: String = "platform.csv") throws -> String {
        let file = folder.appendingPathComponent(name)
        try ([header] + rows).joined(separator: "\n").appending("\n").write(to: file, atomically: true, encoding: .utf8)
        return file.path
    }

    /// A store of the engine of the run in `folder`, holding the demo's registry.
    func demoMonitor() async throws -> Monitor {
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let monitor = Monitor(
            database: try TestStores.open(folder: folder), feedsDirectory: DemoRunTests.root.appendingPathComponent("feeds"),
            rulesDirectory: DemoRunTests.root.appendingPathComponent("rules"), environment: [:])
        _ = try await monitor.importRegistry(path: DemoRunTests.root.appendingPathComponent("feeds/demo/registry.csv").path)
        return monitor
    }

    @Test func importsMatchesReplacesAndTheRegisterReadsTheRowsBack() async throws {
        defer { try? FileManager.default.removeItem(at: folder) }
        let monitor = try await demoMonitor()
        let rows = [
            "2024-11,PT-001,P-001,城东安置房二期,,,120,100,2200,500000,480000,0,0,,是",
            "2024-11,PT-002,,金域华府住宅小区,,,50,40,800,,,160000,40,2024-12-08,是",
            "2024-11,PT-003,,某某无名工地,,,30,20,300,,,0,0,,否",
            "2024-11,PT-004,P-404,某某另一工地,,,30,20,300,,,0,0,,否",
        ]
        let path = try write(rows)
        let first = try await monitor.importPlatform(path: path, today: today)
        #expect(first.added == 4 && first.rejections.isEmpty)
        let second = try await monitor.importPlatform(path: path, today: today)
        #expect(second.added == 0 && second.updated == 0 && second.unchanged == 4 && second.removed == 0)
        let stored = try await monitor.database.platformRecords(from: Period("2024-11")!, through: Period("2024-11")!)
        #expect(stored.map(\.matchedProjectID) == ["P-001", "P-005", nil, nil])
        #expect(stored.map(\.matchedBy) == [.id, .name, nil, nil])
        #expect(try await monitor.database.unmatchedPlatformRecords().map(\.platformProjectID) == ["PT-004", "PT-003"])

        // The register as of 2024-12-21: P-001 had 100 workers on site and nothing paid.
        let report = try await monitor.evaluateRegister(asOf: Day(year: 2024, month: 12, day: 21)!, windowDays: 30)
        let p001 = try #require(report.projects.first { $0.projectID == "P-001" })
        #expect(p001.flags.contains(.payrollGap))
        #expect(p001.flagEvidence.first { $0.flag == .payrollGap }?.platformRows == ["2024-11/PT-001"])
        #expect(report.projects.first { $0.projectID == "P-005" }?.flags.contains(.payrollGap) == false)
        #expect(report.projects.first { $0.projectID == "P-003" }?.flags.contains(.offPlatform) == true)

        // A corrected file: PT-001 paid after all, PT-003 gone; a bad row is rejected and kept aside.
        let corrected = try write([
            "2024-11,PT-001,P-001,城东安置房二期,,,120,100,2200,500000,480000,480000,100,2024-12-10,是",
            rows[1], rows[3], "2024-11,PT-009,,坏行,,,10,20,300,,,0,0,,否",
        ])
        let third = try await monitor.importPlatform(path: corrected, today: today)
        #expect(third.updated == 1 && third.unchanged == 2 && third.removed == 1 && third.removedIDs == ["2024-11|PT-003"])
        #expect(third.rejections.map(\.row) == [5])
        #expect(try await monitor.database.rejections(kind: .platform).map(\.column) == ["考勤人数"])
        let after = try await monitor.evaluateRegister(asOf: Day(year: 2024, month: 12, day: 21)!, windowDays: 30)
        #expect(after.projects.first { $0.projectID == "P-001" }?.flags.contains(.payrollGap) == false)
        // Another file's rows of the same month are not removed by this one's correction.
        let other = try write(["2024-11,PT-100,,城南某工地,,,5,5,50,,,0,0,,否"], name: "other.csv")
        _ = try await monitor.importPlatform(path: other, today: today)
        let fourth = try await monitor.importPlatform(path: corrected, today: today)
        #expect(fourth.removed == 0 && fourth.unchanged == 3)
        // A row another file brings again, unchanged, belongs to that file from then on:
        // that file's correction removes it.
        let takeover = try write([rows[1]], name: "takeover.csv")
        #expect(try await monitor.importPlatform(path: takeover, today: today).unchanged == 1)
        let emptied = try write(["2024-11,PT-200,,城北某工地,,,5,5,50,,,0,0,,否"], name: "takeover.csv")
        let fifth = try await monitor.importPlatform(path: emptied, today: today)
        #expect(fifth.removed == 1 && fifth.removedIDs == ["2024-11|PT-002"])
    }

    @Test func severalFilesAreImportedInOrderAndAnUnreadableOneStopsThere() async throws {
        defer { try? FileManager.default.removeItem(at: folder) }
        let monitor = try await demoMonitor()
        let november = try write(["2024-11,PT-001,P-001,城东安置房二期,,,120,100,2200,,,520000,100,2024-12-10,是"], name: "11.csv")
        // December's file corrects November's row too: the later file's row stands.
        let december = try write(
            [
                "2024-11,PT-001,P-001,城东安置房二期,,,120,100,2200,,,0,0,,是",
                "2024-12,PT-001,P-001,城东安置房二期,,,120,90,1900,,,450000,90,2025-01-08,是",
                "2024-12,PT-009,,金域华府住宅小区,,,50,40,800,,,160000,40,2025-01-08,是",
            ], name: "12.csv")
        let broken = folder.appendingPathComponent("01.csv")
        try "月份,项目名称\n2025-01,\"甲工程\n".write(to: broken, atomically: true, encoding: .utf8)
        let later = try write(["2024-10,PT-001,P-001,城东安置房二期,,,120,100,2200,,,520000,100,2024-11-10,是"], name: "10.csv")
        var saved: [String] = []
        await #expect(throws: (any Error).self) {
            try await monitor.importPlatform(paths: [november, december, broken.path, later], today: today) { file, summary in
                saved.append("\(file) \(summary.added)+\(summary.updated)")
            }
        }
        #expect(saved == ["11.csv 1+0", "12.csv 2+1"])
        let stored = try await monitor.database.platformRecords(
            from: Period(year: 2024, month: 10)!, through: Period(year: 2024, month: 12)!)
        #expect(
            stored.map { "\($0.period)/\($0.platformProjectID) \(Int($0.payrollPaid))" } == [
                "2024-11/PT-001 0", "2024-12/PT-001 450000", "2024-12/PT-009 160000",
            ])
    }
}
