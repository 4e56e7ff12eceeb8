import Foundation

/// One stored item as the register sees it: when, what the scorer said, where it links.
public struct ItemSignal: Sendable, Hashable {
    public var itemID: String
    public var kind: ItemKind
    /// When the item happened: its publication or registration time, else when it was fetched.
    public var at: Date
    public var assessment: ItemAssessment
    public var storyKey: String
    public var link: ProjectLink?
    /// Site names the item mentions, for items that link to no project.
    public var sites: [String]
    /// Where it appeared: the post platform (微博, 抖音 ...) or petition channel.
    public var channel: String?
    /// A petition's 办理状态 and 办结时间, for follow-up deadlines.
    public var status: String?
    public var closedAt: Date?

    public init(itemID: String, kind: ItemKind, at: Date, assessment: ItemAssessment,
                storyKey: String, link: ProjectLink?, sites: [String] = [], channel: String? = nil,
                status: String? = nil, closedAt: Date? = nil) {
        self.channel = channel
        self.status = status
        self.closedAt = closedAt
        self.itemID = itemID
        self.kind = kind
        self.at = at
        self.assessment = assessment
        self.storyKey = storyKey
        self.link = link
        self.sites = sites
    }
}
