import Model
import Yams

/// The lexicons, rules and linking settings of `rules/*.yaml`, checked as a whole.
///
/// A rulebook is parsed from file texts (Scoring does no I/O); it loads
/// completely or not at all.
public struct Rulebook: Sendable {
    /// A named list of terms (词表).
    public struct Lexicon: Sendable, Hashable {
        public var name: String
        public var title: String
        public var terms: [String]
    }

    /// What a rule does to the verdict when it fires.
    public enum Effect: String, Sendable, Codable, CaseIterable {
        /// The item is a wage-arrears signal.
        case signal
        /// The money claimed is project, material or rental money, not wages.
        case projectPayment = "project_payment"
        /// Collective action, extreme acts or threats.
        case escalation
        /// The text says the money was paid.
        case resolved
        /// Not a local wage-arrears signal (news, ads, other cities).
        case noise
    }

    /// Texts a rule must and must not fire on; `wagewatch` tests run them all.
    public struct Examples: Sendable, Hashable, Codable {
        public var match: [String] = []
        public var noMatch: [String] = []

        enum CodingKeys: String, CodingKey {
            case match
            case noMatch = "no_match"
        }
    }

    /// One rule (Sigma-style metadata, lexicon conditions, a weight and an effect).
    public struct Rule: Sendable, Hashable {
        public var id: String
        public var title: String
        public var level: String
        public var tags: [String]
        public var description: String?
        public var falsePositives: [String]
        /// Fires only if some term of any of these lexicons occurs (ignored when empty).
        public var any: [String]
        /// Fires only if every one of these lexicons has a term in the text.
        public var all: [String]
        /// Does not fire if any of these lexicons has a term in the text.
        public var none: [String]
        public var weight: Double
        public var effect: Effect
        public var examples: Examples
        /// The file the rule came from, for messages.
        public var file: String
    }

    /// Weights and thresholds for linking items to registry projects.
    public struct LinkingSettings: Sendable, Hashable, Codable {
        public var weights: [String: Double]
        /// Confidence at or above which an item is linked without review.
        public var linkThreshold: Double
        /// Confidence at or above which an item goes to review.
        public var reviewThreshold: Double
        /// Added when the petition's 被反映对象 field itself names the project or company.
        public var respondentBonus: Double

        enum CodingKeys: String, CodingKey {
            case weights
            case linkThreshold = "link_threshold"
            case reviewThreshold = "review_threshold"
            case respondentBonus = "respondent_bonus"
        }

        /// The weight of one kind of mention; 0 for kinds the file leaves out.
        public func weight(of kind: MentionKind) -> Double {
            weights[kind.rawValue] ?? 0
        }
    }

    public var lexicons: [String: Lexicon]
    public var rules: [Rule]
    public var linking: LinkingSettings
    /// A stamp of the rule texts: assessments made under another version are redone.
    public var version: String

    /// Parses and checks the given rules files as one rulebook.
    /// - Parameter files: file name and text of each `rules/*.yaml`, in load order.
    public static func parse(files: [(name: String, text: String)]) throws(ScoringError) -> Rulebook {
        var lexicons: [String: Lexicon] = [:]
        var rules: [Rule] = []
        var linking: LinkingSettings?
        for (name, text) in files {
            let document: RulesFile
            do {
                document = try YAMLDecoder().decode(RulesFile.self, from: text)
            } catch let error as DecodingError {
                throw .malformedRules(file: name, reason: error.clerkDescription)
            } catch {
                throw .malformedRules(file: name, reason: "\(error)")
            }
            for (key, lexicon) in document.lexicons ?? [:] {
                guard lexicons[key] == nil else { throw .duplicateID(file: name, id: "lexicon \(key)") }
                let terms = lexicon.terms.map(TextNormalizer.normalize).filter { !$0.isEmpty }
                guard !terms.isEmpty else { throw .malformedRules(file: name, reason: "lexicon \(key) has no terms") }
                lexicons[key] = Lexicon(name: key, title: lexicon.title ?? key, terms: terms)
            }
            for spec in document.rules ?? [] {
                guard !rules.contains(where: { $0.id == spec.id }) else { throw .duplicateID(file: name, id: "rule \(spec.id)") }
                guard !(spec.any ?? []).isEmpty || !(spec.all ?? []).isEmpty else {
                    throw .malformedRules(file: name, reason: "rule \(spec.id) needs an any: or all: condition")
                }
                rules.append(Rule(
                    id: spec.id, title: spec.title, level: spec.level ?? "medium", tags: spec.tags ?? [],
                    description: spec.description, falsePositives: spec.falsepositives ?? [],
                    any: spec.any ?? [], all: spec.all ?? [], none: spec.none ?? [],
                    weight: spec.weight, effect: spec.effect, examples: spec.examples ?? Examples(), file: name))
            }
            if let settings = document.linking {
                guard linking == nil else { throw .duplicateID(file: name, id: "linking") }
                guard settings.reviewThreshold <= settings.linkThreshold else {
                    throw .malformedRules(file: name, reason: "linking.review_threshold must not exceed linking.link_threshold")
                }
                for key in settings.weights.keys where MentionKind(rawValue: key) == nil {
                    throw .malformedRules(file: name, reason: "linking.weights.\(key) is not one of \(MentionKind.allCases.map(\.rawValue).joined(separator: ", "))")
                }
                linking = settings
            }
        }
        guard !rules.isEmpty else { throw .noRules }
        for rule in rules {
            for lexicon in rule.any + rule.all + rule.none where lexicons[lexicon] == nil {
                throw .unknownLexicon(file: rule.file, rule: rule.id, lexicon: lexicon)
            }
        }
        guard let linking else {
            throw .malformedRules(file: files.last?.name ?? "rules", reason: "no file has a linking: section with weights and thresholds")
        }
        let version = StableHash.hex(of: files.map { "\($0.name)\u{0}\($0.text)" }.joined(separator: "\u{1}"))
        return Rulebook(lexicons: lexicons, rules: rules, linking: linking, version: version)
    }
}

/// The shape of one rules file; unknown keys are errors, not silently ignored.
private struct RulesFile: Decodable {
    struct LexiconSpec: Decodable {
        var title: String?
        var terms: [String]
    }

    var lexicons: [String: LexiconSpec]?
    var rules: [RuleSpec]?
    var linking: Rulebook.LinkingSettings?

    enum CodingKeys: String, CodingKey, CaseIterable {
        case lexicons, rules, linking
    }

    init(from decoder: any Decoder) throws {
        try StrictKeys.check(decoder, allowed: CodingKeys.allCases.map(\.rawValue))
        let container = try decoder.container(keyedBy: CodingKeys.self)
        lexicons = try container.decodeIfPresent([String: LexiconSpec].self, forKey: .lexicons)
        rules = try container.decodeIfPresent([RuleSpec].self, forKey: .rules)
        linking = try container.decodeIfPresent(Rulebook.LinkingSettings.self, forKey: .linking)
    }
}

private struct RuleSpec: Decodable {
    var id: String
    var title: String
    var level: String?
    var tags: [String]?
    var description: String?
    var falsepositives: [String]?
    var any: [String]?
    var all: [String]?
    var none: [String]?
    var weight: Double
    var effect: Rulebook.Effect
    var examples: Rulebook.Examples?

    enum CodingKeys: String, CodingKey, CaseIterable {
        case id, title, level, tags, description, falsepositives, any, all, none, weight, effect, examples
    }

    init(from decoder: any Decoder) throws {
        try StrictKeys.check(decoder, allowed: CodingKeys.allCases.map(\.rawValue))
        let container = try decoder.container(keyedBy: CodingKeys.self)
        id = try container.decode(String.self, forKey: .id)
        title = try container.decode(String.self, forKey: .title)
        level = try container.decodeIfPresent(String.self, forKey: .level)
        tags = try container.decodeIfPresent([String].self, forKey: .tags)
        description = try container.decodeIfPresent(String.self, forKey: .description)
        falsepositives = try container.decodeIfPresent([String].self, forKey: .falsepositives)
        any = try container.decodeIfPresent([String].self, forKey: .any)
        all = try container.decodeIfPresent([String].self, forKey: .all)
        none = try container.decodeIfPresent([String].self, forKey: .none)
        weight = try container.decode(Double.self, forKey: .weight)
        effect = try container.decode(Rulebook.Effect.self, forKey: .effect)
        examples = try container.decodeIfPresent(Rulebook.Examples.self, forKey: .examples)
    }
}

/// Rejects mapping keys a rules file does not know, so a misspelt field is an error.
private enum StrictKeys {
    struct AnyKey: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    static func check(_ decoder: any Decoder, allowed: [String]) throws {
        let container = try decoder.container(keyedBy: AnyKey.self)
        for key in container.allKeys where !allowed.contains(key.stringValue) {
            throw DecodingError.dataCorrupted(.init(
                codingPath: decoder.codingPath + [key],
                debugDescription: "unknown field \(key.stringValue); expected one of \(allowed.joined(separator: ", "))"))
        }
    }
}
