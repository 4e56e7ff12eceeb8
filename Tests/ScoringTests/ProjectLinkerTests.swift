import Model
import Scoring
import Testing

@Suite struct ProjectLinkerTests {
    let linker: ProjectLinker

    init() throws {
        let projects = [
            Project(id: "P-1", name: "青川市城东安置房二期工程", aliases: ["城东安置房"],
                    contractor: "青川宏远建设集团有限公司", subcontractors: ["青川鑫达劳务有限公司"], department: "市住建局"),
            Project(id: "P-2", name: "河西大道改造工程", aliases: ["河西大道"],
                    contractor: "青川路桥工程有限公司", department: "市交通运输局"),
            Project(id: "P-3", name: "青川市第三中学新校区建设项目", aliases: ["三中新校区"],
                    contractor: "青川建工集团有限公司", department: "市教育局"),
            Project(id: "P-4", name: "青川市人民医院门诊综合楼", contractor: "青川建工集团有限公司", department: "市住建局"),
        ]
        linker = ProjectLinker(projects: projects, settings: try DefaultRules.rulebook().linking)
    }

    @Test(arguments: [
        ("青川市城东安置房二期工程拖欠工资", "P-1", MentionKind.name),
        ("城东安置房的工友们工资没拿到", "P-1", .alias),
        ("青川路桥工程有限公司拖欠我们工资", "P-2", .contractor),
        ("青川鑫达劳务有限公司的老板跑了，工资没发", "P-1", .subcontractor),
    ])
    func aMentionLinks(text: String, project: String, kind: MentionKind) throws {
        let link = try #require(linker.link(post(text)))
        #expect(link.projectID == project)
        #expect(link.band == .link)
        #expect(link.evidence.contains { $0.kind == kind })
    }

    @Test func anUnknownSiteLinksToNothing() {
        #expect(linker.link(post("锦绣华庭项目工地拖欠工资，包工头失联")) == nil)
    }

    @Test func aContractorWithTwoProjectsGoesToReview() throws {
        let link = try #require(linker.link(post("青川建工集团有限公司拖欠工资")))
        #expect(link.band == .review)
    }

    @Test func theRespondentFieldAddsEvidence() throws {
        var item = post("我们工地工资拖了三个月")
        item.respondent = "青川建工集团有限公司"
        let withoutAlias = try #require(linker.link(item))
        #expect(withoutAlias.band == .review)
        item.content = "三中新校区工地工资拖了三个月"
        let link = try #require(linker.link(item))
        #expect(link.projectID == "P-3")
        #expect(link.band == .link)
        #expect(link.evidence.contains(LinkEvidence(kind: .respondent, text: "青川建工集团有限公司")))
        #expect(link.evidence.contains(LinkEvidence(kind: .alias, text: "三中新校区")))
    }
}

@Suite struct TextToolsTests {
    @Test func theMatcherReportsOverlappingMatchesWithPositions() {
        let matcher = PatternMatcher(patterns: ["欠薪", "恶意欠薪", "薪水", "工资"])
        let matches = matcher.matches(in: "恶意欠薪水")
        #expect(Set(matches) == [
            .init(pattern: 1, start: 0, end: 4), .init(pattern: 0, start: 2, end: 4), .init(pattern: 2, start: 3, end: 5),
        ])
        #expect(matcher.matches(in: "工资工资").map(\.start) == [0, 2])
    }

    @Test func sitesAreNamedUpToTheSiteWord() {
        #expect(SiteMentionFinder.sites(in: "来电反映桥头镇的锦绣华庭项目工地拖欠工资") == ["锦绣华庭项目"])
        #expect(SiteMentionFinder.sites(in: "我们在锦绣华庭项目干了半年水电") == ["锦绣华庭项目"])
        #expect(SiteMentionFinder.sites(in: "工资没发") == [])
    }

    @Test func aRepostIsTheSameStoryAsItsOriginal() {
        let original = post("城东安置房二期的工友们，工资没拿到", id: "1")
        let repost = post("转发微博//@青川小王:城东安置房二期的工友们，工资没拿到", id: "2")
        let comment = post("太过分了//@青川小王:城东安置房二期的工友们，工资没拿到", id: "3")
        #expect(StoryKey.key(for: original) == StoryKey.key(for: repost))
        #expect(StoryKey.key(for: comment) != StoryKey.key(for: original))
    }
}
