/// What kind of money a wage-arrears signal is about.
public enum ClaimKind: String, Codable, Sendable, CaseIterable {
    /// Workers' wages (工资).
    case wage
    /// Project, material or rental money (工程款、材料款、租赁费).
    case projectPayment = "project_payment"
}

/// How serious a signal is: the level of the most serious rule that fired.
public enum SignalLevel: String, Codable, Sendable, CaseIterable, Comparable {
    case none, informational, low, medium, high, critical

    public static func < (lhs: SignalLevel, rhs: SignalLevel) -> Bool {
        // swift-format-ignore: NeverForceUnwrap
        // (every case is in allCases)
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }
}

/// The scorer's verdict on one item under one version of the rules.
public struct ItemAssessment: Codable, Hashable, Sendable {
    public var itemID: String
    /// Sum of the weights of the rules that fired, never below 0.
    public var score: Double
    /// The level of the most serious signal or escalation rule that fired; `none` for non-signals.
    public var level: SignalLevel
    /// True when the item is a wage-arrears signal (欠薪线索) and not noise.
    public var isSignal: Bool
    public var claim: ClaimKind
    /// True when escalation rules fired (集体、跳楼、堵路 ...).
    public var isEscalation: Bool
    /// True when the text says the money was paid (已结清、已发放 ...).
    public var isResolved: Bool
    /// Ids of the rules that fired, in rule-file order.
    public var firedRules: [String]
    /// The matched terms, for explaining the verdict to a clerk.
    public var matchedTerms: [String]
    /// 人数 of the record, else the largest head count the text gives (三十多人 = 30).
    public var people: Int?
    /// 涉及金额 of the record, else the largest amount the text gives, in yuan.
    public var amount: Double?

    public init(
        itemID: String, score: Double, level: SignalLevel = .none, isSignal: Bool, claim: ClaimKind,
        isEscalation: Bool, isResolved: Bool, firedRules: [String], matchedTerms: [String],
        people: Int? = nil, amount: Double? = nil
    ) {
        self.itemID = itemID
        self.score = score
        self.level = level
        self.people = people
        self.amount = amount
        self.isSignal = isSignal
        self.claim = claim
        self.isEscalation = isEscalation
        self.isResolved = isResolved
        self.firedRules = firedRules
        self.matchedTerms = matchedTerms
    }

    /// A signal of unpaid wages that is still open: counts toward `underreported`.
    public var isOpenWageSignal: Bool {
        isSignal && claim == .wage && !isResolved
    }
}
