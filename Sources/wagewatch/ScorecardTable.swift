import Model

/// The department or township scorecard as rows of text (`scorecard`, and the end of
/// `run` and `register`): the ledger's columns, then the real-name platform's once the
/// city imports its data (纳管率, 考勤率, 代发率 and the platform flags), then the 督办
/// cases' once there are any.
enum ScorecardTable {
    static func header(_ lines: [RegisterReport.DepartmentEntry], first: String) -> [String] {
        [first, "项目", "有标记", "疑似漏报", "违背承诺", "漏报率", "未填报(月)", "退回行", "迟报"]
            + (hasPlatform(lines) ? ["纳管率", "考勤率", "代发率", "代发异常", "人工费未拨付", "未纳管", "类型存疑"] : [])
            + (hasCases(lines) ? ["督办", "超期", "按期办结", "退回重办", "重开", "办结天数"] : [])
    }

    /// - Parameters:
    ///   - platform: whether to add the platform's columns (when `lines` have any platform
    ///     data, by default).
    ///   - cases: whether to add the cases' columns (when `lines` have any case, by default).
    static func rows(_ lines: [RegisterReport.DepartmentEntry], platform: Bool? = nil, cases: Bool? = nil) -> [[String]] {
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

    static func table(_ lines: [RegisterReport.DepartmentEntry], first: String) -> TextTable {
        let header = header(lines, first: first)
        return TextTable(header: header, rows: rows(lines), rightAligned: Set(1..<header.count))
    }

    static func hasCases(_ lines: [RegisterReport.DepartmentEntry]) -> Bool {
        lines.contains { $0.cases.received > 0 }
    }

    static func hasPlatform(_ lines: [RegisterReport.DepartmentEntry]) -> Bool {
        lines.contains { $0.platform.activeProjects > 0 }
    }
}
