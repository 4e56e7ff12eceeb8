import Foundation
import HTTPTypes
import Model
import Store
import Testing

@testable import Web

/// A clerk's reason that names another item's petitioner (in either script) shows that
/// name to the petition bureau only: the item's history and the audit log (page and CSV)
/// of every other role hide it, as they hide the item's own petitioner.
@Suite struct ReasonMaskingTests {
    @Test func aReasonNamingAnotherPetitionerHidesTheName() async throws {
        let fixture = try await WebFixture()
        let clerk = try await fixture.signedIn("petition")
        let item = "demo-petitions:XF-2024-1223"
        // 孙立新 petitioned about XF-2024-1208; 周國慶 is 周国庆 (XF-2024-1210) in traditional script.
        let reason = "与孙立新、周國慶反映的是同一工地，已合并核实"
        let decided = try await clerk.post(
            "/api/items/\(item)/review", form: [("csrf", try await clerk.csrf()), ("action", "confirm"), ("reason", reason)])
        #expect(decided.status == .ok)
        #expect(try await clerk.get("/items/\(item)").body.contains(reason))
        for role in ["leader", "cyberspace", "wage_office"] {
            let reader = try await fixture.signedIn(role)
            let page = try await reader.get("/items/\(item)").body
            #expect(!page.contains("孙立新") && !page.contains("周國慶") && page.contains("反映的是同一工地"), "\(role)")
        }
        let admin = try await fixture.signedIn("admin")
        for path in ["/audit?kind=decisions", "/audit.csv?kind=decisions"] {
            let body = try await admin.get(path).body
            #expect(body.contains("反映的是同一工地") && !body.contains("孙立新") && !body.contains("周國慶"), "\(path)")
        }
    }
}
