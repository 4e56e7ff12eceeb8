import Foundation
import HTTPTypes
import Testing

@testable import Web

/// The worklist sorts by a column head (time, 办理期限, channel, project, 主管部门), urgency
/// breaking ties; the filters stay; an order that is none of these is refused.
@Suite struct QueueSortTests {
    @Test func theQueueSortsByAColumnAndKeepsItsFilters() async throws {
        let fixture = try await WebFixture()
        let clerk = try await fixture.signedIn("petition")
        func rows(_ path: String) async throws -> [[String: Any]] {
            try #require(try await clerk.get(path).json()["rows"] as? [[String: Any]])
        }
        let urgent = try await rows("/api/queue")
        #expect(urgent.count >= 3)
        let byTime = try await rows("/api/queue?sort=time")
        let times = byTime.compactMap { $0["at"] as? String }
        #expect(times.count == urgent.count && times == times.sorted(by: >))
        let byProject = try await rows("/api/queue?sort=project")
        let projects = byProject.map { ($0["projectID"] as? String) ?? "\u{10FFFF}" }
        #expect(projects == projects.sorted())
        let byDeadline = try await rows("/api/queue?sort=deadline")
        let deadlines = byDeadline.map { ($0["deadline"] as? String) ?? "" }
        // Petitions with a deadline come first (the nearest first), the rest after.
        let dated = deadlines.prefix { !$0.isEmpty }
        #expect(deadlines.dropFirst(dated.count).allSatisfy(\.isEmpty) && !dated.isEmpty)
        // The heads link to their order with the filters kept; the sorted one says so.
        let page = try await clerk.get("/queue?channel=12345&sort=time")
        #expect(page.body.contains("href=\"/queue?channel=12345&amp;sort=department\""))
        #expect(page.body.contains("aria-sort=\"descending\"><a href=\"/queue?channel=12345&amp;sort=time\""))
        #expect(page.body.contains("name=\"sort\" value=\"time\""))
        #expect(try await clerk.get("/queue?sort=rowid").status == .badRequest)
    }
}
