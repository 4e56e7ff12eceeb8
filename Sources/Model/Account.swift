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
    /// 治欠办: the city's wage office; opens 督办 cases, decides extensions, closes and
    /// returns them; reads the register, the 日报 and the scorecard.
    case wageOffice = "wage_office"
    /// A responsible unit (a department or a township): its own 督办 cases only, signing
    /// and answering them.
    case department

    public var label: String {
        switch self {
        case .petition: "信访局"
        case .cyberspace: "网信办"
        case .leader: "领导"
        case .admin: "管理员"
        case .province: "省级"
        case .wageOffice: "治欠办"
        case .department: "责任单位"
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
    /// The unit a `department` account answers for; nil for every other role.
    public var unit: SupervisionCase.Unit?

    public init(name: String, role: Role, createdAt: Date, disabledAt: Date? = nil, unit: SupervisionCase.Unit? = nil) {
        self.disabledAt = disabledAt
        self.unit = unit
        self.name = name
        self.role = role
        self.createdAt = createdAt
    }
}

extension Account {
    /// Who the account is when it acts on a 督办 case; nil for roles that take no step.
    public var caseActor: CaseActor? {
        switch role {
        case .wageOffice: CaseActor(name: name, kind: .wageOffice)
        case .leader: CaseActor(name: name, kind: .leader)
        case .department: unit.map { CaseActor(name: name, kind: .unit($0)) }
        case .petition, .cyberspace, .admin, .province: nil
        }
    }
}
