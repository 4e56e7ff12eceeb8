import Foundation
import Ingest
import Model
import Testing

/// The real-name platform's export: Chinese or English headers, the ledgers' number and
/// date forms, and a clerk-ready reason for each row it keeps aside.
@Suite struct PlatformImportTests {
    let today = Day(year: 2025, month: 1, day: 10)!
    let header =
        "period,platform_project_id,project_id,project_name,contractor,township,workers_registered,workers_attending,attendance_days,labour_cost_funded,payroll_due,payroll_paid,workers_paid,paid_on,account_opened"

    @Test func readsTheChineseHeadersAndTheLedgersForms() throws {
        let csv = """
            月份,平台项目编码,项目编号,项目名称,施工总包单位,所属乡镇,在册人数,考勤人数,考勤工日,人工费拨付金额,应发工资,专户代发金额,代发人数,代发日期,是否开立工资专户
            2024年12月,PT-001,P-001,城东安置房二期,青川建工,城关街道,１２０,100,"2,200",500000,480000,"480,000.00",100,2025/1/8,是
            2024-11,PT-002,,金域华府,,,50,0,0,,,0,0,,否

            """
        let batch = try PlatformImporter.read(Data(csv.utf8), file: "平台.csv", importedOn: today)
        #expect(batch.rejections.isEmpty)
        let first = try #require(batch.records.first)
        #expect(first.period == Period("2024-12") && first.workersRegistered == 120 && first.attendanceDays == 2_200)
        #expect(first.payrollPaid == 480_000 && first.paidOn == Day(year: 2025, month: 1, day: 8) && first.accountOpened == true)
        #expect(batch.records[1].projectID == nil && batch.records[1].accountOpened == false)
    }

    @Test(arguments: [
        ("10,12,100,,,0,0,,", "workers_attending", "多于在册人数"),
        ("10,8,100,,,500,12,,", "workers_paid", "多于在册人数"),
        ("10,8,100,,,500,0,,", "workers_paid", "但代发人数为 0"),
        ("10,0,100,,,0,0,,", "attendance_days", "但考勤人数为 0"),
        ("10,8,100,,,500,8,2024-10-30,", "paid_on", "不在 2024-11 或次月之内"),
        ("10,8,100,,,500,8,2025-01-01,", "paid_on", "不在"),
        ("10,8,100,,,500,8,2024-12-31,", "", ""),
        ("10,8.5,100,,,0,0,,", "workers_attending", "应为不小于 0 的整数"),
        ("10,8,-3,,,0,0,,", "attendance_days", "考勤工日应为不小于 0 的数"),
        ("10,8,100,-1,,0,0,,", "labour_cost_funded", "应为不小于 0 的金额（元）"),
        ("10,8,100,,,,0,,", "payroll_paid", "此栏须填写"),
        ("10,8,100,,,0,0,,也许", "account_opened", "应填写“是”或“否”"),
    ])
    func checksThePlatformLogic(tail: String, column: String, reason: String) throws {
        let csv = "\(header)\n2024-11,PT-1,,甲工程,,,\(tail)\n"
        let batch = try PlatformImporter.read(Data(csv.utf8), file: "p.csv", importedOn: today)
        if column.isEmpty {
            #expect(batch.rejections.isEmpty && batch.records.count == 1)
        } else {
            let rejection = try #require(batch.rejections.first)
            #expect(rejection.row == 2 && rejection.column == column && rejection.reason.contains(reason), "\(rejection)")
            #expect(batch.records.isEmpty)
        }
    }

    @Test func aRepeatedProjectMonthAFutureMonthAndAControlCharacterAreRejected() throws {
        let csv = """
            \(header)
            2024-12,PT-1,,甲工程,,,10,8,100,,,0,0,,
            2024-12,pt-1 ,,甲工程,,,10,8,100,,,0,0,,
            2024-11,PT-1,,甲工程,,,10,8,100,,,0,0,,
            2025-02,PT-2,,乙工程,,,10,8,100,,,0,0,,
            2024-12,PT-3,,丙\u{7}工程,,,10,8,100,,,0,0,,

            """
        let batch = try PlatformImporter.read(Data(csv.utf8), file: "p.csv", importedOn: today)
        #expect(batch.records.map(\.period.description) == ["2024-12", "2024-11"])
        #expect(batch.rejections.map(\.row) == [3, 5, 6])
        #expect(batch.rejections.map(\.column) == ["platform_project_id", "period", "project_name"])
        #expect(batch.rejections[0].reason.contains("的 2024-12 数据已在第 2 行出现"))
        #expect(batch.rejections[1].reason.contains("尚未到来"))
    }

    @Test func aFileWithoutARequiredColumnIsRefusedNamingIt() {
        #expect(throws: IngestError.self) {
            try PlatformImporter.read(Data("period,project_name\n2024-12,甲\n".utf8), file: "p.csv", importedOn: today)
        }
    }
}
