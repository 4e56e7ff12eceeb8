import Foundation
import HTTPTypes
import Hummingbird
import Model
import Register
import Scoring
import Store

/// The review queue (信访局), the item page, and the reviewers' actions.
extension WebApp {
    struct Option: Codable, Sendable {
        var value: String
        var label: String
        var selected: Bool
    }

    struct QueueRow: Codable, Sendable {
        var itemID: LinkID
        var at: String
        var kind: String
        var channel: String
        var title: String
        var projectID: LinkID?
        var projectName: String?
        /// Empty when none (a missing key would show the page's filter text instead).
        var department: String
        var flags: String
        var band: String
        var level: String
        /// `critical`, `high`, `medium` ...: the level's colour.
        var levelClass: String
        /// An open petition's 办理期限 and what is left of it (剩 N 日, 已超期 N 日); empty otherwise.
        var deadline: String
        var overdue: Bool
        var claimedBy: String?
    }

    struct QueuePage: Codable, Sendable {
        struct Tab: Codable, Sendable {
            var label: String
            var href: String
            var count: Int
            var selected: Bool
        }

        struct LevelCount: Codable, Sendable {
            var label: String
            var levelClass: String
            var count: Int
        }

        var asOf: String
        var tabs: [Tab]
        var tab: String
        var hasTab: Bool
        var levels: [LevelCount]
        var project: String
        var department: String
        var departmentOptions: [Option]
        var flagOptions: [Option]
        var channelOptions: [Option]
        var rows: [QueueRow]
        /// Each column's link to sort by it (the filters and tab kept), and which one sorts.
        var sortLinks: [String: String] = [:]
        var sortedBy: [String: Bool] = [:]
        var sort = "urgency"
        var total: Int
        var page: Int
        var pages: Int
        var previousPage: Int?
        var nextPage: Int?
        var query: String
    }

    struct Segment: Codable, Sendable {
        var text: String
        var mark: Bool
    }

    struct ItemPage: Codable, Sendable {
        struct Rule: Codable, Sendable {
            var id: String
            var title: String
        }
        struct Evidence: Codable, Sendable {
            var kind: String
            var text: String
        }
        struct Copy: Codable, Sendable {
            var itemID: LinkID
            var title: String
            var at: String
            var channel: String
            var current: Bool
        }
        struct History: Codable, Sendable {
            var at: String
            var account: String
            var action: String
            var reason: String
            var projectID: String
        }

        var itemID: LinkID
        var kind: String
        var channel: String
        var at: String
        var url: String?
        var author: String?
        var personalData: Bool
        var petitioner: String?
        var phone: String?
        var respondent: String?
        var location: String?
        var people: Int?
        var amount: String?
        var status: String?
        /// A petition's 办理期限: the day, the limit it follows, and what is left of it.
        var deadline: String?
        var overdue: Bool
        var handlingUnit: String?
        var title: [Segment]
        var content: [Segment]
        var matchedTerms: [String]
        var isSignal: Bool
        var level: String
        var score: String
        var claim: String
        var rules: [Rule]
        var projectID: LinkID?
        var projectName: String?
        var band: String
        var confidence: String?
        var evidence: [Evidence]
        var sites: [String]
        var story: String
        var copies: [Copy]
        var history: [History]
        var claimedBy: String?
        var claimedAt: String?
        /// When the claim lapses unless its holder decides first.
        var claimedUntil: String?
        /// Another reviewer holds the item: this page's buttons are off.
        var claimedByOther: Bool
        /// The reader holds the claim: 释放认领 is offered.
        var ownClaim: Bool
        /// What the reader just decided (提交成功), shown once at the top.
        var saved: String?
        /// Reasons clerks often give, to pick instead of typing.
        var reasonOptions: [String]
        var canReview: Bool
        var actions: [Option]
        var reviewed: Bool
        /// How many decisions the page shows: sent back with a claim or a decision, so that
        /// one made meanwhile by someone else is not silently overwritten (409).
        var decisions: Int
        /// Other items of the story no one has decided: offered to decide with this one.
        var undecidedCopies: Int
        var hasUndecidedCopies: Bool
        /// The wage office or a leader: a link opens a 督办 case on the item.
        var mayOpenCase: Bool
        /// The cyberspace office records what it did about the item (已处置, 已回应, a note).
        var mayRecord: Bool
    }

    func addReviewRoutes(to router: Router<WebContext>) {
        page(
            router, "/queue", roles: Self.roles(of: "/queue"), template: "queue", title: "审核队列", cached: true,
            // Read as the page reads it (trimmed): " mine" is the reader's own too.
            personal: { $0.query.text("tab") == "mine" }, remembering: Self.queueFilters,
            build: { request, _, session in try await queuePage(request, account: session.account) })
        page(router, "/items/:id", roles: Self.cityRoles, template: "item", title: "线索详情") { request, context, session in
            // What the reader just decided, and on how many copies of the story with it.
            let copies = request.query.text("copies").flatMap(Int.init).map { $0 > 0 ? "（同一事件另 \($0) 条一并处理）" : "" } ?? ""
            return try await itemPage(
                id: try context.pathParameter("id"), session: session,
                saved: request.query.text("saved").flatMap(ReviewAction.init(rawValue:)).map { $0.label + copies })
        }
        // The cyberspace office's record of what it did about a post: 已处置, 已回应, a note;
        // in the audit log and the item's history.
        action(router, "/items/:id/record", roles: [.cyberspace]) { _, context, session, form, isJSON in
            let id = try context.pathParameter("id")
            guard try await database.item(id: id) != nil else { throw WebError.notFound("线索 \(id)") }
            let kinds = ["handled": "item_handled", "responded": "item_responded", "note": "item_note"]
            guard let action = form["what"].flatMap({ kinds[$0] }) else { throw WebError.badRequest("请选择记录类别（字段 what）") }
            let note = form.text("note") ?? ""
            guard note.count <= 500 else { throw WebError.badRequest("说明不能超过 500 字（字段 note）") }
            guard action != "item_note" || !note.isEmpty else { throw WebError.badRequest("备注须填写内容（字段 note）") }
            try await database.record(
                AuditEntry(
                    at: now(), account: session.account.name, role: session.account.role.rawValue, action: action, itemID: id,
                    reason: note))
            return isJSON ? try json(["ok": true]) : redirect(to: "/items/\(Self.percentEncoded(id))")
        }
        action(router, "/items/:id/release", roles: [.petition]) { _, context, session, _, isJSON in
            let id = try context.pathParameter("id")
            let released = try await database.releaseClaim(itemID: id, by: session.account, now: now())
            reviews.claimed()
            return isJSON ? try json(["released": released]) : redirect(to: "/items/\(Self.percentEncoded(id))")
        }
        page(router, "/projects", roles: Self.cityRoles, template: "projects", title: "项目查询") { request, _, _ in
            let text = request.query.text("q") ?? ""
            let projects = text.isEmpty ? [] : try await database.projects(matching: text, limit: 20)
            return ProjectsPage(q: text, projects: projects.map(ProjectSummary.init))
        }
        action(router, "/items/:id/claim", roles: [.petition]) { _, context, session, form, isJSON in
            let id = try context.pathParameter("id")
            try await checkReviewable(id)
            switch try await database.claim(
                itemID: id, by: session.account, now: now(), lease: settings.claimLease,
                seen: try seenDecisions(form) ?? 0)
            {
            case .claimed:
                reviews.claimed()
                return isJSON ? try json(["claimed_by": session.account.name]) : redirect(to: "/items/\(Self.percentEncoded(id))")
            case .heldBy(let claim):
                throw WebError(status: .conflict, message: "\(claim.account) 正在审核此线索（\(Labels.time(claim.claimedAt)) 认领）")
            }
        }
        action(router, "/items/:id/review", roles: [.petition]) { _, context, session, form, isJSON in
            let id = try context.pathParameter("id")
            guard let actionText = form["action"], let action = ReviewAction(rawValue: actionText) else {
                throw WebError.badRequest("请选择处理动作（字段 action）")
            }
            // A reason picked from the common ones, what was typed, or both.
            let picked = form.text("preset").flatMap { Self.commonReasons.contains($0) ? $0 : nil }
            let reason = [picked, form.text("reason")].compactMap { $0 }.joined(separator: "；")
            guard !reason.isEmpty else { throw WebError.badRequest("请选择或填写处理理由（字段 reason）") }
            guard reason.count <= 500 else { throw WebError.badRequest("处理理由不能超过 500 字（字段 reason）") }
            try await checkReviewable(id)
            var projectID: String?
            if action == .relink {
                guard let target = form.text("project") else { throw WebError.badRequest("改挂项目须填写项目编号、名称或别名（字段 project）") }
                let found = try await database.projects(matching: target, limit: 5)
                let exact = found.filter { $0.id == target || $0.name == target || $0.aliases.contains(target) }
                guard let chosen = exact.count == 1 ? exact[0] : (found.count == 1 ? found[0] : nil) else {
                    let names = found.map { "\($0.id) \($0.name)" }.joined(separator: "、")
                    throw WebError.badRequest(
                        found.isEmpty
                            ? "项目库中找不到“\(target)”（字段 project）"
                            : "“\(target)”对应多个项目：\(names)，请填写项目编号（字段 project）")
                }
                projectID = chosen.id
                // In the browser, a relink shows where it goes and waits for 确认改挂.
                if !isJSON && form["confirmed"] != "1" {
                    var from: Project?
                    if let current = try await database.assessment(ofItem: id)?.link?.projectID {
                        from = try await database.project(id: current)
                    }
                    func details(_ project: Project) -> String {
                        (["主管部门 \(project.department)"]
                            + [project.township.map { "属地 \($0)" }, project.contractor.map { "施工单位 \($0)" }]
                            .compactMap { $0 }).joined(separator: " · ")
                    }
                    return try html(
                        "relink", title: "确认改挂", session: session, path: "/items/\(Self.percentEncoded(id))/review",
                        model: RelinkPreview(
                            itemID: LinkID(id), targetID: LinkID(chosen.id), target: "\(chosen.id) \(chosen.name)",
                            targetDetails: details(chosen), from: from.map { "\($0.id) \($0.name)（\(details($0))）" },
                            reason: form.text("reason") ?? "", preset: form.text("preset") ?? "", seen: form["seen"] ?? "",
                            copies: form["copies"] == "story", next: form["next"] != nil))
                }
            }
            // 同一事件一并处理: the story's other items no one has decided, with this one.
            let copies = form["copies"] == "story" ? try await storyCopies(of: id) : []
            // Without `seen`, a decision is taken only as the item's first: a client that
            // changes a decision says which state it saw.
            let decidedCopies = try await database.review(
                itemID: id, action: action, projectID: projectID, reason: reason, by: session.account,
                now: now(), claimLease: settings.claimLease, seen: try seenDecisions(form) ?? 0, copies: copies)
            // The register takes the decision in at once: the next page shows it (at a
            // million items the register takes seconds; the answer waits `decisionWait` at
            // most, and the queue leaves the item out meanwhile).
            let asked = await keeper.refresh(waitingAtMost: settings.decisionWait)
            for decided in [id] + decidedCopies { reviews.decided(decided, before: asked) }
            if isJSON { return try json(ReviewAnswer(ok: true, copies: decidedCopies.count)) }
            let saved = "saved=\(action.rawValue)" + (decidedCopies.isEmpty ? "" : "&copies=\(decidedCopies.count)")
            // 提交并下一条: on to the most urgent item left that no one else holds.
            if form["next"] != nil {
                guard let next = try await nextQueueItem(after: id, for: session.account) else { return redirect(to: "/queue") }
                return redirect(to: "/items/\(Self.percentEncoded(next))?\(saved)")
            }
            return redirect(to: "/items/\(Self.percentEncoded(id))?\(saved)")
        }
    }

    /// What a relink will do, before it is done: the project it goes to and the one it
    /// leaves, and the form again (its fields kept) to confirm.
    struct RelinkPreview: Codable, Sendable {
        var itemID: LinkID
        var targetID: LinkID
        var target: String
        var targetDetails: String
        /// The project the item is linked to now, if any.
        var from: String?
        var reason: String
        var preset: String
        var seen: String
        var copies: Bool
        var next: Bool
    }

    /// A decision's answer to a JSON client: done, and how many copies of the story with it.
    struct ReviewAnswer: Encodable {
        var ok: Bool
        var copies: Int
    }

    /// The other items of `id`'s story, as the register counts them for the linked project
    /// (at most 50), that no reviewer has decided.
    func storyCopies(of id: String) async throws -> [String] {
        let snapshot = try await snapshot()
        guard let projectID = try await database.assessment(ofItem: id)?.link?.projectID,
            let spread = snapshot.project(projectID)?.stories.first(where: { $0.items.contains(id) })
        else { return [] }
        return try await database.undecided(Array(spread.items.filter { $0 != id }.prefix(50)))
    }

    /// Reasons clerks often give, offered beside the reason box.
    static let commonReasons = [
        "内容属实，关联项目正确", "非欠薪诉求", "外地发生，非本市事件", "重复反映，已在他件中处理", "广告、转载或与本市无关",
        "实为工程款、材料款或租金纠纷", "已电话核实，工资已结清", "已转交属地跟进", "已回访信访人",
    ]

    /// The most urgent queue item after `id` that is not decided since the snapshot and
    /// not held by another reviewer; nil when none is left.
    func nextQueueItem(after id: String, for account: Account) async throws -> String? {
        let snapshot = try await snapshot()
        let pending = reviews.decidedAfter(snapshot.generation)
        var candidates: [String] = []
        for entry in snapshot.queue where entry.candidate.itemID != id && !pending.contains(entry.candidate.itemID) {
            candidates.append(entry.candidate.itemID)
            if candidates.count == 50 { break }
        }
        let claims = try await database.claims(of: candidates, now: now(), lease: settings.claimLease)
        return candidates.first { claims[$0].map { $0.account == account.name } ?? true }
    }

    /// The `seen` field of a claim or decision: the number of decisions the page showed.
    func seenDecisions(_ form: FormFields) throws -> Int? {
        guard let text = form["seen"] else { return nil }
        guard let seen = Int(text), seen >= 0 else { throw WebError.badRequest("字段 seen 应为非负整数") }
        return seen
    }

    /// Decisions are for what the scorer called a signal, and for taking back one made
    /// before: the same rule the item page follows when it offers the form.
    func checkReviewable(_ id: String) async throws {
        guard let stored = try await database.assessment(ofItem: id) else { throw StoreError.missingItem(id) }
        let decided = try await database.decisionCount(itemID: id) > 0
        guard stored.assessment.isSignal || decided else {
            throw WebError(status: .conflict, message: "此线索未被判为欠薪信号，不在审核范围")
        }
    }

    /// The queue's filters and tab, kept for the clerk between visits.
    static let queueFilters = FilterMemory(
        cookie: "__Host-ww_queue", names: ["tab", "project", "department", "flag", "channel", "sort"])

    /// The queue's orders: urgency (level, then the petitions' deadlines), or a column's.
    static let queueSorts: Set<String> = ["urgency", "time", "deadline", "channel", "project", "department"]

    /// The worklist's tabs: everything, the day's, the reader's claims, and the signals
    /// linked to no project (待关联).
    enum QueueTab: String, CaseIterable {
        case all = ""
        case today, mine, unlinked

        var label: String {
            switch self {
            case .all: "全部"
            case .today: "今日"
            case .mine: "我认领的"
            case .unlinked: "待关联"
            }
        }
    }

    func queuePage(_ request: Request, account: Account) async throws -> QueuePage {
        let snapshot = try await snapshot()
        let query = request.query
        let project = query.text("project") ?? ""
        let department = query.text("department") ?? ""
        let flag = try flagFilter(request)
        let channel = query.text("channel")
        guard let tab = QueueTab(rawValue: query.text("tab") ?? "") else { throw WebError.badRequest("没有这个分页签（字段 tab）") }
        var positions = snapshot.queueIndex.positions(project: project, department: department, flag: flag, channel: channel)
        let mine = try await database.claimedItems(by: account.name, now: now(), lease: settings.claimLease)
        let index = snapshot.queueIndex
        let mineCount = snapshot.queue.lazy.filter { mine.contains($0.candidate.itemID) }.count
        // A tab keeps the filters; 全部 is asked for by name (the bare address opens the kept filters).
        let kept = ["project", "department", "flag", "channel"].compactMap { name in
            query.text(name).map { "&\(name)=\(Self.percentEncoded($0))" }
        }.joined()
        let tabs = QueueTab.allCases.map { each in
            let count: Int =
                switch each {
                case .all: snapshot.queue.count
                case .today: index.today.count
                case .mine: mineCount
                case .unlinked: index.unlinked.count
                }
            return QueuePage.Tab(
                label: each.label, href: "/queue?tab=\(each.rawValue)\(kept)", count: count, selected: each == tab)
        }
        if tab != .all {
            let within: (Int) -> Bool
            switch tab {
            case .today: within = Set(index.today).contains
            case .unlinked: within = Set(index.unlinked).contains
            case .mine: within = { mine.contains(snapshot.queue[$0].candidate.itemID) }
            case .all: within = { _ in true }
            }
            positions = (positions ?? Array(snapshot.queue.indices)).filter(within)
        }
        // Another order than urgency, when a column head asks for one (urgency breaks ties).
        let sort = query.text("sort") ?? "urgency"
        guard Self.queueSorts.contains(sort) else { throw WebError.badRequest("不能按此排序：\(sort.prefix(40))") }
        if sort != "urgency" {
            let queue = snapshot.queue
            func before(_ a: Int, _ b: Int) -> Bool {
                let (x, y) = (queue[a], queue[b])
                switch sort {
                case "time" where x.candidate.at != y.candidate.at: return x.candidate.at > y.candidate.at
                case "deadline" where x.deadline != y.deadline:
                    return (x.deadline.map { $0.ordinal } ?? .max) < (y.deadline.map { $0.ordinal } ?? .max)
                case "channel" where x.candidate.channel != y.candidate.channel:
                    return (x.candidate.channel ?? "\u{10FFFF}") < (y.candidate.channel ?? "\u{10FFFF}")
                case "project" where x.candidate.projectID != y.candidate.projectID:
                    return (x.candidate.projectID ?? "\u{10FFFF}") < (y.candidate.projectID ?? "\u{10FFFF}")
                case "department" where x.department != y.department: return (x.department ?? "\u{10FFFF}") < (y.department ?? "\u{10FFFF}")
                default: return a < b
                }
            }
            positions = (positions ?? Array(queue.indices)).sorted(by: before)
        }
        let total = positions?.count ?? snapshot.queue.count
        var levels = snapshot.queueLevels
        if let positions {
            levels = [:]
            for position in positions { levels[snapshot.queue[position].candidate.level, default: 0] += 1 }
        }
        // Items decided since this snapshot was made wait for the next one; left out here.
        let pending = reviews.decidedAfter(snapshot.generation)
        let pager = try pager(request, total: total)
        let shown = pager.rows.map { snapshot.queue[positions?[$0] ?? $0] }.filter { !pending.contains($0.candidate.itemID) }
        let ids = shown.map(\.candidate.itemID)
        let headlines = Dictionary(
            try await database.headlines(of: ids).map { ($0.itemID, $0) },
            uniquingKeysWith: { first, _ in first })
        let claims = try await database.claims(of: ids, now: now(), lease: settings.claimLease)
        let channels = snapshot.queueChannels
        var filters = query.values.filter {
            ["project", "department", "flag", "channel", "tab", "sort"].contains($0.key) && !$0.value.isEmpty
        }
        .map { "\($0.key)=\(Self.percentEncoded($0.value))" }
        filters.sort()
        let today = snapshot.asOf
        let unsorted = filters.filter { !$0.hasPrefix("sort=") }
        var page = QueuePage(
            asOf: snapshot.asOf.description, tabs: tabs, tab: tab.rawValue, hasTab: tab != .all,
            levels: SignalLevel.allCases.reversed().compactMap { level in
                levels[level].map { QueuePage.LevelCount(label: Labels.level(level), levelClass: level.rawValue, count: $0) }
            },
            project: project, department: department,
            departmentOptions: snapshot.queueIndex.byDepartment.keys.sorted().map {
                Option(value: $0, label: $0, selected: $0 == department)
            },
            flagOptions: RiskFlag.allCases.map { Option(value: $0.rawValue, label: $0.label, selected: $0 == flag) },
            channelOptions: channels.map { Option(value: $0, label: Labels.channel($0), selected: $0 == channel) },
            rows: shown.map { entry in
                let candidate = entry.candidate
                return QueueRow(
                    itemID: LinkID(candidate.itemID), at: Labels.time(candidate.at), kind: Labels.kind(candidate.kind),
                    channel: Labels.channel(candidate.channel), title: headlines[candidate.itemID]?.title ?? "",
                    projectID: candidate.projectID.map(LinkID.init), projectName: entry.projectName, department: entry.department ?? "",
                    flags: entry.flagLabels, band: Labels.band(candidate.band),
                    level: Labels.level(candidate.level), levelClass: candidate.level.rawValue,
                    deadline: entry.deadline.map { Self.deadlineText($0, today: today) } ?? "",
                    overdue: entry.deadline.map { $0 < today } ?? false, claimedBy: claims[candidate.itemID]?.account)
            },
            total: total, page: pager.page, pages: pager.pages, previousPage: pager.previous,
            nextPage: pager.next, query: filters.joined(separator: "&"))
        page.sort = sort
        for key in Self.queueSorts {
            page.sortLinks[key] = "/queue?" + (unsorted + ["sort=\(key)"]).joined(separator: "&")
            page.sortedBy[key] = key == sort
        }
        return page
    }

    /// A petition's 办理期限 as the worklist shows it: the day, and 剩 N 日 (今日到期) or 已超期 N 日.
    static func deadlineText(_ deadline: Day, today: Day) -> String {
        let left = deadline.ordinal - today.ordinal
        let day = String(format: "%02d-%02d", deadline.month, deadline.day)
        return left > 0 ? "\(day) 剩 \(left) 日" : left == 0 ? "\(day) 今日到期" : "\(day) 已超期 \(-left) 日"
    }

    func itemPage(id: String, session: WebSession, saved: String? = nil) async throws -> ItemPage {
        guard let item = try await database.item(id: id) else { throw WebError.notFound("线索 \(id)") }
        let stored = try await database.assessment(ofItem: id)
        let personal = Self.seesPersonalData.contains(session.account.role)
        let masked = try await database.maskedText(ofItem: id)
        let title = personal ? item.title : masked?.title ?? ""
        let content = personal ? item.content : masked?.content ?? ""
        let terms = stored?.assessment.matchedTerms ?? []
        let snapshot = try await snapshot()
        let link = stored?.link
        let entry = link.flatMap { snapshot.project($0.projectID) }
        // The story and its copies, as the register counts them for the linked project.
        let spread = entry?.stories.first { $0.items.contains(id) }
        let copyIDs = spread?.items ?? [id]
        let copies = try await database.headlines(of: Array(copyIDs.prefix(50))).map {
            ItemPage.Copy(
                itemID: LinkID($0.itemID), title: $0.title, at: Labels.time($0.at), channel: Labels.channel($0.channel),
                current: $0.itemID == id)
        }
        // For every role but the petition bureau's, the petitioner's name and numbers are
        // masked wherever free text may hold them: fields, sites, reviewers' reasons.
        let details = [item.petitioner, item.phone].compactMap { $0 }
        func shown(_ text: String) -> String { personal ? text : self.masked(text, details: details) }
        func shown(_ text: String?) -> String? { text.map(shown) }
        let entries = try await database.auditEntries(itemID: id)
        // A reason may name another item's petitioner too: hidden from the same readers.
        let others = personal ? [] : try await otherPetitioners(in: entries.map(\.reason))
        let history = entries.map {
            ItemPage.History(
                at: Labels.time($0.at), account: $0.account, action: $0.actionLabel,
                reason: personal ? $0.reason : self.masked($0.reason, details: details + others), projectID: $0.projectID ?? "")
        }
        let evidence = try await linkEvidence(link, history: entries)
        // A petition's 办理期限, from the day it came and its channel's limit.
        var petitionDeadline: (text: String, overdue: Bool)?
        if item.kind == .petition, let at = item.publishedAt {
            let limit = snapshot.rules.petitionDeadline(channel: item.channel)
            let received = Day(containing: at)
            let last = snapshot.rules.adding(limit, to: received)
            petitionDeadline =
                item.closedAt.map { ("\(limit)，\(Labels.time($0)) 已办结", false) }
                ?? ("\(limit)（\(received) 起）：\(Self.deadlineText(last, today: snapshot.asOf))", last < snapshot.asOf)
        }
        let claim = try await database.claims(of: [id], now: now(), lease: settings.claimLease)[id]
        let undecidedCopies = session.account.role == .petition ? try await database.undecided(copyIDs.filter { $0 != id }).count : 0
        // Decisions are for signals (and for taking back one made before).
        let reviewed = entries.contains { ReviewAction(rawValue: $0.action) != nil }
        let canReview = session.account.role == .petition && (stored.map { $0.assessment.isSignal || reviewed } ?? false)
        return ItemPage(
            itemID: LinkID(id), kind: Labels.kind(item.kind), channel: Labels.channel(item.channel),
            at: Labels.time(item.publishedAt), url: shown(item.url), author: shown(item.author), personalData: personal,
            petitioner: personal ? item.petitioner : nil, phone: personal ? item.phone : nil,
            respondent: shown(item.respondent), location: shown(item.location), people: item.people,
            amount: item.amount.map(Labels.amount), status: Labels.petitionStatus(item.status),
            deadline: petitionDeadline.map(\.text), overdue: petitionDeadline?.overdue ?? false, handlingUnit: shown(item.handlingUnit),
            title: Self.highlight(title, terms: terms), content: Self.highlight(content, terms: terms), matchedTerms: terms,
            isSignal: stored?.assessment.isSignal ?? false, level: Labels.level(stored?.assessment.level),
            score: stored.map { Labels.number($0.assessment.score) } ?? "—",
            claim: stored.map { Labels.claim($0.assessment.claim) } ?? "—",
            rules: (stored?.assessment.firedRules ?? []).map { ItemPage.Rule(id: $0, title: ruleTitles[$0] ?? $0) },
            projectID: link.map { LinkID($0.projectID) }, projectName: entry?.name, band: Labels.band(link?.band),
            confidence: link.map { String(format: "%.2f", $0.confidence) },
            evidence: evidence.map { ItemPage.Evidence(kind: $0.kind, text: shown($0.text)) },
            sites: (stored?.sites ?? []).map(shown), story: stored?.storyKey ?? "", copies: copies, history: history,
            claimedBy: claim?.account, claimedAt: claim.map { Labels.time($0.claimedAt) },
            claimedUntil: claim.map { Labels.time($0.claimedAt.addingTimeInterval(settings.claimLease)) },
            claimedByOther: claim.map { $0.account != session.account.name } ?? false,
            ownClaim: claim?.account == session.account.name, saved: saved, reasonOptions: Self.commonReasons,
            canReview: canReview,
            actions: ReviewAction.allCases.filter { $0 != .followedUp || item.kind == .petition }
                .map { Option(value: $0.rawValue, label: $0.label, selected: false) },
            reviewed: reviewed,
            decisions: entries.filter { ReviewAction(rawValue: $0.action) != nil }.count, undecidedCopies: undecidedCopies,
            hasUndecidedCopies: undecidedCopies > 0,
            mayOpenCase: session.account.caseActor?.supervises == true, mayRecord: session.account.role == .cyberspace)
    }

    /// Why the item is the linked project's: what the scorer found of that project in the
    /// text, and the clerk's relink when there was one. The scorer's evidence is of the
    /// project it chose; after a relink only the part that fits the project now linked is
    /// shown, never the old project's.
    func linkEvidence(_ link: ProjectLink?, history: [AuditEntry]) async throws -> [(kind: String, text: String)] {
        guard let link else { return [] }
        var shown: [(kind: String, text: String)] = []
        if let relink = history.first(where: { $0.action == ReviewAction.relink.rawValue && $0.projectID == link.projectID }) {
            shown.append(("人工改挂", "\(relink.account) 于 \(Labels.time(relink.at)) 改挂到本项目：\(relink.reason)"))
        }
        let fields: [String]
        if let project = try await database.project(id: link.projectID) {
            fields =
                [project.id, project.name, project.builder, project.contractor, project.township].compactMap { $0 }
                + project.aliases + project.subcontractors
        } else {
            fields = []
        }
        for found in link.evidence where fields.contains(where: { $0.contains(found.text) || found.text.contains($0) }) {
            shown.append((Labels.mention(found.kind), found.text))
        }
        return shown
    }

    /// `text` cut into pieces, those that are one of `terms` marked (longest term first at
    /// each place); the template escapes every piece.
    static func highlight(_ text: String, terms: [String]) -> [Segment] {
        let terms = Set(terms.filter { !$0.isEmpty }).sorted { $0.count > $1.count }
        guard !terms.isEmpty else { return [Segment(text: text, mark: false)] }
        var segments: [Segment] = []
        var plain = ""
        var index = text.startIndex
        outer: while index < text.endIndex {
            for term in terms where text[index...].hasPrefix(term) {
                if !plain.isEmpty { segments.append(Segment(text: plain, mark: false)) }
                plain = ""
                let end = text.index(index, offsetBy: term.count)
                segments.append(Segment(text: String(text[index..<end]), mark: true))
                index = end
                continue outer
            }
            plain.append(text[index])
            index = text.index(after: index)
        }
        if !plain.isEmpty { segments.append(Segment(text: plain, mark: false)) }
        return segments
    }
}

struct ProjectsPage: Codable, Sendable {
    var q: String
    var projects: [ProjectSummary]
}

/// A project in a list: id, name, department.
struct ProjectSummary: Codable, Sendable {
    var projectID: LinkID
    var name: String
    var department: String
    var township: String?
    var aliases: String

    init(_ project: Project) {
        projectID = LinkID(project.id)
        name = project.name
        department = project.department
        township = project.township
        aliases = project.aliases.joined(separator: "、")
    }
}
