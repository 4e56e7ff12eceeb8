import Foundation
import Model
import Register
import Testing

/// A city's roll-up as kept in its store reads back as it was, whatever its names hold.
@Suite struct CityRollupFormTests {
    @Test func theKeptFormReadsBackWholeWithHostileNames() throws {
        var rollup = CityRollup(code: "", name: "", failure: "x")
        rollup.failure = nil
        rollup.asOf = Day(year: 2024, month: 12, day: 31)
        rollup.madeAt = Date(timeIntervalSince1970: 1_735_650_000.25)
        rollup.total.flagged = 3
        rollup.departments = [RegisterReport.DepartmentEntry(department: "市住建局")]
        rollup.flagged = [
            .init(
                projectID: "P-1", name: "城东\t安置房\n二期\\工程", department: "市住建局", township: "城关街道", sensitive: true,
                flags: [.underreported, .escalating], score: 184.8),
            .init(projectID: "P-2\\t", name: "", department: "", township: nil, sensitive: false, flags: [], score: 0.1 + 0.2),
            .init(projectID: "P-3", name: "=开头", department: "市水务局", township: "", sensitive: false, flags: [.nonWageDispute], score: -1),
        ]
        let text = try rollup.keptForm()
        #expect(CityRollup(keptForm: text) == rollup)
        // Another form, or a line cut short, reads as nothing (the register is then made anew).
        #expect(CityRollup(keptForm: #"{"code":1}"#) == nil)
        #expect(CityRollup(keptForm: String(text.dropLast(12))) == nil || CityRollup(keptForm: String(text.dropLast(12))) != rollup)
        #expect(CityRollup(keptForm: text + "\nP-9\tx") == nil)
    }
}
