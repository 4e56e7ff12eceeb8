import Model

/// Why the engine decided what it did, for `wagewatch explain`.
public struct Explanation: Sendable {
    /// One occurrence of a pattern in the folded text.
    public struct Occurrence: Sendable, Hashable {
        public var text: String
        public var field: Rulebook.Field
        /// Folded scalar offsets.
        public var range: Range<Int>
        /// UTF-8 offsets in the original field text.
        public var originalRange: Range<Int>
        /// What the pattern stands for: lexicon names, `registry:P-001 (alias)`, `negation`, `township` ...
        public var meanings: [String]
        public var isNegated: Bool
    }

    /// One project the item might be about, with the evidence and its confidence.
    public struct Candidate: Sendable, Hashable {
        public var projectID: String
        public var name: String
        public var confidence: Double
        public var evidence: [LinkEvidence]
    }

    public var verdict: ItemVerdict
    /// The folded text of each field, folded from the masked copy (no personal data).
    public var normalized: [Rulebook.Field: String]
    public var occurrences: [Occurrence]
    public var firedRules: [Rulebook.Rule]
    public var candidates: [Candidate]
    /// What the text model read, when the rules folder has one.
    public var model: ModelReading?

    /// The text model's reading of the item, and the grams that weighed most for it.
    public struct ModelReading: Sendable, Hashable {
        public var judgement: TextModel.Judgement
        /// Whether the reading decided the verdict (sure, and no final rule against it).
        public var decided: Bool
        public var grams: [Gram]

        public struct Gram: Sendable, Hashable {
            public var text: String
            public var weight: Double
        }

        init(judgement: TextModel.Judgement, decided: Bool, grams: [(gram: String, weight: Double)]) {
            self.judgement = judgement
            self.decided = decided
            self.grams = grams.map { Gram(text: $0.gram, weight: $0.weight) }
        }
    }
}
