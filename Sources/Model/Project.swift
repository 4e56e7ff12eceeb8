/// A construction project from the registry (实名制平台 / 在建项目台账).
public struct Project: Codable, Hashable, Sendable, Identifiable {
    /// Where the money comes from (资金来源).
    public enum Funding: String, Codable, Sendable, CaseIterable {
        case government  // 政府投资
        case state  // 国有
        case `private`  // 社会投资
    }

    /// Registry tags (标签) that make a project sensitive.
    public enum Tag: String, Codable, Sendable, CaseIterable {
        case povertyAlleviation = "poverty_alleviation"  // 脱贫攻坚
        case keyProject = "key_project"  // 重点项目
        case coalMine = "coal_mine"  // 煤矿
        case sensitive  // 敏感
    }

    /// Construction status (状态).
    public enum Status: String, Codable, Sendable, CaseIterable {
        case active  // 在建
        case completed  // 完工
        case suspended  // 停工
    }

    public var id: String
    public var name: String
    public var aliases: [String]
    public var builder: String?
    public var contractor: String?
    public var subcontractors: [String]
    public var department: String
    public var township: String?
    public var funding: Funding?
    public var tags: [Tag]
    public var realName: Bool?
    public var wageAccount: Bool?
    public var status: Status

    public init(
        id: String, name: String, aliases: [String] = [], builder: String? = nil,
        contractor: String? = nil, subcontractors: [String] = [], department: String,
        township: String? = nil, funding: Funding? = nil, tags: [Tag] = [],
        realName: Bool? = nil, wageAccount: Bool? = nil, status: Status = .active
    ) {
        self.id = id
        self.name = name
        self.aliases = aliases
        self.builder = builder
        self.contractor = contractor
        self.subcontractors = subcontractors
        self.department = department
        self.township = township
        self.funding = funding
        self.tags = tags
        self.realName = realName
        self.wageAccount = wageAccount
        self.status = status
    }

    /// Sensitive projects (敏感项目): government- or state-funded, or carrying any tag.
    public var isSensitive: Bool {
        funding == .government || funding == .state || !tags.isEmpty
    }
}
