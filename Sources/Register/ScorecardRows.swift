import Foundation
import Model

/// The department or township scorecard as rows of text, one meaning per column for the
/// CLI (`scorecard`, the end of `run` and `register`) and the web's exports alike: the
/// ledger's columns, then the real-name platform's once the city imports its data (纳管率,
/// 考勤率, 代发率 and the platform flags), then the 督办 cases' once there are any.
public enum ScorecardRows {
    public static func header(_ lines: [RegisterReport.DepartmentEntry], first: String) -> [String] {
        [first, "项目", "有标记", "疑似漏报", "违背承诺", "漏报率", "未填报(月)", "退回行", "迟报"]
            + (hasPlatform(lines) ? ["纳管率", "考勤率", "代发率", "代发异常", "人工费未拨付", "未纳管", "类型存疑"] : [])
            + (hasCases(lines) ? ["督办", "超期", "按期办结", "退回重办", "重开", "办结天数"] : [])
    }

    /// - Parameters:
    ///   - platform: whether to add the platform's columns (when `lines` have any platform
    ///     data, by default).
    ///   - cases: whether to add the cases' columns (when `lines` have any case, by default).
    public static func rows(_ lines: [RegisterReport.DepartmentEntry], platform: Bool? = nil, cases: Bool? = nil) -> [[String]] {
        let platform = platform ?? hasPlatform(lines)
        let cases = cases ?? hasCases(lines)
        return lines.map { line in
            var row = [
                line.department, "\(line.projects)", "\(line.flagged)", "\(line.underreported)", "\(line.contradictedCommitments)",
                RegisterReport.DepartmentEntry.PlatformCounts.percent(line.underreportingRate), "\(line.reportsMissing)",
                "\(line.rowsRejected)", "\(line.lateFilings)",
            ]
            if platform {
                let counts = line.platform
                row += [counts.supervisedRate, counts.attendanceRate, counts.payrollRate].map(
                    RegisterReport.DepartmentEntry.PlatformCounts.percent)
                row += [counts.payrollGaps, counts.labourCostUnfunded, counts.offPlatform, counts.typeMismatches].map(String.init)
            }
            if cases {
                let counts = line.cases
                row += [counts.received, counts.overdue, counts.closedOnTime, counts.returned, counts.reopened].map(String.init)
                row.append(counts.medianDaysToClose.map(String.init) ?? "-")
            }
            return row
        }
    }

    public static func hasCases(_ lines: [RegisterReport.DepartmentEntry]) -> Bool {
        lines.contains { $0.cases.received > 0 }
    }

    public static func hasPlatform(_ lines: [RegisterReport.DepartmentEntry]) -> Bool {
        lines.contains { $0.platform.activeProjects > 0 }
    }

    /// The scorecard as an Excel workbook: a sheet 部门 and a sheet 属地.
    public static func xlsx(departments: [RegisterReport.DepartmentEntry], townships: [RegisterReport.DepartmentEntry]) throws -> Data {
        func sheet(_ name: String, _ lines: [RegisterReport.DepartmentEntry], first: String) -> XLSXWorkbook.Sheet {
            .init(
                name: name,
                rows: [header(lines, first: first).map { .text($0) }] + rows(lines).map { $0.map(XLSXWorkbook.Cell.cellOf) },
                widths: [16])
        }
        return try XLSXWorkbook(sheets: [sheet("部门", departments, first: "部门"), sheet("属地", townships, first: "属地")]).data()
    }

    /// The scorecard as CSV for Excel: the departments, an empty row, the townships.
    public static func csv(departments: [RegisterReport.DepartmentEntry], townships: [RegisterReport.DepartmentEntry]) -> String {
        ExcelCSV.document(
            [header(departments, first: "部门")] + rows(departments) + [[]] + [header(townships, first: "属地")] + rows(townships))
    }
}

/// The register (风险台账) as rows: the flagged projects, and the unregistered sites.
public enum RegisterRows {
    public static let projectHeader = ["项目编号", "项目名称", "主管部门", "属地", "敏感", "标记", "分值", "信访", "帖子", "事件", "台账", "证据条数"]
    public static let siteHeader = ["工地", "属地", "线索", "首次", "最近", "写法"]

    public static func projects(_ register: RegisterReport) -> [[String]] {
        register.projects.filter { !$0.flags.isEmpty }.map {
            [
                $0.projectID, $0.name, $0.department, $0.township ?? "", $0.sensitive ? "是" : "",
                $0.flags.map(\.label).joined(separator: "、"), number($0.weightedScore), "\($0.signals.petitions)",
                "\($0.signals.posts)", "\($0.signals.stories)", $0.reported.label, "\($0.evidence.count)",
            ]
        }
    }

    public static func sites(_ register: RegisterReport) -> [[String]] {
        register.unregistered.map {
            [
                $0.mention, $0.township ?? "", "\($0.items.count)", $0.firstSeen.map { "\($0)" } ?? "",
                $0.lastSeen.map { "\($0)" } ?? "", $0.variants.joined(separator: "、"),
            ]
        }
    }

    /// The register as CSV for Excel: the flagged projects, an empty row, the unregistered sites.
    public static func csv(_ register: RegisterReport) -> String {
        ExcelCSV.document([projectHeader] + projects(register) + [[]] + [siteHeader] + sites(register))
    }

    /// The register as a workbook: 风险台账, 未在台账中的工地, 部门排名, 属地排名.
    public static func xlsx(_ register: RegisterReport) throws -> Data {
        func cells(_ rows: [[String]]) -> [[XLSXWorkbook.Cell]] { rows.map { $0.map(XLSXWorkbook.Cell.cellOf) } }
        let departments = register.departments
        let townships = register.townships
        return try XLSXWorkbook(sheets: [
            .init(name: "风险台账", rows: cells([projectHeader] + projects(register)), widths: [12, 28, 14, 12, 6, 24]),
            .init(name: "未在台账中的工地", rows: cells([siteHeader] + sites(register)), widths: [24, 12, 6, 12, 12, 40]),
            .init(
                name: "部门排名", rows: cells([ScorecardRows.header(departments, first: "部门")] + ScorecardRows.rows(departments)), widths: [16]),
            .init(name: "属地排名", rows: cells([ScorecardRows.header(townships, first: "属地")] + ScorecardRows.rows(townships)), widths: [16]),
        ]).data()
    }

    static func number(_ value: Double) -> String {
        value == value.rounded() ? "\(Int(value))" : String(format: "%.1f", value)
    }
}

extension XLSXWorkbook.Cell {
    /// A number where the text is one (counts, scores), else the text itself (rates with
    /// %, names, dates): Excel sums and sorts the numbers.
    static func cellOf(_ text: String) -> XLSXWorkbook.Cell {
        if let value = Double(text), !text.isEmpty, text.first != "0" || text == "0" || text.hasPrefix("0.") { return .number(value) }
        return .text(text)
    }
}
