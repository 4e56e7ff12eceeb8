import Model

/// One data row of a `CSVTable`, its cells read by column with the reason a clerk can act
/// on when one cannot be read: what every office-file importer asks of a cell.
struct CSVCells {
    let table: CSVTable
    let row: [String]

    typealias Problem = CellParsing.Problem

    /// The trimmed cell, nil when blank or the column is absent.
    func value(_ column: String) -> String? { table.value(column, in: row) }

    func required(_ column: String) throws(Problem) -> String {
        guard let text = value(column) else { throw Problem(column: column, reason: "此栏须填写") }
        return text
    }

    func day(_ column: String, example: String = "2024-12-01") throws(Problem) -> Day? {
        guard let text = value(column) else { return nil }
        guard let day = CellParsing.day(text) else {
            throw Problem(column: column, reason: "日期应写作 \(example) 这样的格式，实际为 \(text)")
        }
        return day
    }

    func amount(_ column: String) throws(Problem) -> Double? {
        guard let text = value(column) else { return nil }
        guard let amount = CellParsing.amount(text), amount >= 0 else {
            throw Problem(column: column, reason: "应为不小于 0 的金额（元），实际为 \(text)")
        }
        return amount
    }

    func yesNo(_ column: String) throws(Problem) -> Bool? {
        guard let text = value(column) else { return nil }
        guard let flag = CellParsing.yesNo(text) else { throw Problem(column: column, reason: "应填写“是”或“否”，实际为 \(text)") }
        return flag
    }

    /// The required month of `column`, refused when it has not begun by `today` (2999-12 is
    /// a typing error, not a plan).
    func period(_ column: String, today: Day) throws(Problem) -> Period {
        let text = try required(column)
        guard let period = CellParsing.period(text) else {
            throw Problem(column: column, reason: "月份应写作 2024-12 或 2024年12月 这样的格式，实际为 \(text)")
        }
        if let current = Period(year: today.year, month: today.month), period > current {
            throw Problem(column: column, reason: "月份 \(period) 尚未到来（今天是 \(today)）")
        }
        return period
    }
}
