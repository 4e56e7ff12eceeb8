import Foundation
import Model
import Parallel

/// Reads the real-name platform's monthly export (劳动用工实名制管理平台), one row per
/// project per month: docs/FORMATS.md, "Real-name platform export". Headers, encodings,
/// numbers and dates are read as in the ledgers; each bad row is kept aside with its
/// column and a reason a clerk can act on.
public enum PlatformImporter {
    public static let columns: [CSVTable.Column] = [
        .init("period", "月份", required: true),
        .init("platform_project_id", "平台项目编码", required: true),
        .init("project_id", "项目编号"),
        .init("project_name", "项目名称", required: true),
        .init("contractor", "施工总包单位"),
        .init("township", "所属乡镇"),
        .init("workers_registered", "在册人数", required: true),
        .init("workers_attending", "考勤人数", required: true),
        .init("attendance_days", "考勤工日", required: true),
        .init("labour_cost_funded", "人工费拨付金额"),
        .init("payroll_due", "应发工资"),
        .init("payroll_paid", "专户代发金额", required: true),
        .init("workers_paid", "代发人数", required: true),
        .init("paid_on", "代发日期"),
        .init("account_opened", "是否开立工资专户"),
    ]

    /// Reads `data` as the export `file`.
    /// - Parameter importedOn: today: a month that has not begun is a typing error.
    public static func read(_ data: Data, file: String, importedOn: Day) throws(IngestError) -> ImportBatch<PlatformRecord> {
        let table = try CSVTable(data: data, file: file, columns: columns)
        var batch = ImportBatch<PlatformRecord>()
        var firstRowOfProjectMonth: [String: Int] = [:]
        // A city's month is a hundred thousand rows: read on every core, then checked in order.
        let read = Parallel.map(table.rows.count, chunkSize: 4_096) { offset in
            Result { () throws(CellParsing.Problem) -> PlatformRecord in
                try table.checkRow(offset)
                return try record(from: table.rows[offset], in: table, importedOn: importedOn)
            }
        }
        for (offset, result) in read.enumerated() {
            let rowNumber = offset + 2
            do throws(CellParsing.Problem) {
                let record = try result.get()
                let key = "\(record.period)|\(CellParsing.idKey(record.platformProjectID))"
                if let earlier = firstRowOfProjectMonth[key] {
                    throw CellParsing.Problem(
                        column: "platform_project_id",
                        reason: "平台项目 \(record.platformProjectID) 的 \(record.period) 数据已在第 \(earlier) 行出现")
                }
                firstRowOfProjectMonth[key] = rowNumber
                batch.records.append(record)
            } catch {
                batch.rejections.append(
                    ImportRejection(file: file, row: rowNumber, column: table.headerName(of: error.column), reason: error.reason))
            }
        }
        return batch
    }

    private static func record(from row: [String], in table: CSVTable, importedOn: Day) throws(CellParsing.Problem) -> PlatformRecord {
        typealias Problem = CellParsing.Problem
        let cells = CSVCells(table: table, row: row)
        func count(_ column: String) throws(Problem) -> Int {
            let text = try cells.required(column)
            guard let count = CellParsing.amount(text).flatMap({ $0 >= 0 && $0 == $0.rounded() ? Int(exactly: $0) : nil }) else {
                throw Problem(column: column, reason: "应为不小于 0 的整数，实际为 \(text)")
            }
            return count
        }

        let period = try cells.period("period", today: importedOn)
        let platformID = try cells.required("platform_project_id")
        let name = try cells.required("project_name")
        let registered = try count("workers_registered")
        let attending = try count("workers_attending")
        let workersPaid = try count("workers_paid")
        let daysText = try cells.required("attendance_days")
        guard let attendanceDays = CellParsing.amount(daysText), attendanceDays >= 0 else {
            throw Problem(column: "attendance_days", reason: "考勤工日应为不小于 0 的数，实际为 \(daysText)")
        }
        guard let payrollPaid = try cells.amount("payroll_paid") else {
            throw Problem(column: "payroll_paid", reason: "此栏须填写")
        }
        let funded = try cells.amount("labour_cost_funded")
        let due = try cells.amount("payroll_due")
        let paidOn = try cells.day("paid_on", example: "2024-12-15")
        let accountOpened = try cells.yesNo("account_opened")

        if attending > registered {
            throw Problem(column: "workers_attending", reason: "考勤人数 \(attending) 多于在册人数 \(registered)")
        }
        if workersPaid > registered {
            throw Problem(column: "workers_paid", reason: "代发人数 \(workersPaid) 多于在册人数 \(registered)")
        }
        if payrollPaid > 0, workersPaid == 0 {
            throw Problem(column: "workers_paid", reason: "专户代发金额为 \(payrollPaid)，但代发人数为 0")
        }
        if attendanceDays > 0, attending == 0 {
            throw Problem(column: "attendance_days", reason: "考勤工日为 \(attendanceDays)，但考勤人数为 0")
        }
        if let paidOn, paidOn < period.firstDay || paidOn > period.next.lastDay {
            throw Problem(
                column: "paid_on", reason: "代发日期 \(paidOn) 不在 \(period) 或次月之内：当月工资应在当月或次月代发")
        }
        return PlatformRecord(
            period: period, platformProjectID: platformID, projectID: cells.value("project_id"), projectName: name,
            contractor: cells.value("contractor"), township: cells.value("township"), workersRegistered: registered,
            workersAttending: attending,
            attendanceDays: attendanceDays, labourCostFunded: funded, payrollDue: due, payrollPaid: payrollPaid,
            workersPaid: workersPaid, paidOn: paidOn, accountOpened: accountOpened)
    }
}
