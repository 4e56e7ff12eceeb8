import Model
import Register

/// The department or township scorecard as a terminal table (`scorecard`, and the end of
/// `run` and `register`); its columns are `ScorecardRows`', shared with the web's exports.
enum ScorecardTable {
    static func table(_ lines: [RegisterReport.DepartmentEntry], first: String) -> TextTable {
        let header = ScorecardRows.header(lines, first: first)
        return TextTable(header: header, rows: ScorecardRows.rows(lines), rightAligned: Set(1..<header.count))
    }
}
