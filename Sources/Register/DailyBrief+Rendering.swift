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
            rows.append(["分值上升", riser.projectID, riser.name, riser.department, "",
                         "\(Self.number(riser.previous)) → \(Self.number(riser.current))", Self.number(riser.rise)])
        }
        for story in topStories {
            rows.append(["热点事件", story.projectID, story.name, "", story.title,
                         Self.platforms(story.spread), "\(story.spread.copies)"])
        }
        for (offset, count) in signalsPerDay.enumerated() {
            rows.append(["每日线索", "", "", "", "", "\(asOf.adding(days: offset - signalsPerDay.count + 1))", "\(count)"])
        }
        return ExcelCSV.document(rows)
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
        section("热点事件", topStories.map {
            "\($0.escalating ? "⚠ " : "")\($0.projectID) \($0.name)：\($0.title)（\($0.spread.copies) 次，\(Self.platforms($0.spread))）"
        })
        return lines
    }

    /// A printable one-page brief: the date, the counts, a small chart of signals per
    /// day, and the lists. Every text from the store is escaped.
    public func html() -> String {
        let escape = Self.escapeHTML
        var body = """
            <!DOCTYPE html>
            <html lang="zh-CN"><head><meta charset="utf-8">
            <title>欠薪风险日报 \(asOf)</title>
            <style>
            body{font-family:"Noto Sans CJK SC","Source Han Sans SC",sans-serif;margin:1.5cm;color:#222;font-size:11pt}
            h1{font-size:18pt;margin:0 0 .2em}h2{font-size:13pt;border-bottom:1px solid #999;margin:1em 0 .3em}
            .counts span{display:inline-block;margin-right:1.5em}.counts b{font-size:16pt}
            table{border-collapse:collapse;width:100%}td,th{border-bottom:1px solid #ddd;padding:2px 4px;text-align:left;vertical-align:top}
            .flag{font-weight:bold}.esc{color:#b00}@page{size:A4;margin:1.2cm}@media print{body{margin:0}}
            </style></head><body>
            <h1>欠薪风险日报</h1>
            <div>\(asOf) · 近 \(windowDays) 天</div>
            <p class="counts"><span>有标记项目 <b>\(flaggedProjects)</b></span><span>升级风险 <b>\(escalatingProjects)</b></span>\
            <span>新增标记 <b>\(newFlags.count)</b></span><span>解除标记 <b>\(clearedFlags.count)</b></span>\
            <span>今日线索 <b>\(signalsToday)</b></span></p>

            """
        body += chart()
        func table(_ title: String, _ header: [String], _ rows: [[String]], escalating: [Bool] = []) {
            body += "<h2>\(escape(title))</h2>\n"
            guard !rows.isEmpty else {
                body += "<p>无</p>\n"
                return
            }
            body += "<table><tr>" + header.map { "<th>\(escape($0))</th>" }.joined() + "</tr>\n"
            for (index, row) in rows.enumerated() {
                let marked = escalating.indices.contains(index) && escalating[index]
                body += "<tr\(marked ? " class=\"esc\"" : "")>" + row.map { "<td>\(escape($0))</td>" }.joined() + "</tr>\n"
            }
            body += "</table>\n"
        }
        table("新增标记", ["标记", "项目", "主管部门", "说明"],
              newFlags.map { [$0.label, "\($0.projectID) \($0.name)", $0.department, $0.reason] },
              escalating: newFlags.map { $0.flag == .escalating })
        table("解除标记", ["标记", "项目", "主管部门"], clearedFlags.map { [$0.label, "\($0.projectID) \($0.name)", $0.department] })
        table("分值上升", ["项目", "主管部门", "昨日", "今日"],
              risers.map { ["\($0.projectID) \($0.name)", $0.department, Self.number($0.previous), Self.number($0.current)] })
        table("热点事件", ["项目", "事件", "转发/副本", "平台", "首次", "最近"],
              topStories.map {
                  ["\($0.projectID) \($0.name)", $0.title, "\($0.spread.copies)", Self.platforms($0.spread),
                   Self.time($0.spread.firstSeen), Self.time($0.spread.lastSeen)]
              },
              escalating: topStories.map(\.escalating))
        body += "</body></html>\n"
        return body
    }

    /// Signals per day as an inline SVG bar chart (no script, no external file).
    func chart() -> String {
        let width = 640.0, height = 120.0, top = 12.0, bottom = 18.0
        let peak = max(1, signalsPerDay.max() ?? 0)
        let step = width / Double(max(1, signalsPerDay.count))
        var svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(Int(width))\" height=\"\(Int(height))\" role=\"img\" aria-label=\"每日线索\">\n"
        for (offset, count) in signalsPerDay.enumerated() {
            let barHeight = (height - top - bottom) * Double(count) / Double(peak)
            let x = Double(offset) * step + 1
            svg += String(format: "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"#c0392b\"><title>%@ %d 条</title></rect>\n",
                          x, height - bottom - barHeight, max(1, step - 2), barHeight,
                          asOf.adding(days: offset - signalsPerDay.count + 1).description, count)
        }
        svg += String(format: "<text x=\"0\" y=\"10\" font-size=\"10\">最多 %d 条/天</text>", peak)
        if let first = signalsPerDay.indices.first {
            svg += "<text x=\"0\" y=\"\(Int(height) - 4)\" font-size=\"10\">\(asOf.adding(days: first - signalsPerDay.count + 1))</text>"
            svg += "<text x=\"\(Int(width))\" y=\"\(Int(height) - 4)\" font-size=\"10\" text-anchor=\"end\">\(asOf)</text>"
        }
        return "<h2>每日线索</h2>\n" + svg + "</svg>\n"
    }

    static func time(_ date: Date) -> String {
        let parts = Calendar.shanghai.dateComponents([.month, .day, .hour, .minute], from: date)
        return String(format: "%02d-%02d %02d:%02d", parts.month ?? 0, parts.day ?? 0, parts.hour ?? 0, parts.minute ?? 0)
    }

    /// Escapes text for HTML element content and attribute values.
    public static func escapeHTML(_ text: String) -> String {
        var result = ""
        result.reserveCapacity(text.utf8.count)
        for character in text {
            switch character {
            case "&": result += "&amp;"
            case "<": result += "&lt;"
            case ">": result += "&gt;"
            case "\"": result += "&quot;"
            case "'": result += "&#39;"
            default: result.append(character)
            }
        }
        return result
    }
}
