import HTTPTypes
import Model
import Mustache
import Register

/// The 日报 as one printable HTML file (`wagewatch daily --format html`): the web page's
/// own template in a page of its own, with every row of every list, and print styles.
public enum DailyPrint {
    public static func html(_ brief: DailyBrief, sourceHealth: [RegisterReport.SourceWarning]) throws -> String {
        let model = WebApp.dailyPage(brief, sourceHealth: sourceHealth, rows: .max)
        let tree = try TemplateValues.make(Page(chrome: Chrome(title: "", session: nil, path: ""), page: model))
        guard let text = try Templates.library().render(tree, withTemplate: "daily-print") else {
            throw WebError(status: .internalServerError, message: "页面模板缺失：daily-print")
        }
        return text
    }
}
