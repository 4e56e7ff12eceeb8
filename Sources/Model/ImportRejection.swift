/// A row an importer kept aside instead of storing, with what a clerk needs to fix it.
public struct ImportRejection: Codable, Hashable, Sendable, CustomStringConvertible {
    /// The file name as given to the importer.
    public var file: String
    /// The 1-based row as a spreadsheet shows it: the header is row 1.
    public var row: Int
    /// The column as written in the file's header, when one column is at fault.
    public var column: String?
    /// What is wrong and what was expected, in words a clerk can act on.
    public var reason: String
    /// The department the row belongs to, when it could be read.
    public var department: String?
    /// A ledger row's project, month, amount owed and workers, as far as they could be read:
    /// the project page shows what was sent back.
    public var projectID: String?
    public var period: String?
    public var amount: Double?
    public var workers: Int?

    public init(
        file: String, row: Int, column: String?, reason: String, department: String? = nil, projectID: String? = nil,
        period: String? = nil, amount: Double? = nil, workers: Int? = nil
    ) {
        self.file = file
        self.row = row
        self.column = column
        self.reason = reason
        self.department = department
        self.projectID = projectID
        self.period = period
        self.amount = amount
        self.workers = workers
    }

    public var description: String {
        let place = column.map { "\(file) 第 \(row) 行 \($0) 栏" } ?? "\(file) 第 \(row) 行"
        return "\(place)：\(reason)"
    }
}
