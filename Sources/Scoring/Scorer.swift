import Model

/// Scores items with a rulebook: which rules fire, the summed weight, and the verdict.
///
/// All lexicon terms go into one automaton, built once per rulebook.
public struct Scorer: Sendable {
    public let rulebook: Rulebook
    private let matcher: PatternMatcher
    /// For each pattern of the matcher: its term and the lexicons that hold it.
    private let patternTerms: [String]
    private let patternLexicons: [[String]]

    public init(rulebook: Rulebook) {
        self.rulebook = rulebook
        var lexiconsOfTerm: [String: [String]] = [:]
        for lexicon in rulebook.lexicons.values.sorted(by: { $0.name < $1.name }) {
            for term in lexicon.terms {
                lexiconsOfTerm[term, default: []].append(lexicon.name)
            }
        }
        let terms = lexiconsOfTerm.keys.sorted()
        patternTerms = terms
        patternLexicons = terms.map { lexiconsOfTerm[$0]! }
        matcher = PatternMatcher(patterns: terms)
    }

    /// The text of an item that rules look at: title, content and the respondent field.
    public static func text(of item: Item) -> String {
        [item.title, item.content, item.respondent ?? ""].filter { !$0.isEmpty }.joined(separator: "\n")
    }

    /// The verdict on `item`.
    public func assess(_ item: Item) -> ItemAssessment {
        let evaluation = evaluate(Self.text(of: item))
        var assessment = ItemAssessment(
            itemID: item.id, score: 0, isSignal: false, claim: .wage, isEscalation: false,
            isResolved: false, firedRules: [], matchedTerms: evaluation.terms)
        var sawNoise = false
        for rule in evaluation.fired {
            assessment.firedRules.append(rule.id)
            assessment.score += rule.weight
            switch rule.effect {
            case .signal: assessment.isSignal = true
            case .projectPayment: assessment.claim = .projectPayment
            case .escalation: assessment.isEscalation = true
            case .resolved: assessment.isResolved = true
            case .noise: sawNoise = true
            }
        }
        if sawNoise { assessment.isSignal = false }
        assessment.score = max(0, assessment.score)
        return assessment
    }

    /// The rules that fire on `text` and the terms that matched, in rulebook order.
    public func evaluate(_ text: String) -> (fired: [Rulebook.Rule], terms: [String]) {
        let normalized = TextNormalizer.normalize(text)
        var present: Set<String> = []
        var terms: [String] = []
        for match in matcher.matches(in: normalized) {
            let term = patternTerms[match.pattern]
            if !terms.contains(term) { terms.append(term) }
            present.formUnion(patternLexicons[match.pattern])
        }
        let fired = rulebook.rules.filter { rule in
            (rule.any.isEmpty || rule.any.contains(where: present.contains))
                && rule.all.allSatisfy(present.contains)
                && !rule.none.contains(where: present.contains)
        }
        return (fired, terms)
    }

    /// A rule example that did not do what the rules file says.
    public struct ExampleFailure: Sendable, Hashable, CustomStringConvertible {
        public var rule: String
        public var file: String
        public var text: String
        public var expectedMatch: Bool

        public var description: String {
            "\(file): rule \(rule) should \(expectedMatch ? "" : "not ")fire on: \(text)"
        }
    }

    /// Runs every rule's `examples`; returns the ones that fail.
    public func failingExamples() -> [ExampleFailure] {
        var failures: [ExampleFailure] = []
        for rule in rulebook.rules {
            for (texts, expected) in [(rule.examples.match, true), (rule.examples.noMatch, false)] {
                for text in texts where evaluate(text).fired.contains(where: { $0.id == rule.id }) != expected {
                    failures.append(ExampleFailure(rule: rule.id, file: rule.file, text: text, expectedMatch: expected))
                }
            }
        }
        return failures
    }
}
