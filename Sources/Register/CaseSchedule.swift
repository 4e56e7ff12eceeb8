import Foundation
import Model

/// The weekly 调度表 of 督办 cases: every case not closed, and every case closed in the
/// seven days up to `today`, unit by unit, each unit's overdue cases first, then by
/// deadline. The wage office's dispatch meeting works from it.
public enum CaseSchedule {
    public static let header = ["责任单位", "编号", "对象", "责任人", "交办日期", "办理期限", "状态", "超期天数", "延期", "退回次数", "重开次数", "反馈"]

    /// The rows under `header`.
    public static func rows(_ cases: [SupervisionCase], today: Day) -> [[String]] {
        let weekAgo = today.adding(days: -6)
        let listed = cases.filter { supervised in
            guard supervised.state == .closed else { return true }
            return supervised.closedOn.map { $0 >= weekAgo && $0 <= today } ?? false
        }
        let ordered = listed.sorted { lhs, rhs in
            if lhs.unit.name != rhs.unit.name { return lhs.unit.name < rhs.unit.name }
            let (left, right) = (lhs.isOverdue(on: today), rhs.isOverdue(on: today))
            if left != right { return left }
            return (lhs.deadline, lhs.id) < (rhs.deadline, rhs.id)
        }
        return ordered.map { supervised in
            let subject =
                switch supervised.subject {
                case .project(let id): "项目 \(id)"
                case .site(let name): "工地 \(name)"
                case .item(let id): "条目 \(id)"
                }
            let extensionText: String =
                switch supervised.extensionRequest?.decision {
                case .pending?: "待审批"
                case .granted?: "已同意"
                case .refused?: "未同意"
                case nil: ""
                }
            return [
                supervised.unit.name, supervised.id, subject, supervised.person, supervised.dispatchedOn.description,
                supervised.deadline.description, supervised.state.label,
                supervised.isOverdue(on: today) ? "\(today.ordinal - supervised.deadline.ordinal)" : "", extensionText,
                "\(supervised.timesReturned)", "\(supervised.timesReopened)",
                supervised.reply.map { CaseAction.reply($0).reason } ?? "",
            ]
        }
    }

    /// The 调度表 as an XLSX workbook: a sheet 汇总 (each unit's cases not closed, overdue,
    /// and closed this week), then one sheet per unit with its rows.
    public static func xlsx(_ cases: [SupervisionCase], today: Day) throws -> Data {
        let rows = rows(cases, today: today)
        let units = Array(Set(rows.map { $0[0] })).sorted()
        // Counts, overdue days, returns and reopenings are numbers in the workbook.
        let numeric: Set<Int> = [7, 9, 10]
        func cells(_ row: [String]) -> [XLSXWorkbook.Cell] {
            row.enumerated().map { index, text in
                numeric.contains(index) ? (Double(text).map { .number($0) } ?? .text(text)) : .text(text)
            }
        }
        let widths: [Double] = [14, 13, 18, 10, 12, 12, 10, 9, 8, 9, 9, 40]
        var summary: [[XLSXWorkbook.Cell]] = [["责任单位", "在办", "超期", "本周办结"].map { .text($0) }]
        for unit in units {
            let own = rows.filter { $0[0] == unit }
            let closed = own.filter { $0[6] == SupervisionCase.State.closed.label }.count
            let overdue = own.filter { !$0[7].isEmpty }.count
            summary.append([.text(unit), .number(Double(own.count - closed)), .number(Double(overdue)), .number(Double(closed))])
        }
        let sheets =
            [XLSXWorkbook.Sheet(name: "汇总", rows: summary, widths: [16, 8, 8, 10])]
            + units.map { unit in
                XLSXWorkbook.Sheet(
                    name: unit, rows: [header.map { .text($0) }] + rows.filter { $0[0] == unit }.map(cells), widths: widths)
            }
        return try XLSXWorkbook(sheets: sheets).data()
    }

    /// The 调度表 as CSV that Excel opens as UTF-8.
    public static func csv(_ cases: [SupervisionCase], today: Day) -> String {
        ExcelCSV.document([header] + rows(cases, today: today))
    }
}
