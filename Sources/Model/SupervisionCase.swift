import Foundation

/// A 督办件: a finding handed to the unit responsible for it (谁主管谁负责, 属地管理), with a
/// named person, a plan and a deadline, followed until the workers are paid or the finding
/// is shown not to be wage arrears.
///
/// States: 待签收 → 办理中 → 已反馈 → 已办结, or from 已反馈 → 退回重办 → 已反馈 again; a
/// closed case reopens (→ 待签收) when wage signals come back. 已超期 is not a state: it is
/// derived from the deadline (`isOverdue(on:)`).
public struct SupervisionCase: Codable, Hashable, Sendable {
    /// `DB-YEAR-NNNN`, numbered by year in the order cases were opened.
    public var id: String
    public var subject: Subject
    public var unit: Unit
    /// The named responsible person (责任人) of the unit.
    public var person: String
    /// The plan (方案) the case was opened with.
    public var plan: String
    public var openedAt: Date
    public var openedBy: String
    /// The day the case was handed to the unit, and the last day it has to answer.
    public var dispatchedOn: Day
    public var deadline: Day
    public var state: State
    /// Counts every change: an action names the version it saw, and loses to one made since.
    public var version: Int
    /// The evidence the case was opened on, as it stood that day.
    public var evidence: Evidence
    public var reply: Reply?
    public var extensionRequest: Extension?
    public var closedOn: Day?
    public var timesReturned: Int
    public var timesReopened: Int
    /// The files the unit's answers carried, in order (nil in cases stored before files were
    /// kept: read as none).
    public var attachments: [CaseAttachment]?

    public init(
        id: String, subject: Subject, unit: Unit, person: String, plan: String, openedAt: Date, openedBy: String,
        dispatchedOn: Day, deadline: Day, evidence: Evidence
    ) {
        self.id = id
        self.subject = subject
        self.unit = unit
        self.person = person
        self.plan = plan
        self.openedAt = openedAt
        self.openedBy = openedBy
        self.dispatchedOn = dispatchedOn
        self.deadline = deadline
        self.state = .awaitingSignature
        self.version = 1
        self.evidence = evidence
        self.timesReturned = 0
        self.timesReopened = 0
    }

    /// What a case is about: a registry project, a site the registry lacks, or one item.
    public enum Subject: Codable, Hashable, Sendable {
        case project(String)
        case site(String)
        case item(String)

        public var kind: String {
            switch self {
            case .project: "project"
            case .site: "site"
            case .item: "item"
            }
        }

        public var value: String {
            switch self {
            case .project(let id), .site(let id), .item(let id): id
            }
        }

        public init?(kind: String, value: String) {
            switch kind {
            case "project": self = .project(value)
            case "site": self = .site(value)
            case "item": self = .item(value)
            default: return nil
            }
        }

        private enum CodingKeys: String, CodingKey {
            case kind, value
        }

        /// `{"kind": "project", "value": "P-001"}`.
        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            let kind = try container.decode(String.self, forKey: .kind)
            guard let subject = Self(kind: kind, value: try container.decode(String.self, forKey: .value)) else {
                throw DecodingError.dataCorruptedError(forKey: .kind, in: container, debugDescription: "no subject kind \(kind)")
            }
            self = subject
        }

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(kind, forKey: .kind)
            try container.encode(value, forKey: .value)
        }
    }

    /// The responsible unit: a department (主管部门) or a township (属地).
    public struct Unit: Codable, Hashable, Sendable, CustomStringConvertible {
        public enum Kind: String, Codable, Sendable, CaseIterable {
            case department, township
        }

        public var kind: Kind
        public var name: String

        public init(kind: Kind, name: String) {
            self.kind = kind
            self.name = name
        }

        public var description: String { name }

        /// Whether a project of `department` in `township` is this unit's to answer for.
        public func owns(department: String, township: String?) -> Bool {
            switch kind {
            case .department: department == name
            case .township: township == name
            }
        }

        public func owns(_ project: Project) -> Bool { owns(department: project.department, township: project.township) }

        public func owns(_ entry: RegisterReport.ProjectEntry) -> Bool {
            owns(department: entry.department, township: entry.township)
        }
    }

    public enum State: String, Codable, Sendable, CaseIterable {
        case awaitingSignature = "awaiting_signature"
        case inProgress = "in_progress"
        case replied
        case returned
        case closed

        public var label: String {
            switch self {
            case .awaitingSignature: "待签收"
            case .inProgress: "办理中"
            case .replied: "已反馈"
            case .returned: "退回重办"
            case .closed: "已办结"
            }
        }

        /// Whether the unit owes an answer: the deadline runs against it.
        public var awaitsUnit: Bool { self == .awaitingSignature || self == .inProgress || self == .returned }
    }

    /// The frozen evidence: the flags with their reasons, and the items, ledger rows and
    /// platform rows behind them.
    public struct Evidence: Codable, Hashable, Sendable {
        public var flags: [FlagEvidence]
        public var items: [String]
        public var note: String?

        public init(flags: [FlagEvidence] = [], items: [String] = [], note: String? = nil) {
            self.flags = flags
            self.items = items
            self.note = note
        }
    }

    /// The unit's answer (反馈).
    public enum Reply: Codable, Hashable, Sendable {
        /// The arrears are real: how much, to how many, and the ledger row that now files them.
        case confirmedArrears(amount: Double, workers: Int, ledgerRow: String)
        /// Not wage arrears (工程款, 材料款 ...), and why.
        case notWageArrears(reason: String)
        /// Paid: when, how much, to how many (代发 bank slip, signed payroll as proof).
        case alreadyPaid(on: Day, amount: Double, workers: Int)

        public var label: String {
            switch self {
            case .confirmedArrears: "确认欠薪"
            case .notWageArrears: "非欠薪"
            case .alreadyPaid: "已支付"
            }
        }

        /// Whether the wage office may close the case on this answer.
        public var closes: Bool {
            if case .confirmedArrears = self { return false }
            return true
        }
    }

    /// The one extension (延期) a unit may ask for.
    public struct Extension: Codable, Hashable, Sendable {
        public enum Decision: String, Codable, Sendable {
            case pending, granted, refused
        }

        public var reason: String
        public var decision: Decision

        public init(reason: String, decision: Decision = .pending) {
            self.reason = reason
            self.decision = decision
        }
    }

    /// 已超期: the unit owes an answer and the deadline has passed.
    public func isOverdue(on today: Day) -> Bool { CaseLine(self).isOverdue(on: today) }
}

/// A case as its list shows it: what a case list reads without the rest of the case.
public struct CaseLine: Hashable, Sendable {
    public var id: String
    public var subject: SupervisionCase.Subject
    public var unit: SupervisionCase.Unit
    public var person: String
    public var state: SupervisionCase.State
    public var deadline: Day

    public init(
        id: String, subject: SupervisionCase.Subject, unit: SupervisionCase.Unit, person: String, state: SupervisionCase.State,
        deadline: Day
    ) {
        self.id = id
        self.subject = subject
        self.unit = unit
        self.person = person
        self.state = state
        self.deadline = deadline
    }

    public init(_ supervised: SupervisionCase) {
        self.init(
            id: supervised.id, subject: supervised.subject, unit: supervised.unit, person: supervised.person,
            state: supervised.state, deadline: supervised.deadline)
    }

    /// 已超期, as `SupervisionCase.isOverdue(on:)` says it.
    public func isOverdue(on today: Day) -> Bool { state.awaitsUnit && today > deadline }
}

/// Who acts on a case: the wage office (治欠办), a leader, or a user of one unit.
public struct CaseActor: Hashable, Sendable {
    public enum Kind: Hashable, Sendable {
        case wageOffice
        case leader
        case unit(SupervisionCase.Unit)
        /// wagewatch itself (reopening on new signals).
        case system
    }

    public var name: String
    public var kind: Kind

    public init(name: String, kind: Kind) {
        self.name = name
        self.kind = kind
    }

    /// Whether the actor supervises cases (opens, decides extensions, closes, returns).
    public var supervises: Bool {
        switch kind {
        case .wageOffice, .leader: true
        case .unit, .system: false
        }
    }

    public var label: String {
        switch kind {
        case .wageOffice: "治欠办"
        case .leader: "领导"
        case .unit(let unit): unit.name
        case .system: "系统"
        }
    }
}

/// A step on a case (签收, 反馈, 延期 ...).
public enum CaseAction: Hashable, Sendable {
    case sign
    case reply(SupervisionCase.Reply)
    case requestExtension(reason: String)
    /// Granted: the deadline moves to `newDeadline`.
    case decideExtension(granted: Bool, newDeadline: Day?, reason: String)
    case close(reason: String)
    case returnForRework(reason: String)
    /// New wage signals after the closing day: the case goes back to the unit.
    case reopen(reason: String, newDeadline: Day)

    public var name: String {
        switch self {
        case .sign: "sign"
        case .reply: "reply"
        case .requestExtension: "request_extension"
        case .decideExtension: "decide_extension"
        case .close: "close"
        case .returnForRework: "return"
        case .reopen: "reopen"
        }
    }

    public var label: String {
        switch self {
        case .sign: "签收"
        case .reply: "反馈"
        case .requestExtension: "申请延期"
        case .decideExtension(let granted, _, _): granted ? "同意延期" : "不同意延期"
        case .close: "办结"
        case .returnForRework: "退回重办"
        case .reopen: "重新交办"
        }
    }

    /// The reason the step gives, for the history and the audit log.
    public var reason: String {
        switch self {
        case .sign: ""
        case .reply(let reply):
            switch reply {
            case .confirmedArrears(let amount, let workers, let row): "确认欠薪 \(Self.yuan(amount)) 元、\(workers) 人，台账 \(row)"
            case .notWageArrears(let reason): "非欠薪：\(reason)"
            case .alreadyPaid(let day, let amount, let workers): "已于 \(day) 支付 \(Self.yuan(amount)) 元、\(workers) 人"
            }
        case .requestExtension(let reason), .close(let reason), .returnForRework(let reason): reason
        case .decideExtension(_, _, let reason), .reopen(let reason, _): reason
        }
    }
}

extension CaseAction {
    static func yuan(_ amount: Double) -> String { amount.yuanText }
}

extension Double {
    /// An amount as a clerk writes it: whole yuan without decimals, else two decimals.
    public var yuanText: String {
        self == rounded() && abs(self) < 1e15 ? String(Int(self)) : String(format: "%.2f", self)
    }
}

/// Why an action on a case was refused; nothing changed.
public enum CaseError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The actor may not take this step (another unit's case, a unit closing its own ...).
    case notAllowed(String)
    /// The step does not fit the case's state (a reply on a closed case ...).
    case wrongState(String)
    /// A field is missing or wrong (an empty reason, a deadline in the past ...).
    case invalid(String)
    /// Someone acted first: the case as it stands now.
    case conflict(SupervisionCase)
    /// A case already open on the subject.
    case alreadyOpen(String)
    case unknownCase(String)

    public var description: String {
        switch self {
        case .notAllowed(let why), .wrongState(let why), .invalid(let why): why
        case .conflict(let current): "督办件 \(current.id) 已被他人处理，当前状态：\(current.state.label)"
        case .alreadyOpen(let id): "该对象已有未办结的督办件 \(id)"
        case .unknownCase(let id): "没有督办件 \(id)"
        }
    }
}

extension SupervisionCase {
    /// The case after `action` by `actor` on `today`, with `files` (an answer's proof);
    /// throws when the step is not allowed or does not fit the case's state.
    public func applying(
        _ action: CaseAction, by actor: CaseActor, on today: Day, files: [CaseAttachment] = []
    ) throws(CaseError) -> SupervisionCase {
        var next = self
        next.version += 1
        if !files.isEmpty {
            guard case .reply = action else { throw .invalid("附件只能随反馈提交") }
            guard files.count <= CaseAttachment.maxCount else { throw .invalid("一次反馈最多附 \(CaseAttachment.maxCount) 个文件") }
            next.attachments = (attachments ?? []) + files
        }
        let ownUnit: Bool
        if case .unit(let unit) = actor.kind { ownUnit = unit == self.unit } else { ownUnit = false }
        func requireUnit() throws(CaseError) {
            guard ownUnit else { throw .notAllowed("只有责任单位\(unit.name)可以\(action.label)") }
        }
        func requireSupervisor() throws(CaseError) {
            guard actor.supervises else { throw .notAllowed("只有治欠办或领导可以\(action.label)") }
        }
        func requireState(_ allowed: State...) throws(CaseError) {
            guard allowed.contains(state) else {
                throw .wrongState("督办件\(state.label)，不能\(action.label)")
            }
        }
        func requireReason(_ reason: String) throws(CaseError) {
            guard !reason.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
                throw .invalid("\(action.label)须写明理由")
            }
        }
        switch action {
        case .sign:
            try requireUnit()
            try requireState(.awaitingSignature)
            next.state = .inProgress
        case .reply(let reply):
            try requireUnit()
            try requireState(.inProgress, .returned)
            switch reply {
            case .confirmedArrears(let amount, let workers, let row):
                guard amount > 0, workers > 0, !row.isEmpty else { throw .invalid("确认欠薪须填金额、人数和台账编号") }
            case .notWageArrears(let reason):
                try requireReason(reason)
                guard !files.isEmpty else { throw .invalid("非欠薪须附合同、结算单等证明材料") }
            case .alreadyPaid(let day, let amount, let workers):
                guard amount > 0, workers > 0 else { throw .invalid("已支付须填金额和人数") }
                guard day <= today else { throw .invalid("支付日期 \(day) 晚于今天") }
                guard !files.isEmpty else { throw .invalid("已支付须附代发银行回单或签字工资表") }
            }
            next.reply = reply
            next.state = .replied
        case .requestExtension(let reason):
            try requireUnit()
            try requireState(.awaitingSignature, .inProgress, .returned)
            try requireReason(reason)
            guard extensionRequest == nil else { throw .wrongState("延期只能申请一次") }
            next.extensionRequest = Extension(reason: reason)
        case .decideExtension(let granted, let newDeadline, let reason):
            try requireSupervisor()
            // Only while the unit still owes its answer: a closed case's deadline stays.
            try requireState(.awaitingSignature, .inProgress, .returned)
            guard extensionRequest?.decision == .pending else { throw .wrongState("没有待审批的延期申请") }
            if granted {
                guard let newDeadline, newDeadline > deadline, newDeadline > today else {
                    throw .invalid("同意延期须给出晚于 \(max(deadline, today)) 的新期限")
                }
                next.deadline = newDeadline
            }
            if !granted { try requireReason(reason) }
            next.extensionRequest?.decision = granted ? .granted : .refused
        case .close(let reason):
            try requireSupervisor()
            try requireState(.replied)
            try requireReason(reason)
            guard reply?.closes == true else { throw .wrongState("反馈为确认欠薪，须支付后反馈“已支付”才能办结") }
            next.state = .closed
            next.closedOn = today
        case .returnForRework(let reason):
            try requireSupervisor()
            try requireState(.replied)
            try requireReason(reason)
            next.state = .returned
            next.timesReturned += 1
        case .reopen(let reason, let newDeadline):
            guard actor.kind == .system || actor.supervises else { throw .notAllowed("只有治欠办、领导或系统可以重新交办") }
            try requireState(.closed)
            try requireReason(reason)
            guard newDeadline > today else { throw .invalid("新期限 \(newDeadline) 须晚于今天") }
            next.state = .awaitingSignature
            next.closedOn = nil
            next.reply = nil
            // A new round: the unit may ask for its one extension again.
            next.extensionRequest = nil
            next.deadline = newDeadline
            next.dispatchedOn = today
            next.timesReopened += 1
        }
        return next
    }
}

/// One line of a case's history: who did what, when, the state before and after, why.
public struct CaseEvent: Codable, Hashable, Sendable {
    /// The step as the users call it (交办, 签收, 反馈 ...).
    public var actionLabel: String {
        switch action {
        case "open": "交办"
        case "sign": "签收"
        case "reply": "反馈"
        case "request_extension": "申请延期"
        case "decide_extension": "审批延期"
        case "close": "办结"
        case "return": "退回重办"
        case "reopen": "重新交办"
        default: action
        }
    }

    public var caseID: String
    public var at: Date
    public var actor: String
    public var actorLabel: String
    public var action: String
    public var before: SupervisionCase.State?
    public var after: SupervisionCase.State
    public var reason: String

    public init(
        caseID: String, at: Date, actor: String, actorLabel: String, action: String, before: SupervisionCase.State?,
        after: SupervisionCase.State, reason: String
    ) {
        self.caseID = caseID
        self.at = at
        self.actor = actor
        self.actorLabel = actorLabel
        self.action = action
        self.before = before
        self.after = after
        self.reason = reason
    }
}

/// A unit's 督办 record for the scorecard: cases received, overdue now, closed on time,
/// returned for rework, reopened after closing, and the median days from dispatch to
/// closing of those closed.
public struct CaseCounts: Codable, Hashable, Sendable {
    public var received = 0
    public var overdue = 0
    public var closed = 0
    public var closedOnTime = 0
    public var returned = 0
    public var reopened = 0
    public var medianDaysToClose: Int?

    public init() {}

    /// Each unit's counts over `cases`, overdue counted on `today`.
    public static func byUnit(_ cases: [SupervisionCase], today: Day) -> [SupervisionCase.Unit: CaseCounts] {
        var counts: [SupervisionCase.Unit: CaseCounts] = [:]
        var daysToClose: [SupervisionCase.Unit: [Int]] = [:]
        for supervised in cases {
            var line = counts[supervised.unit] ?? CaseCounts()
            line.received += 1
            if supervised.isOverdue(on: today) { line.overdue += 1 }
            if supervised.state == .closed, let closedOn = supervised.closedOn {
                line.closed += 1
                if closedOn <= supervised.deadline { line.closedOnTime += 1 }
                daysToClose[supervised.unit, default: []].append(closedOn.ordinal - supervised.dispatchedOn.ordinal)
            }
            line.returned += supervised.timesReturned
            line.reopened += supervised.timesReopened
            counts[supervised.unit] = line
        }
        for (unit, days) in daysToClose {
            let sorted = days.sorted()
            counts[unit]?.medianDaysToClose =
                sorted.count % 2 == 1
                ? sorted[sorted.count / 2] : Int((Double(sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2).rounded())
        }
        return counts
    }

    /// Adds another unit's counts (a city's total): the median of two medians is none.
    public mutating func add(_ other: Self) {
        if other.closed > 0 { medianDaysToClose = closed == 0 ? other.medianDaysToClose : nil }
        received += other.received
        overdue += other.overdue
        closed += other.closed
        closedOnTime += other.closedOnTime
        returned += other.returned
        reopened += other.reopened
    }

    enum CodingKeys: String, CodingKey {
        case received, overdue, closed, returned, reopened
        case closedOnTime = "closed_on_time"
        case medianDaysToClose = "median_days_to_close"
    }
}
