import Foundation
import HTTPTypes
import Model
import Monitor
import Testing
import Web

/// Links built from stored ids and names stay on the page they name, whatever the value.
@Suite struct LinkTests {
    @Test func anIdOrADepartmentWithPathCharactersLinksToItsOwnPage() async throws {
        let fixture = try await WebFixture()
        // A registry row whose id and department could climb out of their paths.
        let department = "../../logout?x=#y"
        let projectID = "P/../../audit?page=1"
        let registry = fixture.folder.appendingPathComponent("registry-extra.csv")
        let demo = try String(contentsOf: WebFixture.root.appendingPathComponent("feeds/demo/registry.csv"), encoding: .utf8)
        try (demo + "\(projectID),青川市测试路径工程,,,,,\(department),城关街道,政府投资,,是,是,在建\n")
            .write(to: registry, atomically: true, encoding: .utf8)
        _ = try await fixture.monitor.importRegistry(path: registry.path)
        try await fixture.keeper.refresh()
        let leader = try await fixture.signedIn("leader")

        let encodedProject = "P%2F..%2F..%2Faudit%3Fpage%3D1"
        let encodedDepartment = "..%2F..%2Flogout%3Fx%3D%23y"
        let scorecard = try await leader.get("/scorecard")
        #expect(scorecard.body.contains("href=\"/scorecard/\(encodedDepartment)\""))
        #expect(!scorecard.body.contains("href=\"/scorecard/../"))
        // The links lead where they say: the department's page, which links to the project.
        let departmentPage = try await leader.get("/scorecard/\(encodedDepartment)")
        #expect(departmentPage.status == .ok)
        #expect(departmentPage.body.contains("href=\"/projects/\(encodedProject)\""))
        let projectPage = try await leader.get("/projects/\(encodedProject)")
        #expect(projectPage.status == .ok)
        #expect(projectPage.body.contains("青川市测试路径工程"))
        #expect(projectPage.body.contains("href=\"/scorecard/\(encodedDepartment)\""))
        // The JSON twin keeps the plain value.
        let json = try await leader.get("/api/projects/\(encodedProject)").json()
        #expect(json["projectID"] as? String == projectID)
        #expect(json["department"] as? String == department)
    }
}
