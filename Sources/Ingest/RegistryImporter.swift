import Foundation
import Model

/// Reads the project registry CSV (实名制平台 / 在建项目台账): docs/FORMATS.md, "Project registry (在建项目台账)".
public enum RegistryImporter {
    public static let columns: [CSVTable.Column] = [
        .init("project_id", "项目编号", required: true),
        .init("name", "项目名称", required: true),
        .init("aliases", "项目简称"),
        .init("builder", "建设单位"),
        .init("contractor", "施工总承包单位"),
        .init("subcontractors", "劳务分包单位"),
        .init("department", "行业主管部门", required: true),
        .init("township", "属地"),
        .init("funding", "资金来源"),
        .init("tags", "标签"),
        .init("realname", "实名制"),
        .init("wage_account", "工资专户"),
        .init("status", "状态"),
    ]

    static let fundings: [String: Project.Funding] = [
        "government": .government, "政府投资": .government, "政府": .government,
        "state": .state, "国有": .state, "国有投资": .state,
        "private": .private, "社会投资": .private, "社会": .private,
    ]

    static let tags: [String: Project.Tag] = [
        "poverty_alleviation": .povertyAlleviation, "脱贫攻坚": .povertyAlleviation,
        "key_project": .keyProject, "重点项目": .keyProject,
        "coal_mine": .coalMine, "煤矿": .coalMine,
        "sensitive": .sensitive, "敏感": .sensitive,
    ]

    static let statuses: [String: Project.Status] = [
        "active": .active, "在建": .active,
        "completed": .completed, "完工": .completed, "竣工": .completed,
        "suspended": .suspended, "停工": .suspended,
    ]

    /// Reads `data` as the registry file `file`; bad rows are returned as rejections.
    public static func read(_ data: Data, file: String) throws(IngestError) -> ImportBatch<Project> {
        let table = try CSVTable(data: data, file: file, columns: columns)
        var batch = ImportBatch<Project>()
        var firstRow: [String: (row: Int, id: String)] = [:]
        for (offset, row) in table.rows.enumerated() {
            let rowNumber = offset + 2
            do throws(CellParsing.Problem) {
                try table.checkRow(offset)
                let project = try project(from: row, in: table)
                let key = CellParsing.idKey(project.id)
                if let earlier = firstRow[key] {
                    throw CellParsing.Problem(column: "project_id", reason: CellParsing.repeated("项目编号", project.id, earlier: earlier))
                }
                firstRow[key] = (rowNumber, project.id)
                batch.records.append(project)
            } catch {
                batch.rejections.append(
                    ImportRejection(
                        file: file, row: rowNumber, column: table.headerName(of: error.column),
                        reason: error.reason, department: table.value("department", in: row)))
            }
        }
        return batch
    }

    private static func project(from row: [String], in table: CSVTable) throws(CellParsing.Problem) -> Project {
        let cells = CSVCells(table: table, row: row)
        let id = try cells.required("project_id")
        let name = try cells.required("name")
        let department = try cells.required("department")
        let funding = try table.value("funding", in: row).map { text throws(CellParsing.Problem) in
            try CellParsing.code(
                text, in: fundings, column: "funding",
                expected: "政府投资（government）、国有（state）或社会投资（private）")
        }
        var projectTags: [Project.Tag] = []
        for text in CellParsing.list(table.value("tags", in: row)) {
            projectTags.append(
                try CellParsing.code(
                    text, in: tags, column: "tags",
                    expected: "脱贫攻坚（poverty_alleviation）、重点项目（key_project）、煤矿（coal_mine）或敏感（sensitive）"))
        }
        let status =
            try table.value("status", in: row).map { text throws(CellParsing.Problem) in
                try CellParsing.code(
                    text, in: statuses, column: "status",
                    expected: "在建（active）、完工（completed）或停工（suspended）")
            } ?? .active
        return Project(
            id: id, name: name, aliases: CellParsing.list(table.value("aliases", in: row)),
            builder: table.value("builder", in: row), contractor: table.value("contractor", in: row),
            subcontractors: CellParsing.list(table.value("subcontractors", in: row)),
            department: department, township: table.value("township", in: row), funding: funding,
            tags: projectTags, realName: try cells.yesNo("realname"), wageAccount: try cells.yesNo("wage_account"),
            status: status)
    }
}
