/// What kind of money a wage-arrears signal is about.
public enum ClaimKind: String, Codable, Sendable, CaseIterable {
    /// Workers' wages (工资).
    case wage
    /// Project, material or rental money (工程款、材料款、租赁费).
    case projectPayment = "project_payment"
}

/// The scorer's verdict on one item under one version of the rules.
public struct ItemAssessment: Codable, Hashable, Sendable {
    public var itemID: String
    /// Sum of the weights of the rules that fired.
    public var score: Double
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

    public init(
        itemID: String, score: Double, isSignal: Bool, claim: ClaimKind,
        isEscalation: Bool, isResolved: Bool, firedRules: [String], matchedTerms: [String]
    ) {
        self.itemID = itemID
        self.score = score
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
