import CPrefetch
import Foundation
import Model
import Parallel

/// Scores items and links them to projects, from one automaton of every lexicon
/// term, rule term, negation cue, registry name, township and project-type word.
///
/// Built once per rules-and-registry version (`version`) and shared; evaluating
/// an item reads it only, so one engine serves any number of concurrent calls.
public struct ScoringEngine: Sendable {
    public let rulebook: Rulebook
    public let projects: [Project]
    /// A stamp of rules and registry: verdicts made under another version are redone.
    public let version: String
    let normalizer: TextNormalizer
    let matcher: PatternMatcher
    /// The rules folder's text model, if it has one (read on every item: kept apart from the rulebook).
    let textModel: TextModel?

    /// Per pattern, what a match needs, in one record (see `PatternInfo`).
    let patternInfo: HugePageTable<PatternInfo>
    /// Every pattern's folded text end to end: pattern i is `patternFlat[patternStarts[i] ..< patternStarts[i + 1]]`.
    let patternFlat: [UInt32]
    let patternStarts: [Int32]
    /// Every pattern of the automaton, folded, by index (made on demand, for tools).
    public var patternScalars: [[UInt32]] {
        (0..<(patternStarts.count - 1)).map { Array(patternFlat[Int(patternStarts[$0])..<Int(patternStarts[$0 + 1])]) }
    }

    /// The folded text of pattern `index`.
    func patternText(_ index: Int) -> String {
        Self.text(of: index, flat: patternFlat, starts: patternStarts)
    }

    private static func text(of pattern: Int, flat: [UInt32], starts: [Int32]) -> String {
        var view = String.UnicodeScalarView()
        for value in flat[Int(starts[pattern])..<Int(starts[pattern + 1])] {
            view.append(Unicode.Scalar(value) ?? "\u{FFFD}")
        }
        return String(view)
    }
    /// The text of each term pattern (one with slots), at its `slotStart`: what a
    /// verdict lists as matched terms, made once rather than for every item.
    let termText: [String]
    /// Slots of pattern i: `slotList[info.slotStart ..< info.slotEnd]`.
    let slotList: [Int32]
    /// Projects that pattern i names: `owners[info.ownerStart ..< info.ownerEnd]`.
    let owners: HugePageTable<Owner>
    /// The linking weight of each mention kind, by `MentionKind.allCases` index.
    let kindWeights: [Double]
    /// The linking weights of the evidence that is no registry name (the rulebook's, read once).
    let respondentBonus: Double
    let townshipWeight: Double
    let projectTypeWeight: Double
    let tokenWeight: Double
    /// The link and review thresholds and the review margin (the rulebook's, read once:
    /// copying the linking settings retains their tables).
    let linkThreshold: Double
    let reviewThreshold: Double
    let reviewMargin: Double
    let narrowedLead: Double
    /// Bit p set when pattern p is an exception of some lexicon (`guards`).
    let guardBits: [UInt64]
    /// The registry's own spelling of each owner's name (contractor, alias ...), by owner.
    let ownerText: [String]
    /// Project ids by project index, and township names by township number: what a
    /// verdict names, apart from the large `Project` records.
    let projectIDs: [String]
    let townshipNames: [String]
    /// Finds unregistered sites in signals that link to nothing.
    let siteFinder: SiteMentionFinder
    /// The registry's names and aliases as they sound: a site typed by pinyin (乔西大桥) is
    /// the registry's project it sounds like (桥西大桥), not a gap in the registry.
    let soundAlike: SoundAlikeNames
    /// The projects of each township, by township number, and each project's township and types.
    let projectsOfTownship: [[Int32]]
    let projectTraits: [ProjectTraits]
    /// Each project's own type words, and each type word's bit by its pattern (`ProjectNames.typeWordBit`).
    let typeWordsOfProject: [UInt64]
    let typeWordBits: [Int32: UInt64]
    let typeWordBonus: Double

    /// Lexicon slots: the named lexicons, then one slot per literal term used by a rule.
    let slotNames: [String]
    let slotNegatable: [Bool]
    /// Per slot, whether its lexicon has exceptions (`except_in` ...), and how far a cue reaches.
    let slotGuarded: [Bool]
    let slotExceptWindow: [Int32]
    /// The slots of the other_cities and home_region lexicons (-1 without them), and the
    /// home region's names folded: a mention right after another place is that place's.
    let otherCitySlot: Int
    /// The slot of the link_uncertain lexicon (-1 without it): words that say the writer
    /// does not know which project it is, which make a link a clerk's choice.
    let uncertainSlot: Int
    let homeSlot: Int
    let homeNames: [[UInt32]]
    /// The exceptions a pattern stands for, for the few patterns flagged `isGuard`: its
    /// range of `guardList` (plain values, so a lookup counts no shared reference).
    let guardRanges: [Int32: GuardRange]
    let guardList: [Guard]
    let slotTracked: [Bool]
    let slotWords: Int

    let compiledRules: [CompiledRule]
    /// The same rules, for the evaluation loop: `compiledRules` keeps them alive.
    let unretainedRules: [Unmanaged<CompiledRule>]
    /// Indexes of the rules that make an item a signal, of those that decide what a signal
    /// is (noise, resolved, claim kind), and of those that only qualify one.
    let signalRules: [Int]
    let decidingRules: [Int]
    let qualifyingRules: [Int]
    /// Per rule, what is read before its conditions (`RuleHead`).
    let ruleHeads: [RuleHead]
    /// The rules' gates end to end, `slotWords` words each: bits of the slots of which one
    /// at least must occur for the rule to hold. Most rules are ruled out by a few word tests.
    let ruleGateWords: [UInt64]
    /// Patterns and states of the automaton, for sizing and benchmarks.
    public var automatonSize: (patterns: Int, states: Int) { (matcher.count, matcher.stateCount) }

    /// Builds the engine.
    /// - Parameters:
    ///   - traditionalToSimplified: OpenCC's character table (`ChineseConversion`); empty folds nothing.
    /// - Complexity: O(total length of all patterns). Each project's names are worked out on a
    ///   core of their own while the table takes the block before: about 2 s for 100,000 projects
    ///   on two cores.
    public init(rulebook: Rulebook, projects: [Project], traditionalToSimplified: [UInt32: UInt32] = [:]) {
        let normalizer = TextNormalizer(traditionalToSimplified: traditionalToSimplified)
        var builder = PatternTableBuilder(normalizer: normalizer)

        // Slots for named lexicons, then literal terms of rules.
        let lexicons = rulebook.lexicons.sorted { $0.key < $1.key }
        var slotNames = lexicons.map(\.key)
        var slotIndex = Dictionary(uniqueKeysWithValues: slotNames.enumerated().map { ($1, $0) })
        var slotNegatable = lexicons.map(\.value.isNegatable)
        func slot(forTerm term: String) -> Int {
            let key = "=" + term
            if let index = slotIndex[key] { return index }
            slotNames.append(key)
            slotNegatable.append(true)
            slotIndex[key] = slotNames.count - 1
            builder.add(term, slot: slotNames.count - 1)
            return slotNames.count - 1
        }
        for (index, (_, lexicon)) in lexicons.enumerated() {
            for term in lexicon.terms { builder.add(term, slot: index) }
            for compound in lexicon.exceptions.inside { builder.addGuard(compound, Guard(slot: Int32(index), role: .inside)) }
            for cue in lexicon.exceptions.after { builder.addGuard(cue, Guard(slot: Int32(index), role: .after)) }
            for cue in lexicon.exceptions.before { builder.addGuard(cue, Guard(slot: Int32(index), role: .before)) }
        }
        var tracked = Set<Int>()
        var compiled: [CompiledRule] = []
        for rule in rulebook.rules {
            func compile(_ condition: Rulebook.Condition) -> CompiledCondition {
                switch condition {
                case .lexicon(let name):
                    // swift-format-ignore: NeverForceUnwrap
                    // (the rulebook checked that the lexicons its rules name exist)
                    return .slot(slotIndex[name]!)
                case .term(let text): return .slot(slot(forTerm: text))
                case .regex(let pattern): return .regex(CompiledRegex(pattern))
                case .near(let slots, let within, let ordered):
                    let compiledSlots = slots.map { atoms in
                        atoms.map { atom -> Int in
                            switch atom {
                            case .lexicon(let name):
                                // swift-format-ignore: NeverForceUnwrap
                                // (near slots name only lexicons that exist: the rulebook resolved them so)
                                return slotIndex[name]!
                            case .term(let text): return slot(forTerm: text)
                            }
                        }
                    }
                    for index in compiledSlots.joined() { tracked.insert(index) }
                    return .near(compiledSlots, within: within, ordered: ordered)
                }
            }
            compiled.append(
                CompiledRule(rule: rule, any: rule.any.map(compile), all: rule.all.map(compile), none: rule.none.map(compile)))
        }
        for cue in rulebook.negation.cues { builder.addCue(cue, window: rulebook.negation.window) }
        for cue in rulebook.negation.adjacentCues { builder.addCue(cue, window: 0) }

        // Registry names, townships and project types.
        let typeWords = rulebook.linking.types.sorted { $0.key < $1.key }.map { $0.value.map(normalizer.normalize) }
        let typeMatcher = PatternMatcher(patterns: typeWords.flatMap { $0 })
        let typeOfWord = typeWords.enumerated().flatMap { type, words in words.map { _ in Int32(type) } }
        let tokenizer = NameTokenizer(
            cuts: rulebook.linking.genericWords.flatMap { rulebook.lexicons[$0]?.terms ?? [$0] }
                + rulebook.linking.types.values.joined(),
            types: Array(rulebook.linking.types.values.joined()))
        // Each project's names, variants, tokens and types are its own work, made on every
        // core a block at a time (a block bounds the memory they take); the table takes
        // them in project order.
        @Sendable func names(of project: Int) -> ProjectNames {
            ProjectNames(projects[project], tokenizer: tokenizer, normalizer: normalizer, typeMatcher: typeMatcher, typeOfWord: typeOfWord)
        }
        var registry = RegistryPatterns(builder: builder, homophones: rulebook.linking.homophones)
        // While the table takes one block, the next block's names are made.
        // The first block on every core; then each next one on the core the table leaves.
        var named = Parallel.map(min(projects.count, Self.namesBlock), chunkSize: 512) { names(of: $0) }
        for blockStart in stride(from: 0, to: projects.count, by: Self.namesBlock) {
            let block = blockStart..<min(projects.count, blockStart + Self.namesBlock)
            let next = block.upperBound..<min(projects.count, block.upperBound + Self.namesBlock)
            let current = named
            named = Parallel.overlapping(
                { for index in block { registry.take(projects[index], index, current[index - block.lowerBound]) } },
                alongside: { next.map(names(of:)) })
        }
        // Each type word's bit (`ProjectNames.typeWordBit`), by its pattern: in the order the type matcher numbers them.
        var typeWordBits: [Int32: UInt64] = [:]
        for (index, (type, word)) in typeWords.enumerated().flatMap({ type, words in words.map { (type, $0) } }).enumerated() {
            if let pattern = registry.builder.addType(word, id: Int32(type)) {
                typeWordBits[pattern, default: 0] |= ProjectNames.typeWordBit(index)
            }
        }
        self.typeWordBits = typeWordBits
        self.typeWordsOfProject = registry.typeWordsOfProject

        // The automaton needs the patterns only: it is built while the table is finished.
        var finished: PatternTableBuilder.Table?
        let (flat, starts) = registry.builder.patterns
        self.matcher = Parallel.overlapping(
            { finished = registry.builder.finish() }, alongside: { PatternMatcher(flat: flat, starts: starts) })
        // swift-format-ignore: NeverForceUnwrap
        // (overlapping returns once its work has run)
        let table = finished!
        self.rulebook = rulebook
        self.projects = projects
        self.normalizer = normalizer
        self.patternFlat = table.flat
        self.patternStarts = table.starts
        self.patternInfo = HugePageTable(table.info)
        self.slotList = table.slotList
        var termText = [String](repeating: "", count: table.slotList.count)
        for (pattern, info) in table.info.enumerated() where info.slotStart < info.slotEnd {
            termText[Int(info.slotStart)] = Self.text(of: pattern, flat: table.flat, starts: table.starts)
        }
        self.termText = termText
        let projectTraits = zip(registry.typesOfProject, registry.townshipOfProject).map { ProjectTraits(types: $0, township: $1) }
        // On every core: each owner's string is far from the last one's in memory.
        self.owners = HugePageTable(
            Parallel.map(table.ownerProject.count, chunkSize: 65_536) { entry in
                let project = Int(table.ownerProject[entry])
                let text = table.ownerText[entry]
                // swift-format-ignore: NeverForceUnwrap
                // (every kind is in MentionKind.allCases)
                return Owner(
                    traits: projectTraits[project],
                    project: Int32(project), display: table.ownerDisplay[entry],
                    kindIndex: UInt8(Owner.kinds.firstIndex(of: table.ownerKind[entry])!),
                    share: table.ownerShare[entry],
                    // Longer than a small string: the bytes sit in the string's storage object.
                    textAddress: text.utf8.count > 15
                        ? text.utf8.withContiguousStorageIfAvailable { UInt(bitPattern: $0.baseAddress) } ?? 0 : 0)
            })
        self.kindWeights = MentionKind.allCases.map { rulebook.linking.weight(of: $0) }
        self.respondentBonus = rulebook.linking.respondentBonus
        self.townshipWeight = rulebook.linking.weight(of: .township)
        self.projectTypeWeight = rulebook.linking.weight(of: .projectType)
        self.tokenWeight = rulebook.linking.weight(of: .token)
        self.linkThreshold = rulebook.linking.linkThreshold
        self.reviewThreshold = rulebook.linking.reviewThreshold
        self.reviewMargin = rulebook.linking.reviewMargin
        self.narrowedLead = rulebook.linking.narrowedLead
        self.typeWordBonus = rulebook.linking.typeWordBonus
        var guardBits = [UInt64](repeating: 0, count: (table.info.count + 63) / 64)
        for pattern in table.guards.keys { guardBits[Int(pattern) >> 6] |= 1 << UInt64(pattern & 63) }
        self.guardBits = guardBits
        self.ownerText = table.ownerText
        self.projectIDs = projects.map(\.id)
        var townshipNames = [String](repeating: "", count: registry.townships.count)
        for (name, id) in registry.townships { townshipNames[Int(id)] = name.text }
        self.townshipNames = townshipNames
        let standard = SiteMentionFinder.standard
        self.soundAlike = SoundAlikeNames(homophones: rulebook.linking.homophones)
        self.siteFinder = SiteMentionFinder(
            siteWords: standard.siteWordTexts, leadIns: standard.leadInTexts,
            // A project type (学校, 敬老院) names no particular site either, nor do the words
            // the registry's names are cut at (高新区, 改造, 配套 ...).
            generic: standard.genericTexts + rulebook.linking.types.values.joined().map(normalizer.normalize)
                + rulebook.linking.genericWords.filter { rulebook.lexicons[$0] == nil }.map(normalizer.normalize),
            places: registry.placeNames.map(normalizer.normalize),
            homeNames: (rulebook.lexicons["home_region"]?.terms ?? []).map(normalizer.normalize))
        var projectsOfTownship = [[Int32]](repeating: [], count: registry.townships.count)
        for (project, township) in registry.townshipOfProject.enumerated() where township >= 0 {
            projectsOfTownship[Int(township)].append(Int32(project))
        }
        self.projectsOfTownship = projectsOfTownship
        self.projectTraits = projectTraits
        self.slotNames = slotNames
        self.slotNegatable = slotNegatable
        self.slotExceptWindow = slotNames.map { Int32(rulebook.lexicons[$0]?.exceptions.window ?? 0) }
        self.slotGuarded = slotNames.map { !(rulebook.lexicons[$0]?.exceptions.isEmpty ?? true) }
        self.otherCitySlot = slotIndex["other_cities"] ?? -1
        self.uncertainSlot = slotIndex["link_uncertain"] ?? -1
        self.homeSlot = slotIndex["home_region"] ?? -1
        self.homeNames = (rulebook.lexicons["home_region"]?.terms ?? []).map(normalizer.normalizedScalars)
        var guardList: [Guard] = []
        var guardRanges: [Int32: GuardRange] = [:]
        for (pattern, entries) in table.guards {
            guardRanges[pattern] = GuardRange(start: Int32(guardList.count), end: Int32(guardList.count + entries.count))
            guardList += entries
        }
        self.guardRanges = guardRanges
        self.guardList = guardList
        self.slotTracked = slotNames.indices.map { tracked.contains($0) }
        self.slotWords = (slotNames.count + 63) / 64
        self.textModel = rulebook.textModel
        self.compiledRules = compiled
        self.unretainedRules = compiled.map(Unmanaged.passUnretained)
        self.signalRules = compiled.indices.filter { compiled[$0].rule.effect == .signal }
        self.decidingRules = compiled.indices.filter {
            !compiled[$0].rule.effect.qualifiesSignal && compiled[$0].rule.effect != .signal
        }
        self.qualifyingRules = compiled.indices.filter { compiled[$0].rule.effect.qualifiesSignal }
        let slotWords = self.slotWords
        var gateWords: [UInt64] = []
        self.ruleHeads = compiled.map { rule in
            guard let slots = CompiledRule.gate(any: rule.any, all: rule.all) else { return RuleHead(rule.rule, gateStart: -1) }
            let start = gateWords.count
            gateWords += repeatElement(0, count: slotWords)
            for slot in slots { gateWords[start + slot >> 6] |= 1 << UInt64(slot & 63) }
            return RuleHead(rule.rule, gateStart: Int32(start))
        }
        self.ruleGateWords = gateWords

        self.version = StableHash.hex(
            of: rulebook.version + "|" + registry.stamp.hex + "|" + "\(traditionalToSimplified.count)" + "|" + Self.revision)
    }

    /// Raised when the scorer's own code changes what a verdict holds (not only the rules
    /// or the registry): the stored verdicts are made again by the next run. 2: sites
    /// without the petitioner's name or number. 3: aliases without the city's name link,
    /// a link the text doubts (link_uncertain) goes to review, and 易地/搬迁/安置/扶贫 name no site.
    static let revision = "3"

    /// Projects whose names are made at once, on every core, before the table takes them.
    static let namesBlock = 8_192
}

extension String {
    /// Whether the two strings hold the same UTF-8 bytes (no Unicode normalization):
    /// one `memcmp`, where `==` and `utf8.elementsEqual` walk the text.
    func hasSameBytes(as other: String) -> Bool {
        guard utf8.count == other.utf8.count else { return false }
        let compared = utf8.withContiguousStorageIfAvailable { left in
            other.utf8.withContiguousStorageIfAvailable { right in
                // swift-format-ignore: NeverForceUnwrap
                // (not empty, and of the same length)
                left.isEmpty || memcmp(left.baseAddress!, right.baseAddress!, left.count) == 0
            }
        }
        return (compared ?? nil) ?? utf8.elementsEqual(other.utf8)
    }
}

/// A string as a dictionary key compared and hashed by its UTF-8 bytes: `String`'s
/// own hashing normalizes Unicode first, which costs a table lookup per Chinese
/// character, and registry texts come from one source, in one normalization.
struct ByteKey: Hashable {
    let text: String

    init(_ text: String) {
        self.text = text
    }

    static func == (lhs: ByteKey, rhs: ByteKey) -> Bool {
        lhs.text.hasSameBytes(as: rhs.text)
    }

    func hash(into hasher: inout Hasher) {
        if text.utf8.withContiguousStorageIfAvailable({ hasher.combine(bytes: UnsafeRawBufferPointer($0)) }) == nil {
            for byte in text.utf8 { hasher.combine(byte) }
        }
    }
}

/// What a match of one pattern needs to know, in 32 bytes: the scan reads one
/// record per match instead of one cache line from each of eight arrays.
struct PatternInfo: Sendable {
    var slotStart: Int32
    var slotEnd: Int32
    var ownerStart: Int32
    var ownerEnd: Int32
    /// For a negation cue, how many characters may stand between it and the term; -1 for other patterns.
    var cueWindow: Int32
    var township: Int32
    var type: Int32
    /// Distinct projects that share the pattern's registry text (at most `maxSharedOwners` + 1).
    var sharedBy: UInt16
    /// Bit 0: the pattern is an exception of some lexicon (see `ScoringEngine.guardRanges`).
    var flags: UInt16

    var hasOwners: Bool { ownerStart < ownerEnd }
    var isGuard: Bool { flags & 1 != 0 }
    /// Whether a match is linking evidence of any kind.
    var isMention: Bool { ownerStart < ownerEnd || township >= 0 || type >= 0 }
}

/// An exception of one lexicon: where a match of the pattern cancels the lexicon's terms.
struct Guard: Sendable, Hashable {
    enum Role: UInt8, Sendable {
        /// A longer word that holds the term (半年前 for 年前).
        case inside
        /// A cue that the term follows (老家在 before 郑州).
        case after
        /// A cue that follows the term (a closing bracket after a city in a company name).
        case before
    }
    var slot: Int32
    var role: Role
}

/// Where a pattern's exceptions lie in `ScoringEngine.guardList`.
struct GuardRange: Sendable {
    var start: Int32
    var end: Int32
}

/// One project a pattern names: 32 bytes, two to a cache line.
struct Owner: Sendable {
    /// The project's township and types, here so that ranking a candidate reads no other record.
    var traits: ProjectTraits
    var project: Int32
    /// The registry spelling as a number, equal for a name and its short forms
    /// (numbered within the project: evidence is only ever compared within one).
    var display: Int32
    /// The mention kind, by `MentionKind.allCases` index.
    var kindIndex: UInt8
    /// For a name token, its part of the name's distinctive characters in 255ths; 0 for other kinds.
    var share: UInt8
    /// Where the bytes of the owner's `ownerText` live when the string has storage of
    /// its own (else 0), for prefetching only: a link copies the winner's texts, which
    /// writes their reference counts, and a registry text is met too rarely to be in
    /// the cache. Choosing the link reads the winner's record anyway, to find its text.
    var textAddress: UInt

    var kind: MentionKind { Self.kinds[Int(kindIndex)] }

    /// `MentionKind.allCases`, made once (each use of `allCases` makes an array).
    static let kinds = MentionKind.allCases
}

struct ProjectTraits: Sendable {
    /// Bit t set when the project's name or an alias names project type t.
    var types: UInt64
    var township: Int32
}

/// A rule with its conditions resolved to slots and compiled expressions.
///
/// A class, immutable once built: a reference costs one retain where a struct of arrays
/// and strings costs dozens. The evaluation loop reads a rule's `RuleHead` first and this
/// only for a rule whose gate opens.
final class CompiledRule: Sendable {
    let rule: Rulebook.Rule
    let any: [CompiledCondition]
    let all: [CompiledCondition]
    let none: [CompiledCondition]

    init(rule: Rulebook.Rule, any: [CompiledCondition], all: [CompiledCondition], none: [CompiledCondition]) {
        self.rule = rule
        self.any = any
        self.all = all
        self.none = none
    }

    /// Slots of which one at least must occur for the rule to hold: those of its
    /// first `all` condition that names slots (for `near`, its first group), else
    /// those of all its `any` conditions; nil when no such set exists.
    static func gate(any: [CompiledCondition], all: [CompiledCondition]) -> [Int]? {
        func slots(_ condition: CompiledCondition) -> [Int]? {
            switch condition {
            case .slot(let slot): [slot]
            case .regex: nil
            case .near(let groups, _, _): groups.first
            }
        }
        if let required = all.lazy.compactMap(slots).first { return required }
        guard !any.isEmpty else { return nil }
        var union: [Int] = []
        for condition in any {
            guard let alternatives = slots(condition) else { return nil }
            union += alternatives
        }
        return union
    }

    static func bit(for field: Rulebook.Field) -> Int {
        switch field {
        case .title: 1
        case .content: 2
        case .respondent: 4
        case .location: 8
        }
    }
}

/// What the evaluation loop reads of a rule before its text conditions, as plain values.
/// Every item tries every signal rule, and most rules are ruled out here: reading a
/// `CompiledRule` would count a reference on an object both cores share, and the two
/// cores would pass its cache line back and forth.
struct RuleHead: Sendable {
    /// Where the rule's gate starts in `ScoringEngine.ruleGateWords` (`slotWords` words:
    /// the slots of which one at least must occur), or -1 when the rule names none.
    var gateStart: Int32
    /// Bits of the fields the text conditions look at (title 1, content 2, respondent 4, location 8).
    var scopeMask: Int
    var effect: Rulebook.Effect
    var isFinal: Bool
    var weight: Double
    var level: SignalLevel
    var needsNumbers: Bool
    var hasChannels: Bool
    var kind: ItemKind?
    var people: Rulebook.Comparison?
    var recordedPeople: Rulebook.Comparison?
    var amount: Rulebook.Comparison?
    var mentionsRegistry: Bool?
    var namesProject: Bool?
    var namesOtherCity: Bool?

    init(_ rule: Rulebook.Rule, gateStart: Int32) {
        self.gateStart = gateStart
        scopeMask = rule.scope.map { scope in scope.reduce(0) { $0 | CompiledRule.bit(for: $1) } } ?? 0b1111
        effect = rule.effect
        isFinal = rule.isFinal
        weight = rule.weight
        level = rule.level
        needsNumbers = rule.conditions.people != nil || rule.conditions.amount != nil
        hasChannels = !rule.conditions.channels.isEmpty
        kind = rule.conditions.kind
        people = rule.conditions.people
        recordedPeople = rule.conditions.recordedPeople
        amount = rule.conditions.amount
        mentionsRegistry = rule.conditions.mentionsRegistry
        namesProject = rule.conditions.namesProject
        namesOtherCity = rule.conditions.namesOtherCity
    }
}

enum CompiledCondition: Sendable {
    case slot(Int)
    case regex(CompiledRegex)
    case near([[Int]], within: Int, ordered: Bool)
}

/// A regular expression compiled once; matching does not mutate it, so it may be shared.
final class CompiledRegex: @unchecked Sendable {
    let expression: NSRegularExpression

    init(_ pattern: String) {
        // swift-format-ignore: NeverUseForceTry
        // (the rulebook checked that the pattern compiles)
        expression = try! NSRegularExpression(pattern: pattern)
    }

    func matches(_ text: String) -> Bool {
        expression.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) != nil
    }
}

/// Gathers the engine's patterns, each with everything it stands for, then lays them out contiguously.
struct PatternTableBuilder {
    let normalizer: TextNormalizer
    /// Every pattern's folded scalars end to end: pattern i is `flat[starts[i] ..< starts[i + 1]]`.
    private var flat: [UInt32] = []
    private var starts: [Int32] = [0]

    /// Every pattern's folded scalars end to end, and where each starts.
    var patterns: (flat: [UInt32], starts: [Int32]) { (flat, starts) }
    /// Open addressing over the patterns' texts: 0 for an empty slot, else the upper
    /// half of the text's hash over pattern number + 1. A table of its own instead of
    /// a `Dictionary` keyed by arrays, so that adding a name allocates nothing; the
    /// hash half lets a probe pass other patterns without reading their text (each
    /// such read is a cache miss in a buffer of megabytes).
    private var slotsOfHash = [UInt64](repeating: 0, count: 1 << 12)
    /// Each pattern's hash, so that growing the table reads no text.
    private var hashes: [UInt64] = []
    private var slots: [[Int32]] = []
    private var cues: [Int32] = []
    private var guards: [Int32: [Guard]] = [:]
    private var townships: [Int32] = []
    private var types: [Int32] = []
    /// Owners in the order they came; each pattern's latest owner, and for each
    /// owner the one before it of the same pattern (-1 ends the chain).
    private var owners: [(pattern: Int32, project: Int32, kind: MentionKind, displayID: Int32, share: UInt8)] = []
    /// Each owner's registry spelling, apart from the plain values above so that
    /// reading an owner retains no string.
    private var ownerDisplays: [String] = []
    private var latestOwner: [Int32] = []
    private var previousOwner: [Int32] = []

    init(normalizer: TextNormalizer) {
        self.normalizer = normalizer
    }

    var patternCount: Int { starts.count - 1 }

    /// A pattern text's hash in the table (FNV-1a over its folded scalars).
    static func hash(_ scalars: some Sequence<UInt32>) -> UInt64 {
        var value: UInt64 = 0xcbf2_9ce4_8422_2325
        for scalar in scalars { value = (value ^ UInt64(scalar)) &* 0x0000_0100_0000_01b3 }
        return value ^ value >> 29
    }

    /// Asks the cache for the table slot a text of `hash` is looked up at first.
    /// Mutating only so that a caller's captured builder is reached in place, not copied
    /// (a copy retains every table).
    mutating func prefetch(hash: UInt64) {
        slotsOfHash.withUnsafeBufferPointer { slots in
            // swift-format-ignore: NeverForceUnwrap
            // (the table is never empty)
            wagewatch_prefetch(slots.baseAddress! + (Int(truncatingIfNeeded: hash) & (slots.count - 1)))
        }
    }

    private func sameText(_ pattern: Int, _ range: Range<Int>) -> Bool {
        let start = Int(starts[pattern])
        let end = Int(starts[pattern + 1])
        guard end - start == range.count else { return false }
        for offset in 0..<range.count where flat[start + offset] != flat[range.lowerBound + offset] { return false }
        return true
    }

    /// The pattern of the text folded onto the end of `flat` since `tail`: an existing
    /// one (the tail is dropped again) or a new one; nil when the text folded to nothing.
    private mutating func entry(tail: Int, hash known: UInt64? = nil) -> Int? {
        guard flat.count > tail else { return nil }
        let text = tail..<flat.count
        let mask = slotsOfHash.count - 1
        let hash = known ?? Self.hash(flat[text])
        let tag = hash & 0xFFFF_FFFF_0000_0000
        var slot = Int(truncatingIfNeeded: hash) & mask
        while slotsOfHash[slot] != 0 {
            let entry = slotsOfHash[slot]
            if entry & 0xFFFF_FFFF_0000_0000 == tag, sameText(Int(entry & 0xFFFF_FFFF) - 1, text) {
                flat.removeLast(text.count)
                return Int(entry & 0xFFFF_FFFF) - 1
            }
            slot = (slot + 1) & mask
        }
        let pattern = patternCount
        starts.append(Int32(flat.count))
        slotsOfHash[slot] = tag | UInt64(pattern + 1)
        hashes.append(hash)
        slots.append([])
        cues.append(-1)
        townships.append(-1)
        types.append(-1)
        latestOwner.append(-1)
        if patternCount * 2 > slotsOfHash.count { grow() }
        return pattern
    }

    private mutating func grow() {
        slotsOfHash = [UInt64](repeating: 0, count: slotsOfHash.count * 2)
        let mask = slotsOfHash.count - 1
        for pattern in 0..<patternCount {
            let hash = hashes[pattern]
            var slot = Int(truncatingIfNeeded: hash) & mask
            while slotsOfHash[slot] != 0 { slot = (slot + 1) & mask }
            slotsOfHash[slot] = hash & 0xFFFF_FFFF_0000_0000 | UInt64(pattern + 1)
        }
    }

    private mutating func entry(_ text: String) -> Int? {
        let tail = flat.count
        normalizer.appendFolded(text, to: &flat)
        return entry(tail: tail)
    }

    mutating func add(_ term: String, slot: Int) {
        guard let at = entry(term), !slots[at].contains(Int32(slot)) else { return }
        slots[at].append(Int32(slot))
    }

    mutating func addGuard(_ text: String, _ guardEntry: Guard) {
        guard let at = entry(text) else { return }
        if !guards[Int32(at), default: []].contains(guardEntry) { guards[Int32(at), default: []].append(guardEntry) }
    }

    mutating func addCue(_ cue: String, window: Int) {
        guard let at = entry(cue) else { return }
        cues[at] = Int32(window)
    }

    /// The pattern of a registry name, or nil when the name is too short to be evidence:
    /// one- and two-character names would match everywhere (an alias of two characters
    /// is evidence, as 城东, 三中 are what people write). Company names are never aliases,
    /// so one answer serves every company kind.
    mutating func ownerPattern(_ name: String, kind: MentionKind) -> Int32? {
        let tail = flat.count
        let length = normalizer.appendFolded(name, to: &flat)
        guard Self.isEvidence(length: length, kind: kind) else {
            flat.removeLast(length)
            return nil
        }
        return entry(tail: tail).map(Int32.init)
    }

    /// Whether a registry name of `length` folded characters is long enough to be evidence.
    static func isEvidence(length: Int, kind: MentionKind) -> Bool {
        length >= 3 || (length == 2 && (kind == .alias || kind == .token))
    }

    /// The pattern of a name already folded (and found long enough), with its `hash`.
    mutating func ownerPattern(folded: UnsafeBufferPointer<UInt32>, hash: UInt64) -> Int32 {
        let tail = flat.count
        flat.append(contentsOf: folded)
        // swift-format-ignore: NeverForceUnwrap
        // (the name is not empty: it was found long enough)
        return Int32(entry(tail: tail, hash: hash)!)
    }

    /// - Parameter share: for a token, its part of the name's distinctive characters, in 255ths (0: whole weight).
    mutating func addOwner(pattern: Int32, project: Int32, kind: MentionKind, display: String, displayID: Int32, share: UInt8 = 0) {
        let at = Int(pattern)
        // Owners arrive project by project, so a repeat can only be among the latest.
        var owner = latestOwner[at]
        while owner >= 0 && owners[Int(owner)].project == project {
            if owners[Int(owner)].kind == kind { return }
            owner = previousOwner[Int(owner)]
        }
        owners.append((Int32(at), project, kind, displayID, share))
        ownerDisplays.append(display)
        previousOwner.append(latestOwner[at])
        latestOwner[at] = Int32(owners.count - 1)
    }

    mutating func addTownship(_ name: String, id: Int32) {
        guard let at = entry(name) else { return }
        townships[at] = id
    }

    /// The word's pattern, or nil when it is no evidence.
    @discardableResult
    mutating func addType(_ word: String, id: Int32) -> Int32? {
        guard let at = entry(word) else { return nil }
        types[at] = id
        return Int32(at)
    }

    struct Table {
        var flat: [UInt32]
        var starts: [Int32]
        var info: [PatternInfo]
        var slotList: [Int32]
        var ownerProject: [Int32]
        var ownerKind: [MentionKind]
        var ownerText: [String]
        var ownerDisplay: [Int32]
        var ownerShare: [UInt8]
        var guards: [Int32: [Guard]]
    }

    /// A registry text shared by more projects than this is no evidence for any of them.
    static let maxSharedOwners = 16

    func finish() -> Table {
        // Owners grouped by pattern, each group in the order its owners came (a counting sort).
        var ownerStart = [Int32](repeating: 0, count: patternCount + 1)
        for owner in owners { ownerStart[Int(owner.pattern) + 1] += 1 }
        for pattern in 0..<patternCount { ownerStart[pattern + 1] += ownerStart[pattern] }
        var fill = ownerStart
        var grouped = [Int32](repeating: 0, count: owners.count)
        for (index, owner) in owners.enumerated() {
            grouped[Int(fill[Int(owner.pattern)])] = Int32(index)
            fill[Int(owner.pattern)] += 1
        }

        var info: [PatternInfo] = []
        info.reserveCapacity(patternCount)
        var slotList: [Int32] = []
        var ownerProject: [Int32] = []
        var ownerKind: [MentionKind] = []
        var ownerText: [String] = []
        var ownerDisplay: [Int32] = []
        var ownerShare: [UInt8] = []
        for pattern in 0..<patternCount {
            let slotStart = Int32(slotList.count)
            slotList += slots[pattern]
            let group = grouped[Int(ownerStart[pattern])..<Int(ownerStart[pattern + 1])]
            let first = Int32(ownerProject.count)
            var distinct = 0
            var last: Int32 = -1
            for index in group where owners[Int(index)].project != last {
                distinct += 1
                last = owners[Int(index)].project
            }
            if distinct <= Self.maxSharedOwners {
                for index in group {
                    let owner = owners[Int(index)]
                    ownerProject.append(owner.project)
                    ownerKind.append(owner.kind)
                    ownerText.append(ownerDisplays[Int(index)])
                    ownerDisplay.append(owner.displayID)
                    ownerShare.append(owner.share)
                }
            }
            info.append(
                PatternInfo(
                    slotStart: slotStart, slotEnd: Int32(slotList.count), ownerStart: first,
                    ownerEnd: Int32(ownerProject.count), cueWindow: cues[pattern], township: townships[pattern],
                    type: types[pattern], sharedBy: UInt16(min(max(1, distinct), Int(UInt16.max))),
                    flags: guards[Int32(pattern)] == nil ? 0 : 1))
        }
        return Table(
            flat: flat, starts: starts, info: info, slotList: slotList, ownerProject: ownerProject,
            ownerKind: ownerKind, ownerText: ownerText, ownerDisplay: ownerDisplay, ownerShare: ownerShare, guards: guards)
    }
}
