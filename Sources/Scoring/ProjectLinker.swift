import Foundation
import Model

/// Links items to registry projects by the names, aliases and companies they mention.
///
/// Every registry name goes into one automaton. Each mention adds its kind's
/// weight to the project, divided among the projects that share the text (a
/// contractor with two projects gives each half); the petition's 被反映对象
/// field adds a bonus. The best project is linked, sent to review, or dropped
/// by the thresholds of the rules' `linking:` section.
public struct ProjectLinker: Sendable {
    private struct Pattern: Sendable {
        var text: String
        /// Every (project index, kind) the text stands for.
        var owners: [(project: Int, kind: MentionKind)]
    }

    private let projects: [Project]
    private let settings: Rulebook.LinkingSettings
    private let patterns: [Pattern]
    private let matcher: PatternMatcher
    /// A stamp of the registry and settings: links made under another version are redone.
    public let version: String

    public init(projects: [Project], settings: Rulebook.LinkingSettings) {
        self.projects = projects
        self.settings = settings
        var byText: [String: [(project: Int, kind: MentionKind)]] = [:]
        for (index, project) in projects.enumerated() {
            var names: [(String, MentionKind)] = [(project.name, .name)]
            names += project.aliases.map { ($0, .alias) }
            names += [project.contractor, project.builder].enumerated().compactMap { offset, company in
                company.map { ($0, offset == 0 ? .contractor : .builder) }
            }
            names += project.subcontractors.map { ($0, .subcontractor) }
            for (name, kind) in names {
                let text = TextNormalizer.normalize(name)
                // One- and two-letter names match everywhere; they are not evidence.
                guard text.unicodeScalars.count >= 3 || (text.unicodeScalars.count == 2 && kind == .alias) else { continue }
                if !(byText[text]?.contains { $0.project == index && $0.kind == kind } ?? false) {
                    byText[text, default: []].append((index, kind))
                }
            }
        }
        let texts = byText.keys.sorted()
        patterns = texts.map { Pattern(text: $0, owners: byText[$0]!) }
        matcher = PatternMatcher(patterns: texts)
        // Dictionaries print in a per-process order; sorted JSON is the same on every run.
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let stamp = (try? encoder.encode(projects)).map { String(decoding: $0, as: UTF8.self) } ?? ""
        let settingsStamp = (try? encoder.encode(settings)).map { String(decoding: $0, as: UTF8.self) } ?? ""
        version = StableHash.hex(of: stamp + "\u{1}" + settingsStamp)
    }

    /// The link of `item` to its most likely project, or nil when no project reaches review.
    public func link(_ item: Item) -> ProjectLink? {
        var confidence: [Int: Double] = [:]
        var evidence: [Int: [LinkEvidence]] = [:]
        var counted: Set<String> = []
        func add(_ patternIndex: Int, fromRespondent: Bool) {
            let pattern = patterns[patternIndex]
            let sharedBy = Set(pattern.owners.map(\.project)).count
            for owner in pattern.owners {
                let key = "\(owner.project)|\(owner.kind)|\(pattern.text)|\(fromRespondent)"
                guard counted.insert(key).inserted else { continue }
                let weight = fromRespondent ? settings.respondentBonus : settings.weight(of: owner.kind)
                confidence[owner.project, default: 0] += weight / Double(sharedBy)
                evidence[owner.project, default: []].append(LinkEvidence(
                    kind: fromRespondent ? .respondent : owner.kind, text: projects[owner.project].displayName(of: owner.kind, matching: pattern.text)))
            }
        }
        let body = TextNormalizer.normalize([item.title, item.content, item.location ?? ""].joined(separator: "\n"))
        for match in matcher.matches(in: body) { add(match.pattern, fromRespondent: false) }
        if let respondent = item.respondent {
            for match in matcher.matches(in: TextNormalizer.normalize(respondent)) {
                add(match.pattern, fromRespondent: false)
                add(match.pattern, fromRespondent: true)
            }
        }
        let ranked = confidence.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }
        guard let best = ranked.first, best.value >= settings.reviewThreshold else { return nil }
        let capped = min(1, best.value)
        // Two projects equally likely cannot be told apart here: a clerk decides.
        let isTied = ranked.count > 1 && ranked[1].value >= best.value - 1e-9
        let band: LinkBand = capped >= settings.linkThreshold && !isTied ? .link : .review
        return ProjectLink(itemID: item.id, projectID: projects[best.key].id, band: band,
                           confidence: capped, evidence: evidence[best.key] ?? [])
    }
}

extension Project {
    /// The registry's own spelling of the name of `kind` whose folded form is `folded`.
    func displayName(of kind: MentionKind, matching folded: String) -> String {
        let candidates: [String] = switch kind {
        case .name, .respondent: [name]
        case .alias: aliases
        case .contractor: contractor.map { [$0] } ?? []
        case .subcontractor: subcontractors
        case .builder: builder.map { [$0] } ?? []
        }
        return candidates.first { TextNormalizer.normalize($0) == folded } ?? folded
    }
}
