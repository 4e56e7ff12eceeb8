import Model
import Scoring
import Testing

@Suite struct LinkingTests {
    let engine: ScoringEngine

    init() throws {
        let projects = [
            Project(
                id: "P-1", name: "青川市城东安置房二期工程", aliases: ["城东安置房"],
                contractor: "青川宏远建设集团有限公司", subcontractors: ["青川鑫达劳务有限公司"],
                department: "市住建局", township: "城关街道"),
            Project(
                id: "P-2", name: "河西大道改造工程", aliases: ["河西大道"],
                contractor: "青川路桥工程有限公司", department: "市交通运输局", township: "河西镇"),
            Project(
                id: "P-3", name: "青川市第三中学新校区建设项目", aliases: ["三中新校区"],
                contractor: "青川建工集团有限公司", department: "市教育局", township: "东湖街道"),
            Project(
                id: "P-4", name: "青川市人民医院门诊综合楼", aliases: ["青川人医门诊楼"], contractor: "青川建工集团有限公司",
                department: "市住建局", township: "城关街道"),
        ]
        engine = try DefaultRules.engine(projects: projects)
    }

    func link(_ item: Item) -> ProjectLink? {
        engine.evaluate(item).link
    }

    @Test(arguments: [
        ("青川市城东安置房二期工程拖欠工资", "P-1", MentionKind.name),
        ("城东安置房的工友们工资没拿到", "P-1", .alias),
        ("青川路桥工程有限公司拖欠我们工资", "P-2", .contractor),
        ("青川鑫达劳务有限公司的老板跑了，工资没发", "P-1", .subcontractor),
        ("城東安置房的工錢沒給", "P-1", .alias),
        // An alias with the city's name, written without it, as people of the city do.
        ("人医门诊楼的工钱还没给", "P-4", .alias),
    ])
    func aMentionLinks(text: String, project: String, kind: MentionKind) throws {
        let found = try #require(link(post(text)))
        #expect(found.projectID == project)
        #expect(found.band == .link)
        #expect(found.evidence.contains { $0.kind == kind })
    }

    /// A link the text itself doubts (the link_uncertain lexicon) goes to a clerk, whatever its confidence.
    @Test func aLinkTheTextDoubtsGoesToReview() throws {
        let sure = try #require(link(post("青川市城东安置房二期工程拖欠工资三个月")))
        #expect(sure.projectID == "P-1" && sure.band == .link)
        let doubted = try #require(link(post("青川市城东安置房二期工程拖欠工资三个月，来电人说不清是哪个楼的活")))
        #expect(doubted.projectID == "P-1")
        #expect(doubted.band == .review)
    }

    @Test func anUnknownSiteLinksToNothingAndIsNamedAsASite() {
        let verdict = engine.evaluate(post("锦绣华庭项目工地拖欠工资，包工头失联"))
        #expect(verdict.link == nil)
        #expect(verdict.sites == ["锦绣华庭项目工地"])
    }

    /// A site typed by pinyin (河希大道 for 河西大道, 城冬安置房 for 城东安置房) is the project
    /// whose alias it sounds like, linked with that alias as evidence, and no unregistered
    /// site; a name like no registry name stays a site.
    @Test func aSiteThatSoundsLikeAnAliasIsThatProject() throws {
        for (text, project, alias) in [("河希大道工地的工钱咋办，老板拉黑我了", "P-2", "河西大道"), ("城冬安置房工地欠工钱", "P-1", "城东安置房")] {
            let verdict = engine.evaluate(post(text))
            let found = try #require(verdict.link, "\(text)")
            #expect(found.projectID == project && found.band == .link, "\(text)")
            #expect(found.evidence == [LinkEvidence(kind: .alias, text: alias)], "\(text)")
            #expect(verdict.sites.isEmpty, "\(text): \(verdict.sites)")
        }
        #expect(engine.evaluate(post("锦绣华庭项目工地拖欠工资，包工头失联")).sites == ["锦绣华庭项目工地"])
    }

    /// A site named from the words before it never carries the petitioner's name or number
    /// (nor a traditional spelling or an address form of the name).
    @Test func aSiteNeverCarriesThePetitionersNameOrNumber() {
        for (text, name) in [
            ("王秀英反映王秀英家旁边锦江小区工地欠薪三个月", "王秀英"), ("陳國強說陳國強家對面的錦江小區工地拖欠工資", "陳國強"),
            ("来电人13800138000反映13800138000楼下锦江小区工地欠薪", "13800138000"),
        ] {
            let petition = Item(
                feedID: "p", sourceKey: name, kind: .petition, content: text, petitioner: name.first!.isNumber ? nil : name,
                phone: name.first!.isNumber ? name : nil)
            let verdict = engine.evaluate(petition)
            #expect(!verdict.sites.isEmpty, "\(text)")
            for site in verdict.sites {
                #expect(!site.contains(name) && !site.contains("王秀英") && !site.contains("陈国强") && !site.contains("13800138000"), "\(site)")
                #expect(site.contains("锦江小区"), "\(site)")
            }
        }
    }

    @Test func aContractorWithTwoProjectsGoesToReview() throws {
        let found = try #require(link(post("青川建工集团有限公司拖欠工资")))
        #expect(found.band == .review)
    }

    @Test func townshipOrProjectTypeTellsAContractorsProjectsApart() throws {
        let hospital = try #require(link(post("青川建工集团有限公司在医院工地拖欠工资")))
        #expect(hospital.projectID == "P-4")
        #expect(hospital.band == .link)
        #expect(hospital.evidence.contains { $0.kind == .projectType })
        var petition = post("青川建工集团有限公司拖欠工资")
        petition.location = "东湖街道"
        let school = try #require(link(petition))
        #expect(school.projectID == "P-3")
        #expect(school.band == .link)
        #expect(school.evidence.contains { $0.kind == .township })
    }

    /// Two projects of one type in one township: the one whose name holds the very word the text uses links.
    @Test func theTypeWordOfAProjectsOwnNameTellsItApart() throws {
        let engine = try DefaultRules.engine(projects: [
            Project(id: "R-1", name: "北塘镇易地扶贫搬迁安置点", department: "市发改委", township: "北塘镇"),
            Project(id: "R-2", name: "北塘镇城北安置房二期工程", department: "市住建局", township: "北塘镇"),
        ])
        let named = try #require(engine.evaluate(post("北塘镇安置点的工钱三个月没给了")).link)
        #expect(named.projectID == "R-1")
        #expect(named.band == .link)
        // A word of the type that neither name holds: a clerk decides.
        let either = try #require(engine.evaluate(post("北塘镇安置小区的工钱三个月没给了")).link)
        #expect(either.band == .review)
    }

    /// A token two projects share, and the township of one of them: that one links.
    @Test func aTownshipNarrowsASharedTokenToOneProject() throws {
        let engine = try DefaultRules.engine(projects: [
            Project(id: "S-1", name: "黄沟乡光伏扶贫电站", department: "市发改委", township: "黄沟乡"),
            Project(id: "S-2", name: "西岭镇光伏扶贫电站", department: "市发改委", township: "西岭镇"),
        ])
        let narrowed = try #require(engine.evaluate(post("黄沟光伏那个工地的工钱三个月没给了")).link)
        #expect(narrowed.projectID == "S-1")
        #expect(narrowed.band == .link)
        // The token alone fits both: a clerk decides.
        #expect(engine.evaluate(post("光伏那个工地的工钱三个月没给了")).link?.band != .link)
    }

    /// A token many projects share (the city in their contractor's name: 云岭 of 云岭建工集团) narrows nothing.
    @Test func aTokenManyProjectsShareIsNoEvidenceATownshipNarrows() throws {
        let projects = ["幸福", "和平", "光明", "永安"].enumerated().map { number, name in
            Project(
                id: "T-\(number + 1)", name: "\(name)小区", contractor: "云岭建工集团有限公司", department: "市住建局",
                township: number == 0 ? "城关街道" : "东湖街道")
        }
        let engine = try DefaultRules.engine(projects: projects)
        let found = engine.evaluate(post("云岭某劳务公司，城关街道，工钱三个月没给了")).link
        // The shared token and the township make the first project a candidate, for a clerk; no link.
        #expect(found?.projectID == "T-1")
        #expect(found?.band == .review)
    }

    @Test func aTownshipAloneLinksNothing() {
        #expect(link(post("城关街道有个工地拖欠工资")) == nil)
    }

    @Test func theRespondentFieldAddsEvidence() throws {
        var item = post("我们工地工资拖了三个月")
        item.respondent = "青川建工集团有限公司"
        #expect(link(item)?.band == .review)
        item.content = "三中新校区工地工资拖了三个月"
        let found = try #require(link(item))
        #expect(found.projectID == "P-3")
        #expect(found.band == .link)
        #expect(found.evidence.contains(LinkEvidence(kind: .respondent, text: "青川建工集团有限公司")))
        #expect(found.evidence.contains(LinkEvidence(kind: .alias, text: "三中新校区")))
    }

    @Test func explanationsShowCandidatesAndHighlightableMatches() throws {
        let explanation = engine.explain(post("青川建工集团有限公司拖欠工资"))
        #expect(explanation.candidates.map(\.projectID).sorted() == ["P-3", "P-4"])
        let claim = try #require(explanation.occurrences.first { $0.text == "拖欠工资" })
        let content = "青川建工集团有限公司拖欠工资"
        let bytes = Array(content.utf8)
        #expect(String(decoding: bytes[claim.originalRange], as: UTF8.self) == "拖欠工资")
        #expect(explanation.firedRules.map(\.id).first == "wage.claim")
    }
}
