import Foundation
import Model
import Register
import RulesFile
import Yams

/// The lexicons, rules, negation cues and linking settings of `rules/*.yaml`, checked as a whole.
///
/// A rulebook is parsed from file texts (Scoring does no I/O); it loads
/// completely or not at all, and every error names file, line and column.
public struct Rulebook: Sendable {
    /// A named list of terms (词表).
    public struct Lexicon: Sendable, Hashable {
        public var name: String
        public var title: String
        /// The terms as written in the file.
        public var terms: [String]
        /// Whether a negation cue just before a term cancels it (没有拖欠, 不存在欠薪).
        public var isNegatable: Bool
        /// Where a term does not count: inside a longer word (半年前 holds 年前, 集体经济
        /// holds 集体), right after a cue (老家在郑州) or right before one (郑州)有限公司).
        public var exceptions = Exceptions()

        public init(name: String, title: String, terms: [String], isNegatable: Bool, exceptions: Exceptions = Exceptions()) {
            self.name = name
            self.title = title
            self.terms = terms
            self.isNegatable = isNegatable
            self.exceptions = exceptions
        }
    }

    /// The contexts in which a lexicon's terms do not count (`except_in`, `except_after`,
    /// `except_before`, `except_window`).
    public struct Exceptions: Sendable, Hashable {
        /// Longer words that hold a term and mean something else: the term inside them does not count.
        public var inside: [String] = []
        /// Cues that cancel a term starting at most `window` characters after the cue ends.
        public var after: [String] = []
        /// Cues that cancel a term ending at most `window` characters before the cue starts.
        public var before: [String] = []
        public var window = 0

        public init(inside: [String] = [], after: [String] = [], before: [String] = [], window: Int = 0) {
            self.inside = inside
            self.after = after
            self.before = before
            self.window = window
        }

        public var isEmpty: Bool { inside.isEmpty && after.isEmpty && before.isEmpty }
    }

    /// The parts of an item a rule may look at.
    public enum Field: String, Sendable, CaseIterable, Hashable {
        case title, content, respondent, location
    }

    /// What a rule does to the verdict when it fires.
    public enum Effect: String, Sendable, CaseIterable {
        /// The item is a wage-arrears signal.
        case signal
        /// The money claimed is project, material or rental money, not wages.
        case projectPayment = "project_payment"
        /// Collective action, extreme acts or threats.
        case escalation
        /// The text says the money was paid.
        case resolved
        /// Not a local wage-arrears signal (news, ads, other cities); cancels `signal`.
        case noise
        /// Only adds its weight (season, amounts ...).
        case score

        /// Escalation and score rules only qualify a signal: they run after the rest, and
        /// only on items a signal rule fired on.
        public var qualifiesSignal: Bool { self == .escalation || self == .score }

        /// Whether a fired rule's level counts toward the signal's level.
        public var raisesLevel: Bool { self == .signal || self == .escalation || self == .projectPayment }

        /// What the effects of the rules that fired make of an item, together: a signal
        /// unless a noise rule fired, and on a signal only, its claim kind and escalation.
        public struct Outcome: Sendable {
            private var sawSignal = false, sawNoise = false, sawPayment = false, escalated = false
            /// The text says the money was paid (kept on non-signals too, for the record).
            public private(set) var isResolved = false

            public init() {}

            public mutating func add(_ effect: Effect) {
                switch effect {
                case .signal: sawSignal = true
                case .projectPayment: sawPayment = true
                case .escalation: escalated = true
                case .resolved: isResolved = true
                case .noise: sawNoise = true
                case .score: break
                }
            }

            public var isSignal: Bool { sawSignal && !sawNoise }
            /// Claim kind and escalation qualify a signal; on anything else they mean nothing.
            public var claim: ClaimKind { isSignal && sawPayment ? .projectPayment : .wage }
            public var isEscalation: Bool { isSignal && escalated }
            /// Whether an escalation rule fired, signal or not.
            public var sawEscalation: Bool { escalated }
        }
    }

    /// One alternative inside a `near:` slot: a lexicon or a literal term.
    public enum Atom: Sendable, Hashable {
        case lexicon(String)
        case term(String)
    }

    /// One condition of `any`, `all` or `none`.
    public enum Condition: Sendable, Hashable {
        /// Some term of the lexicon occurs (and is not negated).
        case lexicon(String)
        /// The literal term occurs.
        case term(String)
        /// The regular expression matches the folded text of the rule's fields.
        case regex(String)
        /// One alternative of every slot occurs, all within `within` characters; when
        /// `ordered`, in the order of the slots (a cue before the term it governs).
        case near(slots: [[Atom]], within: Int, ordered: Bool = false)
    }

    /// A comparison of a number (`>= 5`).
    public struct Comparison: Sendable, Hashable {
        public enum Operator: String, Sendable, CaseIterable {
            case atLeast = ">="
            case atMost = "<="
            case above = ">"
            case below = "<"
            case equal = "=="
        }
        public var op: Operator
        public var value: Double

        public func holds(for number: Double) -> Bool {
            switch op {
            case .atLeast: number >= value
            case .atMost: number <= value
            case .above: number > value
            case .below: number < value
            case .equal: number == value
            }
        }
    }

    /// Conditions on the item's fields rather than its text (`where:`).
    public struct FieldConditions: Sendable, Hashable {
        /// On 人数, or the head count the text gives (三十多人 = 30).
        public var people: Comparison?
        /// On the record's own 人数 field only: the head count a petition recorded (集体访),
        /// not the number of workers a text says are owed.
        public var recordedPeople: Comparison?
        /// On 涉及金额, or the amount the text gives (5万元 = 50000).
        public var amount: Comparison?
        public var channels: [String] = []
        public var kind: ItemKind?
        /// Whether the text names a registry project, company or township.
        public var mentionsRegistry: Bool?
        /// Whether the text names a registry project or one of its companies (a township alone does not count).
        public var namesProject: Bool?
        /// Whether the text names another city: a term of the other_cities lexicon, or any
        /// 某某市 or 某某县 that is not in the home_region lexicon (临江市, 安平县).
        public var namesOtherCity: Bool?
    }

    /// Texts a rule must and must not fire on; `wagewatch rules test` runs them all.
    public struct Examples: Sendable, Hashable {
        public var match: [String] = []
        public var noMatch: [String] = []
    }

    /// One rule: Sigma-style metadata, conditions, a weight and an effect.
    public struct Rule: Sendable, Hashable {
        public var id: String
        public var title: String
        public var level: SignalLevel
        public var tags: [String]
        public var description: String?
        public var falsePositives: [String]
        public var any: [Condition]
        public var all: [Condition]
        public var none: [Condition]
        /// The fields the text conditions look at; all of them when nil.
        public var scope: Set<Field>?
        public var conditions: FieldConditions
        public var weight: Double
        public var effect: Effect
        public var examples: Examples
        /// Whether the rule decides even where the text model is sure (`final: true`): the
        /// place rules, as the model knows no place.
        public var isFinal = false
        /// Where the rule is written, for messages.
        public var file: String
        public var line: Int?
    }

    /// Negation cues (否定词) and how close before a term they must stand.
    public struct Negation: Sendable, Hashable {
        public var cues: [String]
        /// Characters allowed between the end of a cue and the start of the term.
        public var window: Int
        /// Cues that count only right before the term (不拖欠, but not 不敢讨薪).
        public var adjacentCues: [String] = []
    }

    /// Weights and thresholds for linking items to registry projects.
    public struct LinkingSettings: Sendable, Hashable, Codable {
        /// Weight of each kind of mention (`MentionKind` raw values).
        public var weights: [String: Double]
        /// Confidence at or above which an item is linked without review.
        public var linkThreshold: Double
        /// Confidence at or above which an item goes to review.
        public var reviewThreshold: Double
        /// Added when the petition's 被反映对象 field itself names the project or company.
        public var respondentBonus: Double
        /// A runner-up this close to the best candidate makes the link a clerk's choice (review).
        public var reviewMargin = 0.0
        /// How far a candidate that a township or project type narrows a company's evidence to
        /// must lead the runner-up to link below the link threshold (0 turns this off).
        public var narrowedLead = 0.0
        /// Added when the very type word the text uses (安置点, 棚改) stands in the project's own
        /// name or alias, not only a word of the same type: it tells apart two projects of one
        /// type in one township (0 turns this off).
        public var typeWordBonus = 0.0
        /// Project types and the words that name them (安置房: [安置房, 安置小区] ...).
        public var types: [String: [String]]
        /// Words that say nothing about which project (工程, 改扩建, the city's own name): cut
        /// from registry names to find their tokens. An entry that names a lexicon means its terms.
        public var genericWords: [String] = []
        /// Groups of characters read alike (坪平萍, 沟构够): a township written with one of
        /// them in place of another is still the township.
        public var homophones: [String] = []
        /// Project types are kept as bits of one word per project.
        public static let maxTypes = 64

        /// The weight of one kind of mention; 0 for kinds the file leaves out.
        public func weight(of kind: MentionKind) -> Double {
            weights[kind.rawValue] ?? 0
        }
    }

    public var lexicons: [String: Lexicon]
    public var rules: [Rule]
    public var negation: Negation
    public var linking: LinkingSettings
    /// The register's thresholds, window and calendar (`register:`, rules/register.yaml).
    public var register = RegisterRules()
    /// A stamp of the rule texts: assessments made under another version are redone.
    public var version: String
    /// The text model of the rules folder (`text-model.tsv`), if it has one.
    public var textModel: TextModel?

    /// Whether a file of the rules folder is one the rulebook reads: `*.yaml`, `*.yml`, and
    /// the text model (`text-model.tsv`).
    public static func isRulesFile(named name: String) -> Bool {
        name.hasSuffix(".yaml") || name.hasSuffix(".yml") || name == TextModel.fileName
    }

    /// Parses and checks the given rules files as one rulebook.
    /// - Parameter files: file name and text of each `rules/*.yaml`, in load order.
    public static func parse(files: [(name: String, text: String)]) throws(RulesError) -> Rulebook {
        var builder = RulebookBuilder()
        var scoringFiles: [String] = []
        var textModel: TextModel?
        for (name, text) in files {
            if name == TextModel.fileName {
                textModel = try TextModel.parse(text, file: name)
                scoringFiles.append("\(name)\u{0}\(text)")
            } else if try builder.read(file: name, text: text) {
                scoringFiles.append("\(name)\u{0}\(text)")
            }
        }
        // The stamp covers only what scoring reads: a change of register thresholds
        // re-evaluates the register, never every stored item.
        var rulebook = try builder.finish(version: StableHash.hex(of: scoringFiles.joined(separator: "\u{1}")))
        rulebook.register = builder.register ?? RegisterRules()
        rulebook.textModel = textModel
        // The register names scoring rules: a typo would silently never raise a flag.
        // It reads which escalation rules fired (stored only for escalations): a rule of
        // another effect named there would never raise the flag.
        let escalations = Set(rulebook.rules.filter { $0.effect == .escalation }.map(\.id))
        let known = Set(rulebook.rules.map(\.id))
        let named = builder.register.map { $0.collectiveRules.union($0.extremeRules) } ?? []
        for id in named.sorted() where !escalations.contains(id) {
            let place = builder.registerPlace
            throw .invalid(
                file: place?.file ?? "rules", line: place?.node.mark?.line, column: place?.node.mark?.column,
                reason: known.contains(id)
                    ? "register.escalating names rule \(id), whose effect is not escalation"
                    : "register.escalating names rule \(id), which no rules file defines")
        }
        for id in (builder.register?.repeatRules ?? []).sorted() where !known.contains(id) {
            let place = builder.registerPlace
            throw .invalid(
                file: place?.file ?? "rules", line: place?.node.mark?.line, column: place?.node.mark?.column,
                reason: "register.stale_followup.repeat_rules names rule \(id), which no rules file defines")
        }
        return rulebook
    }
}

extension Rulebook {
    /// Why a regular expression may take exponential time on a hostile text, or nil:
    /// a repeated group that holds a repetition ((a+)+, (\\w*x)*) or alternatives that may
    /// split one text two ways ((a|a)*, (a|ab)+, (.|\\s)*), or a backreference. Plain words
    /// none of which begins another ((工资|工钱)+) split a text one way only: they pass.
    /// - Complexity: O(n) in the length of the pattern.
    static func backtrackingRisk(in pattern: String) -> String? {
        var groupHasRepetition: [Bool] = []
        var groupHasAlternatives: [Bool] = []
        var groupStarts: [Int] = []
        var lastClosedHadRepetition = false
        var lastClosedHadAlternatives = false
        var escaped = false
        var inClass = false
        let scalars = Array(pattern.unicodeScalars)
        for (index, scalar) in scalars.enumerated() {
            if escaped {
                escaped = false
                if !inClass && ("1"..."9").contains(scalar) { return "uses a backreference, which may backtrack without end" }
                lastClosedHadRepetition = false
                continue
            }
            switch scalar {
            case "\\": escaped = true
            case "[" where !inClass: inClass = true
            case "]" where inClass: inClass = false
            case _ where inClass: break
            case "(":
                groupHasRepetition.append(false)
                groupHasAlternatives.append(false)
                groupStarts.append(index + 1)
                lastClosedHadRepetition = false
            case "|":
                if !groupHasAlternatives.isEmpty { groupHasAlternatives[groupHasAlternatives.count - 1] = true }
            case ")":
                lastClosedHadRepetition = groupHasRepetition.popLast() ?? false
                let start = groupStarts.popLast() ?? index
                lastClosedHadAlternatives =
                    (groupHasAlternatives.popLast() ?? false)
                    && !isPrefixFreeWords(scalars[start..<index])
                if lastClosedHadRepetition, !groupHasRepetition.isEmpty { groupHasRepetition[groupHasRepetition.count - 1] = true }
                continue
            case "*", "+", "{":
                // A repetition right after a group that holds one: nested quantifiers.
                let previous = index > 0 ? scalars[index - 1] : " "
                if previous == ")" && lastClosedHadRepetition {
                    return "repeats a group that repeats inside (nested quantifiers), which may backtrack without end"
                }
                if previous == ")" && lastClosedHadAlternatives {
                    return
                        "repeats a group of alternatives ((a|ab)*), which may backtrack without end when they overlap; repeat a character class instead"
                }
                if !groupHasRepetition.isEmpty { groupHasRepetition[groupHasRepetition.count - 1] = true }
            default: break
            }
            lastClosedHadRepetition = false
            lastClosedHadAlternatives = false
        }
        return nil
    }

    /// Whether a group's body is plain words (no class, escape, wildcard or group: `?:` aside)
    /// separated by `|`, none of which begins another.
    static func isPrefixFreeWords(_ body: ArraySlice<Unicode.Scalar>) -> Bool {
        var text = String(String.UnicodeScalarView(body))
        if text.hasPrefix("?:") { text.removeFirst(2) }
        guard !text.unicodeScalars.contains(where: { "\\[](){}.*+?^$".unicodeScalars.contains($0) }) else { return false }
        let words = text.split(separator: "|", omittingEmptySubsequences: false).map(String.init)
        for (index, word) in words.enumerated() {
            if word.isEmpty { return false }
            for (other, longer) in words.enumerated() where other != index && longer.hasPrefix(word) { return false }
        }
        return true
    }

    /// A term as the checks of the rules files compare it: lower case, no spaces, full-width
    /// brackets and digits as ASCII (the matcher's own folding also maps traditional characters).
    static func fold(_ text: String) -> String {
        String(
            String.UnicodeScalarView(
                text.lowercased().unicodeScalars.compactMap { scalar -> Unicode.Scalar? in
                    if scalar.properties.isWhitespace { return nil }
                    if (0xFF01...0xFF5E).contains(scalar.value) { return Unicode.Scalar(scalar.value - 0xFEE0) }
                    return scalar
                }))
    }
}

/// Collects the sections of all files, then checks references across them.
private struct RulebookBuilder {
    var lexicons: [String: Rulebook.Lexicon] = [:]
    var lexiconPlaces: [String: (String, Node)] = [:]
    var rules: [Rulebook.Rule] = []
    var ruleNodes: [(file: String, node: Node, id: String, conditions: [Rulebook.Condition])] = []
    var negation: Rulebook.Negation?
    var linking: Rulebook.LinkingSettings?
    var register: RegisterRules?
    var registerPlace: (file: String, node: Node)?
    /// Named lists of conditions (`groups:`), which a rule's `any:` takes whole with `{group: name}`.
    var groups: [String: [Rulebook.Condition]] = [:]
    var lastFile = "rules"

    /// Reads one file's sections. - Returns: whether it holds anything scoring reads.
    mutating func read(file: String, text: String) throws(RulesError) -> Bool {
        lastFile = file
        let reader = RulesFileReader(file: file)
        guard let root = try reader.root(of: text) else { return false }
        var scoring = false
        for (key, node, keyNode) in try reader.mapping(
            root, "the file", allowed: ["lexicons", "groups", "rules", "negation", "linking", "register"])
        {
            if key != "register" { scoring = true }
            switch key {
            case "register":
                guard register == nil else { throw reader.failure(keyNode, "register: is already defined in another rules file") }
                register = try RegisterRulesReader(reader: reader).read(node)
                registerPlace = (file, node)
            case "lexicons": try readLexicons(node, reader)
            case "groups":
                for (name, body, nameNode) in try reader.mapping(node, "groups", allowed: []) {
                    guard groups[name] == nil else { throw reader.failure(nameNode, "group \(name) is defined more than once") }
                    groups[name] = try readConditions(body, reader, owner: "group \(name)")
                }
            case "rules": for ruleNode in try reader.sequence(node, "rules") { try readRule(ruleNode, reader) }
            case "negation":
                guard negation == nil else { throw reader.failure(keyNode, "negation: is already defined in another rules file") }
                negation = try readNegation(node, reader)
            case "linking":
                guard linking == nil else { throw reader.failure(keyNode, "linking: is already defined in another rules file") }
                linking = try readLinking(node, reader)
            default: break
            }
        }
        return scoring
    }

    mutating func readLexicons(_ node: Node, _ reader: RulesFileReader) throws(RulesError) {
        for (name, body, keyNode) in try reader.mapping(node, "lexicons", allowed: []) {
            guard lexicons[name] == nil else { throw reader.failure(keyNode, "lexicon \(name) is defined more than once") }
            var title = name
            var terms: [String] = []
            var negatable = true
            var exceptions = Rulebook.Exceptions()
            var sawTerms = false
            let keys = ["title", "terms", "negatable", "except_in", "except_after", "except_before", "except_window"]
            for (key, value, _) in try reader.mapping(body, "lexicon \(name)", allowed: keys) {
                switch key {
                case "title": title = try reader.string(value, "title")
                case "terms":
                    terms = try reader.strings(value, "terms")
                    sawTerms = true
                case "except_in": exceptions.inside = try reader.strings(value, "lexicon \(name): except_in")
                case "except_after": exceptions.after = try reader.strings(value, "lexicon \(name): except_after")
                case "except_before": exceptions.before = try reader.strings(value, "lexicon \(name): except_before")
                case "except_window":
                    exceptions.window = try reader.integer(value, "lexicon \(name): except_window")
                    guard (0...20).contains(exceptions.window) else {
                        throw reader.failure(value, "lexicon \(name): except_window must be 0 to 20 characters")
                    }
                case "negatable":
                    guard let flag = Bool(try reader.string(value, "negatable")) else {
                        throw reader.failure(value, "negatable must be true or false")
                    }
                    negatable = flag
                default: break
                }
            }
            // `terms: []` written out switches a lexicon off (a national deployment's
            // other_cities); a lexicon without the key is a mistake.
            guard sawTerms else { throw reader.failure(body, "lexicon \(name) has no terms:") }
            let folded = Set(terms.map(Rulebook.fold).filter { !$0.isEmpty })
            for compound in exceptions.inside
            where !folded.contains(where: { Rulebook.fold(compound).contains($0) && Rulebook.fold(compound) != $0 }) {
                throw reader.failure(
                    body, "lexicon \(name): except_in \(compound) holds none of the lexicon's terms, so it would cancel nothing")
            }
            lexicons[name] = Rulebook.Lexicon(name: name, title: title, terms: terms, isNegatable: negatable, exceptions: exceptions)
            lexiconPlaces[name] = (reader.file, keyNode)
        }
    }

    static let ruleFields = [
        "id", "title", "level", "tags", "description", "falsepositives", "any", "all", "none",
        "scope", "where", "weight", "effect", "examples", "final",
    ]

    mutating func readRule(_ node: Node, _ reader: RulesFileReader) throws(RulesError) {
        var fields: [String: Node] = [:]
        for (key, value, _) in try reader.mapping(node, "a rule", allowed: Self.ruleFields) { fields[key] = value }
        guard let idNode = fields["id"] else { throw reader.failure(node, "a rule needs an id") }
        let id = try reader.string(idNode, "id")
        func required(_ key: String) throws(RulesError) -> Node {
            guard let value = fields[key] else { throw reader.failure(node, "rule \(id) needs \(key):") }
            return value
        }
        guard !rules.contains(where: { $0.id == id }) else { throw reader.failure(idNode, "rule \(id) is defined more than once") }
        let levelText = try fields["level"].map { value throws(RulesError) in try reader.string(value, "level") } ?? "medium"
        guard let level = SignalLevel(rawValue: levelText), level != .none else {
            throw reader.failure(fields["level"], "rule \(id): level must be one of informational, low, medium, high, critical")
        }
        let effectNode = try required("effect")
        let effectText = try reader.string(effectNode, "effect")
        guard let effect = Rulebook.Effect(rawValue: effectText) else {
            throw reader.failure(
                effectNode,
                "rule \(id): effect \(effectText) is not one of \(Rulebook.Effect.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        let any =
            try fields["any"].map { value throws(RulesError) in try readConditions(value, reader, owner: "rule \(id)", allowGroups: true) }
            ?? []
        let all = try fields["all"].map { value throws(RulesError) in try readConditions(value, reader, owner: "rule \(id)") } ?? []
        let none =
            try fields["none"].map { value throws(RulesError) in try readConditions(value, reader, owner: "rule \(id)", allowGroups: true) }
            ?? []
        var conditions = Rulebook.FieldConditions()
        if let whereNode = fields["where"] {
            conditions = try readFieldConditions(whereNode, reader, rule: id)
        }
        guard !any.isEmpty || !all.isEmpty || conditions != Rulebook.FieldConditions() else {
            throw reader.failure(node, "rule \(id) needs an any:, all: or where: condition")
        }
        var scope: Set<Rulebook.Field>?
        if let scopeNode = fields["scope"] {
            var fieldsInScope = Set<Rulebook.Field>()
            for name in try reader.strings(scopeNode, "scope") {
                guard let field = Rulebook.Field(rawValue: name) else {
                    throw reader.failure(scopeNode, "rule \(id): scope \(name) is not one of title, content, respondent, location")
                }
                fieldsInScope.insert(field)
            }
            scope = fieldsInScope
        }
        var examples = Rulebook.Examples()
        if let examplesNode = fields["examples"] {
            for (key, value, _) in try reader.mapping(examplesNode, "examples", allowed: ["match", "no_match"]) {
                if key == "match" {
                    examples.match = try reader.strings(value, "examples.match")
                } else {
                    examples.noMatch = try reader.strings(value, "examples.no_match")
                }
            }
        }
        rules.append(
            Rulebook.Rule(
                id: id, title: try reader.string(try required("title"), "title"), level: level,
                tags: try fields["tags"].map { value throws(RulesError) in try reader.strings(value, "tags") } ?? [],
                description: try fields["description"].map { value throws(RulesError) in try reader.string(value, "description") },
                falsePositives: try fields["falsepositives"].map { value throws(RulesError) in try reader.strings(value, "falsepositives") }
                    ?? [],
                any: any, all: all, none: none, scope: scope, conditions: conditions,
                weight: try reader.number(try required("weight"), "weight"), effect: effect, examples: examples,
                isFinal: try fields["final"].map { value throws(RulesError) in try reader.bool(value, "final") } ?? false,
                file: reader.file, line: node.mark?.line))
        ruleNodes.append((reader.file, node, id, any + all + none))
    }

    /// - Parameter allowGroups: whether `{group: name}` may stand here: in a rule's `any:`
    ///   or `none:`, where a group's conditions count one by one; not in `all:`, where
    ///   every one of them would have to hold.
    func readConditions(
        _ node: Node, _ reader: RulesFileReader, owner: String, allowGroups: Bool = false
    )
        throws(RulesError) -> [Rulebook.Condition]
    {
        var conditions: [Rulebook.Condition] = []
        for element in try reader.sequence(node, "\(owner): conditions") {
            if let name = element.scalar?.string {
                conditions.append(.lexicon(name))
                continue
            }
            let pairs = try reader.mapping(
                element, "\(owner): a condition", allowed: ["term", "regex", "near", "within", "ordered", "group"])
            let keys = Set(pairs.map(\.key))
            if keys == ["group"] {
                let name = try reader.string(pairs[0].node, "group")
                guard allowGroups else {
                    throw reader.failure(
                        element,
                        "\(owner): {group: \(name)} holds when any of its conditions does, so it belongs under a rule's any: or none:")
                }
                guard let members = groups[name] else {
                    throw reader.failure(element, "\(owner): no group \(name) (define it under groups:, above the rules that use it)")
                }
                conditions += members
            } else if keys == ["term"] {
                conditions.append(.term(try reader.string(pairs[0].node, "term")))
            } else if keys == ["regex"] {
                let pattern = try reader.string(pairs[0].node, "regex")
                do {
                    _ = try NSRegularExpression(pattern: pattern)
                } catch {
                    throw reader.failure(pairs[0].node, "\(owner): regex \(pattern) does not compile")
                }
                if let problem = Rulebook.backtrackingRisk(in: pattern) {
                    throw reader.failure(
                        pairs[0].node, "\(owner): regex \(pattern) \(problem); the other conditions (lexicons, near) are linear")
                }
                conditions.append(.regex(pattern))
            } else if keys == ["near", "within"] || keys == ["near", "within", "ordered"] {
                var ordered = false
                if let orderedNode = pairs.first(where: { $0.key == "ordered" })?.node {
                    guard let flag = Bool(try reader.string(orderedNode, "ordered")) else {
                        throw reader.failure(orderedNode, "\(owner): ordered must be true or false")
                    }
                    ordered = flag
                }
                // swift-format-ignore: NeverForceUnwrap
                // (keys holds near)
                let nearNode = pairs.first { $0.key == "near" }!.node
                // swift-format-ignore: NeverForceUnwrap
                // (keys holds within)
                let within = try reader.integer(pairs.first { $0.key == "within" }!.node, "within")
                guard within > 0 else { throw reader.failure(element, "\(owner): within must be 1 or more") }
                var slots: [[Rulebook.Atom]] = []
                for slotNode in try reader.sequence(nearNode, "near") {
                    var atoms: [Rulebook.Atom] = []
                    for text in try reader.strings(slotNode, "a near slot") {
                        // A slot entry is a lexicon when one has that name, else a literal term.
                        atoms.append(.term(text))
                    }
                    slots.append(atoms)
                }
                guard slots.count >= 2 else { throw reader.failure(nearNode, "\(owner): near needs at least two slots") }
                conditions.append(.near(slots: slots, within: within, ordered: ordered))
            } else {
                throw reader.failure(
                    element,
                    "\(owner): a condition is a lexicon name, {term: ...}, {regex: ...}, {near: [...], within: N, ordered: true|false} or, under any: and none:, {group: ...}"
                )
            }
        }
        return conditions
    }

    func readFieldConditions(_ node: Node, _ reader: RulesFileReader, rule: String) throws(RulesError) -> Rulebook.FieldConditions {
        var conditions = Rulebook.FieldConditions()
        for (key, value, _) in try reader.mapping(
            node, "rule \(rule): where",
            allowed: ["people", "recorded_people", "amount", "channel", "kind", "mentions_registry", "names_project", "names_other_city"])
        {
            switch key {
            case "people", "recorded_people", "amount":
                let text = try reader.string(value, key).trimmingCharacters(in: .whitespaces)
                guard
                    let op = Rulebook.Comparison.Operator.allCases.sorted(by: { $0.rawValue.count > $1.rawValue.count })
                        .first(where: { text.hasPrefix($0.rawValue) }),
                    let number = Double(text.dropFirst(op.rawValue.count).trimmingCharacters(in: .whitespaces))
                else {
                    throw reader.failure(value, "rule \(rule): \(key) must be a comparison such as \">= 5\"")
                }
                let comparison = Rulebook.Comparison(op: op, value: number)
                switch key {
                case "people": conditions.people = comparison
                case "recorded_people": conditions.recordedPeople = comparison
                default: conditions.amount = comparison
                }
            case "channel":
                conditions.channels = try reader.strings(value, "channel")
            case "mentions_registry", "names_project", "names_other_city":
                guard let flag = Bool(try reader.string(value, key)) else {
                    throw reader.failure(value, "rule \(rule): \(key) must be true or false")
                }
                switch key {
                case "names_project": conditions.namesProject = flag
                case "names_other_city": conditions.namesOtherCity = flag
                default: conditions.mentionsRegistry = flag
                }
            case "kind":
                let text = try reader.string(value, "kind")
                guard let kind = ItemKind(rawValue: text) else {
                    throw reader.failure(value, "rule \(rule): kind must be petition or post")
                }
                conditions.kind = kind
            default: break
            }
        }
        return conditions
    }

    func readNegation(_ node: Node, _ reader: RulesFileReader) throws(RulesError) -> Rulebook.Negation {
        var cues: [String] = []
        var adjacent: [String] = []
        var window = 2
        for (key, value, _) in try reader.mapping(node, "negation", allowed: ["cues", "adjacent_cues", "window"]) {
            switch key {
            case "cues": cues = try reader.strings(value, "negation.cues")
            case "adjacent_cues": adjacent = try reader.strings(value, "negation.adjacent_cues")
            default: window = try reader.integer(value, "negation.window")
            }
        }
        guard !cues.isEmpty, window >= 0 else { throw reader.failure(node, "negation needs cues: and a window: of 0 or more") }
        return Rulebook.Negation(cues: cues, window: window, adjacentCues: adjacent)
    }

    func readLinking(_ node: Node, _ reader: RulesFileReader) throws(RulesError) -> Rulebook.LinkingSettings {
        var settings = Rulebook.LinkingSettings(weights: [:], linkThreshold: 0, reviewThreshold: 0, respondentBonus: 0, types: [:])
        var seen = Set<String>()
        for (key, value, _) in try reader.mapping(
            node, "linking",
            allowed: [
                "weights", "link_threshold", "review_threshold", "respondent_bonus", "types", "generic_words", "homophones",
                "review_margin", "narrowed_lead", "type_word_bonus",
            ])
        {
            seen.insert(key)
            switch key {
            case "weights":
                for (kind, weightNode, kindNode) in try reader.mapping(value, "linking.weights", allowed: []) {
                    guard MentionKind(rawValue: kind) != nil else {
                        throw reader.failure(
                            kindNode,
                            "linking.weights.\(kind) is not one of \(MentionKind.allCases.map(\.rawValue).joined(separator: ", "))")
                    }
                    settings.weights[kind] = try reader.number(weightNode, "linking.weights.\(kind)")
                }
            case "link_threshold": settings.linkThreshold = try reader.number(value, key)
            case "review_threshold": settings.reviewThreshold = try reader.number(value, key)
            case "respondent_bonus": settings.respondentBonus = try reader.number(value, key)
            case "narrowed_lead":
                settings.narrowedLead = try reader.number(value, key)
                guard (0...1).contains(settings.narrowedLead) else { throw reader.failure(value, "linking.narrowed_lead must be 0 to 1") }
            case "type_word_bonus":
                settings.typeWordBonus = try reader.number(value, key)
                guard (0...1).contains(settings.typeWordBonus) else {
                    throw reader.failure(value, "linking.type_word_bonus must be 0 to 1")
                }
            case "review_margin":
                settings.reviewMargin = try reader.number(value, key)
                guard (0...1).contains(settings.reviewMargin) else { throw reader.failure(value, "linking.review_margin must be 0 to 1") }
            case "generic_words": settings.genericWords = try reader.strings(value, "linking.generic_words")
            case "homophones":
                settings.homophones = try reader.strings(value, "linking.homophones")
                for group in settings.homophones where group.count < 2 {
                    throw reader.failure(value, "linking.homophones: \(group) is no group (write two or more characters that read alike)")
                }
            case "types":
                for (type, words, typeNode) in try reader.mapping(value, "linking.types", allowed: []) {
                    guard settings.types.count < Rulebook.LinkingSettings.maxTypes else {
                        throw reader.failure(typeNode, "linking.types holds at most \(Rulebook.LinkingSettings.maxTypes) project types")
                    }
                    settings.types[type] = try reader.strings(words, "linking.types.\(type)")
                }
            default: break
            }
        }
        for key in ["weights", "link_threshold", "review_threshold"] where !seen.contains(key) {
            throw reader.failure(node, "linking needs \(key):")
        }
        guard settings.reviewThreshold <= settings.linkThreshold else {
            throw reader.failure(node, "linking.review_threshold must not exceed linking.link_threshold")
        }
        return settings
    }

    func finish(version: String) throws(RulesError) -> Rulebook {
        guard !rules.isEmpty else { throw .noRules }
        for (file, node, id, conditions) in ruleNodes {
            for case .lexicon(let name) in conditions where lexicons[name] == nil {
                throw RulesError.invalid(
                    file: file, line: node.mark?.line, column: node.mark?.column,
                    reason: "rule \(id) refers to lexicon \(name), which no rules file defines")
            }
        }
        guard let linking else {
            throw .invalid(file: lastFile, line: nil, column: nil, reason: "no rules file has a linking: section")
        }
        // A near-slot entry written like an identifier must name a lexicon: a typo
        // (unpaid_word) would otherwise become a literal term that never matches.
        for (file, node, id, conditions) in ruleNodes {
            for case .near(let slots, _, _) in conditions {
                for case .term(let text) in slots.joined()
                where lexicons[text] == nil && text.unicodeScalars.allSatisfy({ $0.isASCII && ($0.properties.isAlphabetic || $0 == "_") }) {
                    throw RulesError.invalid(
                        file: file, line: node.mark?.line, column: node.mark?.column,
                        reason: "rule \(id): near slot entry \(text) names no lexicon")
                }
            }
        }
        // Near-slot entries that name a lexicon mean the lexicon.
        let resolved = rules.map { rule in
            var rule = rule
            func resolve(_ conditions: [Rulebook.Condition]) -> [Rulebook.Condition] {
                conditions.map { condition in
                    guard case .near(let slots, let within, let ordered) = condition else { return condition }
                    return .near(
                        slots: slots.map { slot in
                            slot.map { atom in
                                if case .term(let text) = atom, lexicons[text] != nil { return .lexicon(text) }
                                return atom
                            }
                        }, within: within, ordered: ordered)
                }
            }
            rule.any = resolve(rule.any)
            rule.all = resolve(rule.all)
            rule.none = resolve(rule.none)
            return rule
        }
        return Rulebook(
            lexicons: lexicons, rules: resolved,
            negation: negation ?? Rulebook.Negation(cues: [], window: 0),
            linking: linking, version: version)
    }
}
