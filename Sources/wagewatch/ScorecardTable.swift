import Model
import Register

/// The department or township scorecard as a terminal table (`scorecard`, and the end of
/// `run` and `register`); its columns are `ScorecardRows`', shared with the web's exports.
enum ScorecardTable {
    static func header(_ lines: [RegisterReport.DepartmentEntry], first: String) -> [String] {
        ScorecardRows.header(lines, first: first)
    }

    static func rows(_ lines: [RegisterReport.DepartmentEntry], platform: Bool? = nil, cases: Bool? = nil) -> [[String]] {
        ScorecardRows.rows(lines, platform: platform, cases: cases)
    }

    static func table(_ lines: [RegisterReport.DepartmentEntry], first: String) -> TextTable {
        let header = header(lines, first: first)
        return TextTable(header: header, rows: rows(lines), rightAligned: Set(1..<header.count))
    }

    static func hasCases(_ lines: [RegisterReport.DepartmentEntry]) -> Bool { ScorecardRows.hasCases(lines) }

    static func hasPlatform(_ lines: [RegisterReport.DepartmentEntry]) -> Bool { ScorecardRows.hasPlatform(lines) }
}
