import Foundation
import HTTPTypes
import Hummingbird
import Model
import Mustache
import Register
import Scoring
import Store

/// The register's pages: the daily list (网信办), the register and the scorecard (leaders),
/// a project with its timeline.
extension WebApp {
    struct FlagLine: Codable, Sendable {
        var flag: String
        var label: String
        var reason: String
        var items: [LinkID]
        var reports: [String]
    }

    struct ProjectLine: Codable, Sendable {
        var projectID: LinkID
        var name: String
        var department: LinkID
        var township: String?
        var sensitive: Bool
        var flags: String
        var reported: String
        var petitions: Int
        var posts: Int
        var stories: Int
        var score: String

        init(_ entry: RegisterReport.ProjectEntry) {
            projectID = LinkID(entry.projectID)
            name = entry.name
            department = LinkID(entry.department)
            township = entry.township
            sensitive = entry.sensitive
            flags = entry.flags.map(\.label).joined(separator: "、")
            reported = entry.reported.label
            petitions = entry.signals.petitions
            posts = entry.signals.posts
            stories = entry.signals.stories
            score = Labels.number(entry.weightedScore)
        }
    }

    /// A timeline drawn as inline SVG: a title with its dates, a count axis with grid lines,
    /// bars with their values (when there is room), dates under the bars, the ledger rows as
    /// marks with a legend. Every figure is placed here; the template only writes them out.
    struct Chart: Codable, Sendable {
        struct Bar: Codable, Sendable {
            var x: String
            var y: String
            var width: String
            var height: String
            var label: String
            var value: Int
        }
        struct Mark: Codable, Sendable {
            var x: String
            var label: String
            var arrears: Bool
            /// How a date lines up with its x: `middle`; the span's first `start`, its last `end`.
            var anchor = "middle"
        }
        /// A text placed at a point (a bar's value, a count on the axis).
        struct Text: Codable, Sendable {
            var x: String
            var y: String
            var label: String
        }
        var width: Int
        var height: Int
        var title: String
        /// The plot's edges.
        var left: Int
        var right: Int
        var top: Int
        var bottom: Int
        /// Where the dates and the axis name go.
        var dateY: Int
        var middleY: Int
        var bars: [Bar]
        var values: [Text]
        var marks: [Mark]
        var axis: [Mark]
        var yTicks: [Text]
        var hasLegend: Bool
    }

    struct DailyPage: Codable, Sendable {
        struct Change: Codable, Sendable {
            var projectID: LinkID
            var name: String
            var department: String
            var label: String
            var reason: String

            init(_ change: DailyBrief.FlagChange) {
                projectID = LinkID(change.projectID)
                name = change.name
                department = change.department
                label = change.label
                reason = change.reason
            }
        }
        struct Riser: Codable, Sendable {
            var projectID: LinkID
            var name: String
            var department: String
            var previous: String
            var current: String
        }
        struct Story: Codable, Sendable {
            var projectID: LinkID
            var name: String
            var title: String
            var copies: Int
            var platforms: String
            var escalating: Bool
            var lastSeen: String
            /// The story's first item: its title links there.
            var itemID: LinkID?

            init(_ story: DailyBrief.Story) {
                projectID = LinkID(story.projectID)
                itemID = story.spread.items.first.map(LinkID.init)
                name = story.name
                title = story.title
                copies = story.spread.copies
                platforms = story.spread.platforms.map(Labels.channel).joined(separator: "、")
                escalating = story.escalating
                lastSeen = Labels.time(story.spread.lastSeen)
            }
        }
        var asOf: String
        var windowDays: Int
        var flaggedProjects: Int
        var escalatingProjects: Int
        var signalsToday: Int
        /// The first `DailyPage.shown` of each list; the counts tell how many in all.
        var newFlags: [Change]
        var newFlagCount: Int
        var clearedFlags: [Change]
        var clearedFlagCount: Int
        /// A list shows fewer rows than it has.
        var isCut: Bool
        var risers: [Riser]
        var topStories: [Story]
        var chart: Chart
        var sourceWarnings: [String]
        /// 督办 cases dispatched, reopened and overdue on the day (shown when there are any).
        var newCases: [DailyBrief.CaseLine] = []
        var reopenedCases: [DailyBrief.CaseLine] = []
        var overdueCases: [DailyBrief.CaseLine] = []
        var hasCases = false
        /// The day's new 危急 and 高 signals, the most urgent first (the web page's own list).
        var urgent: [Urgent] = []
        var urgentCount = 0
        var hasUrgent = false

        struct Urgent: Codable, Sendable {
            var itemID: LinkID
            var at: String
            var level: String
            var levelClass: String
            var channel: String
            var title: String
            var projectID: LinkID?
        }
    }

    /// An unregistered site as the register page lists it (its items linked).
    struct SiteLine: Codable, Sendable {
        var mention: LinkID
        var items: [LinkID]
        var township: String?
        var variants: [String]
        var firstSeen: Day?
        var lastSeen: Day?
        var onPlatform: Bool?

        init(_ entry: RegisterReport.UnregisteredEntry) {
            onPlatform = entry.onPlatform
            mention = LinkID(entry.mention)
            items = entry.items.map(LinkID.init)
            township = entry.township
            variants = entry.variants
            firstSeen = entry.firstSeen
            lastSeen = entry.lastSeen
        }
    }

    struct RegisterPage: Codable, Sendable {
        struct Column: Codable, Sendable {
            var label: String
            var href: String
            var sorted: Bool
            var title: String
        }
        var asOf: String
        var windowDays: Int
        /// The filters as given, and the choices offered.
        var filters = RegisterFilters()
        var flagOptions: [Option] = []
        var departmentOptions: [String] = []
        var townshipOptions: [String] = []
        var columns: [Column] = []
        /// The filters and order as a query, for the exports and the pages.
        var query = ""
        /// How the 分值 is made, under the rules in force.
        var scoreNote = ""
        var projects: [ProjectLine]
        var unregistered: [SiteLine]
        var total: Int
        var page: Int
        var pages: Int
        var previousPage: Int?
        var nextPage: Int?
        /// The wage office or a leader: each site links to opening a 督办 case on it.
        var mayOpenCase: Bool
    }

    struct ProjectPage: Codable, Sendable {
        struct Month: Codable, Sendable {
            var month: String
            /// 考勤人数 / 工日, or 未上平台.
            var attendance: String
            /// 专户代发 amount and day, with 应发 when given.
            var paid: String
            /// The payroll month of a platform flag (代发异常, 欠款类型存疑).
            var gap: Bool
            var onPlatform: Bool
            var ledger: String
            var signals: Int
        }
        struct Report: Codable, Sendable {
            var id: String
            var period: String
            var status: String
            var workers: Int?
            var owed: String?
            /// 工资 or 工程款 (empty when the row does not say), 已支付金额, 责任单位, 责任人.
            var type: String
            var paid: String
            var unit: String
            var person: String
            var filedOn: String
            var commitment: Bool
        }
        struct Line: Codable, Sendable {
            var itemID: LinkID
            var at: String
            var kind: String
            var channel: String
            var title: String
            var band: String
            var level: String
        }
        var projectID: LinkID
        var name: String
        var aliases: String
        var department: LinkID
        var township: String?
        var builder: String?
        var contractor: String?
        var subcontractors: String
        var funding: String
        var status: String
        var sensitive: Bool
        var reported: String
        /// Twelve months to the as-of day: the platform's attendance and payroll beside
        /// the ledger and the signals (empty without platform data for the project).
        var months: [Month]
        var hasMonths: Bool
        var flags: [FlagLine]
        var chart: Chart
        var reports: [Report]
        /// The ledger rows naming the project that an import sent back, with what they said.
        var rejected: [Rejected] = []
        var hasRejected = false
        var items: [Line]
        var asOf: String
        /// A responsible unit's view: its page is 本单位项目, and item pages are not its.
        var forUnit: Bool
        /// The wage office or a leader: a link opens a 督办 case on the project.
        var mayOpenCase: Bool
    }

    struct Rejected: Codable, Sendable {
        var file: String
        var row: Int
        var period: String
        var owed: String
        var workers: String
        var column: String
        var reason: String
    }

    struct ScorecardPage: Codable, Sendable {
        struct Line: Codable, Sendable {
            var department: LinkID
            var projects: Int
            var flagged: Int
            var underreported: Int
            var contradicted: Int
            var missing: Int
            var rejected: Int
            var late: Int
            /// 漏报率: the share of its projects flagged 疑似漏报 or 违背承诺 (what ranks it).
            var underreportingRate: String
            var underreporting: Int
            var barWidth: String
            /// 纳管率, 考勤率, 代发率 ("-" where nothing is counted) and the platform flags.
            var supervised: String
            var attendance: String
            var payroll: String
            var payrollGaps: Int
            var unfunded: Int
            var offPlatform: Int
            var typeMismatches: Int
            /// 督办: received, overdue now, closed on time, returned, reopened, median days to close ("-").
            var cases: CaseCounts
            var medianDaysToClose: String
            /// 较上月: the change of 漏报率 since the month before's last day, in points.
            var trend = "—"
            var trendTitle = ""
            /// `worse` (up), `better` (down) or empty.
            var trendClass = ""
        }
        var asOf: String
        /// The day 较上月 compares with.
        var monthEnd = ""
        var departments: [Line]
        var townships: [Line]
        /// The city imports the real-name platform's export: its columns are shown.
        var hasPlatform: Bool
        /// The city has 督办 cases: their columns are shown.
        var hasCases: Bool = false
    }

    struct DepartmentPage: Codable, Sendable {
        struct Rejected: Codable, Sendable {
            var file: String
            var row: Int
            var column: String?
            var reason: String
        }
        var department: String
        var asOf: String
        /// The unit's own page (本单位项目).
        var forUnit: Bool
        var projects: [ProjectLine]
        var rejected: [Rejected]
    }

    func addRegisterRoutes(to router: Router<WebContext>) {
        page(router, "/daily", roles: Self.roles(of: "/daily"), template: "daily", title: "欠薪风险日报", cached: true) { _, _, _ in
            try await dailyPage()
        }
        // The register and the scorecard to take away, as workbooks and CSV: the same
        // columns as the CLI's.
        for (path, name) in [("/register", "register"), ("/scorecard", "scorecard")] {
            for format in ["xlsx", "csv"] {
                route(router, .get, "\(path).\(format)") { request, _ in
                    try await answer(request, roles: Self.roles(of: path), json: false) { _ in
                        let snapshot = try await snapshot()
                        var register = snapshot.register
                        // The register's flagged projects as the page shows them: its filters and order.
                        if name == "register" { register.projects = try RegisterFilters(request).select(register.projects) }
                        let file = "wagewatch-\(name)-\(snapshot.asOf)"
                        let (departments, townships) = (register.departments, register.townships)
                        switch (name, format) {
                        case ("register", "xlsx"): return Self.download(file, xlsx: try RegisterRows.xlsx(register))
                        case ("register", _): return Self.download(file, csv: RegisterRows.csv(register))
                        case (_, "xlsx"):
                            return Self.download(file, xlsx: try ScorecardRows.xlsx(departments: departments, townships: townships))
                        default: return Self.download(file, csv: ScorecardRows.csv(departments: departments, townships: townships))
                        }
                    }
                }
            }
        }
        // The 日报 to take away: a workbook (a sheet per list), CSV, or the printable brief.
        for format in ["xlsx", "csv"] {
            route(router, .get, "/daily.\(format)") { request, _ in
                try await answer(request, roles: Self.roles(of: "/daily"), json: false) { _ in
                    let brief = try await snapshot().brief
                    let file = "wagewatch-daily-\(brief.asOf)"
                    return format == "xlsx" ? Self.download(file, xlsx: try brief.xlsx()) : Self.download(file, csv: brief.csv())
                }
            }
        }
        route(router, .get, "/daily/print") { request, _ in
            try await answer(request, roles: Self.roles(of: "/daily"), json: false) { _ in
                let snapshot = try await snapshot()
                let text = try DailyPrint.html(snapshot.brief, sourceHealth: snapshot.register.sourceHealth, issuer: settings.issuer)
                return Response(
                    status: .ok, headers: [.contentType: "text/html; charset=utf-8", .cacheControl: "no-store"],
                    body: .init(byteBuffer: ByteBuffer(string: text)))
            }
        }
        // The register and the scorecard as printable briefs under the official head, every row.
        route(router, .get, "/register/print") { request, _ in
            try await answer(request, roles: Self.roles(of: "/register"), json: false) { _ in
                let model = try await registerPage(request, session: nil, printing: true)
                return try printable("register-print", model: model, day: try await snapshot().asOf)
            }
        }
        route(router, .get, "/scorecard/print") { request, _ in
            try await answer(request, roles: Self.roles(of: "/scorecard"), json: false) { _ in
                let snapshot = try await snapshot()
                return try printable("scorecard-print", model: try await scorecardPage(snapshot), day: snapshot.asOf)
            }
        }
        page(
            router, "/register", roles: Self.roles(of: "/register"), template: "register", title: "风险台账", cached: true,
            remembering: Self.registerFilters
        ) { request, _, session in
            try await registerPage(request, session: session, printing: false)
        }
        // A responsible unit opens its own projects only: another's is not there for it.
        page(
            router, "/projects/:id", roles: Self.cityRoles.union([.department]), template: "project", title: "项目详情",
            cached: true, allow: unitOwnsProject
        ) { _, context, session in
            try await projectPage(
                id: try context.pathParameter("id"), forUnit: session.account.role == .department,
                mayOpenCase: session.account.caseActor?.supervises == true)
        }
        // 本单位项目: a responsible unit's projects, flagged first, and its rejected ledger rows.
        page(router, "/unit", roles: Self.roles(of: "/unit"), template: "department", title: "本单位项目", cached: true) {
            _, _, session in
            // swift-format-ignore: NeverForceUnwrap
            // (the page is the department role's, and scopedUnitOf throws for an unbound account)
            let unit = try Self.scopedUnitOf(session)!
            return try await departmentPage(name: unit.name, forUnit: true) { unit.owns($0) }
        }
        page(router, "/scorecard", roles: Self.roles(of: "/scorecard"), template: "scorecard", title: "部门排名", cached: true) { _, _, _ in
            try await scorecardPage(try await snapshot())
        }
        page(
            router, "/scorecard/:department", roles: Self.roles(of: "/scorecard"), template: "department",
            title: "部门详情", cached: true
        ) { _, context, _ in
            let department = try context.pathParameter("department")
            guard try await snapshot().register.departments.contains(where: { $0.department == department }) else {
                throw WebError.notFound("部门 \(department)")
            }
            return try await departmentPage(name: department, forUnit: false) { $0.department == department }
        }
    }

    /// A responsible unit's session opens only its own project: another's is not found.
    @Sendable func unitOwnsProject(_ context: WebContext, _ session: WebSession) async throws {
        guard let unit = try Self.scopedUnitOf(session) else { return }
        let id = try context.pathParameter("id")
        guard let project = try await database.project(id: id), unit.owns(project) else { throw WebError.notFound("项目 \(id)") }
    }

    /// The projects `includes` takes, flagged first (500 at most), and the rejected ledger
    /// rows of the department `name` (a township files none).
    func departmentPage(
        name: String, forUnit: Bool, includes: (RegisterReport.ProjectEntry) -> Bool
    ) async throws -> DepartmentPage {
        let snapshot = try await snapshot()
        let projects = snapshot.register.projects.filter(includes)
        let rejected = try await database.rejections().filter { $0.department == name }
        return DepartmentPage(
            department: name, asOf: snapshot.asOf.description, forUnit: forUnit,
            projects: projects.sorted { ($0.flags.isEmpty ? 1 : 0, $0.projectID) < ($1.flags.isEmpty ? 1 : 0, $1.projectID) }
                .prefix(500).map(ProjectLine.init),
            rejected: rejected.map { DepartmentPage.Rejected(file: $0.file, row: $0.row, column: $0.column, reason: $0.reason) })
    }

    /// Unregistered sites as named in the texts: a site name is read back from before 小区,
    /// 工地 ..., which may take in a petitioner's name; masked with the details of the
    /// petitioners of its items (these pages are never the petition bureau's).
    func maskedSites(_ entries: [RegisterReport.UnregisteredEntry]) async throws -> [RegisterReport.UnregisteredEntry] {
        let details = try await database.personalDetails(ofItems: entries.flatMap(\.items))
        return entries.map { entry in
            var entry = entry
            entry.mention = masked(entry.mention, details: entry.items.flatMap { details[$0] ?? [] })
            return entry
        }
    }

    /// Rows of each list of the daily page (a city's first day can raise thousands of flags;
    /// the register page and the JSON of `wagewatch daily` have them all).
    static let dailyRows = 200

    static func scoreLines(_ entries: [RegisterReport.DepartmentEntry]) -> [ScorecardPage.Line] {
        let widest = max(0.01, entries.compactMap(\.underreportingRate).max() ?? 0.01)
        return entries.map {
            ScorecardPage.Line(
                department: LinkID($0.department), projects: $0.projects, flagged: $0.flagged,
                underreported: $0.underreported, contradicted: $0.contradictedCommitments,
                missing: $0.reportsMissing, rejected: $0.rowsRejected, late: $0.lateFilings,
                underreportingRate: RegisterReport.DepartmentEntry.PlatformCounts.percent($0.underreportingRate),
                underreporting: $0.underreporting,
                barWidth: Labels.tenths(200.0 * ($0.underreportingRate ?? 0) / widest),
                supervised: RegisterReport.DepartmentEntry.PlatformCounts.percent($0.platform.supervisedRate),
                attendance: RegisterReport.DepartmentEntry.PlatformCounts.percent($0.platform.attendanceRate),
                payroll: RegisterReport.DepartmentEntry.PlatformCounts.percent($0.platform.payrollRate),
                payrollGaps: $0.platform.payrollGaps,
                unfunded: $0.platform.labourCostUnfunded, offPlatform: $0.platform.offPlatform,
                typeMismatches: $0.platform.typeMismatches, cases: $0.cases,
                medianDaysToClose: $0.cases.medianDaysToClose.map(String.init) ?? "-")
        }
    }

    /// The register page's filters (flag, 主管部门 and 属地 by part of the name, sensitive
    /// projects only) and its order (a column, largest first; by default the 分值).
    struct RegisterFilters: Codable, Sendable {
        var flag = ""
        var department = ""
        var township = ""
        var sensitive = false
        var sort = "score"

        static let sorts: [(key: String, label: String, title: String)] = [
            ("project", "项目", "按项目编号"), ("department", "主管部门", "按主管部门"), ("township", "属地", "按属地"),
            ("flags", "标记", "按标记个数"), ("petitions", "信访", "按窗口内信访件数"), ("posts", "网帖", "按窗口内网帖条数"),
            ("stories", "事件", "按事件数（同一事件的转发计一次）"), ("score", "分值", "按分值，见表下说明"),
        ]

        init() {}

        init(_ request: Request) throws {
            let query = request.query
            if let flag = query.text("flag") {
                guard RiskFlag(rawValue: flag) != nil else {
                    throw WebError.badRequest("没有这种标记：\(flag.prefix(40))；可选 " + RiskFlag.allCases.map(\.label).joined(separator: "、"))
                }
                self.flag = flag
            }
            department = query.text("department") ?? ""
            township = query.text("township") ?? ""
            sensitive = query.text("sensitive") == "1"
            if let sort = query.text("sort") {
                guard Self.sorts.contains(where: { $0.key == sort }) else {
                    throw WebError.badRequest("不能按此排序：\(sort.prefix(40))")
                }
                self.sort = sort
            }
        }

        /// The flagged projects these filters keep, in their order.
        func select(_ projects: [RegisterReport.ProjectEntry]) -> [RegisterReport.ProjectEntry] {
            let kept = projects.filter { entry in
                !entry.flags.isEmpty && (flag.isEmpty || entry.flags.contains { $0.rawValue == flag })
                    && (department.isEmpty || entry.department.localizedCaseInsensitiveContains(department))
                    && (township.isEmpty || (entry.township ?? "").localizedCaseInsensitiveContains(township))
                    && (!sensitive || entry.sensitive)
            }
            // The register's own order (分值, then id) breaks ties.
            let rank = Dictionary(uniqueKeysWithValues: kept.enumerated().map { ($0.element.projectID, $0.offset) })
            func key(_ entry: RegisterReport.ProjectEntry) -> Double? {
                switch sort {
                case "flags": Double(entry.flags.count)
                case "petitions": Double(entry.signals.petitions)
                case "posts": Double(entry.signals.posts)
                case "stories": Double(entry.signals.stories)
                default: nil
                }
            }
            func text(_ entry: RegisterReport.ProjectEntry) -> String? {
                switch sort {
                case "project": entry.projectID
                case "department": entry.department
                case "township": entry.township ?? ""
                default: nil
                }
            }
            guard sort != "score" else { return kept }
            return kept.sorted { lhs, rhs in
                if let left = key(lhs), let right = key(rhs), left != right { return left > right }
                if let left = text(lhs), let right = text(rhs), left != right { return left < right }
                return rank[lhs.projectID, default: 0] < rank[rhs.projectID, default: 0]
            }
        }

        /// The filters as a query (without the order when `sorting` is false).
        func query(sorting: Bool = true) -> String {
            var parts: [String] = []
            if !flag.isEmpty { parts.append("flag=" + WebApp.percentEncoded(flag)) }
            if !department.isEmpty { parts.append("department=" + WebApp.percentEncoded(department)) }
            if !township.isEmpty { parts.append("township=" + WebApp.percentEncoded(township)) }
            if sensitive { parts.append("sensitive=1") }
            if sorting && sort != "score" { parts.append("sort=" + sort) }
            return parts.joined(separator: "&")
        }
    }

    /// How a project's 分值 is made, with the weights of the rules in force.
    static func scoreNote(_ rules: RegisterRules, windowDays: Int) -> String {
        "分值＝近 \(windowDays) 天关联到该项目的各条欠薪线索的评分之和（评分见线索页的命中规则）；"
            + "农历腊月的线索乘以 \(Labels.number(rules.springFestivalWeight))，"
            + "每年 \(rules.yearEndFrom.month) 月 \(rules.yearEndFrom.day) 日至年底的乘以 \(Labels.number(rules.yearEndWeight))（两者取大）。"
            + "命令行 register、日报与导出文件用同一数值。"
    }

    /// The register page (or its printable brief: every row) for `request`'s filters and order.
    func registerPage(_ request: Request, session: WebSession?, printing: Bool) async throws -> RegisterPage {
        let snapshot = try await snapshot()
        let filters = try RegisterFilters(request)
        let selected = filters.select(snapshot.register.projects)
        let pager =
            printing ? Pager(total: selected.count, size: max(1, selected.count), asked: 1) : try pager(request, total: selected.count)
        let flagged = snapshot.register.projects.filter { !$0.flags.isEmpty }
        let filterQuery = filters.query(sorting: false)
        var page = RegisterPage(
            asOf: snapshot.asOf.description, windowDays: snapshot.register.windowDays,
            projects: selected[pager.rows].map(ProjectLine.init),
            unregistered: try await maskedSites(snapshot.register.unregistered).map(SiteLine.init), total: selected.count,
            page: pager.page, pages: pager.pages, previousPage: pager.previous, nextPage: pager.next,
            mayOpenCase: !printing && session?.account.caseActor?.supervises == true)
        page.filters = filters
        page.flagOptions = RiskFlag.allCases.map { Option(value: $0.rawValue, label: $0.label, selected: $0.rawValue == filters.flag) }
        page.departmentOptions = Array(Set(flagged.map(\.department))).sorted()
        page.townshipOptions = Array(Set(flagged.compactMap(\.township))).sorted()
        page.columns = RegisterFilters.sorts.map { column in
            RegisterPage.Column(
                label: column.label,
                href: "/register?" + [filterQuery, "sort=\(column.key)"].filter { !$0.isEmpty }.joined(separator: "&"),
                sorted: column.key == filters.sort, title: column.title)
        }
        page.query = filters.query()
        page.scoreNote = Self.scoreNote(snapshot.rules, windowDays: snapshot.register.windowDays)
        return page
    }

    /// The register's filters and order, kept for the reader between visits.
    static let registerFilters = FilterMemory(
        cookie: "__Host-ww_register", names: ["flag", "department", "township", "sensitive", "sort"])

    func scorecardPage(_ snapshot: RegisterSnapshot) async throws -> ScorecardPage {
        let before = try await monthEnd.rates(before: snapshot.asOf, monitor: monitor)
        var page = ScorecardPage(
            asOf: snapshot.asOf.description,
            departments: Self.trend(
                Self.scoreLines(snapshot.register.departments), snapshot.register.departments, before.departments, day: before.day),
            townships: Self.trend(
                Self.scoreLines(snapshot.register.townships), snapshot.register.townships, before.townships, day: before.day),
            hasPlatform: snapshot.register.departments.contains { $0.platform.activeProjects > 0 },
            hasCases: snapshot.register.departments.contains { $0.cases.received > 0 }
                || snapshot.register.townships.contains { $0.cases.received > 0 })
        page.monthEnd = before.day.description
        return page
    }

    /// Each line's 较上月: its 漏报率 now against `before` (as of `day`), in percentage points;
    /// "—" where either is not known (a unit new since, or without projects).
    static func trend(
        _ lines: [ScorecardPage.Line], _ entries: [RegisterReport.DepartmentEntry], _ before: [String: Double], day: Day
    ) -> [ScorecardPage.Line] {
        zip(lines, entries).map { line, entry in
            var line = line
            guard let now = entry.underreportingRate, let then = before[entry.department] else {
                line.trendTitle = "上月末（\(day)）无可比数据"
                return line
            }
            let points = ((now - then) * 1_000).rounded() / 10
            line.trend = points == 0 ? "持平" : (points > 0 ? "↑" : "↓") + Labels.number(abs(points))
            line.trendClass = points > 0 ? "worse" : points < 0 ? "better" : ""
            line.trendTitle =
                "上月末（\(day)）\(RegisterReport.DepartmentEntry.PlatformCounts.percent(then))，现 \(RegisterReport.DepartmentEntry.PlatformCounts.percent(now))"
            return line
        }
    }

    /// A page of its own to print: `template` over `model` under the official head of the
    /// day (编制单位 from `serve --issuer`), with page numbers.
    func printable<Model: Encodable>(_ template: String, model: Model, day: Day) throws -> Response {
        let tree = try TemplateValues.make(
            PrintPage(
                chrome: Chrome(title: "", session: nil, path: ""), page: model, header: PrintHeader(issuer: settings.issuer, day: day)))
        guard let text = templates.render(tree, withTemplate: template) else {
            throw WebError(status: .internalServerError, message: "页面模板缺失：\(template)")
        }
        return Response(
            status: .ok, headers: [.contentType: "text/html; charset=utf-8", .cacheControl: "no-store"],
            body: .init(byteBuffer: ByteBuffer(string: text)))
    }

    func dailyPage() async throws -> DailyPage {
        let snapshot = try await snapshot()
        var page = Self.dailyPage(snapshot.brief, sourceHealth: snapshot.register.sourceHealth, rows: Self.dailyRows)
        // First on the page: the day's new 危急 and 高 signals, titles masked as every list of
        // these roles is (the petitioner's details too, in whatever form the text writes them).
        let day = snapshot.asOf
        let ids = try await database.signalIDs(
            from: day.start, until: day.adding(days: 1).start, levels: [.critical, .high], limit: Self.dailyRows)
        let details = try await database.personalDetails(ofItems: ids)
        page.urgent = try await database.headlines(of: ids).map {
            DailyPage.Urgent(
                itemID: LinkID($0.itemID), at: Labels.time($0.at), level: Labels.level($0.level),
                levelClass: $0.level?.rawValue ?? "", channel: Labels.channel($0.channel),
                title: masked($0.title, details: details[$0.itemID] ?? []), projectID: $0.projectID.map(LinkID.init))
        }
        page.urgentCount = page.urgent.count
        page.hasUrgent = !page.urgent.isEmpty
        return page
    }

    /// The 日报's model, for the page (the first `rows` of each list) and for the printable
    /// file of `wagewatch daily --format html` (every row): one template shows both.
    static func dailyPage(_ brief: DailyBrief, sourceHealth: [RegisterReport.SourceWarning], rows: Int) -> DailyPage {
        return DailyPage(
            asOf: brief.asOf.description, windowDays: brief.windowDays, flaggedProjects: brief.flaggedProjects,
            escalatingProjects: brief.escalatingProjects, signalsToday: brief.signalsToday,
            newFlags: brief.newFlags.prefix(rows).map(DailyPage.Change.init), newFlagCount: brief.newFlags.count,
            clearedFlags: brief.clearedFlags.prefix(rows).map(DailyPage.Change.init), clearedFlagCount: brief.clearedFlags.count,
            isCut: brief.newFlags.count > rows || brief.clearedFlags.count > rows,
            risers: brief.risers.map {
                DailyPage.Riser(
                    projectID: LinkID($0.projectID), name: $0.name, department: $0.department,
                    previous: Labels.number($0.previous), current: Labels.number($0.current))
            },
            topStories: brief.topStories.map(DailyPage.Story.init),
            chart: Self.timeline(title: "每日欠薪线索数", counts: brief.signalsPerDay, lastDay: brief.asOf, reports: []),
            sourceWarnings: sourceHealth.map { "\($0.feed)：\($0.warning)" },
            newCases: Array(brief.newCases.prefix(rows)), reopenedCases: Array(brief.reopenedCases.prefix(rows)),
            overdueCases: Array(brief.overdueCases.prefix(rows)),
            hasCases: !(brief.newCases.isEmpty && brief.reopenedCases.isEmpty && brief.overdueCases.isEmpty))
    }

    /// - Parameter forUnit: the responsible unit's view: its page is 本单位项目, and item
    ///   pages (the texts themselves) are not its to open.
    func projectPage(id: String, forUnit: Bool, mayOpenCase: Bool) async throws -> ProjectPage {
        guard let project = try await database.project(id: id) else { throw WebError.notFound("项目 \(id)") }
        let snapshot = try await snapshot()
        let entry = snapshot.project(id)
        // Ninety days of signals against the monthly ledger rows.
        let first = snapshot.asOf.adding(days: -89)
        let perDay = try await database.signalsPerDay(ofProject: id, from: first.start, until: snapshot.asOf.adding(days: 1).start)
        let counts = (0..<90).map { perDay[first.adding(days: $0)] ?? 0 }
        let reports = try await database.reports(ofProject: id)
        let items = try await database.headlines(ofProject: id, limit: settings.pageSize)
        let months = try await monthStrip(
            project: id, asOf: snapshot.asOf, reports: reports,
            flagged: Set((entry?.flagEvidence ?? []).filter { $0.flag == .payrollGap }.flatMap(\.platformRows)))
        var page = ProjectPage(
            projectID: LinkID(project.id), name: project.name, aliases: project.aliases.joined(separator: "、"),
            department: LinkID(project.department), township: project.township, builder: project.builder,
            contractor: project.contractor, subcontractors: project.subcontractors.joined(separator: "、"),
            funding: Labels.funding(project.funding), status: Labels.status(project.status), sensitive: project.isSensitive,
            reported: entry?.reported.label ?? "—", months: months, hasMonths: !months.isEmpty,
            flags: (entry?.flagEvidence ?? []).map {
                FlagLine(
                    flag: $0.flag.rawValue, label: $0.flag.label, reason: $0.reason, items: $0.items.map(LinkID.init), reports: $0.reports)
            },
            chart: Self.timeline(title: "本项目每日线索数与月报", counts: counts, lastDay: snapshot.asOf, reports: reports),
            reports: reports.map {
                ProjectPage.Report(
                    id: $0.id, period: $0.period.description, status: Labels.reportStatus($0.status),
                    workers: $0.workers, owed: $0.amountOwed.map(Labels.amount),
                    type: $0.arrearsType.map { $0 == .wage ? "工资" : "工程款" } ?? "",
                    paid: $0.amountPaid.map(Labels.amount) ?? "", unit: $0.responsibleUnit ?? "", person: $0.responsiblePerson ?? "",
                    filedOn: $0.filedOn.description, commitment: $0.commitment == true)
            },
            items: items.map {
                ProjectPage.Line(
                    itemID: LinkID($0.itemID), at: Labels.time($0.at), kind: Labels.kind($0.kind),
                    channel: Labels.channel($0.channel), title: $0.title, band: Labels.band($0.band),
                    level: Labels.level($0.level))
            },
            asOf: snapshot.asOf.description, forUnit: forUnit, mayOpenCase: mayOpenCase)
        page.rejected = try await database.rejectedReports(ofProject: project.id).map {
            Rejected(
                file: $0.file, row: $0.row, period: $0.period ?? "", owed: $0.amount.map(Labels.amount) ?? "",
                workers: $0.workers.map(String.init) ?? "", column: $0.column ?? "", reason: $0.reason)
        }
        page.hasRejected = !page.rejected.isEmpty
        return page
    }

    /// The twelve months to `asOf`: platform rows, ledger rows and signals of each; none
    /// when the platform has never listed the project.
    func monthStrip(
        project id: String, asOf: Day, reports: [DepartmentReport], flagged: Set<String>
    ) async throws
        -> [ProjectPage.Month]
    {
        let platform = try await database.platformRecords(ofProject: id)
        guard !platform.isEmpty else { return [] }
        var periods = [asOf.period]
        while periods.count < 12, let earliest = periods.first { periods.insert(earliest.previous, at: 0) }
        // swift-format-ignore: NeverForceUnwrap
        // (twelve periods were just made)
        let perDay = try await database.signalsPerDay(
            ofProject: id, from: periods.first!.firstDay.start, until: asOf.adding(days: 1).start)
        var perMonth: [Period: Int] = [:]
        for (day, count) in perDay { perMonth[day.period, default: 0] += count }
        return periods.map { period in
            let rows = platform.filter { $0.period == period }
            let ledger = reports.filter { $0.period == period }.map { Labels.reportStatus($0.status) }
            guard !rows.isEmpty else {
                return ProjectPage.Month(
                    month: period.description, attendance: "未上平台", paid: "—", gap: false, onPlatform: false,
                    ledger: ledger.first ?? "未填报", signals: perMonth[period] ?? 0)
            }
            let attending = rows.reduce(0) { $0 + $1.workersAttending }
            let days = rows.reduce(0) { $0 + $1.attendanceDays }
            let paid = rows.reduce(0) { $0 + $1.payrollPaid }
            let due = rows.compactMap(\.payrollDue)
            let paidOn = rows.compactMap(\.paidOn).max()
            return ProjectPage.Month(
                month: period.description, attendance: "\(attending) 人 / \(Labels.number(days)) 工日",
                paid: "\(Labels.number(paid)) 元" + (due.isEmpty ? "" : "（应发 \(Labels.number(due.reduce(0, +))) 元）")
                    + (paidOn.map { " \($0)" } ?? ""),
                gap: rows.contains { flagged.contains("\($0.period)/\($0.platformProjectID)") }, onPlatform: true,
                ledger: ledger.first ?? "未填报", signals: perMonth[period] ?? 0)
        }
    }

    /// Signals per day as bars ending on `lastDay`, under `title` and the span's dates; the
    /// ledger rows as marks at the day they were filed (red when they report arrears).
    static func timeline(title: String, counts: [Int], lastDay: Day, reports: [DepartmentReport]) -> Chart {
        let (width, height) = (720, 200)
        let (left, right, top, bottom) = (40, 712, 30, 172)
        let plotHeight = Double(bottom - top)
        let step = Double(right - left) / Double(max(1, counts.count))
        let firstDay = lastDay.adding(days: -(counts.count - 1))
        // The count axis: a round step, four or five lines, the top one at or above the largest day.
        let largest = max(1, counts.max() ?? 1)
        let tick = niceStep(for: largest)
        let scaleTop = Double(((largest + tick - 1) / tick) * tick)
        func y(_ value: Double) -> Double { Double(bottom) - plotHeight * value / scaleTop }
        let yTicks = stride(from: 0, through: Int(scaleTop), by: tick).map {
            Chart.Text(x: Labels.tenths(Double(left) - 4), y: Labels.tenths(y(Double($0))), label: "\($0)")
        }
        // Days without signals draw nothing (the axis shows them).
        let days = counts.enumerated().filter { $0.element > 0 }
        let bars = days.map { offset, count in
            Chart.Bar(
                x: Labels.tenths(Double(left) + Double(offset) * step), y: Labels.tenths(y(Double(count))),
                width: Labels.tenths(max(1, step - 1)), height: Labels.tenths(Double(bottom) - y(Double(count))),
                label: "\(firstDay.adding(days: offset))：\(count) 条", value: count)
        }
        // A bar's value over it, when a bar is wide enough for one.
        let values =
            step < 14
            ? []
            : days.map { offset, count in
                Chart.Text(
                    x: Labels.tenths(Double(left) + (Double(offset) + 0.5) * step), y: Labels.tenths(y(Double(count)) - 3),
                    label: "\(count)")
            }
        func x(_ day: Day) -> Double? {
            let offset = day.ordinal - firstDay.ordinal
            return (0..<counts.count).contains(offset) ? Double(left) + (Double(offset) + 0.5) * step : nil
        }
        let marks = reports.compactMap { report -> Chart.Mark? in
            x(report.filedOn).map {
                Chart.Mark(
                    x: Labels.tenths($0), label: "\(report.period) 月报（\(report.filedOn) 填报）：\(Labels.reportStatus(report.status))",
                    arrears: report.status == .arrears)
            }
        }
        // Dates: weekly over a month or two, else the first of each month; the first and last day always.
        let weekly = counts.count <= 62
        let last = counts.count - 1
        let axis = (0..<counts.count).compactMap { offset -> Chart.Mark? in
            let day = firstDay.adding(days: offset)
            // Each tick at least three days from the first and the last, whose dates always show.
            let ticks = weekly ? (last - offset) % 7 == 0 : day.day == 1
            guard offset == 0 || offset == last || (ticks && offset >= 3 && last - offset >= 3) else { return nil }
            let x = Double(left) + (Double(offset) + 0.5) * step
            return Chart.Mark(
                x: Labels.tenths(offset == 0 ? Double(left) : offset == last ? Double(right) : x), label: "\(day.month)/\(day.day)",
                arrears: false, anchor: offset == 0 ? "start" : offset == last ? "end" : "middle")
        }
        return Chart(
            width: width, height: height, title: "\(title)（\(firstDay) 至 \(lastDay)）", left: left, right: right, top: top,
            bottom: bottom, dateY: bottom + 16, middleY: (top + bottom) / 2, bars: bars, values: values, marks: marks, axis: axis,
            yTicks: yTicks, hasLegend: !marks.isEmpty)
    }

    /// A round step (1, 2 or 5 times a power of ten) that cuts `largest` into at most five.
    static func niceStep(for largest: Int) -> Int {
        var power = 1
        while true {
            for factor in [1, 2, 5] where largest <= factor * power * 5 { return factor * power }
            power *= 10
        }
    }
}
