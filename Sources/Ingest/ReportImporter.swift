import Foundation
import Model

/// Reads a department's monthly ledger CSV (欠薪问题台账): docs/FORMATS.md, "Department ledgers (欠薪问题台账)".
public enum ReportImporter {
    public static let columns: [CSVTable.Column] = [
        .init("report_id", "台账编号", required: true),
        .init("department", "填报单位", required: true),
        .init("period", "填报月份", required: true),
        .init("project_id", "项目编号"),
        .init("project_name", "项目名称", required: true),
        .init("status", "欠薪情况", required: true),
        .init("arrears_type", "欠款类型"),
        .init("workers", "涉及人数"),
        .init("amount_owed", "拖欠金额"),
        .init("amount_paid", "已支付金额"),
        .init("since", "拖欠起始日期"),
        .init("resolved", "是否清零"),
        .init("resolved_on", "清零日期"),
        .init("responsible_unit", "责任单位"),
        .init("responsible_person", "责任人"),
        .init("commitment", "无欠薪承诺书"),
        .init("filed_on", "填报日期"),
    ]

    static let statuses: [String: DepartmentReport.Status] = [
        "arrears": .arrears, "有欠薪": .arrears, "有": .arrears,
        "none": .none, "无欠薪": .none, "无": .none,
    ]

    static let arrearsTypes: [String: DepartmentReport.ArrearsType] = [
        "wage": .wage, "工资": .wage, "农民工工资": .wage,
        "project_payment": .projectPayment, "工程款": .projectPayment,
    ]

    /// Reads `data` as the ledger file `file`.
    ///
    /// - Parameters:
    ///   - knownProjects: registry project ids; a row naming another id is rejected.
    ///   - importedOn: the filing day of rows that do not give their own 填报日期.
    public static func read(
        _ data: Data, file: String, knownProjects: Set<String>,
        importedOn: Day
    ) throws(IngestError) -> ImportBatch<DepartmentReport> {
        let table = try CSVTable(data: data, file: file, columns: columns)
        var batch = ImportBatch<DepartmentReport>()
        var firstRowOfID: [String: (row: Int, id: String)] = [:]
        var firstRowOfProjectMonth: [String: Int] = [:]
        for (offset, row) in table.rows.enumerated() {
            let rowNumber = offset + 2
            do throws(CellParsing.Problem) {
                try table.checkRow(offset)
                let report = try report(from: row, in: table, knownProjects: knownProjects, importedOn: importedOn)
                let key = CellParsing.idKey(report.id)
                if let earlier = firstRowOfID[key] {
                    throw CellParsing.Problem(column: "report_id", reason: CellParsing.repeated("台账编号", report.id, earlier: earlier))
                }
                let projectMonth = "\(report.department)|\(report.period)|\(report.projectID ?? report.projectName)"
                if let earlier = firstRowOfProjectMonth[projectMonth] {
                    throw CellParsing.Problem(
                        column: "project_id",
                        reason: "\(report.department)已在第 \(earlier) 行填报过该项目 \(report.period) 的情况")
                }
                firstRowOfID[key] = (rowNumber, report.id)
                firstRowOfProjectMonth[projectMonth] = rowNumber
                batch.records.append(report)
            } catch {
                // What the row says of its project, month, amount and workers, as far as it
                // reads: the project page shows the clerk what was sent back.
                batch.rejections.append(
                    ImportRejection(
                        file: file, row: rowNumber, column: table.headerName(of: error.column),
                        reason: error.reason, department: table.value("department", in: row),
                        projectID: table.value("project_id", in: row), period: table.value("period", in: row),
                        amount: table.value("amount_owed", in: row).flatMap(CellParsing.amount),
                        workers: table.value("workers", in: row).flatMap(CellParsing.amount).flatMap { Int(exactly: $0) }))
            }
        }
        return batch
    }

    private static func report(
        from row: [String], in table: CSVTable, knownProjects: Set<String>,
        importedOn: Day
    ) throws(CellParsing.Problem) -> DepartmentReport {
        typealias Problem = CellParsing.Problem
        let cells = CSVCells(table: table, row: row)

        let id = try cells.required("report_id")
        let department = try cells.required("department")
        let period = try cells.period("period", today: importedOn)
        let projectName = try cells.required("project_name")
        let projectID = cells.value("project_id")
        if let projectID, !knownProjects.contains(projectID) {
            let key = CellParsing.idKey(projectID)
            if let meant = knownProjects.sorted().first(where: { CellParsing.idKey($0) == key }) {
                throw Problem(column: "project_id", reason: "项目 \(projectID) 不在项目库中；项目库中的写法为 \(meant)")
            }
            throw Problem(
                column: "project_id", reason: "项目 \(projectID) 不在项目库中；项目库外的项目请将此栏留空")
        }
        let status = try CellParsing.code(
            try cells.required("status"), in: statuses, column: "status",
            expected: "有欠薪（arrears）或无欠薪（none）")
        let arrearsType = try cells.value("arrears_type").map { text throws(Problem) in
            try CellParsing.code(text, in: arrearsTypes, column: "arrears_type", expected: "工资（wage）或工程款（project_payment）")
        }
        var workers: Int?
        if let text = cells.value("workers") {
            guard let count = Int(text), count >= 1 else {
                throw Problem(column: "workers", reason: "涉及人数应为不小于 1 的整数，实际为 \(text)")
            }
            workers = count
        }
        let owed = try cells.amount("amount_owed")
        let paid = try cells.amount("amount_paid")
        let since = try cells.day("since")
        let resolved = try cells.yesNo("resolved")
        let resolvedOn = try cells.day("resolved_on")
        let commitment = try cells.yesNo("commitment")
        let givenFilingDay = try cells.day("filed_on")
        if let givenFilingDay, givenFilingDay > importedOn {
            throw Problem(
                column: "filed_on", reason: "填报日期 \(givenFilingDay) 晚于今天（\(importedOn)），不得填写未来的日期")
        }

        switch status {
        case .arrears:
            if arrearsType == nil {
                throw Problem(column: "arrears_type", reason: "有欠薪的行须填写欠款类型：工资（wage）或工程款（project_payment）")
            }
            if workers == nil { throw Problem(column: "workers", reason: "有欠薪的行须填写涉及人数") }
            if owed == nil { throw Problem(column: "amount_owed", reason: "有欠薪的行须填写拖欠金额") }
            if cells.value("responsible_unit") == nil { throw Problem(column: "responsible_unit", reason: "有欠薪的行须填写责任单位") }
            if cells.value("responsible_person") == nil {
                throw Problem(column: "responsible_person", reason: "有欠薪的行须填写责任人")
            }
            if commitment == true {
                throw Problem(column: "commitment", reason: "有欠薪的行不得同时提交无欠薪承诺书")
            }
        case .none:
            if owed != nil || paid != nil || workers != nil {
                throw Problem(
                    column: owed != nil ? "amount_owed" : paid != nil ? "amount_paid" : "workers",
                    reason: "无欠薪的行不得填写金额或涉及人数")
            }
        }
        if let owed, let paid, paid > owed {
            throw Problem(column: "amount_paid", reason: "已支付金额 \(paid) 大于拖欠金额 \(owed)")
        }
        if resolved == true, resolvedOn == nil {
            throw Problem(column: "resolved_on", reason: "标为已清零的行须填写清零日期")
        }
        for (column, date) in [("since", since), ("resolved_on", resolvedOn)] {
            if let date, date > period.lastDay {
                throw Problem(column: column, reason: "\(date) 晚于填报月份 \(period)")
            }
        }
        return DepartmentReport(
            id: id, department: department, period: period, projectID: projectID, projectName: projectName,
            status: status, arrearsType: arrearsType, workers: workers, amountOwed: owed, amountPaid: paid,
            since: since, resolved: resolved, resolvedOn: resolvedOn, responsibleUnit: cells.value("responsible_unit"),
            responsiblePerson: cells.value("responsible_person"), commitment: commitment,
            filedOn: givenFilingDay ?? importedOn, isFilingDayImputed: givenFilingDay == nil)
    }
}
