import Testing

@testable import Scoring

/// The distinctive pieces of registry names, as people shorten them.
@Suite struct NameTokenizerTests {
    let tokenizer = NameTokenizer(cuts: [
        "江陵", "江陵市", "工程", "项目", "迁建", "改扩建", "高新区", "厂房", "硬化", "第一",
        "小学", "安置房", "公路", "中学", "镇",
    ])

    func texts(_ name: String, aliases: [String] = [], township: String? = nil, companies: [String] = []) -> [String] {
        tokenizer.tokens(name: name, aliases: aliases, township: township, companies: companies).map(\.text)
    }

    @Test func namesAreCutAtGenericWordsTypesAndTheirTownship() {
        // 实小: what people call 实验小学 (the first character and the school's level).
        #expect(texts("江陵市城关镇实验小学迁建工程", township: "城关街道") == ["实验", "实小"])
        #expect(texts("江陵市城关镇实验小学迁建工程", township: "城关镇") == ["实验", "实小"])
        #expect(texts("西岭镇育才中学迁建工程", township: "西岭镇") == ["育才", "育中"])
        // Only a piece right before 小学 or 中学 has one: 城北 of 城北安置房 does not.
        #expect(NameTokenizer.schoolShortForm(of: Array("城北".unicodeScalars)[...], in: Array("江陵市城北安置房二期工程".unicodeScalars)) == nil)
        #expect(texts("江陵市城北安置房二期工程") == ["城北", "二期"])
        #expect(texts("黄沟乡通村公路硬化工程", township: "黄沟乡") == ["通村"])
        #expect(texts("江陵高新区标准厂房三期", aliases: ["高新区厂房"]) == ["标准", "三期"])
    }

    @Test func theDefaultRulesCutTheCityAndGenericWords() throws {
        let rulebook = try DefaultRules.rulebook()
        let cuts = rulebook.linking.genericWords.flatMap { rulebook.lexicons[$0]?.terms ?? [$0] } + rulebook.linking.types.values.joined()
        let standard = NameTokenizer(cuts: cuts)
        let tokens = standard.tokens(
            name: "江陵高新区标准厂房三期", aliases: ["标准厂房三期", "高新区厂房"], township: "东湖镇",
            companies: ["江陵金石建设有限公司", "江陵高新区开发建设有限公司"]
        ).map(\.text)
        #expect(tokens == ["标准", "三期", "金石"])
    }

    /// A name whose words are all generic or types is known by its institution; a township's is not.
    @Test func aNameIsKnownByItsInstitution() {
        let tokenizer = NameTokenizer(
            cuts: ["江陵市", "工程", "项目", "人民", "第二", "第一", "中心", "建设", "医院", "住院大楼", "门诊楼", "中学", "体育馆", "小学"],
            types: ["医院", "住院大楼", "门诊楼", "中学", "小学"])
        func texts(_ name: String, township: String? = nil) -> [String] {
            tokenizer.tokens(name: name, aliases: [], township: township, companies: []).map(\.text)
        }
        #expect(texts("江陵市人民医院住院大楼工程") == ["人民医院"])
        // The whole run of generic words: the second hospital is not the first.
        #expect(texts("江陵市第二人民医院门诊楼工程") == ["第二人民医院"])
        // Every project of the school has it, beside its own pieces.
        #expect(texts("江陵市第一中学体育馆建设项目") == ["第一中学"])
        #expect(texts("石坪镇中心小学教学楼工程", township: "石坪镇") == ["教学楼"])
    }

    @Test func aPhaseIsMarkedAndSharesAreOfTheName() {
        let tokens = tokenizer.tokens(name: "江陵市城北安置房二期工程", aliases: [], township: nil, companies: [])
        // 二期 (a phase) counts beside other evidence only.
        #expect(tokens.map { $0.share & NameTokenizer.phaseBit != 0 } == [false, true])
        let strong = tokenizer.tokens(name: "江陵市会展中心项目", aliases: [], township: nil, companies: [])
        #expect(strong.map(\.text) == ["会展中心"] && strong[0].share == 127)
        #expect(tokens.map { Int($0.share & 0x7F) } == [64, 64])
    }

    @Test func aCompanyGivesItsCore() {
        #expect(texts("某项目", companies: ["江陵宏泰建设集团有限公司", "江陵市政工程有限公司"]) == ["某", "宏泰"].filter { $0.count >= 2 })
        #expect(NameTokenizer.companyCore("江陵宏泰建设集团有限公司").map { String(String.UnicodeScalarView($0)) } == "宏泰")
    }

    @Test func townshipsHaveShortFormsAndHomophones() {
        let variants = NameTokenizer.townshipVariants("黄沟乡", homophones: ["沟构够"])
        #expect(variants.contains("黄构乡") && variants.contains("黄沟") && variants.contains("黄够"))
        #expect(NameTokenizer.townshipForms("城关街道") == ["城关街道", "城关"])
        #expect(NameTokenizer.townshipForms("乡") == ["乡"])
    }
}
