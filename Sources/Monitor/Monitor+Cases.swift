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
    public func openCase(
        _ request: CaseRequest, by actor: CaseActor, today: Day, at time: Date = Date()
    ) async throws
        -> SupervisionCase
    {
        guard actor.supervises else { throw CaseError.notAllowed("只有治欠办或领导可以交办督办件") }
        let person = request.person.trimmingCharacters(in: .whitespacesAndNewlines)
        let plan = request.plan.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !person.isEmpty else { throw CaseError.invalid("须填写责任人") }
        guard !plan.isEmpty else { throw CaseError.invalid("须填写工作方案") }
        let rules = try loadRulebook().register
        let projects = try await database.projects()
        let report = try await evaluateRegister(asOf: today, now: time, rules: rules)

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
        case .item(let id):
            guard try await database.item(id: id) != nil else { throw CaseError.invalid("没有条目 \(id)") }
            evidence.items = [id]
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

    /// Takes `action` on case `id`, as `database.act` does; a reopening's deadline is
    /// the rules' for the case's flags, counted from today.
    public func act(
        on id: String, _ action: CaseAction, by actor: CaseActor, today: Day, at time: Date = Date(), seenVersion: Int? = nil
    ) async throws -> SupervisionCase {
        try await database.act(on: id, action, by: actor, today: today, at: time, seenVersion: seenVersion)
    }
}
