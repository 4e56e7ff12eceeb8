/// The distinctive parts of a registry name, as people shorten it: 实验小学 of
/// 江陵市城关镇实验小学迁建工程, 城北 and 二期 of 江陵市城北安置房二期工程, 宏泰 of
/// 江陵宏泰建设集团有限公司.
///
/// A name is cut at generic words (the city, 工程, 改扩建 ...), project-type words
/// (安置房, 小学 ...) and its own township; what remains, two characters or more,
/// are its tokens, and a phase (二期, 3号, 一标段) is a token of its own. Each token
/// carries its share of the name's distinctive characters, so that naming all of a
/// project's tokens counts as much as naming the project, and naming one of several
/// counts for less.
struct NameTokenizer {
    struct Token: Hashable {
        var text: String
        /// The token's part of its name's distinctive characters in 127ths (the low seven
        /// bits), and `phaseBit` for a phase (二期): alone it names no project, since 哪一期
        /// and 这一期 hold one; beside other evidence of the project it counts.
        var share: UInt8
    }

    static let phaseBit: UInt8 = 0x80

    /// Generic and type words as scalars, by their first scalar, longest first.
    private let cutsByFirst: [Unicode.Scalar: [[Unicode.Scalar]]]
    /// The first scalars of the cut words: most characters of a name start none, and
    /// the bitmap says so without hashing.
    private let cutStarts: ScalarBitmap
    /// The cut words that are project types (医院, 中学): see `institution(in:)`.
    private let typeWords: Set<[Unicode.Scalar]>

    init(cuts: [String], types: [String] = []) {
        typeWords = Set(types.filter { !$0.isEmpty }.map { Array($0.unicodeScalars) })
        var byFirst: [Unicode.Scalar: [[Unicode.Scalar]]] = [:]
        for cut in Set(cuts.filter { !$0.isEmpty }) {
            let scalars = Array(cut.unicodeScalars)
            byFirst[scalars[0], default: []].append(scalars)
        }
        cutsByFirst = byFirst.mapValues { $0.sorted { $0.count > $1.count } }
        cutStarts = ScalarBitmap(byFirst.keys.map(\.value).filter { $0 < 0x1_0000 })
    }

    private static let numerals = ScalarBitmap("一二三四五六七八九十百0123456789")
    private static let phaseWords: [[Unicode.Scalar]] = ["期", "标段", "号楼", "号地块", "号", "区"].map { Array($0.unicodeScalars) }
        .sorted { $0.count > $1.count }
    private static let companySuffixes = RegistryNames.companySuffixes.map { Array($0.unicodeScalars) }.sorted { $0.count > $1.count }
    private static let tradeWords = RegistryNames.tradeWords.map { Array($0.unicodeScalars) }.sorted { $0.count > $1.count }

    /// The tokens of a project: of its name and each alias, and the distinctive core of
    /// each company (宏泰 of 江陵宏泰建设集团有限公司), each token once with its largest share.
    /// - Complexity: O(n · c) in the length of the texts and the number of cut words
    ///   that start at a position (a set lookup rules out most positions).
    func tokens(name: String, aliases: [String], township: String?, companies: [String]) -> [Token] {
        var townshipCuts: [[Unicode.Scalar]] = []
        if let township, !township.isEmpty {
            townshipCuts = Self.townshipForms(township).map { Array($0.unicodeScalars) }.sorted { $0.count > $1.count }
        }
        // A handful of tokens a project: a list, not a dictionary of strings.
        var kept: [(scalars: ArraySlice<Unicode.Scalar>, share: UInt8)] = []
        func keep(_ piece: ArraySlice<Unicode.Scalar>, _ share: UInt8) {
            if let index = kept.firstIndex(where: { $0.scalars.elementsEqual(piece) }) {
                kept[index].share = max(kept[index].share & 0x7F, share & 0x7F) | (share & Self.phaseBit)
            } else {
                kept.append((piece, share))
            }
        }
        for source in [name] + aliases {
            let scalars = Array(source.unicodeScalars)
            let parts = split(scalars, townships: townshipCuts)
            let total = parts.reduce(0) { $0 + $1.part.count }
            guard total > 0 else { continue }
            for (part, isPhase) in parts {
                let share = UInt8(min(127, (127 * part.count + total / 2) / total))
                keep(part, isPhase ? share | Self.phaseBit : share)
                // A school is called by the first character of its name and 小 or 中: 实小 of 实验小学.
                if !isPhase, part.count == 2, let short = Self.schoolShortForm(of: part, in: scalars) {
                    keep(short[...], share)
                }
            }
        }
        // A name is known by its institution too (人民医院 of 江陵市人民医院住院大楼工程, whose
        // other words are all generic or types); every project of one institution has it
        // (第一中学 of 第一中学改扩建 and 第一中学体育馆), so that naming it alone tells none apart.
        for source in [name] + aliases {
            if let institution = institution(in: Array(source.unicodeScalars), townships: townshipCuts) {
                keep(institution, 127)
                break
            }
        }
        for company in companies {
            // A core that is itself a generic word or a place (高新区 of 江陵高新区开发建设有限公司) names no project.
            if let core = Self.companyCore(company), core.count >= 2 {
                for (piece, isPhase) in split(Array(core), townships: townshipCuts) where !isPhase && piece.count == core.count {
                    keep(piece, 127)
                }
            }
        }
        return kept.map { Token(text: String(scalars: $0.scalars), share: $0.share) }
    }

    /// The institution a name holds: a generic word right before a type word (人民医院 of
    /// 江陵市人民医院住院大楼工程, 第一中学 of 江陵市第一中学改扩建工程), four characters or more.
    /// A township's institution (石坪镇中心小学: every township has a 中心小学) is none: the
    /// township and the type tell it.
    func institution(in name: [Unicode.Scalar], townships: [[Unicode.Scalar]] = []) -> ArraySlice<Unicode.Scalar>? {
        let text = Self.withoutLeadingCity(name[...])
        var index = text.startIndex
        // The start of the run of generic words that ends at `index`, if one does.
        var genericStart: Int?
        while index < text.endIndex {
            if townships.contains(where: { matches($0, text, index) }) { return nil }
            guard let cut = cut(in: text, at: index) else {
                genericStart = nil
                index += 1
                continue
            }
            if typeWords.contains(cut) {
                if let start = genericStart, index + cut.count - start >= 4 { return text[start..<(index + cut.count)] }
                genericStart = nil
            } else if genericStart == nil {
                // The whole run of generic words: 第二人民医院, not 人民医院.
                genericStart = index
            }
            index += cut.count
        }
        return nil
    }

    /// 实小 for the piece 实验 of 实验小学, 育中 for 育才 of 育才中学: the piece's first character and
    /// the school's level, when the piece stands right before 小学 or 中学 in `name`.
    static func schoolShortForm(of piece: ArraySlice<Unicode.Scalar>, in name: [Unicode.Scalar]) -> [Unicode.Scalar]? {
        let width = piece.count + 2
        guard name.count >= width else { return nil }
        for start in 0...(name.count - width) where name[start..<(start + piece.count)].elementsEqual(piece) {
            let level = name[start + piece.count]
            if (level == "小" || level == "中") && name[start + piece.count + 1] == "学" {
                return [piece[piece.startIndex], level]
            }
        }
        return nil
    }

    /// Short forms of a name or alias: its distinctive pieces run together, the
    /// township's kept (城北二期 of 城北安置房二期工程, 南港一期 of 南港片区安置房一期工程).
    /// Only names of two pieces or more give one, of four characters or more; each
    /// comes with the name or alias it stands for.
    func compounds(name: String, aliases: [String]) -> [(compound: String, source: String)] {
        var found: [(compound: String, source: String)] = []
        for source in [name] + aliases {
            let parts = split(Array(source.unicodeScalars), townships: [])
            guard parts.count >= 2 else { continue }
            let joined = parts.flatMap(\.part)
            guard joined.count >= 4 else { continue }
            let compound = String(scalars: joined)
            guard !compound.hasSameBytes(as: source), !found.contains(where: { $0.compound.hasSameBytes(as: compound) }) else { continue }
            found.append((compound, source))
        }
        return found
    }

    /// The pieces of `name` left between cut words, plus its phases.
    private func split(_ name: [Unicode.Scalar], townships: [[Unicode.Scalar]]) -> [(part: ArraySlice<Unicode.Scalar>, isPhase: Bool)] {
        let text = Self.withoutLeadingCity(name[...])
        var parts: [(part: ArraySlice<Unicode.Scalar>, isPhase: Bool)] = []
        var start = text.startIndex
        var index = text.startIndex
        func close(_ end: Int) {
            if end - start >= 2 { parts.append((text[start..<end], false)) }
        }
        while index < text.endIndex {
            if let phase = phase(in: text, at: index) {
                close(index)
                parts.append((text[index..<(index + phase)], true))
                index += phase
                start = index
                continue
            }
            if let cut = cut(in: text, at: index) ?? townships.first(where: { matches($0, text, index) }) {
                close(index)
                index += cut.count
                start = index
                continue
            }
            index += 1
        }
        close(text.endIndex)
        return parts
    }

    /// A name without its leading city (…市): the deployment's own.
    private static func withoutLeadingCity(_ name: ArraySlice<Unicode.Scalar>) -> ArraySlice<Unicode.Scalar> {
        guard let city = RegistryNames.leadingCity(name), name.endIndex - city > 2 else { return name }
        return name[(city + 1)...]
    }

    /// The longest cut word (generic or type) starting at `index`, or nil.
    private func cut(in text: ArraySlice<Unicode.Scalar>, at index: Int) -> [Unicode.Scalar]? {
        let first = text[index]
        // A cut word starting beyond the basic plane is not in the bitmap: the dictionary says.
        guard first.value >= 0x1_0000 || cutStarts.contains(first.value) else { return nil }
        return cutsByFirst[first]?.first { matches($0, text, index) }
    }

    /// The length of a phase (二期, 12号楼, 一标段) starting at `index`, or nil.
    private func phase(in text: ArraySlice<Unicode.Scalar>, at index: Int) -> Int? {
        guard Self.numerals.contains(text[index].value), index == text.startIndex || !Self.numerals.contains(text[index - 1].value)
        else {
            return nil
        }
        var end = index
        while end < text.endIndex && Self.numerals.contains(text[end].value) { end += 1 }
        guard let word = Self.phaseWords.first(where: { matches($0, text, end) }) else { return nil }
        return end - index + word.count
    }

    private func matches(_ word: [Unicode.Scalar], _ text: ArraySlice<Unicode.Scalar>, _ index: Int) -> Bool {
        index + word.count <= text.endIndex && text[index..<(index + word.count)].elementsEqual(word)
    }

    /// A company's distinctive core: without its legal form, a leading place of two
    /// characters (or up to 市), and trailing trade words (建设, 劳务 ...).
    static func companyCore(_ company: String) -> ArraySlice<Unicode.Scalar>? {
        var core = Array(company.unicodeScalars)[...]
        guard let suffix = companySuffixes.first(where: { core.count > $0.count && core.suffix($0.count).elementsEqual($0) }) else {
            return nil
        }
        core = core.dropLast(suffix.count)
        if let city = core.prefix(4).firstIndex(of: "市") { core = core[(city + 1)...] } else if core.count > 4 { core = core.dropFirst(2) }
        while let word = tradeWords.first(where: { core.count > $0.count && core.suffix($0.count).elementsEqual($0) }) {
            core = core.dropLast(word.count)
        }
        return core.count >= 2 && core.count <= 4 ? core : nil
    }

    private static let townshipSuffixes = ["街道办事处", "街道", "镇", "乡", "办事处"]

    /// A township's forms: its name and the name without 镇, 乡 or 街道 when two or
    /// more characters remain (石坪镇, 石坪).
    static func townshipForms(_ township: String) -> [String] {
        var forms = [township]
        if let suffix = townshipSuffixes.first(where: { township.hasSuffix($0) }), township.count - suffix.count >= 2 {
            forms.append(String(township.dropLast(suffix.count)))
        }
        return forms
    }

    /// Every form of a township, and each with one character replaced by one that
    /// sounds the same (石平镇 for 石坪镇, 黄构乡 for 黄沟乡): people type by pinyin.
    /// - Parameter homophones: groups of characters read alike, one string a group.
    static func townshipVariants(_ township: String, homophones: [String]) -> [String] {
        var groupOf: [Character: String] = [:]
        for group in homophones { for character in group { groupOf[character] = group } }
        var variants: [String] = []
        for form in townshipForms(township) {
            variants.append(form)
            let characters = Array(form)
            for (index, character) in characters.enumerated() {
                for other in groupOf[character] ?? "" where other != character {
                    var changed = characters
                    changed[index] = other
                    variants.append(String(changed))
                }
            }
        }
        return variants
    }
}
