import Foundation
import Model

/// A hand-labeled item: a post or petition with what a careful reader says of it.
/// One JSON object a line (`*.ndjson`); the format is in docs/FORMATS.md, "Labeled sets (rules evaluate)".
public struct LabeledItem: Decodable, Sendable {
    public struct Label: Decodable, Sendable {
        /// A current, local case of money owed for work (resolved, hypothetical, other-city and genre texts are not).
        public var signal: Bool
        /// `wage` or `project_payment`, for signals.
        public var claim: String?
        /// The registry project the item is about, when one fits.
        public var project: String?
        /// Two or more projects fit equally: a clerk must choose.
        public var ambiguous: Bool
        public var escalation: Bool
        public var resolved: Bool?
        /// An unregistered site: variants of one site share the id.
        public var site: Site?
        /// The trap classes the item exercises (`claimant_role`, `festival_only` ...).
        public var classes: [String]?

        public struct Site: Decodable, Sendable {
            public var id: String
            public var name: String
        }
    }

    public var id: String
    public var kind: String
    public var channel: String?
    public var title: String
    public var content: String
    public var respondent: String?
    public var location: String?
    public var people: Int?
    public var label: Label

    /// The item as a feed would give it; nil when `kind` is neither post nor petition.
    public var item: Item? {
        ItemKind(rawValue: kind).map {
            Item(
                feedID: "labeled", sourceKey: id, kind: $0, channel: channel, title: title, content: content,
                respondent: respondent, location: location, people: people)
        }
    }

    /// Reads a labeled set; a line that does not parse is an error naming the line.
    public static func read(_ data: Data, file: String) throws -> [LabeledItem] {
        let decoder = JSONDecoder()
        var items: [LabeledItem] = []
        for (index, line) in data.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).enumerated() {
            guard line.contains(where: { $0 != UInt8(ascii: " ") && $0 != UInt8(ascii: "\r") }) else { continue }
            do {
                let item = try decoder.decode(LabeledItem.self, from: Data(line))
                guard item.item != nil else { throw LabeledSetError(file: file, line: index + 1, reason: "kind must be post or petition") }
                items.append(item)
            } catch let error as LabeledSetError {
                throw error
            } catch {
                throw LabeledSetError(file: file, line: index + 1, reason: "not a labeled item (\(type(of: error)))")
            }
        }
        return items
    }
}

public struct LabeledSetError: Error, CustomStringConvertible {
    public var file: String
    public var line: Int
    public var reason: String
    public var description: String { "\(file), line \(line): \(reason)" }
}

/// How the engine's verdicts compare with a labeled set: precision, recall and F1 of
/// signals, project-payment claims, escalation and linking, overall, per channel and
/// per trap class, with every disagreement listed.
public struct QualityReport: Sendable {
    /// Hits over a total.
    public struct Ratio: Sendable, CustomStringConvertible {
        public var hits = 0
        public var total = 0
        /// An empty class meets no floor: a set must hold examples of what it measures.
        public var value: Double { total == 0 ? 0 : Double(hits) / Double(total) }
        public var description: String { String(format: "%.3f (%d/%d)", value, hits, total) }
    }

    /// Precision and recall of one decision.
    public struct Measure: Sendable, CustomStringConvertible {
        public var precision = Ratio()
        public var recall = Ratio()
        public var f1: Double {
            let p = precision.value
            let r = recall.value
            return p + r == 0 ? 0 : 2 * p * r / (p + r)
        }
        /// A measure with nothing to measure (no positives labeled or predicted) counts as met.
        public var isEmpty: Bool { precision.total == 0 && recall.total == 0 }

        mutating func add(predicted: Bool, labeled: Bool) {
            if predicted {
                precision.total += 1
                if labeled { precision.hits += 1 }
            }
            if labeled {
                recall.total += 1
                if predicted { recall.hits += 1 }
            }
        }

        public var description: String {
            String(format: "F1 %.3f  precision %@  recall %@", f1, precision.description, recall.description)
        }
    }

    /// The measures of one slice of the set (all of it, a channel, a class).
    public struct Slice: Sendable {
        public var items = 0
        /// Items whose signal decision agrees with the label.
        public var correct = 0
        public var signal = Measure()
        public var projectPayment = Measure()
        public var escalation = Measure()
        public var link = Measure()
    }

    public var overall = Slice()
    public var byChannel: [String: Slice] = [:]
    public var byClass: [String: Slice] = [:]
    /// Unregistered sites: a site name predicted once per merged site, right when an
    /// item of the merge is labeled with a site.
    public var sites = Ratio()
    /// Every disagreement, one line each: item id, what was predicted, what was labeled.
    public var misses: [String] = []

    /// Scores `items` with `engine` and compares.
    public init(engine: ScoringEngine, items: [LabeledItem]) {
        let verdicts = engine.evaluate(items.compactMap(\.item))
        var siteGroups: [String: (labeled: Bool, items: [String])] = [:]
        var siteNames: [String: Set<String>] = [:]
        for (labeled, verdict) in zip(items, verdicts) {
            let label = labeled.label
            let assessment = verdict.assessment
            let predicted = assessment.isSignal && !assessment.isResolved
            let linked = verdict.link.flatMap { $0.band == .link ? $0.projectID : nil }
            var slice = Slice()
            slice.items = 1
            slice.correct = predicted == label.signal ? 1 : 0
            slice.signal.add(predicted: predicted, labeled: label.signal)
            slice.projectPayment.add(
                predicted: predicted && assessment.claim == .projectPayment,
                labeled: label.signal && label.claim == "project_payment")
            slice.escalation.add(predicted: predicted && assessment.isEscalation, labeled: label.signal && label.escalation)
            // Linking is judged on the labeled signals: a link is right when it names the labeled project.
            // Where two projects fit equally (ambiguous), a clerk decides: the review band is right, a link is not.
            if label.signal {
                if let linked {
                    slice.link.precision.total += 1
                    if linked == label.project && !label.ambiguous { slice.link.precision.hits += 1 }
                }
                if label.project != nil && !label.ambiguous {
                    slice.link.recall.total += 1
                    if linked == label.project { slice.link.recall.hits += 1 }
                }
            }
            overall.add(slice)
            byChannel[labeled.channel ?? labeled.kind, default: Slice()].add(slice)
            for name in label.classes ?? ["unclassed"] { byClass[name, default: Slice()].add(slice) }

            var why: [String] = []
            if predicted != label.signal { why.append(predicted ? "false signal" : "missed signal") }
            if predicted && label.signal {
                let claim = assessment.claim.rawValue
                if claim != (label.claim ?? "wage") { why.append("claim \(claim), labeled \(label.claim ?? "-")") }
                if assessment.isEscalation != label.escalation {
                    why.append(assessment.isEscalation ? "false escalation" : "missed escalation")
                }
            }
            let linkRight = label.ambiguous ? linked == nil : linked == label.project
            if label.signal && !linkRight {
                // The candidate's confidence and evidence, for whoever tunes the linking weights.
                let candidate =
                    verdict.link.map { link in
                        let evidence = link.evidence.map { "\($0.kind.rawValue) \($0.text)" }.joined(separator: ", ")
                        return "\(link.projectID) \(link.band.rawValue) \(String(format: "%.2f", link.confidence)): \(evidence)"
                    } ?? "no candidate"
                why.append("linked \(linked ?? "-") (\(candidate)), labeled \(label.ambiguous ? "ambiguous" : label.project ?? "none")")
            }
            if predicted && linked == nil {
                for site in verdict.sites {
                    let key = SiteName.mergeKey(of: site)
                    siteGroups[key, default: (false, [])].items.append(labeled.id)
                    siteNames[key, default: []].insert(site)
                    if label.site != nil { siteGroups[key, default: (false, [])].labeled = true }
                }
            }
            if !why.isEmpty {
                let classes = (label.classes ?? []).joined(separator: ",")
                let fired = assessment.firedRules.joined(separator: " ")
                misses.append(
                    "\(labeled.id) [\(labeled.channel ?? labeled.kind)] [\(classes)] \(why.joined(separator: "; ")) {\(fired)}: \(labeled.title) \(labeled.content)"
                )
            }
        }
        // Sets labeled before sites were labeled say nothing of them.
        let labelsSites = items.contains { $0.label.classes != nil }
        // In the order of the merged name: a dictionary's order changes from run to run.
        for (key, group) in siteGroups.sorted(by: { $0.key < $1.key }) where labelsSites {
            sites.total += 1
            if group.labeled {
                sites.hits += 1
            } else {
                misses.append(
                    "site \(siteNames[key]?.sorted().joined(separator: " / ") ?? key) [\(group.items.joined(separator: " "))]: no labeled site"
                )
            }
        }
    }

    /// The report as a clerk or a developer reads it.
    public func rendered(title: String) -> String {
        func line(_ name: String, _ slice: Slice) -> String {
            func f(_ measure: Measure) -> String { measure.isEmpty ? "   -  " : String(format: "%.3f ", measure.f1) }
            return name.padding(toLength: 28, withPad: " ", startingAt: 0)
                + String(format: "%5d  %5.3f  ", slice.items, slice.items == 0 ? 0 : Double(slice.correct) / Double(slice.items))
                + f(slice.signal) + " " + f(slice.projectPayment) + " " + f(slice.escalation) + " " + f(slice.link)
        }
        var lines = [
            "quality on \(overall.items) labeled items of \(title):",
            "  wage signal      \(overall.signal)",
            "  project payment  \(overall.projectPayment)",
            "  escalation       \(overall.escalation)",
            "  linking          \(overall.link)",
            "  unregistered sites precision \(sites) (merged sites)",
            "",
            "slice                       items  agree  signal  payment escal.  link   (F1)",
        ]
        lines += byChannel.sorted { $0.key < $1.key }.map { line("channel " + $0.key, $0.value) }
        lines += byClass.sorted { $0.key < $1.key }.map { line("class " + $0.key, $0.value) }
        return lines.joined(separator: "\n")
    }
}

extension QualityReport.Slice {
    mutating func add(_ other: Self) {
        items += other.items
        correct += other.correct
        signal.add(other.signal)
        projectPayment.add(other.projectPayment)
        escalation.add(other.escalation)
        link.add(other.link)
    }
}

extension QualityReport.Measure {
    mutating func add(_ other: Self) {
        precision.hits += other.precision.hits
        precision.total += other.precision.total
        recall.hits += other.recall.hits
        recall.total += other.recall.total
    }
}
