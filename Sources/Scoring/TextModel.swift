import Foundation

/// A text model learned from labeled items (`wagewatch rules train`): from the characters
/// and character pairs of an item's title and content, how likely it is no report, a
/// worker's wage claim or a business's claim for project money.
///
/// The rules know the words they were written for; the model has seen thousands of
/// labeled texts and reads stories told in other words. Where it is sure (its
/// probability at or above `threshold`), it decides whether an item is a signal and whose
/// money it claims; elsewhere the rules decide. It never decides place, escalation,
/// resolution or the project: rules marked `final` (the place rules) overrule it.
///
/// The file (`rules/text-model.tsv`) is plain text, one line each:
/// `threshold<TAB>0.8`, `bias<TAB>w0<TAB>w1<TAB>w2`, then `gram<TAB>text<TAB>w0<TAB>w1<TAB>w2`
/// for each character or character pair, weights in the order of `TextModel.Kind`.
public struct TextModel: Sendable {
    /// What the model tells apart, in the order of its weights.
    public enum Kind: Int, Sendable, CaseIterable {
        case none = 0
        case wage = 1
        case projectPayment = 2

        /// What a clerk reads where a verdict lists the model among its rules.
        public var title: String {
            switch self {
            case .none: "文本模型判定：非本地欠薪线索"
            case .wage: "文本模型判定：工资诉求"
            case .projectPayment: "文本模型判定：工程款、货款等经营款项"
            }
        }

        /// The name in the model file and in `fired_rules` (`model.wage`).
        public var name: String {
            switch self {
            case .none: "none"
            case .wage: "wage"
            case .projectPayment: "project_payment"
            }
        }
    }

    /// The model's reading of one text.
    public struct Judgement: Sendable, Hashable {
        /// Probability of each kind, in the order of `Kind`.
        public var probabilities: [Double]
        /// The most likely kind.
        public var kind: Kind
        /// Whether the model is sure enough to decide.
        public var isSure: Bool
        /// The probability of `kind`.
        public var probability: Double { probabilities[kind.rawValue] }
    }

    /// The probability at or above which the model decides.
    public var threshold: Double
    /// The fewest distinct grams of the model a text must hold for the model to decide: it
    /// learned from texts of a few sentences, and on a line or two it only guesses.
    public var minimumGrams: Int
    var bias: [Double]
    /// Each gram's text (one or two folded characters), and its weights at `3 * index`.
    public private(set) var grams: [String]
    var weights: [Float]
    /// Open addressing, keyed by `TextModel.key`: the gram index + 1, or 0 for an empty slot.
    private var keys: [UInt64]
    private var slots: [Int32]
    private var mask: Int

    static let kindCount = Kind.allCases.count

    /// The id a verdict lists among its fired rules when the model decided it (`model.wage`).
    public static func ruleID(_ kind: Kind) -> String { "model." + kind.name }

    init(threshold: Double, minimumGrams: Int, bias: [Double], grams: [String], weights: [Float]) {
        self.threshold = threshold
        self.minimumGrams = minimumGrams
        self.bias = bias
        self.grams = grams
        self.weights = weights
        var size = 16
        while size < grams.count * 2 { size <<= 1 }
        mask = size - 1
        keys = Array(repeating: 0, count: size)
        slots = Array(repeating: 0, count: size)
        for (index, gram) in grams.enumerated() {
            let scalars = gram.unicodeScalars.map { Self.fold($0.value) }
            let key = scalars.count == 1 ? Self.key(scalars[0]) : Self.key(scalars[0], scalars[1])
            var at = Self.hash(key) & mask
            while slots[at] != 0 { at = (at + 1) & mask }
            keys[at] = key
            slots[at] = Int32(index + 1)
        }
    }

    /// The gram index of `key`, or -1.
    @inline(__always)
    func index(of key: UInt64) -> Int {
        var at = Self.hash(key) & mask
        while true {
            let slot = slots[at]
            if slot == 0 { return -1 }
            if keys[at] == key { return Int(slot) - 1 }
            at = (at + 1) & mask
        }
    }

    @inline(__always)
    static func hash(_ key: UInt64) -> Int {
        Int(truncatingIfNeeded: (key &* 0x9E37_79B9_7F4A_7C15) >> 29)
    }

    /// A character as the model reads it: every digit is 0, every space or control character one space.
    @inline(__always)
    static func fold(_ value: UInt32) -> UInt32 {
        if value >= 0x30 && value <= 0x39 { return 0x30 }
        if value <= 0x20 || value == 0x3000 || (value >= 0x7F && value <= 0x9F) { return 0x20 }
        return value
    }

    @inline(__always)
    static func key(_ scalar: UInt32) -> UInt64 { UInt64(scalar) }

    @inline(__always)
    static func key(_ first: UInt32, _ second: UInt32) -> UInt64 { UInt64(first + 1) << 21 | UInt64(second) }

    /// Calls `body` with the key of every gram of `fields` (title, content: folded scalars),
    /// each occurrence; a space joins the fields, so no pair spans two of them.
    @inline(__always)
    static func forEachKey(in fields: [ArraySlice<UInt32>], _ body: (UInt64) -> Void) {
        var previous: UInt32 = 0x20
        for field in fields {
            for value in field {
                let scalar = fold(value)
                if scalar != 0x20 {
                    body(key(scalar))
                    if previous != 0x20 { body(key(previous, scalar)) }
                }
                previous = scalar
            }
            previous = 0x20
        }
    }

    /// The model's reading of a text: its title and content, folded as the scorer folds them.
    /// `seen` is scratch storage (one counter per gram, and a stamp), so each gram counts once.
    func judge(_ fields: [ArraySlice<UInt32>], seen: inout Seen) -> Judgement {
        seen.begin(count: grams.count)
        var logits = bias
        var count = 0
        weights.withUnsafeBufferPointer { weights in
            seen.stamps.withUnsafeMutableBufferPointer { stamps in
                let stamp = seen.stamp
                Self.forEachKey(in: fields) { key in
                    let found = index(of: key)
                    guard found >= 0, stamps[found] != stamp else { return }
                    stamps[found] = stamp
                    count += 1
                    logits[0] += Double(weights[3 * found])
                    logits[1] += Double(weights[3 * found + 1])
                    logits[2] += Double(weights[3 * found + 2])
                }
            }
        }
        return judgement(logits: logits, grams: count)
    }

    /// The model's reading of folded title and content, with scratch storage of its own.
    public func reading(_ fields: [ArraySlice<UInt32>]) -> Judgement {
        var seen = Seen()
        return judge(fields, seen: &seen)
    }

    func judgement(logits: [Double], grams count: Int) -> Judgement {
        let top = logits.max() ?? 0
        let exponents = logits.map { exp($0 - top) }
        let total = exponents.reduce(0, +)
        let probabilities = exponents.map { $0 / total }
        var best = 0
        for kind in 1..<probabilities.count where probabilities[kind] > probabilities[best] { best = kind }
        // swift-format-ignore: NeverForceUnwrap
        // (best indexes one of the three kinds)
        let kind = Kind(rawValue: best)!
        return Judgement(probabilities: probabilities, kind: kind, isSure: probabilities[best] >= threshold && count >= minimumGrams)
    }

    /// The grams of a text that weigh most for `kind` against the other kinds, heaviest first
    /// (for `wagewatch explain`): each gram's weight for `kind` minus its mean over all kinds.
    public func strongestGrams(
        _ fields: [ArraySlice<UInt32>], for kind: Kind, count: Int
    ) -> [(gram: String, weight: Double)] {
        var found: Set<Int> = []
        Self.forEachKey(in: fields) { key in
            let index = index(of: key)
            if index >= 0 { found.insert(index) }
        }
        let ranked = found.map { index -> (gram: String, weight: Double) in
            let own = Double(weights[3 * index + kind.rawValue])
            let mean = (0..<3).map { Double(weights[3 * index + $0]) }.reduce(0, +) / 3
            return (grams[index], own - mean)
        }
        return Array(ranked.sorted { $0.weight > $1.weight || ($0.weight == $1.weight && $0.gram < $1.gram) }.prefix(count))
    }

    /// Per-call scratch: which grams a text has already counted.
    struct Seen {
        var stamps: [UInt32] = []
        var stamp: UInt32 = 0

        mutating func begin(count: Int) {
            if stamps.count != count {
                stamps = Array(repeating: 0, count: count)
                stamp = 0
            }
            stamp &+= 1
            if stamp == 0 {
                for index in stamps.indices { stamps[index] = 0 }
                stamp = 1
            }
        }
    }
}
