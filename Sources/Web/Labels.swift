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
