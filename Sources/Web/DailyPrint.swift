import HTTPTypes
import Model
import Mustache
import Register

/// The 日报 as one printable HTML file (`wagewatch daily --format html`, the web's
/// `/daily/print`): the web page's own template in a page of its own, with every row of
/// every list, under the header of an official brief (编制单位, 期号, 内部资料 注意保存, the
/// date in 年月日) and with page numbers, and print styles.
public enum DailyPrint {
    /// Who issues the brief when the deployment does not say.
    public static let defaultIssuer = "欠薪风险监测"

    public static func html(
        _ brief: DailyBrief, sourceHealth: [RegisterReport.SourceWarning], issuer: String = defaultIssuer
    ) throws -> String {
        let model = WebApp.dailyPage(brief, sourceHealth: sourceHealth, rows: .max)
        let tree = try TemplateValues.make(
            PrintPage(
                chrome: Chrome(title: "", session: nil, path: ""), page: model,
                header: PrintHeader(issuer: issuer, day: brief.asOf)))
        guard let text = try Templates.library().render(tree, withTemplate: "daily-print") else {
            throw WebError(status: .internalServerError, message: "页面模板缺失：daily-print")
        }
        return text
    }
}

/// A printed brief's head: who issues it, its number (第N期: the day of the year), its date.
struct PrintHeader: Encodable {
    var issuer: String
    var issue: String
    var date: String

    init(issuer: String, day: Day) {
        self.issuer = issuer
        let first = Day(year: day.year, month: 1, day: 1).map(\.ordinal) ?? day.ordinal
        issue = "\(day.year)年第\(day.ordinal - first + 1)期"
        date = "\(day.year)年\(day.month)月\(day.day)日"
    }
}

/// A page's model with a printed brief's head.
struct PrintPage<Model: Encodable>: Encodable {
    var chrome: Chrome
    var page: Model
    var header: PrintHeader
}
