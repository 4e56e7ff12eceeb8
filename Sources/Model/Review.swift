import Foundation

/// What a reviewer of the petition bureau decides on an item in the review queue.
public enum ReviewAction: String, Codable, Sendable, CaseIterable {
    /// The link to the project the scorer found is right.
    case confirm
    /// Not a wage-arrears signal: the register no longer counts it.
    case reject
    /// About another project than the one the scorer found.
    case relink
    /// A dispute over project payments (工程款), not wages.
    case projectPayment = "project_payment"
    /// Followed up: a petition counts as handled from now on (跟进超时).
    case followedUp = "followed_up"
    /// A copy of a matter handled under another item (重复): out of the queue, still a
    /// signal as the scorer judged it (not 排除), counted once with its story.
    case duplicate

    public var label: String {
        switch self {
        case .confirm: "确认关联"
        case .reject: "排除（非欠薪）"
        case .relink: "改挂项目"
        case .projectPayment: "标为工程款纠纷"
        case .followedUp: "已跟进"
        case .duplicate: "重复（同一事项另件处理）"
        }
    }
}

/// One line of the audit log: who did what, when, and why.
public struct AuditEntry: Codable, Hashable, Sendable {
    public var id: Int64
    public var at: Date
    public var account: String
    public var role: String
    /// A review action's raw value, or `claim`, `login`, `login_failed`, `logout`.
    public var action: String
    public var itemID: String?
    public var projectID: String?
    public var reason: String

    public init(
        id: Int64 = 0, at: Date, account: String, role: String, action: String, itemID: String? = nil,
        projectID: String? = nil, reason: String
    ) {
        self.id = id
        self.at = at
        self.account = account
        self.role = role
        self.action = action
        self.itemID = itemID
        self.projectID = projectID
        self.reason = reason
    }

    enum CodingKeys: String, CodingKey {
        case id, at, account, role, action
        case itemID = "item_id"
        case projectID = "project_id"
        case reason
    }

    /// The action as the users call it.
    public var actionLabel: String {
        if let review = ReviewAction(rawValue: action) { return review.label }
        switch action {
        case "claim": return "认领"
        case "release": return "释放认领"
        case "login": return "登录"
        case "login_failed": return "登录失败"
        case "logout": return "退出"
        case "account_disabled": return "停用账号"
        case "account_enabled": return "启用账号"
        case "password_reset": return "重设密码"
        case "account_deleted": return "删除账号"
        case "account_unlocked": return "解除登录锁定"
        case "item_handled": return "舆情：已处置"
        case "item_responded": return "舆情：已回应"
        case "item_note": return "舆情：备注"
        case "case_open": return "督办：交办"
        case "case_sign": return "督办：签收"
        case "case_reply": return "督办：反馈"
        case "case_request_extension": return "督办：申请延期"
        case "case_decide_extension": return "督办：审批延期"
        case "case_close": return "督办：办结"
        case "case_return": return "督办：退回重办"
        case "case_reopen": return "督办：重新交办"
        default: return action
        }
    }
}
