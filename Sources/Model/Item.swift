import Foundation

/// Whether an item came from the petition system or from online posts.
public enum ItemKind: String, Codable, Sendable, CaseIterable {
    case petition
    case post
}

/// One petition record (信访件, 12345 工单) or one online post, as fetched from a feed.
///
/// `petitioner` and `phone` are personal data: they are stored, but never
/// printed, logged or exported for roles that may not see them.
public struct Item: Codable, Hashable, Sendable, Identifiable {
    /// Stable id, unique across feeds: the feed id and the item's key in that feed.
    public var id: String
    public var feedID: String
    /// The key the feed itself gives the item (guid, link, petition number).
    public var sourceKey: String
    public var kind: ItemKind
    /// Petition channel (来访, 12345 ...) or post platform (微博, 抖音 ...).
    public var channel: String?
    public var url: String?
    public var author: String?
    public var publishedAt: Date?
    public var title: String
    public var content: String
    /// 被反映对象: the company or project as the petitioner wrote it.
    public var respondent: String?
    public var location: String?
    /// 人数: how many people the petition speaks for.
    public var people: Int?
    /// 涉及金额 in yuan.
    public var amount: Double?
    public var petitioner: String?
    public var phone: String?
    public var status: String?
    public var handlingUnit: String?
    public var closedAt: Date?

    public init(
        feedID: String, sourceKey: String, kind: ItemKind, channel: String? = nil,
        url: String? = nil, author: String? = nil, publishedAt: Date? = nil,
        title: String = "", content: String, respondent: String? = nil, location: String? = nil,
        people: Int? = nil, amount: Double? = nil, petitioner: String? = nil, phone: String? = nil,
        status: String? = nil, handlingUnit: String? = nil, closedAt: Date? = nil
    ) {
        self.id = Item.makeID(feedID: feedID, sourceKey: sourceKey)
        self.feedID = feedID
        self.sourceKey = sourceKey
        self.kind = kind
        self.channel = channel
        self.url = url
        self.author = author
        self.publishedAt = publishedAt
        self.title = title
        self.content = content
        self.respondent = respondent
        self.location = location
        self.people = people
        self.amount = amount
        self.petitioner = petitioner
        self.phone = phone
        self.status = status
        self.handlingUnit = handlingUnit
        self.closedAt = closedAt
    }

    /// The item id for a key within a feed: the key itself when it is short and
    /// plain, else a stable 64-bit hash of it, so ids stay readable in evidence lists.
    public static func makeID(feedID: String, sourceKey: String) -> String {
        let isPlain =
            sourceKey.count <= 40
            && sourceKey.unicodeScalars.allSatisfy {
                $0.isASCII && ($0.properties.isAlphabetic || $0.properties.numericType != nil || "-_.".unicodeScalars.contains($0))
            }
        return "\(feedID):" + (isPlain ? sourceKey : StableHash.hex(of: sourceKey))
    }
}
