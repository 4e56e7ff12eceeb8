import Foundation
import Model
import RulesFile

extension TextModel {
    /// The name of the model's file in the rules folder.
    public static let fileName = "text-model.tsv"

    /// Reads a model file; a bad line is named by file, line and field. A text read before
    /// is not read again: every engine of a process (one per registry change) shares it.
    public static func parse(_ text: String, file: String) throws(RulesError) -> TextModel {
        let key = StableHash.hex(of: text)
        if let model = parsed.withLock({ $0[key] }) { return model }
        let model = try parseText(text, file: file)
        parsed.withLock { cache in
            if cache.count >= 8 { cache.removeAll() }
            cache[key] = model
        }
        return model
    }

    private static let parsed = LockedCache()

    private static func parseText(_ text: String, file: String) throws(RulesError) -> TextModel {
        var threshold: Double?
        var minimumGrams = 0
        var cancelThreshold: Double?
        var bias: [Double]?
        var grams: [String] = []
        var weights: [Float] = []
        var seen: Set<String> = []
        func fail(_ line: Int, _ reason: String) -> RulesError {
            .invalid(file: file, line: line, column: nil, reason: reason)
        }
        func numbers(_ fields: ArraySlice<Substring>, line: Int, what: String) throws(RulesError) -> [Double] {
            guard fields.count == kindCount else {
                throw fail(line, "\(what) needs \(kindCount) weights (none, wage, project_payment), found \(fields.count)")
            }
            var values: [Double] = []
            for (column, field) in fields.enumerated() {
                guard let value = Double(field), value.isFinite, abs(value) < 1e6 else {
                    throw fail(line, "\(what): weight \(column + 1) is not a number: \(field.prefix(20))")
                }
                values.append(value)
            }
            return values
        }
        var number = 0
        for rawLine in text.split(separator: "\n", omittingEmptySubsequences: false) {
            number += 1
            let line = rawLine.hasSuffix("\r") ? rawLine.dropLast() : rawLine
            if line.isEmpty || line.hasPrefix("#") { continue }
            let fields = line.split(separator: "\t", omittingEmptySubsequences: false)
            switch fields[0] {
            case "threshold":
                guard fields.count == 2, let value = Double(fields[1]), value > 0.5, value <= 1 else {
                    throw fail(number, "threshold must be one number above 0.5 and at most 1")
                }
                threshold = value
            case "cancel_threshold":
                guard fields.count == 2, let value = Double(fields[1]), value > 0.5, value <= 1 else {
                    throw fail(number, "cancel_threshold must be one number above 0.5 and at most 1")
                }
                cancelThreshold = value
            case "minimum_grams":
                guard fields.count == 2, let value = Int(fields[1]), (0...100_000).contains(value) else {
                    throw fail(number, "minimum_grams must be one whole number from 0 to 100000")
                }
                minimumGrams = value
            case "bias":
                bias = try numbers(fields.dropFirst(), line: number, what: "bias")
            case "gram":
                guard fields.count >= 2 else { throw fail(number, "gram has no text") }
                let gram = String(fields[1])
                let scalars = gram.unicodeScalars.map { fold($0.value) }
                guard (1...2).contains(scalars.count), !scalars.contains(0x20) else {
                    throw fail(number, "gram must be one or two characters that are not spaces: \(gram.prefix(20))")
                }
                let folded = String(String.UnicodeScalarView(scalars.compactMap(Unicode.Scalar.init)))
                guard seen.insert(folded).inserted else { throw fail(number, "gram \(gram) is listed twice") }
                let values = try numbers(fields.dropFirst(2), line: number, what: "gram \(gram)")
                guard values.allSatisfy({ abs($0) <= maximumWeight }) else {
                    throw fail(number, "gram \(gram): a weight lies beyond ±\(maximumWeight)")
                }
                grams.append(folded)
                weights += values.map(Float.init)
            default:
                throw fail(
                    number, "unknown line kind \(fields[0].prefix(20)) (expected threshold, cancel_threshold, minimum_grams, bias or gram)")
            }
        }
        guard let threshold else { throw fail(number, "the model has no threshold line") }
        guard let bias else { throw fail(number, "the model has no bias line") }
        return TextModel(
            threshold: threshold, cancelThreshold: cancelThreshold, minimumGrams: minimumGrams, bias: bias, grams: grams,
            weights: weights)
    }

    /// The model as its file holds it.
    public func rendered(comment: [String]) -> String {
        var lines = comment.map { "# " + $0 }
        lines.append("threshold\t\(threshold)")
        lines.append("cancel_threshold\t\(cancelThreshold)")
        lines.append("minimum_grams\t\(minimumGrams)")
        lines.append("bias\t" + bias.map { String(format: "%.4f", $0) }.joined(separator: "\t"))
        for (index, gram) in grams.enumerated() {
            let values = (0..<Self.kindCount).map { String(format: "%.4f", Double(weights[3 * index + $0])) }
            lines.append("gram\t\(gram)\t" + values.joined(separator: "\t"))
        }
        return lines.joined(separator: "\n") + "\n"
    }
}

extension TextModel {
    /// One labeled text to learn from: its folded title and content, and its kind.
    public struct Example: Sendable {
        public var fields: [ArraySlice<UInt32>]
        public var kind: Kind

        public init(fields: [ArraySlice<UInt32>], kind: Kind) {
            self.fields = fields
            self.kind = kind
        }
    }

    /// How training goes. The defaults are those `rules train` uses.
    public struct Training: Sendable {
        /// Passes over the examples.
        public var epochs = 20
        /// AdaGrad's step.
        public var rate = 0.3
        /// L2 strength over a pass (a gram's weights shrink by this share of themselves per pass).
        public var regularization = 1.0
        /// A gram must occur in this many examples to be learned.
        public var minimumCount = 2
        /// Weights smaller than this in every kind are left out of the file.
        public var keepAbove = 0.001
        /// At most this many grams are kept: after a first training, the grams that tell the
        /// kinds apart most (the widest spread of their weights), and the model is trained
        /// again on those alone, so that the others' share is learned by the kept. A smaller
        /// model reads faster (its pair table stays in the cache). Nil keeps every gram.
        /// 12,000 of the 28,000 grams of the labeled sets read a set they did not learn from
        /// within an item of all of them, in three quarters of the time.
        public var maximumGrams: Int? = 12_000
        public var threshold = 0.8
        /// The probability of none at or above which the model overturns the rules' signal.
        public var cancelThreshold = 0.9
        /// The fewest distinct grams a text must hold for the model to decide.
        public var minimumGrams = 30
        /// Seeds the order examples are visited in: the same examples give the same model.
        public var seed: UInt64 = 17

        public init() {}
    }

    /// Learns a multinomial logistic regression over the presence of each gram (one
    /// character or a pair), by AdaGrad in a seeded order: deterministic for given examples.
    public static func train(_ examples: [Example], _ settings: Training = Training()) -> TextModel {
        // The vocabulary: grams in at least `minimumCount` examples, in order of first appearance.
        var counts: [UInt64: Int] = [:]
        var order: [UInt64] = []
        var perExample: [[UInt64]] = []
        perExample.reserveCapacity(examples.count)
        for example in examples {
            var keys: Set<UInt64> = []
            var list: [UInt64] = []
            forEachKey(in: example.fields) { key in
                if keys.insert(key).inserted { list.append(key) }
            }
            for key in list {
                if counts[key] == nil { order.append(key) }
                counts[key, default: 0] += 1
            }
            perExample.append(list)
        }
        let kept = order.filter { counts[$0, default: 0] >= settings.minimumCount }
        var indexOf: [UInt64: Int32] = [:]
        for (index, key) in kept.enumerated() { indexOf[key] = Int32(index) }
        let features = perExample.map { $0.compactMap { indexOf[$0] } }
        let frequency = kept.map { Double(counts[$0, default: 1]) }

        let labels = examples.map(\.kind)
        var vocabulary = Array(kept.indices)
        var (weights, bias) = fit(features, kinds: labels, frequency: frequency, grams: kept.count, settings)
        if let cap = settings.maximumGrams, (0..<kept.count).contains(cap) {
            // The spread of a gram's weights: how much it moves one kind against the others.
            let spread = kept.indices.map { index -> Double in
                let values = (0..<kindCount).map { weights[index * kindCount + $0] }
                return (values.max() ?? 0) - (values.min() ?? 0)
            }
            vocabulary = kept.indices.sorted { spread[$0] > spread[$1] || (spread[$0] == spread[$1] && $0 < $1) }
            vocabulary = Array(vocabulary.prefix(cap)).sorted()
            var renumbered = [Int32](repeating: -1, count: kept.count)
            for (position, index) in vocabulary.enumerated() { renumbered[index] = Int32(position) }
            let narrowed = features.map { $0.compactMap { renumbered[Int($0)] >= 0 ? renumbered[Int($0)] : nil } }
            (weights, bias) = fit(
                narrowed, kinds: labels, frequency: vocabulary.map { frequency[$0] }, grams: vocabulary.count, settings)
        }
        var grams: [String] = []
        var keptWeights: [Float] = []
        for (index, key) in vocabulary.map({ kept[$0] }).enumerated() {
            let values = (0..<kindCount).map { weights[index * kindCount + $0] }
            guard values.contains(where: { abs($0) >= settings.keepAbove }) else { continue }
            grams.append(text(of: key))
            keptWeights += values.map { Float(((max(-maximumWeight, min(maximumWeight, $0)) * 10_000).rounded()) / 10_000) }
        }
        let roundedBias = bias.map { ($0 * 10_000).rounded() / 10_000 }
        return TextModel(
            threshold: settings.threshold, cancelThreshold: settings.cancelThreshold, minimumGrams: settings.minimumGrams,
            bias: roundedBias, grams: grams,
            weights: keptWeights)
    }

    /// AdaGrad over `features` (per example, the indexes of its grams among `grams`), in the
    /// seeded order: the weights (`grams * kindCount`, by gram) and the bias.
    private static func fit(
        _ features: [[Int32]], kinds labels: [Kind], frequency: [Double], grams: Int, _ settings: Training
    ) -> (weights: [Double], bias: [Double]) {
        let kinds = kindCount
        var weights = [Double](repeating: 0, count: grams * kinds)
        var squares = [Double](repeating: 0, count: grams * kinds)
        var bias = [Double](repeating: 0, count: kinds)
        var biasSquares = [Double](repeating: 0, count: kinds)
        var random = SplitMix(seed: settings.seed)
        var visit = Array(features.indices)
        for _ in 0..<settings.epochs {
            for index in stride(from: visit.count - 1, to: 0, by: -1) {
                visit.swapAt(index, Int(random.next() % UInt64(index + 1)))
            }
            for at in visit {
                var logits = bias
                for feature in features[at] {
                    for kind in 0..<kinds { logits[kind] += weights[Int(feature) * kinds + kind] }
                }
                let top = logits.max() ?? 0
                let exponents = logits.map { exp($0 - top) }
                let total = exponents.reduce(0, +)
                for kind in 0..<kinds {
                    let gradient = exponents[kind] / total - (kind == labels[at].rawValue ? 1 : 0)
                    biasSquares[kind] += gradient * gradient
                    bias[kind] -= settings.rate * gradient / (biasSquares[kind].squareRoot() + 1e-8)
                    for feature in features[at] {
                        let slot = Int(feature) * kinds + kind
                        // The pass's L2 share, spread over the examples the gram is in.
                        let step = gradient + settings.regularization * weights[slot] / frequency[Int(feature)]
                        squares[slot] += step * step
                        weights[slot] -= settings.rate * step / (squares[slot].squareRoot() + 1e-8)
                    }
                }
            }
        }
        return (weights, bias)
    }

    static func text(of key: UInt64) -> String {
        let scalars: [UInt32] = key >> 21 == 0 ? [UInt32(key)] : [UInt32(key >> 21) - 1, UInt32(key & 0x1F_FFFF)]
        return String(String.UnicodeScalarView(scalars.compactMap(Unicode.Scalar.init)))
    }
}

/// The models read so far, by their text's hash.
private final class LockedCache: @unchecked Sendable {
    private let lock = NSLock()
    private var models: [String: TextModel] = [:]

    func withLock<Result>(_ body: (inout [String: TextModel]) -> Result) -> Result {
        lock.lock()
        defer { lock.unlock() }
        return body(&models)
    }
}
