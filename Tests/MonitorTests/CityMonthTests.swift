import Foundation
import Model
import Monitor
import Register
import Store
import TestStores
import Testing

/// The register's flags, checked flag by flag on a generated month of a city.
///
/// Fixtures/city (made by generate.py there) is December 2024 in 江陵市: 52 registry
/// projects of 10 departments, two monthly ledgers, 119 petitions and 302 posts written
/// without sight of the rules, with designed flags in expected.json and the traps of
/// the detection issue (suppliers' money dressed as wages, Spring Festival and head
/// counts that are no escalation, other cities' look-alike projects, hypotheticals,
/// statistics, informal names, unregistered sites in several spellings).
@Suite struct CityMonthTests {
    struct Expected: Decodable {
        struct Site: Decodable {
            var site: String
            var items: [String]
        }

        var projects: [String: [String]]
        var unregistered: [Site]
    }

    static let city = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/city")
    static let rules = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("rules")

    @Test func theRegisterRaisesTheDesignedFlagsOfAMonth() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("wagewatch-city-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let monitor = Monitor(
            database: try TestStores.open(folder: folder, name: "city.sqlite"),
            feedsDirectory: Self.city, rulesDirectory: Self.rules, environment: [:])
        let today = Day(year: 2025, month: 1, day: 2)!
        _ = try await monitor.importRegistry(path: Self.city.appendingPathComponent("registry.csv").path)
        for month in ["2024-11", "2024-12"] {
            let summary = try await monitor.importReports(path: Self.city.appendingPathComponent("reports-\(month).csv").path, today: today)
            #expect(summary.rejections.isEmpty)
        }
        let cycle = try await monitor.runCycle(asOf: Day(year: 2024, month: 12, day: 31)!, windowDays: 30)
        #expect(cycle.feeds.allSatisfy { $0.error == nil && $0.rejected == 0 })
        let expected = try JSONDecoder().decode(Expected.self, from: Data(contentsOf: Self.city.appendingPathComponent("expected.json")))

        var truePositives = 0
        var falsePositives = 0
        var falseNegatives = 0
        var wrong: [String] = []
        for project in cycle.register.projects {
            let raised = Set(project.flags.map(\.rawValue))
            let designed = Set(expected.projects[project.projectID] ?? [])
            truePositives += raised.intersection(designed).count
            falsePositives += raised.subtracting(designed).count
            falseNegatives += designed.subtracting(raised).count
            if raised != designed { wrong.append("\(project.projectID): raised \(raised.sorted()), designed \(designed.sorted())") }
        }
        let precision = Double(truePositives) / Double(max(1, truePositives + falsePositives))
        let recall = Double(truePositives) / Double(max(1, truePositives + falseNegatives))
        let f1 = precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall)
        print(
            String(
                format: "city month: register flags precision %.3f recall %.3f F1 %.3f (%d designed)",
                precision, recall, f1, truePositives + falseNegatives))
        if !wrong.isEmpty { print(wrong.joined(separator: "\n")) }
        print(cycle.register.unregistered.map { "\($0.mention) \($0.items)" }.joined(separator: "\n"))
        #expect(truePositives + falseNegatives >= 20)
        #expect(f1 >= 0.95, "\(wrong.joined(separator: "\n"))")

        // Each designed site is one entry holding most of its items; every entry listed
        // holds a designed site's items (each merged site counts once).
        let listed = cycle.register.unregistered
        let designedItems = expected.unregistered.map { Set($0.items.map { $0.contains(":") ? $0 : Self.itemID($0) }) }
        for (site, items) in zip(expected.unregistered, designedItems) {
            let best = listed.map { Set($0.items).intersection(items).count }.max() ?? 0
            #expect(best * 2 >= items.count, "site \(site.site) is not listed as one entry")
        }
        let right = listed.filter { entry in designedItems.contains { !$0.isDisjoint(with: entry.items) } }
        let sitePrecision = Double(right.count) / Double(max(1, listed.count))
        print(String(format: "city month: unregistered sites precision %.3f (%d listed)", sitePrecision, listed.count))
        #expect(sitePrecision >= 0.75, "\(listed.map(\.mention))")
    }

    /// expected.json names items by their source keys; stored items carry the feed's id in front.
    static func itemID(_ sourceKey: String) -> String {
        let petitionPrefixes = ["LF-", "LX-", "WX-", "XS-", "12345-"]
        return (petitionPrefixes.contains { sourceKey.hasPrefix($0) } ? "city-petitions:" : "city-posts:") + sourceKey
    }
}
