import Foundation
import Hummingbird
import Model
import Monitor
import Mustache
import Register
import Store

/// 督办 cases in the browser: the list, one case with its history and the steps the
/// session may take, opening a case, and each step. A unit's account sees its own cases
/// only: another unit's case answers 404, on the page, its JSON twin and every step.
extension WebApp {
    struct CasesPage: Codable, Sendable {
        struct Line: Codable, Sendable {
            var id: String
            var subject: String
            var unit: String
            var person: String
            var state: String
            var deadline: String
            var overdue: String?
        }
        var lines: [Line]
        /// Cases reopened and not yet signed for again: the unit is told at the top of its list.
        var reopened: [Line]
        var hasReopened: Bool
        var total: Int
        var previousPage: Int?
        var nextPage: Int?
        /// The query of the list's other pages (the state filter).
        var filter: String
        var stateOptions: [Option]
        /// The wage office or a leader: the form to open a case is shown.
        var mayOpen: Bool
        /// The subject a link to the list brought (交办 on a project, site or item): the form
        /// to open a case starts with it.
        var prefill: Prefill

        struct Prefill: Codable, Sendable {
            var project: String
            var site: String
            var item: String
        }
    }

    struct CasePage: Codable, Sendable {
        struct Step: Codable, Sendable {
            var at: String
            var actor: String
            var action: String
            var change: String
            var reason: String
        }
        var id: String
        var subject: String
        var unit: String
        var person: String
        var plan: String
        var state: String
        var version: Int
        var dispatchedOn: String
        var deadline: String
        var overdue: String?
        var flags: [String]
        var items: [String]
        var reply: String?
        var extensionRequest: String?
        var history: [Step]
        var files: [File]
        var hasFiles: Bool
        /// The steps the session may take now; none on the printable 督办单.
        var steps: Steps?

        struct File: Codable, Sendable {
            var caseID: LinkID
            var sha256: String
            var name: String
            var kind: String
            var size: String
            var addedBy: String
            var addedOn: String
        }

        struct Steps: Codable, Sendable {
            var maySign = false
            var mayReply = false
            var mayExtend = false
            var mayDecide = false
            var mayClose = false
            var mayReturn = false
        }
    }

    static let caseRoles: Set<Role> = [.wageOffice, .leader, .department]
    /// Rows of one page of the case list.
    static let casesPerPage = 100

    func addCaseRoutes(to router: Router<WebContext>) {
        page(router, "/cases", roles: Self.caseRoles, template: "cases", title: "督办件") { request, _, session in
            let query = FormFields(encoded: Substring(request.uri.query ?? ""))
            var states: Set<SupervisionCase.State>?
            if let text = query.text("state") {
                guard let state = SupervisionCase.State(rawValue: text) else { throw WebError.badRequest("没有这种状态：\(text)") }
                states = [state]
            }
            let today = try await snapshot().register.asOf
            let scope = try Self.scopedUnitOf(session)
            let total = try await database.supervisionCaseCount(unit: scope?.name, unitKind: scope?.kind, states: states)
            let pager = Pager(total: total, size: Self.casesPerPage, asked: query.text("page").flatMap { Int($0) } ?? 1)
            let cases = try await database.supervisionCaseLines(
                unit: scope?.name, unitKind: scope?.kind, states: states, range: pager.rows)
            func line(_ supervised: CaseLine) -> CasesPage.Line {
                CasesPage.Line(
                    id: supervised.id, subject: Self.subjectLabel(supervised.subject), unit: supervised.unit.name,
                    person: supervised.person, state: supervised.state.label, deadline: supervised.deadline.description,
                    overdue: supervised.isOverdue(on: today) ? "已超期 \(today.ordinal - supervised.deadline.ordinal) 日" : nil)
            }
            var reopened: [SupervisionCase] = []
            if let scope { reopened = try await database.reopenedCasesAwaitingSignature(unit: scope).filter { Self.sees(session, $0) } }
            return CasesPage(
                lines: cases.filter { Self.sees(session, $0.unit) }.map(line), reopened: reopened.map { line(CaseLine($0)) },
                hasReopened: !reopened.isEmpty, total: total, previousPage: pager.previous, nextPage: pager.next,
                filter: states?.first.map { "state=\($0.rawValue)&" } ?? "",
                stateOptions: SupervisionCase.State.allCases.map {
                    Option(value: $0.rawValue, label: $0.label, selected: states?.contains($0) == true)
                },
                mayOpen: session.account.caseActor?.supervises == true,
                prefill: CasesPage.Prefill(
                    project: query.text("project") ?? "", site: query.text("site") ?? "", item: query.text("item") ?? ""))
        }
        page(router, "/cases/:id", roles: Self.caseRoles, template: "case", title: "督办件") { _, context, session in
            try await casePage(try context.pathParameter("id"), session: session)
        }
        // The weekly 调度表 for Excel, as CSV or as a workbook with a sheet per unit; a unit's
        // account gets its own unit's lines.
        for format in ["csv", "xlsx"] {
            route(router, .get, "/cases/schedule.\(format)") { request, _ in
                try await answer(request, roles: Self.caseRoles, json: false) { session in
                    let scope = try Self.scopedUnitOf(session)
                    let cases = try await database.supervisionCases(unit: scope?.name, unitKind: scope?.kind).filter {
                        Self.sees(session, $0)
                    }
                    let today = try await snapshot().register.asOf
                    let file = "wagewatch-schedule-\(today)"
                    return format == "xlsx"
                        ? Self.download(file, xlsx: try CaseSchedule.xlsx(cases, today: today))
                        : Self.download(file, csv: CaseSchedule.csv(cases, today: today))
                }
            }
        }
        // The printable 督办单: the case's fields, evidence and history on a page of its own.
        route(router, .get, "/cases/:id/print") { request, context in
            try await answer(request, roles: Self.caseRoles, json: false) { session in
                var model = try await casePage(try context.pathParameter("id"), session: session)
                model.steps = nil
                let tree = try TemplateValues.make(Page(chrome: Chrome(title: "", session: nil, path: ""), page: model))
                guard let text = templates.render(tree, withTemplate: "case-print") else {
                    throw WebError(status: .internalServerError, message: "页面模板缺失：case-print")
                }
                return htmlResponse(frame: (head: "", tail: ""), content: text)
            }
        }
        action(router, "/cases", roles: [.wageOffice, .leader]) { _, _, session, form, isJSON in
            guard let actor = session.account.caseActor else { throw WebError(status: .forbidden, message: "当前角色无权交办") }
            let subjects = [
                form.text("project").map { SupervisionCase.Subject.project($0) }, form.text("site").map { .site($0) },
                form.text("item").map { .item($0) },
            ].compactMap { $0 }
            guard subjects.count == 1, var subject = subjects.first else {
                throw WebError.badRequest("请填写项目编号、未登记工地或线索编号中的一项")
            }
            let unit: SupervisionCase.Unit? =
                try form.text("township").map {
                    guard form.text("department") == nil else { throw WebError.badRequest("主管部门与乡镇只填一个") }
                    return SupervisionCase.Unit(kind: .township, name: $0)
                } ?? form.text("department").map { SupervisionCase.Unit(kind: .department, name: $0) }
            let deadline = try form.text("deadline").map {
                guard let day = Day($0) else { throw WebError.badRequest("办理期限须为 YYYY-MM-DD 日期") }
                return day
            }
            // The kept register is the day's: its evidence is frozen into the case.
            let register = try await snapshot().register
            // The register's pages show a site's name masked (it may hold a petitioner's):
            // a masked name stands for the site it was made from.
            if case .site(let shown) = subject {
                let masked = try await maskedSites(register.unregistered)
                if let index = masked.firstIndex(where: { $0.mention == shown }) { subject = .site(register.unregistered[index].mention) }
            }
            let opened = try await monitor.openCase(
                CaseRequest(
                    subject: subject, unit: unit, person: form.text("person") ?? "", plan: form.text("plan") ?? "",
                    deadline: deadline), by: actor, today: register.asOf, at: now(), register: register)
            // The scorecard and the 日报 count cases: the kept register takes the step in.
            _ = await keeper.refresh(waitingAtMost: settings.decisionWait)
            return isJSON ? try json(["id": opened.id]) : redirect(to: "/cases/\(Self.percentEncoded(opened.id))")
        }
        // A file of a unit's answer, as a download only: never shown inline, whatever it holds.
        route(router, .get, "/cases/:id/files/:sha") { request, context in
            try await answer(request, roles: Self.caseRoles, json: false) { session in
                let id = try context.pathParameter("id")
                let sha = try context.pathParameter("sha")
                guard let supervised = try await database.supervisionCase(id), Self.sees(session, supervised),
                    let attachment = (supervised.attachments ?? []).last(where: { $0.sha256 == sha }),
                    let file = try await database.caseFile(sha)
                else { throw WebError.notFound("附件") }
                return Response(
                    status: .ok,
                    headers: [
                        .contentType: file.kind.mediaType,
                        .contentDisposition: Self.attachmentDisposition(attachment.name, kind: file.kind),
                        .cacheControl: "private, no-store",
                        .contentSecurityPolicy: "sandbox; default-src 'none'",
                    ], body: .init(byteBuffer: ByteBuffer(bytes: file.bytes)))
            }
        }
        action(router, "/cases/:id/act", roles: Self.caseRoles, maxBody: Self.maxAnswerBody) {
            _, context, session, form, isJSON in
            let id = try context.pathParameter("id")
            // Another unit's case is not there, for this session.
            guard let current = try await database.supervisionCase(id), Self.sees(session, current) else {
                throw WebError.notFound("督办件 \(id)")
            }
            guard let actor = session.account.caseActor else { throw WebError(status: .forbidden, message: "当前账号未绑定责任单位") }
            let action = try Self.caseAction(form)
            let seen = try form.text("version").map {
                guard let version = Int($0) else { throw WebError.badRequest("版本须为数字") }
                return version
            }
            let today = try await snapshot().register.asOf
            let files = try Self.caseFiles(form.files, on: today, by: session.account.name)
            // Without a version, the one just read: a step taken between that read and this
            // one still wins, and this one gets 409.
            let after = try await monitor.act(
                on: id, action, by: actor, today: today, at: now(), seenVersion: seen ?? current.version, files: files)
            _ = await keeper.refresh(waitingAtMost: settings.decisionWait)
            return isJSON
                ? try json(["id": after.id, "state": after.state.rawValue, "version": "\(after.version)"])
                : redirect(to: "/cases/\(Self.percentEncoded(id))")
        }
    }

    /// The largest answer a unit may send: its fields and files together.
    static let maxAnswerBody = 25 * 1024 * 1024
    /// The largest body any form takes (the server refuses a larger one at its head).
    public static let largestBody = maxAnswerBody + 1024 * 1024

    /// The uploaded files as the store keeps them; refused, none kept, when one is too
    /// large or is not a PDF, JPEG, PNG or XLSX by its first bytes (its name is not asked).
    /// Errors count the files (第 N 个文件) instead of naming them: a name may hold a person's.
    static func caseFiles(_ uploaded: [UploadedFile], on day: Day, by account: String) throws -> [AppDatabase.CaseFile] {
        guard uploaded.count <= CaseAttachment.maxCount else {
            throw WebError.badRequest("一次反馈最多附 \(CaseAttachment.maxCount) 个文件")
        }
        return try uploaded.enumerated().map { index, upload in
            guard upload.bytes.count <= CaseAttachment.maxSize else {
                throw WebError(
                    status: .contentTooLarge, message: "第 \(index + 1) 个文件超过 \(CaseAttachment.maxSize / 1_048_576) MB，未保存")
            }
            guard let file = AppDatabase.CaseFile(bytes: upload.bytes, name: upload.filename, on: day, by: account) else {
                throw WebError(
                    status: .unsupportedMediaType,
                    message: "第 \(index + 1) 个文件不是 PDF、JPEG、PNG 或 XLSX（按文件内容判断，与扩展名无关），未保存")
            }
            return file
        }
    }

    /// `attachment` with the name as ASCII (`filename`) and as UTF-8 (`filename*`, RFC 6266).
    static func attachmentDisposition(_ name: String, kind: CaseAttachment.Kind) -> String {
        let ascii = "wagewatch-file." + kind.fileExtension
        return "attachment; filename=\"\(ascii)\"; filename*=UTF-8''\(name.percentEncodedUnreserved)"
    }

    /// The unit a department session is held to; nil for the roles that see every case
    /// and project.
    static func scopedUnitOf(_ session: WebSession) throws -> SupervisionCase.Unit? {
        guard session.account.role == .department else { return nil }
        guard let unit = session.account.unit else { throw WebError(status: .forbidden, message: "当前账号未绑定责任单位") }
        return unit
    }

    /// Whether the session may see `supervised`: every case for the wage office and
    /// leaders, its own unit's for a department.
    static func sees(_ session: WebSession, _ supervised: SupervisionCase) -> Bool { sees(session, supervised.unit) }

    /// Whether the session may see a case of `unit`.
    static func sees(_ session: WebSession, _ unit: SupervisionCase.Unit) -> Bool {
        guard session.account.role == .department else { return true }
        return session.account.unit == unit
    }

    static func subjectLabel(_ subject: SupervisionCase.Subject) -> String {
        switch subject {
        case .project(let id): "项目 \(id)"
        case .site(let name): "工地 \(name)"
        case .item(let id): "条目 \(id)"
        }
    }

    /// The step a form asks for (`step` and its fields).
    static func caseAction(_ form: FormFields) throws -> CaseAction {
        func number(_ name: String, _ label: String) throws -> Double {
            guard let text = form.text(name), let value = Double(text), value.isFinite, value > 0, value <= 1e12 else {
                throw WebError.badRequest("请填写\(label)（正数）")
            }
            return value
        }
        func count(_ name: String, _ label: String) throws -> Int {
            guard let text = form.text(name), let value = Int(text), (1...1_000_000).contains(value) else {
                throw WebError.badRequest("请填写\(label)（1 至 1000000 的整数）")
            }
            return value
        }
        func day(_ name: String, _ label: String) throws -> Day {
            guard let text = form.text(name), let day = Day(text) else { throw WebError.badRequest("请填写\(label)（YYYY-MM-DD）") }
            return day
        }
        let reason = form.text("reason") ?? ""
        guard reason.count <= 500 else { throw WebError.badRequest("理由不能超过 500 字") }
        switch form.text("step") ?? "" {
        case "sign": return .sign
        case "reply_paid":
            return .reply(
                .alreadyPaid(on: try day("paid_on", "支付日期"), amount: try number("amount", "金额"), workers: try count("workers", "人数")))
        case "reply_not_wage": return .reply(.notWageArrears(reason: reason))
        case "reply_confirmed":
            guard let row = form.text("ledger_row") else { throw WebError.badRequest("请填写台账编号") }
            return .reply(.confirmedArrears(amount: try number("amount", "金额"), workers: try count("workers", "人数"), ledgerRow: row))
        case "extend": return .requestExtension(reason: reason)
        case "grant": return .decideExtension(granted: true, newDeadline: try day("deadline", "新期限"), reason: reason)
        case "refuse": return .decideExtension(granted: false, newDeadline: nil, reason: reason)
        case "close": return .close(reason: reason)
        case "return": return .returnForRework(reason: reason)
        default: throw WebError.badRequest("请选择办理步骤")
        }
    }

    /// One case as the session may see it: another unit's is not found.
    func casePage(_ id: String, session: WebSession) async throws -> CasePage {
        guard let supervised = try await database.supervisionCase(id), Self.sees(session, supervised) else {
            throw WebError.notFound("督办件 \(id)")
        }
        let today = try await snapshot().register.asOf
        let history = try await database.caseEvents(id)
        // A step is offered when the case, as it stands, would take it from this session.
        var steps = CasePage.Steps()
        if let actor = session.account.caseActor {
            func may(_ probe: CaseAction) -> Bool { (try? supervised.applying(probe, by: actor, on: today)) != nil }
            steps.maySign = may(.sign)
            steps.mayReply = may(.reply(.confirmedArrears(amount: 1, workers: 1, ledgerRow: "-")))
            steps.mayExtend = may(.requestExtension(reason: "-"))
            steps.mayDecide = may(.decideExtension(granted: false, newDeadline: nil, reason: "-"))
            steps.mayReturn = may(.returnForRework(reason: "-"))
            // Closing is offered on a 已反馈 case whatever its answer: the refusal says why.
            steps.mayClose = supervised.state == .replied && actor.supervises
        }
        let reply: String? = supervised.reply.map { CaseAction.reply($0).reason }
        return CasePage(
            id: supervised.id, subject: Self.subjectLabel(supervised.subject), unit: supervised.unit.name,
            person: supervised.person, plan: supervised.plan, state: supervised.state.label, version: supervised.version,
            dispatchedOn: supervised.dispatchedOn.description, deadline: supervised.deadline.description,
            overdue: supervised.isOverdue(on: today) ? "已超期 \(today.ordinal - supervised.deadline.ordinal) 日" : nil,
            flags: supervised.evidence.flags.map { "\($0.flag.label)：\($0.reason)" }, items: supervised.evidence.items,
            reply: reply,
            extensionRequest: supervised.extensionRequest.map {
                "\($0.reason)（\($0.decision == .pending ? "待审批" : $0.decision == .granted ? "已同意" : "未同意")）"
            },
            history: history.map {
                CasePage.Step(
                    at: Labels.time($0.at), actor: "\($0.actorLabel)（\($0.actor)）", action: $0.actionLabel,
                    change: "\($0.before?.label ?? "新建")→\($0.after.label)", reason: $0.reason)
            },
            files: (supervised.attachments ?? []).map {
                CasePage.File(
                    caseID: LinkID(supervised.id), sha256: $0.sha256, name: $0.name, kind: $0.kind.rawValue.uppercased(),
                    size: $0.size >= 1_048_576
                        ? String(format: "%.1f MB", Double($0.size) / 1_048_576) : "\(max(1, $0.size / 1024)) KB",
                    addedBy: $0.addedBy, addedOn: $0.addedOn.description)
            },
            hasFiles: !(supervised.attachments ?? []).isEmpty,
            steps: steps)
    }
}
