/// The shorter forms people write for registry names: 西岭镇中心卫生院综合楼 for
/// 江陵市西岭镇中心卫生院综合楼工程, 宏泰建设 for 江陵宏泰建设集团有限公司.
enum RegistryNames {
    static let projectSuffixes = ["工程建设项目", "建设工程", "建设项目", "工程项目", "工程", "项目"]
    static let companySuffixes = ["股份有限公司", "有限责任公司", "集团有限公司", "集团股份有限公司", "有限公司", "集团公司", "集团"]
    /// Words of trade that say nothing about which company: a short form must keep
    /// at least two characters besides them (宏泰建设 yes, 建筑工程 no).
    static let tradeWords = ["建筑工程", "建设工程", "市政工程", "路桥工程", "装饰工程", "园林绿化工程", "绿化工程", "水利水电",
                             "基础设施", "房地产开发", "建筑", "建设", "建工", "工程", "市政", "路桥", "劳务", "矿建", "装饰",
                             "园林", "建材", "置业", "开发", "投资", "集团", "实业", "公路"]

    /// How many characters of `name` are not trade words.
    static func distinctivePart(of name: String) -> Int {
        var rest = name
        var changed = true
        while changed {
            changed = false
            for word in tradeWords where rest.hasSuffix(word) {
                rest = String(rest.dropLast(word.count))
                changed = true
                break
            }
        }
        return rest.count
    }

    /// The project name without a leading city (…市) and without a trailing 工程/项目.
    static func projectVariants(_ name: String) -> [String] {
        var variants: [String] = []
        var core = name
        if let suffix = projectSuffixes.first(where: { core.hasSuffix($0) }), core.count - suffix.count >= 4 {
            core = String(core.dropLast(suffix.count))
            variants.append(core)
        }
        if let city = core.prefix(5).firstIndex(of: "市"), core[core.index(after: city)...].count >= 4 {
            variants.append(String(core[core.index(after: city)...]))
        }
        return variants.filter { $0 != name }
    }

    /// The company name without its legal form, and without a two-character place
    /// prefix when at least four characters remain (宏泰建设).
    static func companyVariants(_ name: String) -> [String] {
        guard let suffix = companySuffixes.sorted(by: { $0.count > $1.count }).first(where: { name.hasSuffix($0) }) else { return [] }
        var core = String(name.dropLast(suffix.count))
        if core.hasSuffix("集团") && core.count > 6 { core = String(core.dropLast(2)) }
        var variants: [String] = []
        if core.count >= 4 { variants.append(core) }
        var rest = Substring(core)
        if let city = rest.prefix(4).firstIndex(of: "市") { rest = rest[rest.index(after: city)...] } else { rest = rest.dropFirst(2) }
        if rest.count >= 4 && distinctivePart(of: String(rest)) >= 2 { variants.append(String(rest)) }
        return variants
    }
}
