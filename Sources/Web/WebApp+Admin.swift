import Foundation
import HTTPTypes
import Hummingbird
import Ingest
import Model
import Monitor
import Register
import Scoring
import Store

/// Sources (feed health), search, the audit log and accounts.
extension WebApp {
    struct SourcesPage: Codable, Sendable {
        struct Feed: Codable, Sendable {
            struct Day: Codable, Sendable {
                var day: String
                var count: Int
            }
            var feedID: String
            var lastAttempt: String
            var lastSuccess: String
            var lastError: String?
            var errorCount: Int
            var warning: String?
            var days: [Day]
        }
        var feeds: [Feed]
        var snapshotMadeAt: String
        var snapshotError: String?
    }

    struct SearchPage: Codable, Sendable {
        struct Hit: Codable, Sendable {
            var itemID: LinkID
            var at: String
            var kind: String
            var channel: String
            var title: [WebApp.Segment]
            var band: String
            var projectID: String?
            /// Found by its case number, petitioner or phone (the petition bureau's lookup).
            var personal: Bool
        }
        var q: String
        var searched: Bool
        var note: String?
        var count: Int
        var results: [Hit]
        /// What to try when nothing was found.
        var suggestions: [String]
        var hasResults: Bool
        var hasSuggestions: Bool

        init(q: String, searched: Bool, note: String?, count: Int, results: [Hit], suggestions: [String]) {
            self.q = q
            self.searched = searched
            self.note = note
            self.count = count
            self.results = results
            self.suggestions = suggestions
            hasResults = !results.isEmpty
            hasSuggestions = !suggestions.isEmpty
        }
    }

    struct AuditPage: Codable, Sendable {
        struct Line: Codable, Sendable {
            var at: String
            var account: String
            var role: String
            var action: String
            var itemID: LinkID?
            var projectID: String?
            var reason: String
            /// A login's address (kept in the line's reason), in a column of its own.
            var address: String
        }
        var entries: [Line]
        var page: Int
        var previousPage: Int?
        var nextPage: Int?
        var account: String
        var from: String
        var until: String
        var kindOptions: [Option]
        /// The filters, for the pager's and the export's links.
        var query: String
    }

    /// What the audit log shows by kind: the work (all but logins, by default), or one kind.
    enum AuditKind: String, CaseIterable {
        case work = ""
        case decisions, claims, records, cases, accounts, logins

        var label: String {
            switch self {
            case .work: "工作记录（不含登录）"
            case .decisions: "审核决定"
            case .claims: "认领与释放"
            case .records: "舆情处置"
            case .cases: "督办"
            case .accounts: "账号管理"
            case .logins: "登录、退出与失败登录"
            }
        }

        static let loginActions = ["login", "logout", "login_failed"]

        var filter: AppDatabase.AuditFilter {
            switch self {
            case .work: AppDatabase.AuditFilter(excludedActions: Self.loginActions)
            case .decisions: AppDatabase.AuditFilter(actions: ReviewAction.allCases.map(\.rawValue))
            case .claims: AppDatabase.AuditFilter(actions: ["claim", "release"])
            case .records: AppDatabase.AuditFilter(actions: ["item_handled", "item_responded", "item_note"])
            case .cases:
                AppDatabase.AuditFilter(
                    actions: ["open", "sign", "reply", "request_extension", "decide_extension", "close", "return", "reopen"].map {
                        "case_" + $0
                    })
            case .accounts:
                AppDatabase.AuditFilter(
                    actions: ["account_disabled", "account_enabled", "password_reset", "account_deleted", "account_unlocked"])
            case .logins: AppDatabase.AuditFilter(actions: Self.loginActions)
            }
        }
    }

    /// The audit log's filters from the address: kind, person, days (Beijing time).
    func auditFilter(_ request: Request) throws -> (kind: AuditKind, filter: AppDatabase.AuditFilter, query: String) {
        let query = request.query
        guard let kind = AuditKind(rawValue: query.text("kind") ?? "") else { throw WebError.badRequest("没有这类记录（字段 kind）") }
        var filter = kind.filter
        filter.account = query.text("account")
        func day(_ name: String) throws -> Day? {
            guard let text = query.text(name) else { return nil }
            guard let day = Day(text) else { throw WebError.badRequest("日期应写作 2024-12-31（字段 \(name)）") }
            return day
        }
        filter.from = try day("from")?.start
        filter.until = try day("until")?.adding(days: 1).start
        let kept = query.values.filter { ["kind", "account", "from", "until"].contains($0.key) && !$0.value.isEmpty }
            .map { "\($0.key)=\(Self.percentEncoded($0.value))" }.sorted()
        return (kind, filter, kept.joined(separator: "&"))
    }

    struct AccountsPage: Codable, Sendable {
        struct Line: Codable, Sendable {
            var name: String
            var role: String
            var createdAt: String
            var status: String
            var disabled: Bool
            /// The administrator's own account: not stopped or removed from this page.
            var own: Bool
        }
        var accounts: [Line]
        var done: String?
    }

    /// The alerts' outbox for the administrator: what was sent, failed or waits (titles are
    /// the masked ones; an error never holds a channel's address or key).
    struct AlertsPage: Codable, Sendable {
        struct Line: Codable, Sendable {
            var at: String
            var state: String
            var failed: Bool
            var channel: String
            var kind: String
            var level: String
            var title: String
            var eventID: String
            var attempts: Int
            var error: String?
        }
        var lines: [Line]
        var stateOptions: [Option]
        var pending: Int
        var failed: Int
    }

    func addAdminRoutes(to router: Router<WebContext>) {
        page(router, "/alerts", roles: Self.roles(of: "/alerts"), template: "alerts", title: "预警推送") { request, _, _ in
            let query = request.query
            var state: AlertDelivery.State?
            if let text = query.text("state") {
                guard let chosen = AlertDelivery.State(rawValue: text) else { throw WebError.badRequest("没有这种状态：\(text)") }
                state = chosen
            }
            let lines = try await database.alertLog(limit: 200, state: state)
            return AlertsPage(
                lines: lines.map {
                    AlertsPage.Line(
                        at: Labels.time($0.sentAt ?? $0.nextAt), state: $0.state.label, failed: $0.state == .failed, channel: $0.channel,
                        kind: $0.event.kind.label, level: $0.event.level.label, title: $0.event.title, eventID: $0.event.id,
                        attempts: $0.attempts, error: $0.lastError ?? $0.summary.map { "汇总于 \($0)" })
                },
                stateOptions: AlertDelivery.State.allCases.map { Option(value: $0.rawValue, label: $0.label, selected: $0 == state) },
                pending: try await database.alertCount(state: .pending), failed: try await database.alertCount(state: .failed))
        }
        // Feed states change only with a commit, which makes a new snapshot: cached with it
        // (counting a day's items per feed reads every item).
        page(router, "/sources", roles: Self.roles(of: "/sources"), template: "sources", title: "数据源", cached: true) { _, _, _ in
            let now = now()
            let today = Day(containing: now)
            let since = today.adding(days: -13)
            let counts = try await database.itemsPerFeedAndDay(since: since.start)
            let states = try await database.feedStates()
            let catalog = (try? FeedCatalog.load(directory: monitor.feedsDirectory).feeds.map(\.id)) ?? []
            let ids = Set(catalog).union(states.keys).union(counts.keys).sorted()
            let snapshot = keeper.current
            return SourcesPage(
                feeds: ids.map { id in
                    let state = states[id]
                    return SourcesPage.Feed(
                        feedID: id, lastAttempt: Labels.time(state?.lastAttempt), lastSuccess: Labels.time(state?.lastSuccess),
                        lastError: state?.lastError, errorCount: state?.errorCount ?? 0,
                        warning: state?.healthWarning(at: now),
                        days: (0..<14).map { offset in
                            let day = since.adding(days: offset)
                            return SourcesPage.Feed.Day(day: "\(day.month)/\(day.day)", count: counts[id]?[day] ?? 0)
                        })
                },
                snapshotMadeAt: Labels.time(snapshot?.madeAt), snapshotError: keeper.lastError)
        }
        page(router, "/search", roles: Self.roles(of: "/search"), template: "search", title: "检索") { request, _, session in
            let text = request.query.text("q") ?? ""
            guard !text.isEmpty else {
                return SearchPage(q: "", searched: false, note: nil, count: 0, results: [], suggestions: [])
            }
            guard text.count <= 100 else { throw WebError.badRequest("检索词不能超过 100 字（字段 q）") }
            // The petition bureau also finds a petition by its case number, petitioner or
            // phone, from the stored fields; every other role the masked index only.
            let personal =
                session.account.role == .petition ? try await database.petitionsByPersonalKey(text, limit: 50) : []
            let indexed = try await database.search(text, limit: 100, fold: fold)
            let ids = personal + indexed.filter { !personal.contains($0) }
            let note = SearchTextNote.note(for: text)
            let found = Set(personal)
            let hits = try await database.headlines(of: ids).map {
                SearchPage.Hit(
                    itemID: LinkID($0.itemID), at: Labels.time($0.at), kind: Labels.kind($0.kind),
                    channel: Labels.channel($0.channel), title: Self.highlight($0.title, terms: [text]), band: Labels.band($0.band),
                    projectID: $0.projectID, personal: found.contains($0.itemID))
            }
            return SearchPage(
                q: text, searched: true, note: note, count: ids.count, results: hits,
                suggestions: ids.isEmpty ? Self.searchSuggestions(for: session.account.role) : [])
        }
        page(router, "/audit", roles: Self.roles(of: "/audit"), template: "audit", title: "操作日志") { request, _, _ in
            let page = try pageNumber(request)
            let size = settings.pageSize
            let (kind, filter, query) = try auditFilter(request)
            let entries = Array(
                try await database.auditEntries(filter: filter, limit: size + 1, offset: (page - 1) * size).prefix(size))
            let masked = try await maskedReasons(entries)
            let asked = request.query
            return AuditPage(
                entries: masked.map(Self.auditLine), page: page,
                previousPage: page > 1 ? page - 1 : nil, nextPage: entries.count > size ? page + 1 : nil,
                account: asked.text("account") ?? "", from: asked.text("from") ?? "", until: asked.text("until") ?? "",
                kindOptions: AuditKind.allCases.map { Option(value: $0.rawValue, label: $0.label, selected: $0 == kind) },
                query: query)
        }
        route(router, .get, "/audit.csv") { request, _ in
            try await answer(request, roles: Self.roles(of: "/audit"), json: false) { _ in
                let (_, filter, _) = try auditFilter(request)
                var rows = [["时间", "账号", "角色", "操作", "线索", "项目", "理由", "地址"]]
                rows += try await maskedReasons(try await database.auditEntries(filter: filter)).map {
                    let line = Self.auditLine($0)
                    return [line.at, line.account, line.role, line.action, $0.itemID ?? "", $0.projectID ?? "", line.reason, line.address]
                }
                return Self.download("wagewatch-audit", csv: ExcelCSV.document(rows))
            }
        }
        page(router, "/accounts", roles: Self.roles(of: "/accounts"), template: "accounts", title: "账号") { request, _, session in
            AccountsPage(
                accounts: try await database.accounts().map {
                    AccountsPage.Line(
                        name: $0.name, role: $0.role.label, createdAt: Labels.time($0.createdAt),
                        status: $0.disabledAt.map { "已停用（\(Labels.time($0))）" } ?? "可用", disabled: $0.disabledAt != nil,
                        own: $0.name == session.account.name)
                },
                done: request.query.text("done").flatMap(Self.accountActionDone))
        }
        // What the CLI's `user disable|enable|unlock|delete` does, for the administrator in
        // the browser, audited under their name; never to their own account.
        action(router, "/accounts/action", roles: [.admin]) { _, _, session, form, isJSON in
            guard let name = form.text("name") else { throw WebError.badRequest("请指明账号（字段 name）") }
            let change: AppDatabase.AccountChange
            switch form["action"] ?? "" {
            case "disable": change = .disable
            case "enable": change = .enable
            case "unlock": change = .unlock(throttleKey: Self.throttleKey(name))
            case "delete":
                guard form["confirm"] == name else { throw WebError.badRequest("删除账号须再次输入账号名确认（字段 confirm）") }
                change = .delete
            default: throw WebError.badRequest("没有这种账号操作（字段 action）")
            }
            if name == session.account.name, form["action"] == "disable" || form["action"] == "delete" {
                throw WebError(status: .conflict, message: "不能停用或删除自己正在使用的管理员账号")
            }
            do {
                try await database.change(account: name, change, by: session.account.name, now: now())
            } catch StoreError.noAccount {
                throw WebError.notFound("账号 \(name)")
            }
            let action = form["action"] ?? ""
            return isJSON ? try json(["ok": true]) : redirect(to: "/accounts?done=\(action)")
        }
    }

    /// What to try when a search found nothing.
    static func searchSuggestions(for role: Role) -> [String] {
        ["换一个更短的词（两个字以上即可）", "换个说法：欠薪、拖欠工资、讨薪、工钱、血汗钱", "写工地或项目名称的一部分：实验小学、安置房、标准厂房"]
            + (role == .petition ? ["按信访件编号（如 XF-2024-1201）、信访人姓名或电话查找"] : [])
    }

    static func accountActionDone(_ action: String) -> String? {
        switch action {
        case "disable": "已停用账号"
        case "enable": "已启用账号"
        case "unlock": "已解除登录锁定"
        case "delete": "已删除账号"
        default: nil
        }
    }

    /// Reviewers' reasons may name the petitioner (these pages are leaders' and admins'):
    /// masked with the details of each line's item, and with any other petitioner's name
    /// the store holds (a reason may name another item's petitioner).
    func maskedReasons(_ entries: [AuditEntry]) async throws -> [AuditEntry] {
        let details = try await database.personalDetails(ofItems: entries.compactMap(\.itemID))
        let others = try await otherPetitioners(in: entries.map(\.reason))
        return entries.map { entry in
            var entry = entry
            entry.reason = masked(entry.reason, details: (entry.itemID.flatMap { details[$0] } ?? []) + others)
            return entry
        }
    }

    /// The petitioners' names (any the store holds) that `texts` contain.
    func otherPetitioners(in texts: [String]) async throws -> [String] {
        try await petitionerNames.found(
            in: texts, generation: try await snapshot().generation, database: database, variants: nameVariants)
    }

    static func auditLine(_ entry: AuditEntry) -> AuditPage.Line {
        AuditPage.Line(
            at: Labels.time(entry.at), account: entry.account,
            role: Role(rawValue: entry.role)?.label ?? entry.role, action: entry.actionLabel,
            itemID: entry.itemID.map(LinkID.init), projectID: entry.projectID,
            reason: AuditKind.loginActions.contains(entry.action) ? "" : entry.reason,
            address: AuditKind.loginActions.contains(entry.action) ? entry.reason : "")
    }
}

/// What the search page says about a query it handles specially.
enum SearchTextNote {
    static func note(for text: String) -> String? {
        SearchText.query(text) == nil ? "单字检索只查最近的 20000 条线索" : nil
    }
}
