/// One row of a department's monthly wage-arrears ledger (欠薪问题台账).
public struct DepartmentReport: Codable, Hashable, Sendable, Identifiable {
    /// 欠薪情况: whether the department found arrears on the project that month.
    public enum Status: String, Codable, Sendable, CaseIterable {
        case arrears  // 有欠薪
        case none  // 无欠薪
    }

    /// 欠款类型: what kind of money is owed.
    public enum ArrearsType: String, Codable, Sendable, CaseIterable {
        case wage  // 工资
        case projectPayment = "project_payment"  // 工程款
    }

    public var id: String
    public var department: String
    public var period: Period
    public var projectID: String?
    public var projectName: String
    public var status: Status
    public var arrearsType: ArrearsType?
    public var workers: Int?
    public var amountOwed: Double?
    public var amountPaid: Double?
    public var since: Day?
    public var resolved: Bool?
    public var resolvedOn: Day?
    public var responsibleUnit: String?
    public var responsiblePerson: String?
    public var commitment: Bool?
    /// The day the department filed the row; the import day when the file does not say.
    public var filedOn: Day
    /// True when the file gave no 填报日期 and `filedOn` is the day of the first import.
    public var isFilingDayImputed: Bool

    public init(
        id: String, department: String, period: Period, projectID: String?, projectName: String,
        status: Status, arrearsType: ArrearsType? = nil, workers: Int? = nil,
        amountOwed: Double? = nil, amountPaid: Double? = nil, since: Day? = nil,
        resolved: Bool? = nil, resolvedOn: Day? = nil, responsibleUnit: String? = nil,
        responsiblePerson: String? = nil, commitment: Bool? = nil, filedOn: Day,
        isFilingDayImputed: Bool = false
    ) {
        self.id = id
        self.department = department
        self.period = period
        self.projectID = projectID
        self.projectName = projectName
        self.status = status
        self.arrearsType = arrearsType
        self.workers = workers
        self.amountOwed = amountOwed
        self.amountPaid = amountPaid
        self.since = since
        self.resolved = resolved
        self.resolvedOn = resolvedOn
        self.responsibleUnit = responsibleUnit
        self.responsiblePerson = responsiblePerson
        self.commitment = commitment
        self.filedOn = filedOn
        self.isFilingDayImputed = isFilingDayImputed
    }

    /// True when the row reports wage arrears that are not yet cleared (未清零).
    public var isOpenWageArrears: Bool {
        status == .arrears && arrearsType != .projectPayment && resolved != true
    }
}
