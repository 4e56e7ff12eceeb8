import Foundation
import Model
import Register
import Testing
import Web

/// `wagewatch daily --format html`: the 日报 page's own template as one printable file.
@Suite struct DailyPrintTests {
    @Test func thePrintableBriefEscapesHostileTextAndDrawsABarPerDayWithSignals() async throws {
        let fixture = try await WebFixture()
        let snapshot = try await fixture.keeper.refresh()
        let hostile = "<script>alert(1)</script><img src=x onerror=alert(2)>"
        let brief = DailyBrief(today: snapshot.register, yesterday: snapshot.register) { _ in hostile }
        #expect(!brief.topStories.isEmpty)
        let html = try DailyPrint.html(brief, sourceHealth: [.init(feed: "weibo", warning: "数据源连续 3 次失败", errorCount: 3, lastSuccess: nil)])
        #expect(html.hasPrefix("<!DOCTYPE html>") && html.contains("<title>欠薪风险日报 2024-12-31</title>"))
        #expect(!html.contains("<script>") && !html.contains("<img"))
        #expect(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"))
        #expect(html.components(separatedBy: "<rect ").count - 1 == brief.signalsPerDay.filter { $0 > 0 }.count)
        #expect(html.contains("weibo：数据源连续 3 次失败"))
        // Every row, and no note that the list was cut.
        #expect(!html.contains("列表最多显示"))
    }
}
