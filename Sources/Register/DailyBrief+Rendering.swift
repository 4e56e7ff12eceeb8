import Foundation
import Model

extension DailyBrief {
    /// The brief as CSV that Excel opens as UTF-8 (byte order mark first): one row per
    /// line of the brief, its section in the first column.
    public func csv() -> String {
        var rows: [[String]] = [["栏目", "项目编号", "项目名称", "主管部门", "标记/事件", "说明", "数值"]]
        for change in newFlags {
            rows.append(["新增标记", change.projectID, change.name, change.department, change.label, change.reason, ""])
        }
        for change in clearedFlags {
            rows.append(["解除标记", change.projectID, change.name, change.department, change.label, change.reason, ""])
        }
        for riser in risers {
            rows.append([
                "分值上升", riser.projectID, riser.name, riser.department, "",
                "\(Self.number(riser.previous)) → \(Self.number(riser.current))", Self.number(riser.rise),
            ])
        }
        for story in topStories {
            rows.append([
                "热点事件", story.projectID, story.name, "", story.title,
                Self.platforms(story.spread), "\(story.spread.copies)",
            ])
        }
        for (title, lines) in [("新交办督办", newCases), ("重新交办", reopenedCases), ("超期督办", overdueCases)] {
            for line in lines {
                rows.append([
                    title, line.id, line.subject, line.unit, line.state, "\(line.person)，期限 \(line.deadline)",
                    line.overdueDays.map(String.init) ?? "",
                ])
            }
        }
        for (offset, count) in signalsPerDay.enumerated() {
            rows.append(["每日线索", "", "", "", "", "\(asOf.adding(days: offset - signalsPerDay.count + 1))", "\(count)"])
        }
        return ExcelCSV.document(rows)
    }

    /// The brief as an Excel workbook, one sheet per list (概况 first), each with its
    /// headers; the same brief gives the same bytes.
    public func xlsx() throws -> Data {
        func text(_ values: [String]) -> [XLSXWorkbook.Cell] { values.map { .text($0) } }
        let flagHeader = text(["项目编号", "项目名称", "主管部门", "标记", "说明"])
        func flags(_ changes: [FlagChange]) -> [[XLSXWorkbook.Cell]] {
            [flagHeader] + changes.map { text([$0.projectID, $0.name, $0.department, $0.label, $0.reason]) }
        }
        let caseHeader = text(["督办编号", "督办对象", "责任单位", "责任人", "状态", "办理期限", "超期天数"])
        func cases(_ lines: [CaseLine]) -> [[XLSXWorkbook.Cell]] {
            [caseHeader]
                + lines.map {
                    text([$0.id, $0.subject, $0.unit, $0.person, $0.state, "\($0.deadline)"])
                        + [$0.overdueDays.map { .number(Double($0)) } ?? .text("")]
                }
        }
        let overview: [[XLSXWorkbook.Cell]] = [
            text(["项目", "数值"]),
            text(["日期", "\(asOf)"]),
            [.text("统计窗口（天）"), .number(Double(windowDays))],
            [.text("有标记项目"), .number(Double(flaggedProjects))],
            [.text("升级风险项目"), .number(Double(escalatingProjects))],
            [.text("今日线索"), .number(Double(signalsToday))],
            [.text("新增标记"), .number(Double(newFlags.count))],
            [.text("解除标记"), .number(Double(clearedFlags.count))],
            [.text("超期督办"), .number(Double(overdueCases.count))],
        ]
        let risen: [[XLSXWorkbook.Cell]] =
            [text(["项目编号", "项目名称", "主管部门", "昨日分值", "今日分值", "上升"])]
            + risers.map {
                text([$0.projectID, $0.name, $0.department]) + [.number($0.previous), .number($0.current), .number($0.rise)]
            }
        let stories: [[XLSXWorkbook.Cell]] =
            [text(["项目编号", "项目名称", "升级风险", "标题", "渠道", "条数"])]
            + topStories.map {
                text([$0.projectID, $0.name, $0.escalating ? "是" : "", $0.title, Self.platforms($0.spread)])
                    + [.number(Double($0.spread.copies))]
            }
        let perDay: [[XLSXWorkbook.Cell]] =
            [text(["日期", "线索"])]
            + signalsPerDay.enumerated().map { offset, count in
                [.text("\(asOf.adding(days: offset - signalsPerDay.count + 1))"), .number(Double(count))]
            }
        return try XLSXWorkbook(sheets: [
            .init(name: "概况", rows: overview, widths: [16, 14]),
            .init(name: "新增标记", rows: flags(newFlags), widths: [12, 24, 14, 12, 48]),
            .init(name: "解除标记", rows: flags(clearedFlags), widths: [12, 24, 14, 12, 48]),
            .init(name: "分值上升", rows: risen, widths: [12, 24, 14, 10, 10, 8]),
            .init(name: "热点事件", rows: stories, widths: [12, 24, 10, 40, 20, 8]),
            .init(name: "新交办督办", rows: cases(newCases), widths: [16, 24, 16, 10, 10, 12, 10]),
            .init(name: "重新交办", rows: cases(reopenedCases), widths: [16, 24, 16, 10, 10, 12, 10]),
            .init(name: "超期督办", rows: cases(overdueCases), widths: [16, 24, 16, 10, 10, 12, 10]),
            .init(name: "每日线索", rows: perDay, widths: [12, 8]),
        ]).data()
    }

    /// A platform or petition channel as the users call it.
    public static func channelLabel(_ channel: String) -> String {
        switch channel {
        case "visit": "来访"
        case "letter": "来信"
        case "online": "网上信访"
        case "hotline": "12345热线"
        case "platform": "线索平台"
        case "petition": "信访"
        case "post": "网帖"
        default: channel
        }
    }

    static func platforms(_ spread: RegisterReport.StorySpread) -> String {
        spread.platforms.map(channelLabel).joined(separator: "、")
    }

    static func number(_ value: Double) -> String {
        value == value.rounded() ? "\(Int(value))" : String(format: "%.1f", value)
    }

    /// The text lines of the brief for a terminal.
    public func lines() -> [String] {
        var lines = ["欠薪风险日报 \(asOf)（近 \(windowDays) 天）：\(flaggedProjects) 个项目有标记，其中 \(escalatingProjects) 个升级风险；今日线索 \(signalsToday) 条"]
        func section(_ title: String, _ items: [String]) {
            lines.append("")
            lines.append("\(title)（\(items.count)）")
            lines += items.isEmpty ? ["  无"] : items.map { "  " + $0 }
        }
        section("新增标记", newFlags.map { "[\($0.label)] \($0.projectID) \($0.name)（\($0.department)）：\($0.reason)" })
        section("解除标记", clearedFlags.map { "[\($0.label)] \($0.projectID) \($0.name)（\($0.department)）" })
        section("分值上升", risers.map { "\($0.projectID) \($0.name)：\(Self.number($0.previous)) → \(Self.number($0.current))" })
        section(
            "热点事件",
            topStories.map {
                "\($0.escalating ? "⚠ " : "")\($0.projectID) \($0.name)：\($0.title)（\($0.spread.copies) 次，\(Self.platforms($0.spread))）"
            })
        if !(newCases.isEmpty && reopenedCases.isEmpty && overdueCases.isEmpty) {
            func caseLine(_ line: CaseLine) -> String {
                "\(line.id) \(line.subject) → \(line.unit)（\(line.person)）\(line.state)，期限 \(line.deadline)"
                    + (line.overdueDays.map { "，已超期 \($0) 日" } ?? "")
            }
            section("新交办督办", newCases.map(caseLine))
            section("重新交办", reopenedCases.map(caseLine))
            section("超期督办", overdueCases.map(caseLine))
        }
        return lines
    }
}
