import ArgumentParser
import Foundation
import Model
import Monitor
import Scoring
import Store

extension WageWatch {
    struct Explain: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show why an item scores and links as it does: matches, rules, candidates, story.")

        @OptionGroup var global: GlobalOptions

        @Argument(help: "The item id, as the register's evidence lists it (e.g. demo-petitions:XF-2024-1201).")
        var item: String

        func run() async throws {
            let monitor = try global.makeMonitor(store: .readOnly)
            guard let explanation = try await monitor.explain(itemID: item),
                let stored = try await monitor.database.item(id: item),
                let masked = try await monitor.database.maskedText(ofItem: item)
            else {
                throw CommandFailure(message: "no stored item has the id \(item)")
            }
            print(
                ExplanationText(
                    item: stored, maskedTitle: masked.title, maskedContent: masked.content,
                    explanation: explanation
                ).render())
        }
    }
}

/// The explanation as text. Shows only the masked copies of the texts: personal
/// numbers never reach the terminal, and the personal fields are left out.
struct ExplanationText {
    var item: Item
    var maskedTitle: String
    var maskedContent: String
    var explanation: Explanation

    func render() -> String {
        var lines: [String] = []
        let when = item.publishedAt.map { Day(containing: $0).description } ?? "无日期"
        lines.append("条目 \(item.id) (\(item.kind.rawValue), \(item.channel ?? "-"), \(when))")
        if item.petitioner != nil || item.phone != nil {
            lines.append("信访人、联系电话: 已隐藏 (personal data)")
        }
        lines.append("标题: " + marked(maskedTitle, field: .title))
        lines.append("内容: " + marked(maskedContent, field: .content))
        let names = [item.petitioner, item.phone].compactMap { $0 }
        if let respondent = item.respondent {
            lines.append(
                "被反映对象: " + marked(PersonalDataMasker.mask(respondent, names: names, variants: Monitor.nameVariants), field: .respondent))
        }
        if let location = item.location {
            lines.append(
                "发生地: " + marked(PersonalDataMasker.mask(location, names: names, variants: Monitor.nameVariants), field: .location))
        }
        lines.append("")
        lines.append("规范化文本 normalized:")
        for field in Rulebook.Field.allCases {
            if let text = explanation.normalized[field], !text.isEmpty {
                lines.append("  \(field.rawValue): \(text)")
            }
        }
        lines.append("命中 matches:")
        if explanation.occurrences.isEmpty { lines.append("  (none)") }
        for occurrence in explanation.occurrences {
            let negated = occurrence.isNegated ? " 已被否定 negated" : ""
            lines.append(
                "  \(occurrence.text) [\(occurrence.meanings.joined(separator: ", "))] \(occurrence.field.rawValue) \(occurrence.range.lowerBound)..<\(occurrence.range.upperBound)\(negated)"
            )
        }
        lines.append("触发规则 rules fired:")
        if explanation.firedRules.isEmpty { lines.append("  (none)") }
        for rule in explanation.firedRules {
            let weight = rule.weight >= 0 ? "+\(format(rule.weight))" : format(rule.weight)
            lines.append("  \(rule.id) \(rule.title) \(weight) (\(rule.effect.rawValue), \(rule.level.rawValue))")
        }
        if let reading = explanation.model {
            let judgement = reading.judgement
            let odds = String(format: "%.2f", judgement.probability)
            lines.append(
                "文本模型 text model: \(judgement.kind.name) \(odds)"
                    + (reading.decided
                        ? " 已采用 decided"
                        : judgement.isSure
                            ? " 未采用 overruled by a final rule" : " 未采用 not sure enough (probability or grams below the model's minimum)"))
            let grams = reading.grams.map { "\($0.text) \($0.weight >= 0 ? "+" : "")\(format($0.weight))" }
            lines.append("  依据 grams: " + (grams.isEmpty ? "(none)" : grams.joined(separator: ", ")))
        }
        let assessment = explanation.verdict.assessment
        lines.append(
            "结论 verdict: " + (assessment.isSignal ? "欠薪线索 signal" : "非线索 not a signal")
                + ", claim \(assessment.isSignal ? assessment.claim.rawValue : "-"), level \(assessment.level.rawValue)"
                + ", score \(format(assessment.score))"
                + (assessment.isEscalation ? ", 升级 escalation" : "") + (assessment.isResolved ? ", 已解决 resolved" : ""))
        if assessment.people != nil || assessment.amount != nil {
            lines.append("人数 people \(assessment.people.map(String.init) ?? "-"), 金额 amount \(assessment.amount.map { format($0) } ?? "-")")
        }
        lines.append("关联候选 link candidates:")
        if explanation.candidates.isEmpty { lines.append("  (none)") }
        for candidate in explanation.candidates.prefix(5) {
            let evidence = candidate.evidence.map { "\($0.kind.rawValue) \($0.text)" }.joined(separator: "; ")
            lines.append("  \(candidate.projectID) \(candidate.name) \(String(format: "%.2f", candidate.confidence)) [\(evidence)]")
        }
        if let link = explanation.verdict.link {
            lines.append("关联 link: \(link.projectID) (\(link.band.rawValue), \(String(format: "%.2f", link.confidence)))")
        } else {
            lines.append("关联 link: none")
        }
        if !explanation.verdict.sites.isEmpty {
            lines.append("未登记工地 sites: \(explanation.verdict.sites.joined(separator: ", "))")
        }
        lines.append("事件指纹 story: \(explanation.verdict.storyKey)")
        return lines.joined(separator: "\n")
    }

    /// `text` with the matched ranges of `field` put in 【】. Masking keeps every
    /// byte offset, so ranges found in the original fit the masked copy.
    private func marked(_ text: String, field: Rulebook.Field) -> String {
        let bytes = Array(text.utf8)
        let ranges = explanation.occurrences
            .filter { $0.field == field && $0.meanings.contains { !$0.hasPrefix("negation") } }
            .map(\.originalRange)
            .sorted { $0.lowerBound < $1.lowerBound }
        var merged: [Range<Int>] = []
        for range in ranges where range.upperBound <= bytes.count {
            if let last = merged.last, range.lowerBound <= last.upperBound {
                merged[merged.count - 1] = last.lowerBound..<max(last.upperBound, range.upperBound)
            } else {
                merged.append(range)
            }
        }
        var output: [UInt8] = []
        var cursor = 0
        for range in merged {
            output += bytes[cursor..<range.lowerBound]
            output += Array("【".utf8) + bytes[range] + Array("】".utf8)
            cursor = range.upperBound
        }
        output += bytes[cursor...]
        return String(decoding: output, as: UTF8.self)
    }

    private func format(_ value: Double) -> String {
        value == value.rounded() ? String(Int(value)) : String(format: "%.1f", value)
    }
}
