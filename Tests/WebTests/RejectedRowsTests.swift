import Foundation
import HTTPTypes
import Model
import Store
import Testing

@testable import Web

/// A ledger row sent back at import shows on its project's page with what it said (month,
/// amount owed, workers) and why, in Chinese; the project of another row shows none of it.
@Suite struct RejectedRowsTests {
    @Test func aRejectedLedgerRowShowsOnItsProjectsPage() async throws {
        let fixture = try await WebFixture()
        // The demo's December ledger: row 15 (P-015, 有欠薪, 9 workers, 180,000) lacks its 责任人.
        let stored = try await fixture.database.rejectedReports(ofProject: "P-015")
        let row = try #require(stored.first)
        #expect(stored.count == 1 && row.row == 15 && row.period == "2024-12" && row.amount == 180_000 && row.workers == 9)
        #expect(row.reason == "有欠薪的行须填写责任人" && row.department == "市教育局")
        let leader = try await fixture.signedIn("leader")
        let page = try await leader.get("/projects/P-015").body
        #expect(page.contains("id=\"rejected-reports\"") && page.contains("第 15 行") && page.contains("有欠薪的行须填写责任人"))
        #expect(page.contains("<td class=\"nowrap\">\(Labels.amount(180_000))</td><td>9</td>"))
        #expect(try await !leader.get("/projects/P-001").body.contains("rejected-reports"))
        // A unit's own project without a rejected row shows no such list.
        let unit = try await fixture.signedIn("department")
        let own = try await unit.get("/projects/P-001")
        #expect(own.status == .ok && !own.body.contains("rejected-reports"))
    }
}
