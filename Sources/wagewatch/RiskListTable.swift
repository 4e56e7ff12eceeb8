import Foundation
import Model
import Monitor

/// The daily risk list (日报) as a terminal table: flagged projects first, then
/// projects with signals, then unregistered sites and the department scorecard.
struct RiskListTable {
    var register: RegisterReport
    var cycle: CycleReport?

    init(register: RegisterReport) {
        self.register = register
    }

    init(cycle: CycleReport) {
        self.register = cycle.register
        self.cycle = cycle
    }

    /// One line per feed of a cycle (and its health warning, when it has one).
    static func feedLines(_ cycle: CycleReport) -> [String] {
        var lines: [String] = []
        for feed in cycle.feeds {
            let state =
                feed.error.map { "失败 failed: \($0)" }
                ?? "收到 \(feed.received) 条, 新增 \(feed.added) 条" + (feed.changed > 0 ? ", 更新 \(feed.changed) 条" : "")
                + (feed.rejected > 0 ? ", 无法读取 \(feed.rejected) 条" : "")
                + (feed.isRecovered ? ", 已修复格式 recovered" : "")
            var shown = feed.isUnchanged ? "未变化 unchanged (304)" : state
            if let wait = feed.backingOffUntil {
                let clock = Calendar.shanghai.dateComponents([.hour, .minute], from: wait)
                shown =
                    (feed.error.map { "失败 failed: \($0); " } ?? "") + "等待重试 backing off until \(Day(containing: wait)) "
                    + String(format: "%02d:%02d", clock.hour ?? 0, clock.minute ?? 0)
            }
            if let held = feed.heldElsewhereUntil {
                let clock = Calendar.shanghai.dateComponents([.hour, .minute, .second], from: held)
                shown =
                    "由其他进程抓取 fetched by another worker until "
                    + String(format: "%02d:%02d:%02d", clock.hour ?? 0, clock.minute ?? 0, clock.second ?? 0)
            }
            lines.append("  \(feed.feedID): \(shown)")
            if let warning = feed.warning { lines.append("    ⚠ \(warning)") }
        }
        return lines
    }

    func render() -> String {
        var lines: [String] = []
        if let cycle {
            lines.append("数据源 feeds")
            lines += Self.feedLines(cycle)
            lines.append("本轮评分 assessed: \(cycle.assessed) 条")
            lines.append("")
        }
        let flagged = register.projects.filter { !$0.flags.isEmpty }
        let active = register.projects.filter { $0.flags.isEmpty && $0.signals.petitions + $0.signals.posts > 0 }
        let quiet = register.projects.count - flagged.count - active.count
        if cycle == nil, !register.sourceHealth.isEmpty {
            lines.append("数据源告警 source health")
            for source in register.sourceHealth { lines.append("  ⚠ \(source.feed): \(source.warning)") }
            lines.append("")
        }
        lines.append(
            "欠薪风险日报 as of \(register.asOf), 近 \(register.windowDays) 天: \(flagged.count) 个项目有标记, \(active.count) 个有线索无标记, \(quiet) 个无线索")
        lines.append("")
        let header = ["项目编号", "项目名称", "主管部门", "信访", "帖子", "事件", "分值", "台账", "标记", "证据"]
        let rows = (flagged + active).map { entry in
            [
                entry.projectID, entry.name, entry.department, "\(entry.signals.petitions)", "\(entry.signals.posts)",
                "\(entry.signals.stories)", formatScore(entry.weightedScore), entry.reported.label,
                entry.flags.isEmpty ? "-" : entry.flags.map(\.label).joined(separator: ", "),
                "\(entry.evidence.count) 条",
            ]
        }
        lines.append(contentsOf: TextTable(header: header, rows: rows, rightAligned: [3, 4, 5, 6, 9]).lines())
        if !register.unregistered.isEmpty {
            lines.append("")
            lines.append("未在台账中的工地 unregistered sites")
            let platform = register.sitesOutsideBoth != nil
            lines.append(
                contentsOf: TextTable(
                    header: ["工地", "线索"] + (platform ? ["实名制平台"] : []),
                    rows: register.unregistered.map {
                        [$0.mention, "\($0.items.count) 条"] + (platform ? [$0.onPlatform == true ? "有（未入台账）" : "无"] : [])
                    },
                    rightAligned: [1]
                ).lines())
            if let outside = register.sitesOutsideBoth {
                lines.append("台账和实名制平台都没有的工地 sites outside both lists: \(outside)")
            }
        }
        lines.append("")
        lines.append("部门评分 department scorecard")
        lines.append(contentsOf: ScorecardTable.table(register.departments, first: "部门").lines())
        return lines.joined(separator: "\n")
    }

    private func formatScore(_ score: Double) -> String {
        score == score.rounded() ? "\(Int(score))" : String(format: "%.1f", score)
    }
}
