import Foundation
import Model
import Testing

@testable import Ingest

@Suite struct RegistryImportTests {
    @Test func importsTheDemoRegistryWithChineseHeadersAndBOM() throws {
        let batch = try RegistryImporter.read(try Repository.data("feeds/demo/registry.csv"), file: "registry.csv")
        #expect(batch.rejections.isEmpty)
        #expect(batch.records.count == 20)
        let first = try #require(batch.records.first)
        #expect(first.id == "P-001")
        #expect(first.name == "青川市城东安置房二期工程")
        #expect(first.aliases == ["城东安置房", "东苑安置小区"])
        #expect(first.contractor == "青川宏远建设集团有限公司")
        #expect(first.subcontractors == ["青川鑫达劳务有限公司"])
        #expect(first.department == "市住建局")
        #expect(first.funding == .government)
        #expect(first.tags == [.keyProject])
        #expect(first.realName == true)
        #expect(first.isSensitive)
        let school = try #require(batch.records.first { $0.id == "P-002" })
        #expect(school.aliases == ["三中新校区", "第三中学新校区"])
        let privateProject = try #require(batch.records.first { $0.id == "P-005" })
        #expect(!privateProject.isSensitive)
        #expect(batch.records.first { $0.id == "P-017" }?.status == .suspended)
    }

    @Test func readsGB18030WithEnglishHeadersAndNamesBadRows() throws {
        let batch = try RegistryImporter.read(try Repository.fixture("registry-gb18030.csv"), file: "registry-gb18030.csv")
        #expect(batch.records.map(\.id) == ["G-001"])
        #expect(batch.records[0].name == "青川市城北污水处理厂")
        #expect(batch.records[0].aliases == ["城北污水厂", "污水处理厂"])
        #expect(batch.records[0].tags == [.sensitive])
        #expect(batch.rejections.count == 2)
        let missingName = batch.rejections[0]
        #expect(missingName.row == 3)
        #expect(missingName.column == "name")
        #expect(missingName.department == "市水务局")
        #expect("\(missingName)" == "registry-gb18030.csv 第 3 行 name 栏：此栏须填写")
        let badFunding = batch.rejections[1]
        #expect(badFunding.row == 4)
        #expect(badFunding.column == "funding")
        #expect(badFunding.reason.contains("地方投资"))
    }

    @Test func aFileWithoutARequiredColumnIsRefusedWhole() {
        let csv = "project_id,name\nP-1,某项目\n"
        #expect(throws: IngestError.missingColumn(file: "r.csv", column: "行业主管部门（department）")) {
            try RegistryImporter.read(Data(csv.utf8), file: "r.csv")
        }
    }

    @Test func aWorkbookIsToldToBeSavedAsCSVAndUnreadableFilesSayWhy() throws {
        let zip = Data([0x50, 0x4B, 0x03, 0x04, 0x14, 0x00, 0x06, 0x00, 0xFF, 0xFE, 0x80])
        #expect {
            _ = try RegistryImporter.read(zip, file: "项目.xlsx")
        } throws: { error in
            "\(error)".contains("项目.xlsx") && "\(error)".contains("另存为 CSV UTF-8 格式")
        }
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("wagewatch-local-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let big = folder.appendingPathComponent("big.csv")
        try Data(count: 2 * 1024 * 1024 + 1).write(to: big)
        func reason(_ path: String) -> String? {
            do {
                _ = try LocalFile.read(path, limit: 2 * 1024 * 1024)
                return nil
            } catch { return error.reason }
        }
        #expect(reason(folder.appendingPathComponent("missing.csv").path) == "文件不存在")
        #expect(reason(folder.path) == "这是文件夹，不是文件")
        #expect(reason(big.path)?.hasPrefix("超过 2 MiB") == true)
    }

    @Test func aRepeatedProjectIDIsRejectedWithTheFirstRow() throws {
        let csv = "项目编号,项目名称,行业主管部门\nP-1,甲工程,市住建局\nP-1,乙工程,市住建局\n"
        let batch = try RegistryImporter.read(Data(csv.utf8), file: "r.csv")
        #expect(batch.records.count == 1)
        #expect(batch.rejections.first?.row == 3)
        #expect(batch.rejections.first?.reason.contains("已在第 2 行出现") == true)
    }
}

@Suite struct ReportImportTests {
    let known: Set<String> = Set((1...20).map { String(format: "P-%03d", $0) })
    let today = Day(year: 2025, month: 1, day: 2)!

    @Test func importsTheDemoLedgerAndRejectsItsTwoBadRows() throws {
        let batch = try ReportImporter.read(
            try Repository.data("feeds/demo/reports-2024-12.csv"), file: "reports-2024-12.csv",
            knownProjects: known, importedOn: today)
        #expect(batch.records.count == 16)
        let commitment = try #require(batch.records.first { $0.projectID == "P-001" })
        #expect(commitment.status == .none)
        #expect(commitment.commitment == true)
        #expect(commitment.filedOn == Day(year: 2024, month: 12, day: 28))
        let arrears = try #require(batch.records.first { $0.projectID == "P-003" })
        #expect(arrears.status == .arrears)
        #expect(arrears.arrearsType == .wage)
        #expect(arrears.workers == 35)
        #expect(arrears.amountOwed == 1_200_000)
        #expect(arrears.amountPaid == 300_000)
        #expect(arrears.since == Day(year: 2024, month: 9, day: 1))
        #expect(arrears.isOpenWageArrears)
        #expect(batch.rejections.map(\.row) == [15, 19])
        #expect(batch.rejections.map(\.column) == ["责任人", "拖欠金额"])
        #expect(batch.rejections.map(\.department) == ["市教育局", "市水务局"])
    }

    @Test(arguments: [
        ("arrears,wage,3,1000,2000,,,,某公司,王某,,", "amount_paid", "大于拖欠金额"),
        ("arrears,,3,1000,,,,,某公司,王某,,", "arrears_type", "欠款类型"),
        ("arrears,wage,,1000,,,,,某公司,王某,,", "workers", "涉及人数"),
        ("arrears,wage,3,1000,,,yes,,某公司,王某,,", "resolved_on", "清零日期"),
        ("arrears,wage,3,1000,,2025-01-03,,,某公司,王某,,", "since", "晚于填报月份"),
        ("none,,,500,,,,,,,yes,", "amount_owed", "不得填写金额或涉及人数"),
        ("有欠薪,工资,3,\"12,500\",,2024/12/1,是,2024年12月20日,某公司,王某,,2024-12-30", "", ""),
    ])
    func checksTheLedgerLogic(tail: String, column: String, reason: String) throws {
        let header =
            "report_id,department,period,project_id,project_name,status,arrears_type,workers,amount_owed,amount_paid,since,resolved,resolved_on,responsible_unit,responsible_person,commitment,filed_on"
        let csv = "\(header)\nR-1,市住建局,2024-12,P-001,甲工程,\(tail)\n"
        let batch = try ReportImporter.read(Data(csv.utf8), file: "l.csv", knownProjects: known, importedOn: today)
        if column.isEmpty {
            #expect(batch.rejections.isEmpty)
            #expect(batch.records.first?.amountOwed == 12_500)
            #expect(batch.records.first?.resolvedOn == Day(year: 2024, month: 12, day: 20))
            #expect(batch.records.first?.filedOn == Day(year: 2024, month: 12, day: 30))
        } else {
            let rejection = try #require(batch.rejections.first)
            #expect(rejection.row == 2)
            #expect(rejection.column == column)
            #expect(rejection.reason.contains(reason))
            #expect(batch.records.isEmpty)
        }
    }

    @Test func aControlCharacterRejectsItsRowNamingTheColumn() throws {
        // A NUL inside an id must not cut it, nor make two ids one.
        let csv = "project_id,name,department\nP-1\u{0}X,甲工程,市住建局\nP-1,乙工程,市住建局\nP-2,丙\u{7}工程,市住建局\n"
        let batch = try RegistryImporter.read(Data(csv.utf8), file: "r.csv")
        #expect(batch.records.map(\.id) == ["P-1"])
        #expect(batch.rejections.map(\.row) == [2, 4])
        #expect(batch.rejections.map(\.column) == ["project_id", "name"])
        #expect(batch.rejections.allSatisfy { $0.reason.contains("含有控制字符") })
        // A private-use character (GBK's user-defined ones decode there) is text, beside a NUL or not.
        let privateUse = "project_id,name,department\nP-1,甲\u{E000}工程,市住建局\nP-2\u{0},乙工程,市住建局\nP-3,丙\u{85}工程,市住建局\n"
        let read = try RegistryImporter.read(Data(privateUse.utf8), file: "r.csv")
        #expect(read.records.map(\.name) == ["甲\u{E000}工程"])
        #expect(read.rejections.map(\.row) == [3, 4])
        // The same in a ledger: a NUL inside 台账编号 rejects the row, it does not overwrite R-1.
        let header =
            "report_id,department,period,project_id,project_name,status,arrears_type,workers,amount_owed,amount_paid,since,resolved,resolved_on,responsible_unit,responsible_person,commitment,filed_on"
        let ledger = "\(header)\nR-1,市住建局,2024-12,P-001,甲工程,none,,,,,,,,,,,\nR-1\u{0}B,市住建局,2024-12,P-001,甲工程,none,,,,,,,,,,,\n"
        let reports = try ReportImporter.read(Data(ledger.utf8), file: "l.csv", knownProjects: known, importedOn: today)
        #expect(reports.records.map(\.id) == ["R-1"])
        #expect(reports.rejections.map(\.row) == [3] && reports.rejections.map(\.column) == ["report_id"])
        #expect(reports.rejections.allSatisfy { $0.reason.contains("含有控制字符") })
    }

    @Test func anUnclosedQuoteRefusesTheFileNamingItsRow() throws {
        let csv = "project_id,name,department\nP-1,甲工程,市住建局\nP-2,\"乙工程,市住建局\nP-3,丙工程,市住建局\n"
        #expect {
            try RegistryImporter.read(Data(csv.utf8), file: "r.csv")
        } throws: { error in
            guard case IngestError.malformedDocument(let source, let line, _, let reason) = error else { return false }
            return source == "r.csv" && line == 3 && reason.contains("没有配对")
        }
        // Quotes that close, with an escaped quote and a line break inside, are fine.
        let fine = "project_id,name,department\nP-1,\"甲\"\"工程\"\"\n二期\",市住建局\r\nP-2,\"乙\"工程,市住建局"
        #expect(try RegistryImporter.read(Data(fine.utf8), file: "r.csv").records.map(\.name) == ["甲\"工程\"\n二期", "乙工程"])
        // Its line counts line breaks inside closed quotes, and a lone CR as one.
        let later = "project_id,name,department\r\"P-1\r\n\",甲工程,市住建局\nP-2,\"乙工程,市住建局\n"
        #expect {
            try RegistryImporter.read(Data(later.utf8), file: "r.csv")
        } throws: { error in
            guard case IngestError.malformedDocument(_, let line, _, _) = error else { return false }
            return line == 4
        }
    }

    @Test func implausibleAmountsAndCountsAreRejectedNamingTheCell() throws {
        let header =
            "report_id,department,period,project_id,project_name,status,arrears_type,workers,amount_owed,since,responsible_unit,responsible_person"
        let rows = [
            ("\"1,2,3\"", "5"), ("0x1p4", "5"), ("1e300", "5"), ("nan", "5"), ("2000000000000", "5"), ("-100", "5"),
            ("12.", "5"), ("1000", "-5"), ("\"¥12,500.50\"", "5"),
        ]
        let csv =
            ([header]
            + rows.enumerated().map { index, row in
                "R-\(index),市住建局,2024-12,P-001,甲工程\(index),arrears,wage,\(row.1),\(row.0),2024-11-01,某公司,王某"
            }).joined(separator: "\n")
        let batch = try ReportImporter.read(Data(csv.utf8), file: "l.csv", knownProjects: known, importedOn: today)
        #expect(batch.rejections.map(\.row) == Array(2...9))
        #expect(batch.rejections.map(\.column) == Array(repeating: "amount_owed", count: 7) + ["workers"])
        #expect(batch.records.map(\.amountOwed) == [12_500.5])
    }

    @Test func idsTypedTwiceInAnotherCaseOrWithASpaceAreOneID() throws {
        let header = "report_id,department,period,project_id,project_name,status"
        let csv = """
            \(header)
            R-1,市住建局,2024-12,P-001,甲工程,none
            r-1,市住建局,2024-12,P-002,乙工程,none
            R- 1,市住建局,2024-12,P-003,丙工程,none
            R-4,市住建局,2024-12,p-004,丁工程,none
            """
        let batch = try ReportImporter.read(Data(csv.utf8), file: "l.csv", knownProjects: known, importedOn: today)
        #expect(batch.records.map(\.id) == ["R-1"])
        #expect(batch.rejections.map(\.column) == ["report_id", "report_id", "project_id"])
        #expect(batch.rejections[0].reason.contains("与第 2 行的 R-1"))
        #expect(batch.rejections[2].reason.contains("项目库中的写法为 P-004"))

        let registry = "项目编号,项目名称,行业主管部门\nP-1,甲工程,市住建局\np-1,乙工程,市住建局\n"
        let projects = try RegistryImporter.read(Data(registry.utf8), file: "r.csv")
        #expect(projects.records.count == 1 && projects.rejections.first?.reason.contains("仅大小写或空格不同") == true)
    }

    @Test func aFieldGivenTwoColumnsRefusesTheFile() {
        let csv = "report_id,填报单位,department,period,project_name,status\nR-1,市住建局,市人社局,2024-12,甲工程,none\n"
        #expect {
            _ = try ReportImporter.read(Data(csv.utf8), file: "l.csv", knownProjects: known, importedOn: today)
        } throws: { error in
            "\(error)".contains("第 2、3 列同为填报单位（department）")
        }
    }

    @Test func aMonthNotBegunOrAFilingDayInTheFutureIsRejectedNotACrash() throws {
        let header =
            "report_id,department,period,project_id,project_name,status,arrears_type,workers,amount_owed,since,responsible_unit,responsible_person,filed_on"
        let csv = """
            \(header)
            R-1,市住建局,2999-12,P-001,甲工程,arrears,wage,5,1000,2999-11-01,某公司,王某,
            R-2,市住建局,2024-12,P-001,甲工程,arrears,wage,5,1000,2024-11-01,某公司,王某,2999-01-01
            """
        let batch = try ReportImporter.read(Data(csv.utf8), file: "l.csv", knownProjects: known, importedOn: today)
        #expect(batch.records.isEmpty)
        #expect(batch.rejections.map(\.column) == ["period", "filed_on"])
        #expect(batch.rejections.first?.reason.contains("尚未到来") == true)
        // The month after the last a period may be reads as a month, not a crash.
        let last = try #require(Period(year: 2999, month: 12))
        #expect(last.next.description == "3000-01" && last.lastDay == Day(year: 2999, month: 12, day: 31))
    }

    @Test(arguments: [
        // period, amount owed, since, filed_on: as offices write them, and Excel's day numbers.
        ("2024年12月", "1.25万", "2024.11.11", "2024年12月30日", 12_500.0),
        ("202412", "3.5万元", "45607", "45656", 35_000.0),
        ("2024/12", "12,500元", "2024/11/11", "45656.75", 12_500.0),
        ("45627", "１２，５００", "2024-11-11", "2024-12-30", 12_500.0),
    ])
    func readsEveryAmountDateAndMonthForm(period: String, owed: String, since: String, filed: String, amount: Double) throws {
        let csv = """
            台账编号,填报单位,填报月份,项目编号,项目名称,欠薪情况,欠款类型,涉及人数,拖欠金额,拖欠起始日期,责任单位,责任人,填报日期
            R-1,市住建局,\(period),P-001,甲工程,有欠薪,工资,12,"\(owed)",\(since),某公司,王某,\(filed)
            """
        let batch = try ReportImporter.read(Data(csv.utf8), file: "l.csv", knownProjects: known, importedOn: today)
        #expect(batch.rejections.isEmpty, "\(batch.rejections)")
        let row = try #require(batch.records.first)
        #expect(row.period == Period(year: 2024, month: 12))
        #expect(row.amountOwed == amount)
        #expect(row.since == Day(year: 2024, month: 11, day: 11))
        #expect(row.filedOn == Day(year: 2024, month: 12, day: 30))
    }

    @Test func shortMonthsReadAndImpossibleYearsAreRejectedNotFatal() throws {
        let csv = """
            台账编号,填报单位,填报月份,项目编号,项目名称,欠薪情况,拖欠起始日期,填报日期
            R-1,市住建局,2024-9,P-001,甲工程,无欠薪,,2024-10-05
            R-2,市住建局,3024-12-01,P-002,乙工程,无欠薪,,
            R-3,市住建局,2024-12,P-003,丙工程,无欠薪,,2024-12-99
            """
        let batch = try ReportImporter.read(Data(csv.utf8), file: "l.csv", knownProjects: known, importedOn: today)
        #expect(batch.records.map(\.period) == [Period(year: 2024, month: 9)])
        #expect(batch.rejections.map(\.row) == [3, 4])
        #expect(batch.rejections.map(\.column) == ["填报月份", "填报日期"])
    }

    @Test func aSmallNumberIsNoDateAndABadMonthNamesItsCell() throws {
        let csv = """
            台账编号,填报单位,填报月份,项目编号,项目名称,欠薪情况,拖欠起始日期,填报日期
            R-1,市住建局,2024-12,P-001,甲工程,无欠薪,,12
            R-2,市住建局,2024年13月,P-002,乙工程,无欠薪,,
            """
        let batch = try ReportImporter.read(Data(csv.utf8), file: "l.csv", knownProjects: known, importedOn: today)
        #expect(batch.rejections.map(\.row) == [2, 3])
        #expect(batch.rejections.map(\.column) == ["填报日期", "填报月份"])
        #expect(batch.rejections[1].reason.contains("2024年13月"))
    }

    @Test func fullWidthDigitsAreReadAndTwoDigitYearsRefused() throws {
        let csv = """
            台账编号,填报单位,填报月份,项目编号,项目名称,欠薪情况,欠款类型,涉及人数,拖欠金额,责任单位,责任人,填报日期
            R-1,市住建局,２０２４-１２,P-001,甲工程,有欠薪,工资,１２,"１２,５００",某公司,王某,2024-12-30
            R-2,市住建局,2024-12,P-002,乙工程,无欠薪,,,,,,24/12/30
            """
        let batch = try ReportImporter.read(Data(csv.utf8), file: "l.csv", knownProjects: known, importedOn: today)
        let row = try #require(batch.records.first)
        #expect(row.period == Period(year: 2024, month: 12))
        #expect(row.workers == 12)
        #expect(row.amountOwed == 12_500)
        #expect(batch.rejections.map(\.column) == ["填报日期"])
    }

    @Test func unknownProjectsAndDoubleRowsAreRejectedAndBlankFilingDaysAreToday() throws {
        let csv = """
            台账编号,填报单位,填报月份,项目编号,项目名称,欠薪情况
            R-1,市住建局,2024-12,P-001,甲工程,无欠薪
            R-2,市住建局,2024-12,P-999,乙工程,无欠薪
            R-3,市住建局,2024-12,P-001,甲工程,无欠薪
            R-4,市住建局,2024-13,P-002,丙工程,无欠薪
            """
        let batch = try ReportImporter.read(Data(csv.utf8), file: "l.csv", knownProjects: known, importedOn: today)
        #expect(batch.records.map(\.id) == ["R-1"])
        #expect(batch.records[0].filedOn == today)
        #expect(batch.records[0].isFilingDayImputed)
        #expect(batch.rejections.map(\.row) == [3, 4, 5])
        #expect(batch.rejections.map(\.column) == ["项目编号", "项目编号", "填报月份"])
    }
}

/// Cells around quotes and past the header: spaces beside a quoted value are read as the
/// office meant; a value past the header's last column (an unquoted comma) rejects its row.
@Suite struct CSVShapeTests {
    @Test func spacesBesideQuotesAreReadAndExtraCellsRejectTheirRow() throws {
        let spaced = "project_id,name,department\nP-1, \"甲,工程\" ,市住建局\nP-2,乙工程 , 市住建局\n"
        let read = try RegistryImporter.read(Data(spaced.utf8), file: "r.csv")
        #expect(read.records.map(\.name) == ["甲,工程", "乙工程"] && read.records.map(\.department) == ["市住建局", "市住建局"])
        // An ideographic or a no-break space beside the quotes too.
        let wide = "project_id,name,department\nP-1,\u{3000}\"甲,工程\"\u{A0},市住建局\n"
        #expect(try RegistryImporter.read(Data(wide.utf8), file: "r.csv").records.map(\.name) == ["甲,工程"])
        let shifted = "project_id,name,department\nP-1,甲,工程,市住建局\nP-2,乙工程,市住建局,,\n"
        let batch = try RegistryImporter.read(Data(shifted.utf8), file: "r.csv")
        #expect(batch.records.map(\.id) == ["P-2"])
        #expect(batch.rejections.map(\.row) == [2] && batch.rejections.map(\.column) == ["4"])
        #expect(batch.rejections.first?.reason.contains("含逗号的值须用英文双引号括起") == true)
    }
}
