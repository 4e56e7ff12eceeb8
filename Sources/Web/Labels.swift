import Foundation
import Model
import Register

/// How the pages write values for their readers (Chinese labels, Beijing time).
enum Labels {
    static let timeZone = TimeZone(identifier: "Asia/Shanghai")!

    static func time(_ date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute], from: date)
        return String(format: "%04d-%02d-%02d %02d:%02d", parts.year!, parts.month!, parts.day!, parts.hour!, parts.minute!)
    }

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
        }
    }

    static func number(_ value: Double) -> String {
        value == value.rounded() ? "\(Int(value))" : String(format: "%.1f", value)
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
