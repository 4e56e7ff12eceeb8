import Foundation

/// Who uses wagewatch, and so what they may see (issue: the web UI's roles).
public enum Role: String, Codable, Sendable, CaseIterable {
    /// 信访局: the review queue, full petition details with personal data.
    case petition
    /// 网信办: the daily list, stories, posts; petitioners' personal data masked.
    case cyberspace
    /// Leaders: scorecard, register, evidence; personal data masked.
    case leader
    /// Accounts, feeds, rules, health.
    case admin
    /// The province (省级): every city's roll-up scorecard and daily list, on a node
    /// started with the province's cities; personal data masked.
    case province

    public var label: String {
        switch self {
        case .petition: "信访局"
        case .cyberspace: "网信办"
        case .leader: "领导"
        case .admin: "管理员"
        case .province: "省级"
        }
    }
}

/// A user of the web UI. Its password is kept apart, hashed (`Store` holds the hash).
public struct Account: Codable, Hashable, Sendable {
    public var name: String
    public var role: Role
    public var createdAt: Date
    /// When an administrator stopped the account (`user disable`); nil while it may sign in.
    public var disabledAt: Date?

    public init(name: String, role: Role, createdAt: Date, disabledAt: Date? = nil) {
        self.disabledAt = disabledAt
        self.name = name
        self.role = role
        self.createdAt = createdAt
    }
}
