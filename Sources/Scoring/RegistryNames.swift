/// The shorter forms people write for registry names: 西岭镇中心卫生院综合楼 for
/// 江陵市西岭镇中心卫生院综合楼工程, 宏泰建设 for 江陵宏泰建设集团有限公司.
enum RegistryNames {
    static let projectSuffixes = ["工程建设项目", "建设工程", "建设项目", "工程项目", "工程", "项目"]
    static let companySuffixes = ["股份有限公司", "有限责任公司", "集团有限公司", "集团股份有限公司", "有限公司", "集团公司", "集团"]
    /// Words of trade that say nothing about which company: a short form must keep
    /// at least two characters besides them (宏泰建设 yes, 建筑工程 no).
    static let tradeWords = [
        "建筑工程", "建设工程", "市政工程", "路桥工程", "装饰工程", "园林绿化工程", "绿化工程", "水利水电",
        "基础设施", "房地产开发", "建筑", "建设", "建工", "工程", "市政", "路桥", "劳务", "矿建", "装饰",
        "园林", "建材", "置业", "开发", "投资", "集团", "实业", "公路",
    ]

    private typealias Scalars = ArraySlice<Unicode.Scalar>
    private static func scalars(_ words: [String]) -> [[Unicode.Scalar]] { words.map { Array($0.unicodeScalars) } }
    private static let projectSuffixScalars = scalars(projectSuffixes)
    private static let companySuffixScalars = scalars(companySuffixes).sorted { $0.count > $1.count }
    private static let tradeWordScalars = scalars(tradeWords)
    private static let city: Unicode.Scalar = "市"

    // Names are worked on as scalars: they are Chinese, without combining marks, and
    // Character-wise operations would cost grapheme breaking for 100,000 projects.
    private static func string(_ scalars: Scalars) -> String {
        String(scalars: scalars)
    }

    private static func ends(_ text: Scalars, with suffix: [Unicode.Scalar]) -> Bool {
        text.count >= suffix.count && text.suffix(suffix.count).elementsEqual(suffix)
    }

    /// How many characters of `name` are not trade words.
    static func distinctivePart(of name: String) -> Int {
        distinctivePart(Array(name.unicodeScalars)[...])
    }

    private static func distinctivePart(_ name: Scalars) -> Int {
        var rest = name
        while let word = tradeWordScalars.first(where: { ends(rest, with: $0) }) {
            rest = rest.dropLast(word.count)
        }
        return rest.count
    }

    /// Where the 市 of a leading city stands (江陵市…: 2), within a name's first five characters.
    static func leadingCity(_ name: ArraySlice<Unicode.Scalar>) -> Int? {
        name.prefix(5).firstIndex(of: city)
    }

    /// The project name without a leading city (…市) and without a trailing 工程/项目.
    static func projectVariants(_ name: String) -> [String] {
        var variants: [String] = []
        var core = Array(name.unicodeScalars)[...]
        if let suffix = projectSuffixScalars.first(where: { ends(core, with: $0) }), core.count - suffix.count >= 4 {
            core = core.dropLast(suffix.count)
            variants.append(string(core))
        }
        if let city = leadingCity(core), core.endIndex - city - 1 >= 4 {
            variants.append(string(core[(city + 1)...]))
        }
        return variants.filter { $0 != name }
    }

    /// An alias without the city its project's name starts with: 一中改扩建 for the alias
    /// 江陵一中改扩建 of 江陵市第一中学改扩建工程, as people of the city leave their city out.
    static func aliasVariants(_ alias: String, name: String) -> [String] {
        let name = Array(name.unicodeScalars)[...]
        guard let cityEnd = leadingCity(name), cityEnd >= 2 else { return [] }
        var rest = Array(alias.unicodeScalars)[...]
        guard rest.starts(with: name[..<cityEnd]) else { return [] }
        rest = rest.dropFirst(cityEnd)
        if rest.first == city { rest = rest.dropFirst() }
        return rest.count >= 4 ? [string(rest)] : []
    }

    /// The company name without its legal form, and without a two-character place
    /// prefix when at least four characters remain (宏泰建设).
    static func companyVariants(_ name: String) -> [String] {
        let whole = Array(name.unicodeScalars)[...]
        guard let suffix = companySuffixScalars.first(where: { ends(whole, with: $0) }) else { return [] }
        var core = whole.dropLast(suffix.count)
        if ends(core, with: Array("集团".unicodeScalars)) && core.count > 6 { core = core.dropLast(2) }
        var variants: [String] = []
        if core.count >= 4 { variants.append(string(core)) }
        var rest = core
        if let city = rest.prefix(4).firstIndex(of: city) { rest = rest[(city + 1)...] } else { rest = rest.dropFirst(2) }
        if rest.count >= 4 && distinctivePart(rest) >= 2 { variants.append(string(rest)) }
        return variants
    }
}

extension String {
    /// The string of `scalars`, encoded in one pass into storage of the right size:
    /// `String.UnicodeScalarView` grows scalar by scalar, which the names and tokens of
    /// 100,000 registry projects make felt.
    init(scalars: some Collection<Unicode.Scalar>) {
        var length = 0
        for scalar in scalars { length += UTF8.width(scalar) }
        self.init(unsafeUninitializedCapacity: length) { bytes in
            var at = 0
            for scalar in scalars {
                let value = scalar.value
                switch value {
                case ..<0x80:
                    bytes[at] = UInt8(value)
                    at += 1
                case ..<0x800:
                    bytes[at] = UInt8(0xC0 | value >> 6)
                    bytes[at + 1] = UInt8(0x80 | value & 0x3F)
                    at += 2
                case ..<0x1_0000:
                    bytes[at] = UInt8(0xE0 | value >> 12)
                    bytes[at + 1] = UInt8(0x80 | value >> 6 & 0x3F)
                    bytes[at + 2] = UInt8(0x80 | value & 0x3F)
                    at += 3
                default:
                    bytes[at] = UInt8(0xF0 | value >> 18)
                    bytes[at + 1] = UInt8(0x80 | value >> 12 & 0x3F)
                    bytes[at + 2] = UInt8(0x80 | value >> 6 & 0x3F)
                    bytes[at + 3] = UInt8(0x80 | value & 0x3F)
                    at += 4
                }
            }
            return at
        }
    }
}
