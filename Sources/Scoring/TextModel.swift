import Foundation

/// A text model learned from labeled items (`wagewatch rules train`): from the characters
/// and character pairs of an item's title and content, how likely it is no report, a
/// worker's wage claim or a business's claim for project money.
///
/// The rules know the words they were written for; the model has seen thousands of
/// labeled texts and reads stories told in other words. Where it is sure (its
/// probability at or above `threshold`), it decides whether an item is a signal and whose
/// money it claims, and a claim it is sure of stays open whatever resolution word the text
/// holds; elsewhere the rules decide. It never decides place, scope, escalation or the
/// project: rules marked `final` (the place and scope rules) overrule it.
///
/// The file (`rules/text-model.tsv`) is plain text, one line each: `threshold<TAB>0.8`,
/// `cancel_threshold<TAB>0.9`, `minimum_grams<TAB>30`, `bias<TAB>w0<TAB>w1<TAB>w2`, then
/// `gram<TAB>text<TAB>w0<TAB>w1<TAB>w2` for each character or character pair, weights in
/// the order of `TextModel.Kind`.
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
    /// The probability of none at or above which the model overturns a signal the rules
    /// raised (at least `threshold`): to silence a report takes more than to raise one.
    public var cancelThreshold: Double
    /// The fewest distinct grams of the model a text must hold for the model to decide: it
    /// learned from texts of a few sentences, and on a line or two it only guesses.
    public var minimumGrams: Int
    var bias: [Double]
    /// Each gram's text (one or two folded characters), and its weights at `3 * index`.
    public private(set) var grams: [String]
    var weights: [Float]
    /// Weights are kept in units of `1 / scale` (`Units`): exact sums, whatever their order.
    static let scale: Float = 8192
    /// The largest weight of a gram the units hold.
    public static let maximumWeight = 3.99
    /// Per character of the basic plane, its number among the characters the grams use
    /// (0: none uses it); the number of a character is where its unigram and pairs are found.
    private var characterNumbers: [UInt16]
    /// Per character number, the index of its unigram, or -1 (for `strongestGrams`).
    private var unigrams: [Int32]
    /// Per character number, its unigram's weight vector (zero when it has none).
    private var unigramVectors: [Units]
    /// Pairs by open addressing, key and weights in one record (0 for an empty slot's key).
    private var pairs: [PairSlot]
    /// Per slot of `pairs`, the pair's gram index, or -1 (for `strongestGrams`).
    private var pairGrams: [Int32]
    private var pairMask: Int

    /// A gram's weights in units of `1 / scale`, and 1 in `gram` (0 for a character with no
    /// unigram), so that one pass sums the weights and counts the grams.
    struct Units {
        var none: Int16 = 0
        var wage: Int16 = 0
        var payment: Int16 = 0
        var gram: Int16 = 0
    }

    struct PairSlot {
        /// `first << 16 | second`, character numbers (never 0 for a pair).
        var key: UInt32 = 0
        var vector = Units()
    }
    /// Two bits per pair the model knows, both in one 64-bit word (a blocked Bloom filter
    /// of 32 KiB): most pairs of a text are no gram, and one load of the filter says so
    /// without a look at `pairs` (about one pair in two hundred passes it wrongly).
    private var pairFilter: [UInt64]
    static let filterWordBits = 12

    static let kindCount = Kind.allCases.count

    /// The id a verdict lists among its fired rules when the model decided it (`model.wage`).
    public static func ruleID(_ kind: Kind) -> String { "model." + kind.name }

    init(
        threshold: Double, cancelThreshold: Double? = nil, minimumGrams: Int, bias: [Double], grams: [String],
        weights: [Float]
    ) {
        self.threshold = threshold
        self.cancelThreshold = max(threshold, cancelThreshold ?? threshold)
        self.minimumGrams = minimumGrams
        self.bias = bias
        self.grams = grams
        self.weights = weights
        func units(_ weight: Float) -> Int16 { Int16(max(-32767, min(32767, (weight * Self.scale).rounded()))) }
        let vectors = (0..<grams.count).map {
            Units(none: units(weights[3 * $0]), wage: units(weights[3 * $0 + 1]), payment: units(weights[3 * $0 + 2]), gram: 1)
        }
        var numbers = [UInt16](repeating: 0, count: 0x1_0000)
        var count = 0
        let split = grams.map { $0.unicodeScalars.map { Self.fold($0.value) } }
        for scalars in split {
            for scalar in scalars where numbers[Int(scalar)] == 0 && count < 0xFFFE {
                count += 1
                numbers[Int(scalar)] = UInt16(count)
            }
        }
        characterNumbers = numbers
        var unigrams = [Int32](repeating: -1, count: count + 1)
        var unigramVectors = [Units](repeating: Units(), count: count + 1)
        var pairCount = 0
        for (index, scalars) in split.enumerated() {
            if scalars.count == 1 {
                let number = Int(numbers[Int(scalars[0])])
                unigrams[number] = Int32(index)
                unigramVectors[number] = vectors[index]
            } else {
                pairCount += 1
            }
        }
        self.unigrams = unigrams
        self.unigramVectors = unigramVectors
        var size = 16
        while size < pairCount + pairCount / 2 { size <<= 1 }
        pairMask = size - 1
        var pairs = [PairSlot](repeating: PairSlot(), count: size)
        var pairGrams = [Int32](repeating: -1, count: size)
        var filter = [UInt64](repeating: 0, count: 1 << Self.filterWordBits)
        for (index, scalars) in split.enumerated() where scalars.count == 2 {
            let key = Self.pairKey(numbers[Int(scalars[0])], numbers[Int(scalars[1])])
            var at = Self.hash(key) & pairMask
            while pairs[at].key != 0 { at = (at + 1) & pairMask }
            pairs[at] = PairSlot(key: key, vector: vectors[index])
            pairGrams[at] = Int32(index)
            let (word, bits) = Self.filterProbe(key)
            filter[word] |= bits
        }
        self.pairs = pairs
        self.pairGrams = pairGrams
        pairFilter = filter
    }

    /// The filter's word for a pair and its two bits there: three pieces of one 64-bit hash.
    @inline(__always)
    static func filterProbe(_ key: UInt32) -> (word: Int, bits: UInt64) {
        let hash = UInt64(key) &* 0xC2B2_AE3D_27D4_EB4F
        let bits: UInt64 = 1 << ((hash >> 20) & 63) | 1 << ((hash >> 26) & 63)
        return (Int(truncatingIfNeeded: hash >> UInt64(64 - filterWordBits)), bits)
    }

    @inline(__always)
    static func pairKey(_ first: UInt16, _ second: UInt16) -> UInt32 { UInt32(first) << 16 | UInt32(second) }

    @inline(__always)
    static func hash(_ key: UInt32) -> Int {
        Int(truncatingIfNeeded: (UInt64(key) &* 0x9E37_79B9_7F4A_7C15) >> 40)
    }

    /// The slot of `pairs` holding the pair of character numbers `key`, or -1.
    @inline(__always)
    private static func pairSlot(_ key: UInt32, in pairs: UnsafeBufferPointer<PairSlot>, mask: Int) -> Int {
        var at = hash(key) & mask
        while true {
            let found = pairs[at].key
            if found == key { return at }
            if found == 0 { return -1 }
            at = (at + 1) & mask
        }
    }

    /// Calls `unigram` with the number of every character of `fields` the model numbers, and
    /// `pair` with the slot of every pair it knows, each occurrence.
    @inline(__always)
    private func forEachGram(in fields: [ArraySlice<UInt32>], unigram: (Int) -> Void, pair: (Int) -> Void) {
        characterNumbers.withUnsafeBufferPointer { numbers in
            pairs.withUnsafeBufferPointer { pairs in
                pairFilter.withUnsafeBufferPointer { filter in
                    for field in fields {
                        var previous: UInt16 = 0
                        for value in field {
                            let scalar = Self.fold(value)
                            let number = scalar < 0x1_0000 && scalar != 0x20 ? numbers[Int(scalar)] : 0
                            if number != 0 {
                                unigram(Int(number))
                                if previous != 0 {
                                    let key = Self.pairKey(previous, number)
                                    let (word, bits) = Self.filterProbe(key)
                                    if filter[word] & bits == bits {
                                        let slot = Self.pairSlot(key, in: pairs, mask: pairMask)
                                        if slot >= 0 { pair(slot) }
                                    }
                                }
                            }
                            previous = number
                        }
                    }
                }
            }
        }
    }

    /// A character as the model reads it: every digit is 0, every space or control character
    /// one space, and so is a character beyond the basic plane (an emoji: folding keeps few).
    @inline(__always)
    static func fold(_ value: UInt32) -> UInt32 {
        if value >= 0x30 && value <= 0x39 { return 0x30 }
        if value <= 0x20 || value == 0x3000 || (value >= 0x7F && value <= 0x9F) || value >= 0x1_0000 { return 0x20 }
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
    ///
    /// In three passes with few branches that depend on the text (a mispredicted branch a
    /// character costs more than the lookups): the characters' numbers and their unigrams,
    /// each counted once through a stamp that adds zero when set already; the pairs the
    /// filter lets through, kept in a list; then their slots in the pair table.
    func judge(_ fields: [ArraySlice<UInt32>], seen: inout Seen) -> Judgement {
        seen.begin(characters: unigramVectors.count, pairs: pairs.count)
        var length = 0
        for field in fields { length += field.count + 1 }
        if seen.numbers.count < length { seen.numbers = Array(repeating: 0, count: length * 2) }
        if seen.keys.count < length { seen.keys = Array(repeating: 0, count: length * 2) }
        // Four plain sums (not SIMD: unspecialized in a debug build, it is a hundred times slower).
        var none: Int32 = 0
        var wage: Int32 = 0
        var payment: Int32 = 0
        var count: Int32 = 0
        let stamp = seen.stamp
        var keyCount = 0
        characterNumbers.withUnsafeBufferPointer { characterNumbers in
            unigramVectors.withUnsafeBufferPointer { unigramVectors in
                pairFilter.withUnsafeBufferPointer { filter in
                    seen.characterStamps.withUnsafeMutableBufferPointer { characterStamps in
                        seen.numbers.withUnsafeMutableBufferPointer { numbers in
                            seen.keys.withUnsafeMutableBufferPointer { keys in
                                // Number 0 (no gram's character) has a zero vector: adding it changes nothing.
                                var at = 0
                                for field in fields {
                                    for value in field {
                                        // A folded character is in the basic plane: beyond it, fold gives a space.
                                        let number = characterNumbers[Int(Self.fold(value))]
                                        numbers[at] = number
                                        at += 1
                                        let fresh: Int32 = characterStamps[Int(number)] == stamp ? 0 : 1
                                        characterStamps[Int(number)] = stamp
                                        let units = unigramVectors[Int(number)]
                                        none &+= Int32(units.none) &* fresh
                                        wage &+= Int32(units.wage) &* fresh
                                        payment &+= Int32(units.payment) &* fresh
                                        count &+= Int32(units.gram) &* fresh
                                    }
                                    // No pair spans two fields.
                                    numbers[at] = 0
                                    at += 1
                                }
                                var previous: UInt16 = 0
                                for index in 0..<at {
                                    let number = numbers[index]
                                    let key = Self.pairKey(previous, number)
                                    let (word, bits) = Self.filterProbe(key)
                                    keys[keyCount] = key
                                    let passes = previous != 0 && number != 0 && filter[word] & bits == bits
                                    keyCount &+= passes ? 1 : 0
                                    previous = number
                                }
                            }
                        }
                    }
                }
            }
        }
        pairs.withUnsafeBufferPointer { pairs in
            seen.pairStamps.withUnsafeMutableBufferPointer { pairStamps in
                seen.keys.withUnsafeBufferPointer { keys in
                    for index in 0..<keyCount {
                        let slot = Self.pairSlot(keys[index], in: pairs, mask: pairMask)
                        guard slot >= 0, pairStamps[slot] != stamp else { continue }
                        pairStamps[slot] = stamp
                        let units = pairs[slot].vector
                        none &+= Int32(units.none)
                        wage &+= Int32(units.wage)
                        payment &+= Int32(units.payment)
                        count &+= Int32(units.gram)
                    }
                }
            }
        }
        let scale = Double(Self.scale)
        let logits = [
            bias[0] + Double(none) / scale, bias[1] + Double(wage) / scale, bias[2] + Double(payment) / scale,
        ]
        return judgement(logits: logits, grams: Int(count))
    }

    /// The model's reading of folded title and content, with scratch storage of its own.
    public func reading(_ fields: [ArraySlice<UInt32>]) -> Judgement {
        var seen = Seen()
        return judge(fields, seen: &seen)
    }

    /// The same, with scratch storage kept from one text to the next (as the engine reads).
    public func reading(_ fields: [ArraySlice<UInt32>], scratch: inout Seen) -> Judgement {
        judge(fields, seen: &scratch)
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
        forEachGram(in: fields) { number in
            if unigrams[number] >= 0 { found.insert(Int(unigrams[number])) }
        } pair: { slot in
            found.insert(Int(pairGrams[slot]))
        }
        let ranked = found.map { index -> (gram: String, weight: Double) in
            let own = Double(weights[3 * index + kind.rawValue])
            let mean = (0..<3).map { Double(weights[3 * index + $0]) }.reduce(0, +) / 3
            return (grams[index], own - mean)
        }
        return Array(ranked.sorted { $0.weight > $1.weight || ($0.weight == $1.weight && $0.gram < $1.gram) }.prefix(count))
    }

    /// Per-call scratch: which characters and pairs a text has already counted.
    public struct Seen: Sendable {
        /// A byte per character number and per slot of the pair table (a few dozen KiB:
        /// they stay in the cache), cleared every 255 texts.
        var characterStamps: [UInt8] = []
        var pairStamps: [UInt8] = []
        var stamp: UInt8 = 0
        /// The text's character numbers, and the pairs the filter let through.
        var numbers: [UInt16] = []
        var keys: [UInt32] = []

        mutating func begin(characters: Int, pairs: Int) {
            if characterStamps.count != characters || pairStamps.count != pairs {
                characterStamps = Array(repeating: 0, count: characters)
                pairStamps = Array(repeating: 0, count: pairs)
                stamp = 0
            }
            stamp &+= 1
            if stamp == 0 {
                for index in characterStamps.indices { characterStamps[index] = 0 }
                for index in pairStamps.indices { pairStamps[index] = 0 }
                stamp = 1
            }
        }

        public init() {}
    }
}
