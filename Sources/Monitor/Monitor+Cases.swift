import Foundation
import Model
import Scoring
import Store

/// What a supervisor asks for when opening a 督办件.
public struct CaseRequest: Sendable {
    public var subject: SupervisionCase.Subject
    /// The responsible unit; a project's own department when nil (谁主管谁负责).
    public var unit: SupervisionCase.Unit?
    public var person: String
    public var plan: String
    /// The last day to answer; from `rules/register.yaml` (`cases:`) when nil.
    public var deadline: Day?

    public init(subject: SupervisionCase.Subject, unit: SupervisionCase.Unit? = nil, person: String, plan: String, deadline: Day? = nil) {
        self.subject = subject
        self.unit = unit
        self.person = person
        self.plan = plan
        self.deadline = deadline
    }
}

extension Monitor {
    /// Opens a case on a flagged project, an unregistered site or one item, its evidence
    /// frozen as the register of `today` shows it.
    /// - Throws: `CaseError` when the actor does not supervise, a field is empty, the unit
    ///   is none of the registry's departments and townships, the deadline is not after
    ///   today, the subject is unknown, or a case on it is still open. Nothing is stored then.
    /// - Parameter register: the register of `today` when the caller holds it already (the
    ///   web node's kept one); evaluated here otherwise.
    public func openCase(
        _ request: CaseRequest, by actor: CaseActor, today: Day, at time: Date = Date(), register: RegisterReport? = nil
    ) async throws -> SupervisionCase {
        guard actor.supervises else { throw CaseError.notAllowed("只有治欠办或领导可以交办督办件") }
        let person = request.person.trimmingCharacters(in: .whitespacesAndNewlines)
        let plan = request.plan.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !person.isEmpty else { throw CaseError.invalid("须填写责任人") }
        guard !plan.isEmpty else { throw CaseError.invalid("须填写工作方案") }
        guard person.count <= 50 else { throw CaseError.invalid("责任人不能超过 50 字") }
        guard plan.count <= 2_000 else { throw CaseError.invalid("工作方案不能超过 2000 字") }
        let rules = try loadRulebook().register
        let projects = try await database.projects()
        let report: RegisterReport
        if let register, register.asOf == today {
            report = register
        } else {
            report = try await evaluateRegister(asOf: today, now: time, rules: rules)
        }

        var evidence = SupervisionCase.Evidence()
        var unit = request.unit
        switch request.subject {
        case .project(let id):
            guard let project = projects.first(where: { $0.id == id }) else { throw CaseError.invalid("登记册中没有项目 \(id)") }
            if let entry = report.projects.first(where: { $0.projectID == id }) {
                evidence.flags = entry.flagEvidence
                evidence.items = entry.evidence
            }
            unit = unit ?? SupervisionCase.Unit(kind: .department, name: project.department)
        case .site(let name):
            guard let site = report.unregistered.first(where: { $0.mention == name || $0.variants.contains(name) }) else {
                throw CaseError.invalid("\(today) 的风险台账中没有未登记工地“\(name)”")
            }
            evidence.items = site.items
            evidence.note = site.township.map { "所在乡镇：\($0)" }
            // 属地管理: a site outside the registry is its township's.
            unit = unit ?? site.township.map { SupervisionCase.Unit(kind: .township, name: $0) }
        case .item(let id):
            guard try await database.item(id: id) != nil else { throw CaseError.invalid("没有条目 \(id)") }
            evidence.items = [id]
            // An item linked to a project is its department's.
            if unit == nil, let linked = try await database.assessment(ofItem: id)?.link?.projectID,
                let project = projects.first(where: { $0.id == linked })
            {
                unit = SupervisionCase.Unit(kind: .department, name: project.department)
            }
        }
        guard let unit else { throw CaseError.invalid("未登记工地和单条信息须指定责任单位（主管部门或乡镇）") }
        let known =
            switch unit.kind {
            case .department: Set(projects.map(\.department))
            case .township: Set(projects.compactMap(\.township))
            }
        guard known.contains(unit.name) else {
            throw CaseError.invalid(
                "登记册中没有\(unit.kind == .department ? "主管部门" : "乡镇")“\(unit.name)”")
        }
        let deadline = request.deadline ?? rules.caseDeadline(flags: evidence.flags.map(\.flag), dispatchedOn: today)
        guard deadline > today else { throw CaseError.invalid("办理期限 \(deadline) 须晚于今天 \(today)") }
        // Whole seconds: the case is kept as text and read back equal.
        let opened = Date(timeIntervalSince1970: time.timeIntervalSince1970.rounded(.down))
        let draft = SupervisionCase(
            id: "", subject: request.subject, unit: unit, person: person, plan: plan, openedAt: opened, openedBy: actor.name,
            dispatchedOn: today, deadline: deadline, evidence: evidence)
        return try await database.openCase(draft, by: actor, reason: plan)
    }

    /// Reopens each closed case on a project whose wage signals (linked, not resolved)
    /// came after its closing day and by `asOf`: the register's recurrence, made a step on
    /// the case. It goes back to its unit (待签收) with a new deadline from the rules.
    /// - Returns: the cases reopened.
    public func reopenCases(asOf: Day, now: Date = Date(), rules: RegisterRules? = nil) async throws -> [SupervisionCase] {
        // A subject's newest case speaks for it: an older closed one stays closed.
        var newest: [SupervisionCase.Subject: SupervisionCase] = [:]
        for supervised in try await database.supervisionCases() where newest[supervised.subject] == nil {
            newest[supervised.subject] = supervised
        }
        let closed = newest.values.filter { $0.state == .closed }.sorted { $0.id < $1.id }
        guard !closed.isEmpty else { return [] }
        let rules = try rules ?? loadRulebook().register
        var reopened: [SupervisionCase] = []
        for supervised in closed {
            guard case .project(let projectID) = supervised.subject, let closedOn = supervised.closedOn, closedOn < asOf else { continue }
            let items = try await database.wageSignalItems(
                ofProject: projectID, from: closedOn.adding(days: 1).start, until: asOf.adding(days: 1).start)
            guard !items.isEmpty else { continue }
            let deadline = rules.caseDeadline(flags: [.recurrence], dispatchedOn: asOf)
            let reason = "办结（\(closedOn)）后又有 \(items.count) 条讨薪信息：\(items.prefix(5).joined(separator: "、"))"
            do {
                reopened.append(
                    try await database.act(
                        on: supervised.id, .reopen(reason: reason, newDeadline: deadline),
                        by: CaseActor(name: "wagewatch", kind: .system), today: asOf, at: now, seenVersion: supervised.version))
            } catch CaseError.conflict {
                // Someone acted on it meanwhile: theirs stands.
                continue
            }
        }
        return reopened
    }

    /// Takes `action` on case `id`, as `database.act` does.
    public func act(
        on id: String, _ action: CaseAction, by actor: CaseActor, today: Day, at time: Date = Date(), seenVersion: Int? = nil,
        files: [AppDatabase.CaseFile] = []
    ) async throws -> SupervisionCase {
        // 确认欠薪 names the ledger row that now files the arrears: it must be stored, and
        // be the case's project's when the case is on a project.
        if case .reply(.confirmedArrears(_, _, let row)) = action {
            guard let report = try await database.report(id: row) else { throw CaseError.invalid("台账中没有填报行 \(row)") }
            if let supervised = try await database.supervisionCase(id), case .project(let projectID) = supervised.subject,
                report.projectID != projectID
            {
                throw CaseError.invalid("填报行 \(row) 不是项目 \(projectID) 的")
            }
        }
        return try await database.act(on: id, action, by: actor, today: today, at: time, seenVersion: seenVersion, files: files)
    }
}
