import Foundation
import Model
import Register
import Testing

/// The daily risk list: changes since the day before, escalations first, and the
/// CSV and HTML forms safe with hostile text.
@Suite struct DailyBriefTests {
    let project = Project(id: "P-1", name: "城东安置房", department: "市住建局", funding: .government)
    let other = Project(id: "P-2", name: "北山公路", department: "市交通运输局", funding: .government)

    func day(_ value: Int) -> Day { Day(year: 2024, month: 12, day: value)! }

    /// A post; with `people`, a collective petition (the scorer fired escalation.headcount).
    func signal(_ id: String, _ projectID: String, on day: Day, people: Int? = nil) -> ItemSignal {
        ItemSignal(
            itemID: id, kind: people == nil ? .post : .petition, at: day.start.addingTimeInterval(9 * 3600),
            assessment: ItemAssessment(
                itemID: id, score: 5, isSignal: true, claim: .wage, isEscalation: people != nil,
                isResolved: false, firedRules: people == nil ? ["wage.claim"] : ["wage.claim", "escalation.headcount"],
                matchedTerms: ["欠薪"], people: people),
            storyKey: id, link: ProjectLink(itemID: id, projectID: projectID, band: .link, confidence: 1, evidence: []),
            channel: "微博")
    }

    func brief(title: String = "工资拖欠") -> DailyBrief {
        // P-2 was flagged yesterday for a post of 12-01, which left the 30-day window today.
        let signals = [signal("old", "P-2", on: day(1)), signal("a", "P-1", on: day(20)), signal("b", "P-1", on: day(31), people: 8)]
        let register = RiskRegister(projects: [project, other], reports: [], signals: signals)
        return DailyBrief(
            today: register.evaluate(asOf: day(31), windowDays: 30),
            yesterday: register.evaluate(asOf: day(30), windowDays: 30)
        ) { _ in title }
    }

    @Test func newAndClearedFlagsWithEscalationsFirst() {
        let brief = brief()
        #expect(brief.newFlags.map(\.flag) == [.escalating])
        #expect(brief.newFlags.first?.projectID == "P-1")
        #expect(brief.clearedFlags.map { "\($0.projectID) \($0.flag.rawValue)" } == ["P-2 underreported"])
        #expect(brief.risers.map(\.projectID) == ["P-1"])
        // Year-end weighs 1.2; 12-31 is the first day of 腊月 (Spring Festival 2025-01-29), 1.5.
        #expect(brief.risers.first.map { ($0.previous, $0.current) } ?? (0, 0) == (6, 13.5))
        #expect(brief.signalsToday == 1)
        #expect(brief.signalsPerDay.count == 30)
        #expect(brief.topStories.first?.escalating == true)
    }

    @Test func topStoriesAreTheWidestEscalationsFirstAndOnlyTheirTitlesAreLookedUp() {
        // 30 projects of 1-4 stories each, every third escalating, copies and times mixed.
        var generator = 7
        func next(_ bound: Int) -> Int {
            generator = (generator * 1_103_515_245 + 12_345) % 2_147_483_648
            return generator % bound
        }
        let base = day(31).start
        let projects = (0..<30).map { index in
            var entry = RegisterReport.ProjectEntry(
                projectID: "P-\(index)", name: "项目\(index)", department: "局", township: nil, sensitive: true,
                signals: .init(), reported: .none, flags: index % 3 == 0 ? [.escalating] : [], evidence: [], reportEvidence: [])
            entry.stories = (0..<(1 + next(4))).map { story in
                let last = base.addingTimeInterval(Double(-next(5) * 3600))
                return RegisterReport.StorySpread(
                    story: "s\(index)-\(story)", copies: 1 + next(4), platforms: ["微博"],
                    firstSeen: last, lastSeen: last, items: ["i\(index)-\(story)"])
            }
            return entry
        }
        let today = RegisterReport(asOf: day(31), windowDays: 30, projects: projects, unregistered: [], departments: [])
        let yesterday = RegisterReport(asOf: day(30), windowDays: 30, projects: [], unregistered: [], departments: [])
        var asked: [String] = []
        let brief = DailyBrief(today: today, yesterday: yesterday, limit: 10) { item in
            asked.append(item)
            return "标题 " + item
        }
        let expected = projects.flatMap { entry in entry.stories.map { (entry.flags.contains(.escalating), $0) } }
            .sorted { lhs, rhs in
                if lhs.0 != rhs.0 { return lhs.0 }
                if lhs.1.copies != rhs.1.copies { return lhs.1.copies > rhs.1.copies }
                return (lhs.1.lastSeen, lhs.1.story) > (rhs.1.lastSeen, rhs.1.story)
            }
            .prefix(10).map(\.1.story)
        #expect(brief.topStories.map(\.spread.story) == Array(expected))
        #expect(asked.count == 10 && brief.topStories.allSatisfy { $0.title == "标题 " + $0.spread.items[0] })
    }

    @Test func csvOpensInExcelAndDefusesFormulas() {
        let csv = brief(title: "=HYPERLINK(\"http://x\",\"点我\"), 欠薪").csv()
        #expect(csv.hasPrefix("\u{FEFF}栏目,"))
        #expect(csv.contains("\r\n"))
        #expect(csv.contains("\"'=HYPERLINK(\"\"http://x\"\",\"\"点我\"\"), 欠薪\""))
    }

    @Test func aLineBreakInATitleStaysInsideItsCell() {
        #expect(brief(title: "工地欠薪\n讨薪三个月").csv().contains("\"工地欠薪\n讨薪三个月\""))
        #expect(ExcelCSV.field("a\rb") == "\"a\rb\"")
        #expect(ExcelCSV.field("a\r\nb") == "\"a\r\nb\"")
    }
}
