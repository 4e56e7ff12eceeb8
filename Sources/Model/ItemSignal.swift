import Foundation

/// One stored item as the register sees it: when, what the scorer said, where it links.
///
/// Flat and lean on purpose: a city's register reads hundreds of thousands of these, so a
/// signal keeps of its verdict only what the register judges (no matched terms, no link
/// evidence, no copies of its id), and copying one retains as few references as it can.
public struct ItemSignal: Sendable, Hashable {
    // Fields in an order that leaves little padding: a register holds hundreds of
    // thousands of signals.
    public var itemID: String
    public var storyKey: String
    /// The project the item links to, nil for none.
    public var projectID: String?
    /// Where it appeared: the post platform (微博, 抖音 ...) or petition channel.
    public var channel: String?
    /// A petition's 办理状态 and 办结时间, for follow-up deadlines.
    public var status: String?
    /// The rules that fired, which the register needs of escalations only (collective or
    /// extreme acts); the store reads them for those alone.
    public var firedRules: [String]
    /// Site names the item mentions, for items that link to no project.
    public var sites: [String]
    /// When the item happened: its publication or registration time, else when it was fetched.
    public var at: Date
    public var score: Double
    public var confidence: Double
    public var people: Int?
    public var kind: ItemKind
    public var level: SignalLevel
    public var isSignal: Bool
    public var claim: ClaimKind
    public var isEscalation: Bool
    public var isResolved: Bool
    public var band: LinkBand?
    public var amount: Double?
    public var closedAt: Date?
    /// For a petition, a hash of who petitioned (name and phone folded), never the name
    /// itself: the same petitioner on the same project again is a repeat contact.
    public var petitionerKey: UInt64?

    public init(
        itemID: String, kind: ItemKind, at: Date, score: Double, level: SignalLevel, isSignal: Bool,
        claim: ClaimKind, isEscalation: Bool, isResolved: Bool, firedRules: [String], people: Int?,
        amount: Double?, storyKey: String, projectID: String?, band: LinkBand?, confidence: Double,
        sites: [String], channel: String?, status: String?, closedAt: Date?, petitionerKey: UInt64? = nil
    ) {
        self.itemID = itemID
        self.kind = kind
        self.at = at
        self.score = score
        self.level = level
        self.isSignal = isSignal
        self.claim = claim
        self.isEscalation = isEscalation
        self.isResolved = isResolved
        self.firedRules = firedRules
        self.people = people
        self.amount = amount
        self.storyKey = storyKey
        self.projectID = projectID
        self.band = band
        self.confidence = confidence
        self.sites = sites
        self.channel = channel
        self.status = status
        self.closedAt = closedAt
        self.petitionerKey = petitionerKey
    }

    /// A signal from a verdict: its assessment and link, less what the register does not judge.
    public init(
        itemID: String, kind: ItemKind, at: Date, assessment: ItemAssessment,
        storyKey: String, link: ProjectLink?, sites: [String] = [], channel: String? = nil,
        status: String? = nil, closedAt: Date? = nil
    ) {
        self.itemID = itemID
        self.kind = kind
        self.at = at
        score = assessment.score
        level = assessment.level
        isSignal = assessment.isSignal
        claim = assessment.claim
        isEscalation = assessment.isEscalation
        isResolved = assessment.isResolved
        firedRules = assessment.firedRules
        people = assessment.people
        amount = assessment.amount
        self.storyKey = storyKey
        projectID = link?.projectID
        band = link?.band
        confidence = link?.confidence ?? 0
        self.sites = sites
        self.channel = channel
        self.status = status
        self.closedAt = closedAt
    }
}
