import Foundation
import HTTPTypes
import Store
import TestStores
import Testing

@testable import Web

/// Two web nodes on one store (two `serve` processes behind one proxy): a session, a
/// claim, a decision and the login throttle made on one hold on the other. On PostgreSQL
/// the second node hears of the first's commits through the store's notices (its own
/// checks wait an hour here); on SQLite it sees them through its checks of the file.
@Suite struct TwoNodeTests {
    @Test func whatOneNodeDoesShowsOnTheOthersNextPage() async throws {
        let fixture = try await WebFixture()
        let nodeB = try fixture.anotherNode()
        let check: Duration = TestStores.engine == .postgres ? .seconds(3_600) : .milliseconds(100)
        let upkeep = Task {
            await withDiscardingTaskGroup { group in
                group.addTask { await nodeB.app.maintain(every: check) }
                group.addTask { await nodeB.app.followStore() }
            }
        }
        defer { upkeep.cancel() }
        let item = "demo-petitions:XF-2024-1201"
        let link = "/items/\(WebApp.percentEncoded(item))"

        // A session begun on node A opens node B's pages.
        let onA = try await fixture.signedIn("petition")
        let onB = nodeB.browser()
        onB.setCookie(SessionCookie.name, onA.cookies[SessionCookie.name])
        let queue = try await onB.get("/queue")
        #expect(queue.status == .ok && queue.body.contains(link))
        #expect(!queue.body.contains("petition 审核中"))

        // A claim taken on A shows on B's queue and keeps B's other reviewer from acting.
        let claimed = try await onA.post("/items/\(item)/claim", form: [("csrf", try await onA.csrf())])
        #expect(claimed.status == .seeOther)
        try await waitUntil { try await onB.get("/queue").body.contains("petition 审核中") }
        let second = nodeB.browser()
        #expect(try await second.logIn("petition2", password: WebFixture.password).status == .seeOther)
        #expect(try await second.post("/api/items/\(item)/claim", form: [("csrf", try await second.csrf())]).status == .conflict)

        // A decision on A: B's item page shows it, and B's queue no longer offers the item.
        #expect(
            try await onA.post(
                "/api/items/\(item)/review", form: [("csrf", try await onA.csrf()), ("action", "confirm"), ("reason", "核实属实")]
            ).status == .ok)
        #expect(try await onB.get("/items/\(item)").body.contains("核实属实"))
        try await waitUntil { try await !onB.get("/queue").body.contains(link) }

        // Failed logins counted on A count on B.
        let guesser = fixture.client()
        for _ in 0..<5 {
            #expect(try await guesser.logIn("leader", password: "wrong-password-1").status == .unauthorized)
        }
        #expect(try await nodeB.browser().logIn("leader", password: WebFixture.password).status == .tooManyRequests)
    }

    /// Waits (at most three minutes: other tests of the run may hold the threads a while) for `condition`.
    private func waitUntil(_ condition: () async throws -> Bool) async throws {
        let clock = ContinuousClock()
        let end = clock.now + .seconds(180)
        while try await !condition() {
            guard clock.now < end else {
                Issue.record("waited three minutes in vain")
                return
            }
            try await Task.sleep(for: .milliseconds(50))
        }
    }
}
