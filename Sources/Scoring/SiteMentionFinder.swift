import Model

/// Finds construction sites named in free text (某某厂房, 某某民宿工地, 某某大厦项目) and
/// gives each a clean name a clerk can act on.
///
/// Used on wage-arrears items that link to no registry project, so the register can
/// list construction the registry misses. From each site word the name runs back over
/// Chinese characters, then is cleaned: it starts after the last lead-in (来电人反映,
/// 网传, 称), loses dates and counters (19日, 一处, 某), and keeps a township that stands
/// before it apart ("桥西街道 金源大厦"). A name with nothing left but places, site words
/// and generic words (学校工地, 私人建房工地, 城区某工地) names no site a clerk could find,
/// nor does one in another city (云州市金源大厦).
public struct SiteMentionFinder: Sendable {
    /// Words that end a site's name, longest first.
    private let siteWords: [[UInt32]]
    private let firstCharacters: ScalarBitmap
    /// Phrases after which a name starts (the last one found wins).
    private let leadIns: [[UInt32]]
    /// Township names and their variants (homophones, short forms), longest first.
    private let places: [[UInt32]]
    /// The home region's own names (江陵, 江陵市): a 市 or 县 after anything else is another city.
    private let homeNames: [[UInt32]]
    /// Words that say nothing about which site, longest first.
    private let generic: [[UInt32]]
    /// Places, home names, site words and generic words together, by first character, longest
    /// first: what `distinctiveCount` skips (made once, not at every character).
    private let undistinctive: [UInt32: [[UInt32]]]

    /// Characters that end a name when walking back from the site word.
    static let breaks = ScalarBitmap("在的了是我们到去给对向和与说个于从把被这那里干做找讨要欠拖帮跟替着没都也还又就才为其未但")
    /// Characters after a site word that make it another word: 工程款, 工程师, 项目经理.
    static let notSiteAfter = ScalarBitmap("款师量队车经费里家长商区子方")
    static let longest = 14
    /// Characters that may stand between two site words of one name (食品厂 扩建 工地).
    static let joinGap = 3

    /// The words the finder was made with, for deriving another finder.
    let siteWordTexts: [String], leadInTexts: [String], genericTexts: [String]

    public init(siteWords: [String], leadIns: [String], generic: [String], places: [String], homeNames: [String]) {
        siteWordTexts = siteWords
        leadInTexts = leadIns
        genericTexts = generic
        func scalars(_ words: [String]) -> [[UInt32]] {
            Set(words.filter { !$0.isEmpty }).map { $0.unicodeScalars.map(\.value) }.sorted { $0.count > $1.count }
        }
        self.siteWords = scalars(siteWords)
        self.firstCharacters = ScalarBitmap(self.siteWords.map { $0[0] })
        self.leadIns = scalars(leadIns)
        self.generic = scalars(generic)
        self.places = scalars(places)
        self.homeNames = scalars(homeNames)
        var byFirst: [UInt32: [[UInt32]]] = [:]
        for word in self.places + self.homeNames + self.siteWords + self.generic { byFirst[word[0], default: []].append(word) }
        self.undistinctive = byFirst.mapValues { $0.sorted { $0.count > $1.count } }
    }

    /// The site words, lead-ins and generic words of the default rules, without places:
    /// for tests and tools that have no registry.
    public static let standard = SiteMentionFinder(
        siteWords: [
            "工地", "项目", "工程", "小区", "花园", "大厦", "厂房", "厂", "车间", "仓库", "民宿", "山庄", "酒店", "加油站",
            "冷库", "养殖场", "物流园", "商场", "楼盘", "别墅", "办公楼", "安置房",
        ],
        leadIns: [
            "反映", "称", "系", "网传", "网友", "爆料", "曝光", "线索", "举报", "投诉", "处理", "关于", "有没有人管", "管管",
            "路过", "看到", "听说", "写明", "注明", "说明", "不知道", "不清楚", "说不清", "不清", "不愿透露", "透露", "描写", "有人问", "不来", "爬上", "爬到", "站在", "来到", "跑到",
            "走到", "提供", "建立", "建议", "检查", "核查", "请问", "本报讯", "讯", "不敢写", "不敢说", "不敢提",
        ],
        generic: [
            "学校", "私人", "建房", "自建房", "商品房", "城区", "具体", "各大", "某", "装修", "农民工", "扩建", "新建",
            "改造", "翻建", "一个", "一处", "一家", "一座", "一栋", "那个", "这个", "该", "新", "老", "村", "镇", "乡",
            "搬迁点", "安置点", "还建房", "回迁房", "民生工程", "配套", "迁建", "附近", "周边", "旁边", "对面", "分包",
            "单位", "分项", "保温", "管道", "外墙", "水电", "水利", "消防", "防水", "装饰", "钢结构", "土方", "劳务", "主体",
            "老板", "家", "盖", "大多数", "其实", "所有", "很多", "有些", "一些", "各个", "多个", "好几个", "商业",
            "综合体", "一", "工厂", "住宅", "今天", "昨天", "今日", "昨日", "前天", "当天", "每天", "今早", "上午", "下午",
            "晚上", "现在", "目前", "标准", "建筑", "辈子", "最近", "易地", "搬迁", "安置", "扶贫",
            "污水", "雨污", "管网", "供水", "排水", "道路", "路面", "市政", "绿化", "亮化",
            // 一居民楼楼顶防水工程: somebody's building, not a site a clerk could find.
            "居民楼", "楼顶", "屋顶", "民房",
        ],
        places: [], homeNames: [])

    /// Distinct site names in `text`, in order of first appearance.
    public func sites(in text: String) -> [String] {
        sites(inFolded: text.unicodeScalars.map(\.value)[...])
    }

    /// Distinct site names in folded text, in order of first appearance.
    /// - Complexity: O(n · w) in the number of scalars and the site words that start at
    ///   a position (most positions start none).
    public func sites(inFolded scalars: ArraySlice<UInt32>) -> [String] {
        let all = Array(scalars)
        let text = all[...]
        var found: [String] = []
        func next(from start: Int) -> Int {
            all.withUnsafeBufferPointer { firstCharacters.firstMember(in: $0, from: start) }
        }
        var index = next(from: 0)
        while index < text.count {
            guard let word = siteWords.first(where: { Self.matches($0, text, index) }) else {
                index = next(from: index + 1)
                continue
            }
            var end = index + word.count
            if end < text.endIndex && Self.notSiteAfter.contains(text[end]) {
                index = next(from: end)
                continue
            }
            // 项目工地, 食品厂扩建工地: one site, named once, by its longest form.
            var extended = true
            while extended {
                extended = false
                for gap in 0...Self.joinGap where end + gap < text.endIndex {
                    if gap > 0 && (!isHan(text[end + gap - 1]) || Self.breaks.contains(text[end + gap - 1])) { break }
                    if let next = siteWords.first(where: { Self.matches($0, text, end + gap) }),
                        end + gap + next.count >= text.endIndex || !Self.notSiteAfter.contains(text[end + gap + next.count])
                    {
                        end += gap + next.count
                        extended = true
                        break
                    }
                }
            }
            var start = index
            while start > 0, index - start < Self.longest, isHan(text[start - 1]), !Self.breaks.contains(text[start - 1]) {
                start -= 1
            }
            // A run cut at the longest name may begin inside a name of the home region or a
            // township (陵市 of 江陵市): it starts after that name.
            if index - start >= Self.longest {
                let cut = start
                for word in homeNames + places where word.count > 1 {
                    for inside in 1..<word.count where Self.matches(word, text, cut - inside) {
                        start = max(start, min(cut - inside + word.count, index))
                    }
                }
            }
            if let name = clean(text, start, index, end), !found.contains(name) { found.append(name) }
            index = next(from: end)
        }
        return found
    }

    /// The clean name of the run `text[start ..< end]` whose site words begin at `wordStart`, or nil.
    private func clean(_ text: ArraySlice<UInt32>, _ start: Int, _ wordStart: Int, _ end: Int) -> String? {
        var start = start
        // After the last lead-in before the site word.
        var position = start
        while position < wordStart {
            if let leadIn = leadIns.first(where: { Self.matches($0, text, position) && position + $0.count <= wordStart }) {
                start = position + leadIn.count
                position += leadIn.count
            } else {
                position += 1
            }
        }
        // Dates and counters in front: 19日, 12月, 一处, 某 (the digits of a date stand outside the run).
        if start > text.startIndex && start < wordStart && Self.numerals.contains(text[start - 1])
            && Self.dateUnits.contains(text[start])
        {
            start += 1
        }
        var trimmed = true
        while trimmed && start < wordStart {
            trimmed = false
            var digits = start
            while digits < wordStart && Self.numerals.contains(text[digits]) { digits += 1 }
            if digits > start && digits < wordStart && Self.dateUnits.contains(text[digits]) {
                start = digits + 1
                trimmed = true
            } else if let counter = Self.counters.first(where: { Self.matches($0, text, start) && start + $0.count <= wordStart }) {
                start += counter.count
                trimmed = true
            }
        }
        // A township in front is kept apart: the site is what follows it.
        var township: ArraySlice<UInt32> = []
        if let place = places.first(where: { Self.matches($0, text, start) && start + $0.count < wordStart }) {
            township = text[start..<(start + place.count)]
            start += place.count
        }
        let name = text[start..<end]
        // Another city's site is no gap in this registry.
        if isElsewhere(text[max(0, start - 4)..<end]) { return nil }
        guard distinctiveCount(name) >= 2 else { return nil }
        let nameText = Self.string(name)
        return township.isEmpty ? nameText : Self.string(township) + " " + nameText
    }

    /// Characters of `name` that are neither places, site words nor generic words.
    private func distinctiveCount(_ name: ArraySlice<UInt32>) -> Int {
        var count = 0
        var index = name.startIndex
        while index < name.endIndex {
            if let word = undistinctive[name[index]]?.first(where: { Self.matches($0, name, index) }) {
                index += word.count
            } else {
                if isHan(name[index]) { count += 1 }
                index += 1
            }
        }
        return count
    }

    /// Whether the run names a 市 or 县 that is not the home region's.
    private func isElsewhere(_ run: ArraySlice<UInt32>) -> Bool {
        for index in run.indices where (run[index] == Self.city || run[index] == Self.county) && index - run.startIndex >= 2 {
            let before = run[run.startIndex..<index]
            if !homeNames.contains(where: { before.count >= $0.count && before.suffix($0.count).elementsEqual($0) }) {
                return true
            }
        }
        return false
    }

    private static let city = UInt32(("市" as Unicode.Scalar).value)
    private static let county = UInt32(("县" as Unicode.Scalar).value)
    private static let numerals = ScalarBitmap("0123456789一二三四五六七八九十")
    private static let dateUnits = ScalarBitmap("日号月年")
    private static let counters: [[UInt32]] = [
        "一处", "一个", "一家", "一座", "一栋", "一间", "一幢", "某个", "某处", "某",
        "该", "那个", "这个", "一",
    ].map { $0.unicodeScalars.map(\.value) }

    private static func matches(_ word: [UInt32], _ text: ArraySlice<UInt32>, _ index: Int) -> Bool {
        guard index >= text.startIndex, index + word.count <= text.endIndex else { return false }
        var offset = index
        for character in word {
            guard text[offset] == character else { return false }
            offset += 1
        }
        return true
    }

    private static func string(_ scalars: ArraySlice<UInt32>) -> String {
        var text = ""
        for value in scalars { text.unicodeScalars.append(Unicode.Scalar(value) ?? "\u{FFFD}") }
        return text
    }
}
