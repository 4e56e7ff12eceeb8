import Foundation
import Model
import Register

/// How the pages write values for their readers (Chinese labels, Beijing time).
enum Labels {
    /// Beijing time, `2024-12-23 10:30` (UTC+8 all year: no daylight saving since 1991).
    static func time(_ date: Date) -> String { Day.minuteText(of: date) }

    static func time(_ date: Date?) -> String { date.map(time) ?? "—" }

    static func channel(_ channel: String?) -> String {
        channel.map(DailyBrief.channelLabel) ?? "—"
    }

    static func kind(_ kind: ItemKind) -> String {
        switch kind {
        case .petition: "信访"
        case .post: "网帖"
        }
    }

    static func band(_ band: LinkBand?) -> String {
        switch band {
        case .link: "已关联"
        case .review: "待核"
        case nil: "未关联"
        }
    }

    static func level(_ level: SignalLevel?) -> String {
        switch level {
        case .critical: "危急"
        case .high: "高"
        case .medium: "中"
        case .low: "低"
        case .informational: "提示"
        case .none?, nil: "无"
        }
    }

    static func claim(_ claim: ClaimKind) -> String {
        switch claim {
        case .wage: "工资"
        case .projectPayment: "工程款"
        }
    }

    static func mention(_ kind: MentionKind) -> String {
        switch kind {
        case .name: "项目名称"
        case .alias: "别名"
        case .contractor: "总包单位"
        case .subcontractor: "分包单位"
        case .builder: "建设单位"
        case .respondent: "被反映单位"
        case .township: "属地"
        case .projectType: "项目类型"
        case .token: "名称关键词"
        }
    }

    /// `value` with one decimal (SVG coordinates): `String(format:)` costs a page of bars
    /// a millisecond on Linux.
    static func tenths(_ value: Double) -> String {
        guard value.isFinite, abs(value) < 1e15 else { return "0.0" }
        let tenths = Int((value * 10).rounded())
        let sign = tenths < 0 ? "-" : ""
        return "\(sign)\(abs(tenths) / 10).\(abs(tenths) % 10)"
    }

    /// An amount of money as users write it: 50万元, 1.2万元, 3,800元; 1亿 and more in 亿元.
    static func amount(_ value: Double) -> String {
        guard value.isFinite else { return "—" }
        func trimmed(_ number: Double) -> String {
            var text = String(format: "%.2f", number)
            while text.hasSuffix("0") { text.removeLast() }
            if text.hasSuffix(".") { text.removeLast() }
            return text
        }
        let size = abs(value)
        if size >= 100_000_000 { return trimmed(value / 100_000_000) + "亿元" }
        if size >= 10_000 { return trimmed(value / 10_000) + "万元" }
        let whole = Int(value.rounded())
        let grouped = String(whole).reversed().enumerated().reduce(into: "") { text, pair in
            if pair.offset > 0 && pair.offset % 3 == 0 && pair.element != "-" { text.append(",") }
            text.append(pair.element)
        }
        return String(grouped.reversed()) + "元"
    }

    /// A petition's 办理状态 as the 信访 system calls it.
    static func petitionStatus(_ status: String?) -> String? {
        switch status {
        case nil: nil
        case "received": "已受理"
        case "assigned": "已交办"
        case "handling": "办理中"
        case "closed": "已办结"
        case let other?: other
        }
    }

    static func number(_ value: Double) -> String {
        guard value.isFinite, abs(value) < 1e15 else { return value.isNaN ? "—" : "\(value)" }
        return value == value.rounded() ? "\(Int(value))" : String(format: "%.1f", value)
    }

    static func funding(_ funding: Project.Funding?) -> String {
        switch funding {
        case .government: "政府投资"
        case .state: "国有"
        case .private: "社会投资"
        case nil: "—"
        }
    }

    static func status(_ status: Project.Status) -> String {
        switch status {
        case .active: "在建"
        case .completed: "完工"
        case .suspended: "停工"
        }
    }

    static func reportStatus(_ status: DepartmentReport.Status) -> String {
        switch status {
        case .arrears: "有欠薪"
        case .none: "无欠薪"
        }
    }
}
