/// One project-month of the real-name platform's export (劳动用工实名制管理平台 /
/// 工资支付监控): whether workers were on site and whether their wages went out through
/// the project's wage account (工资专户, 银行代发).
public struct PlatformRecord: Codable, Hashable, Sendable {
    /// How the record was matched to a registry project.
    public enum Match: String, Codable, Sendable, CaseIterable {
        /// The export named the registry's project id.
        case id
        /// By the project's name, contractor and township, as the linker links a post.
        case name
    }

    public var period: Period
    public var platformProjectID: String
    /// The registry id as the export gives it (blank when the platform does not know it).
    public var projectID: String?
    public var projectName: String
    public var contractor: String?
    public var township: String?
    public var workersRegistered: Int
    public var workersAttending: Int
    /// Person-days of attendance in the month (考勤工日).
    public var attendanceDays: Double
    /// Yuan the builder moved into the wage account in the month (人工费拨付).
    public var labourCostFunded: Double?
    public var payrollDue: Double?
    /// Yuan paid to workers through the wage account (专户代发).
    public var payrollPaid: Double
    public var workersPaid: Int
    public var paidOn: Day?
    public var accountOpened: Bool?
    /// The registry project it belongs to, once matched at import; nil when nothing matched.
    public var matchedProjectID: String?
    public var matchedBy: Match?

    public init(
        period: Period, platformProjectID: String, projectID: String? = nil, projectName: String, contractor: String? = nil,
        township: String? = nil, workersRegistered: Int, workersAttending: Int, attendanceDays: Double,
        labourCostFunded: Double? = nil, payrollDue: Double? = nil, payrollPaid: Double, workersPaid: Int, paidOn: Day? = nil,
        accountOpened: Bool? = nil, matchedProjectID: String? = nil, matchedBy: Match? = nil
    ) {
        self.period = period
        self.platformProjectID = platformProjectID
        self.projectID = projectID
        self.projectName = projectName
        self.contractor = contractor
        self.township = township
        self.workersRegistered = workersRegistered
        self.workersAttending = workersAttending
        self.attendanceDays = attendanceDays
        self.labourCostFunded = labourCostFunded
        self.payrollDue = payrollDue
        self.payrollPaid = payrollPaid
        self.workersPaid = workersPaid
        self.paidOn = paidOn
        self.accountOpened = accountOpened
        self.matchedProjectID = matchedProjectID
        self.matchedBy = matchedBy
    }

    /// One month's rows of one project as one: counts and amounts added up (an amount
    /// stays unknown only when every row leaves it blank), the latest payroll day, and the
    /// first row's codes and names. Nil for no rows.
    public static func merged(_ rows: some Collection<PlatformRecord>) -> PlatformRecord? {
        guard var total = rows.first else { return nil }
        for row in rows.dropFirst() { total.add(row) }
        return total
    }

    /// Adds another row of the same month and project to this one (see `merged`).
    public mutating func add(_ row: PlatformRecord) {
        workersRegistered += row.workersRegistered
        workersAttending += row.workersAttending
        attendanceDays += row.attendanceDays
        payrollPaid += row.payrollPaid
        workersPaid += row.workersPaid
        labourCostFunded = Self.sum(labourCostFunded, row.labourCostFunded)
        payrollDue = Self.sum(payrollDue, row.payrollDue)
        if let day = row.paidOn, paidOn.map({ day > $0 }) ?? true { paidOn = day }
    }

    private static func sum(_ lhs: Double?, _ rhs: Double?) -> Double? {
        guard lhs != nil || rhs != nil else { return nil }
        return (lhs ?? 0) + (rhs ?? 0)
    }
}
