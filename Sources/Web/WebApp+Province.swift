import Foundation
import Hummingbird
import Logging
import Model
import Monitor
import Mustache
import Register
import Store

/// Every city's roll-up for the province's pages, kept in memory: a city's register is
/// made again when its store changed (its `dataVersion`) or the day turned, one city at a
/// time, so a page reads only what is kept.
public actor ProvinceKeeper {
    /// A city and the monitor over its store, or why its store could not be opened.
    public struct City: Sendable {
        public var code: String
        public var name: String
        public var monitor: Monitor?
        public var openFailure: String?

        public init(code: String, name: String, monitor: Monitor?, openFailure: String? = nil) {
            self.code = code
            self.name = name
            self.monitor = monitor
            self.openFailure = openFailure
        }
    }

    public let province: String
    public let cities: [City]
    private let asOf: @Sendable () -> Day
    private let now: @Sendable () -> Date
    private let logger: Logger
    private var rollups: [String: CityRollup] = [:]
    private var versions: [String: Int] = [:]
    private var running: Task<Void, Never>?
    /// A refresh was asked for while one ran.
    private var again = false
    /// Moves whenever a city's roll-up changes: the pages are made once per version.
    public private(set) var version = 0

    public init(
        province: String, cities: [City], logger: Logger, asOf: @escaping @Sendable () -> Day = { Day(containing: Date()) },
        now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.province = province
        self.cities = cities
        self.logger = logger
        self.asOf = asOf
        self.now = now
    }

    /// The province as kept; made first if no city has been read yet. A city not read yet
    /// shows as such, never as a city without risk.
    public func rollup() async -> ProvinceRollup {
        if rollups.isEmpty { await refreshIfStale() }
        let cities = cities.map { rollups[$0.code] ?? CityRollup(code: $0.code, name: $0.name, failure: "尚未汇总，请稍后刷新") }
        return ProvinceRollup(province: province, asOf: asOf(), cities: cities)
    }

    /// Reads again each city whose store changed, or all when the day turned; a refresh
    /// asked for while one runs waits for that one.
    public func refreshIfStale() async {
        if let running {
            // The pass under way may have read a city before it changed: one more follows.
            again = true
            await running.value
            return
        }
        let task = Task {
            repeat {
                again = false
                await readStaleCities()
            } while again
            running = nil
        }
        running = task
        await task.value
    }

    private func readStaleCities() async {
        let day = asOf()
        for city in cities {
            guard let monitor = city.monitor else {
                if rollups[city.code] == nil {
                    rollups[city.code] = CityRollup(code: city.code, name: city.name, failure: "无法打开该市数据库，请联系管理员")
                    self.version += 1
                }
                continue
            }
            do {
                let version = try await monitor.database.dataVersion()
                if let kept = rollups[city.code], kept.failure == nil, versions[city.code] == version, kept.asOf == day { continue }
                rollups[city.code] = try await monitor.cityRollup(code: city.code, name: city.name, asOf: day, now: now())
                versions[city.code] = version
                self.version += 1
            } catch {
                // The log names the error's kind and the store's words, never stored values.
                logger.error(
                    "province: city \(city.code) could not be read: \(StoreError.plainMessage(for: error) ?? "\(type(of: error))")")
                rollups[city.code] = CityRollup(code: city.code, name: city.name, failure: "读取该市数据库失败，请联系管理员")
                versions[city.code] = nil
                self.version += 1
            }
        }
    }
}

/// The province's pages (省级 role): the roll-up scorecard, a city's departments and
/// flagged projects, and the provincial 日报.
extension WebApp {
    struct ProvincePage: Codable, Sendable {
        struct City: Codable, Sendable {
            var code: LinkID
            var name: String
            var line: ScorecardPage.Line
            var sensitiveFlagged: Int
            var escalatingProjects: Int
            var unregisteredSites: Int
            var signalsToday: Int
            var sourceWarnings: Int
            var madeAt: String?
            var failure: String?
            var departments: [ScorecardPage.Line]
        }
        var province: String
        var asOf: String
        var total: ScorecardPage.Line
        var cities: [City]
    }

    struct ProvinceCityPage: Codable, Sendable {
        struct Project: Codable, Sendable {
            var projectID: String
            var name: String
            var department: String
            var township: String?
            var sensitive: Bool
            var flags: String
            var score: String
        }
        var code: String
        var name: String
        var asOf: String
        var madeAt: String?
        var failure: String?
        var departments: [ScorecardPage.Line]
        var projects: [Project]
        var projectCount: Int
        var isCut: Bool
    }

    struct ProvinceDailyPage: Codable, Sendable {
        struct City: Codable, Sendable {
            var code: LinkID
            var name: String
            var flagged: Int
            var sensitiveFlagged: Int
            var escalatingProjects: Int
            var newFlags: Int
            var clearedFlags: Int
            var signalsToday: Int
            var sourceWarnings: Int
            var failure: String?
        }
        /// A row of the city 日报's list, with its city.
        struct Change: Codable, Sendable {
            var city: String
            var change: DailyPage.Change
        }
        struct Story: Codable, Sendable {
            var city: String
            var story: DailyPage.Story
        }
        var province: String
        var asOf: String
        var cities: [City]
        var newFlags: [Change]
        var newFlagCount: Int
        var isCut: Bool
        var topStories: [Story]
    }

    /// The province's pages answer only on a node started with the province's cities.
    func provinceKeeper() throws -> ProvinceKeeper {
        guard let province else { throw WebError.notFound("省级汇总：本节点未配置各市（wagewatch serve --province 省文件）") }
        return province
    }

    func addProvinceRoutes(to router: Router<WebContext>) {
        let roles = Self.roles(of: "/province")
        // Made once per version of the kept roll-ups (made first when none is kept yet).
        let scope: @Sendable () async throws -> String = {
            let keeper = try provinceKeeper()
            _ = await keeper.rollup()
            return "province-\(await keeper.version)"
        }
        page(router, "/province", roles: roles, template: "province", title: "全省汇总", cacheScope: scope) { _, _, _ in
            Self.provincePage(try await provinceKeeper().rollup())
        }
        page(router, "/province/cities/:code", roles: roles, template: "province-city", title: "各市详情", cacheScope: scope) {
            _, context, _ in
            let code = try context.pathParameter("code")
            let rollup = try await provinceKeeper().rollup()
            guard let city = rollup.cities.first(where: { $0.code == code }) else { throw WebError.notFound("市 \(code)") }
            let shown = city.flagged.prefix(Self.dailyRows)
            return ProvinceCityPage(
                code: city.code, name: city.name, asOf: rollup.asOf.description, madeAt: city.madeAt.map { Labels.time($0) },
                failure: city.failure, departments: Self.scoreLines(city.departments),
                projects: shown.map {
                    ProvinceCityPage.Project(
                        projectID: $0.projectID, name: $0.name, department: $0.department, township: $0.township,
                        sensitive: $0.sensitive, flags: $0.flags.map(\.label).joined(separator: "、"), score: Labels.number($0.score))
                },
                projectCount: city.flagged.count, isCut: city.flagged.count > shown.count)
        }
        page(
            router, "/province/daily", roles: Self.roles(of: "/province/daily"), template: "province-daily", title: "全省日报",
            cacheScope: scope
        ) { _, _, _ in
            Self.provinceDailyPage(try await provinceKeeper().rollup(), rows: Self.dailyRows)
        }
    }

    static func provincePage(_ rollup: ProvinceRollup) -> ProvincePage {
        let lines = scoreLines(rollup.cities.map(\.total))
        return ProvincePage(
            province: rollup.province, asOf: rollup.asOf.description, total: scoreLines([rollup.total])[0],
            cities: zip(rollup.cities, lines).map { city, line in
                ProvincePage.City(
                    code: LinkID(city.code), name: city.name, line: line, sensitiveFlagged: city.sensitiveFlagged,
                    escalatingProjects: city.escalatingProjects, unregisteredSites: city.unregisteredSites,
                    signalsToday: city.signalsToday, sourceWarnings: city.sourceWarnings, madeAt: city.madeAt.map { Labels.time($0) },
                    failure: city.failure, departments: scoreLines(city.departments))
            })
    }

    /// The provincial 日报's model, for the page (the first `rows` of each list) and for the
    /// printable file of `wagewatch province daily --format html` (every row).
    static func provinceDailyPage(_ rollup: ProvinceRollup, rows: Int) -> ProvinceDailyPage {
        let changes = rollup.newFlags
        return ProvinceDailyPage(
            province: rollup.province, asOf: rollup.asOf.description,
            cities: rollup.cities.map {
                ProvinceDailyPage.City(
                    code: LinkID($0.code), name: $0.name, flagged: $0.total.flagged, sensitiveFlagged: $0.sensitiveFlagged,
                    escalatingProjects: $0.escalatingProjects, newFlags: $0.newFlags.count, clearedFlags: $0.clearedFlags.count,
                    signalsToday: $0.signalsToday, sourceWarnings: $0.sourceWarnings, failure: $0.failure)
            },
            newFlags: changes.prefix(rows).map { ProvinceDailyPage.Change(city: $0.city, change: DailyPage.Change($0.change)) },
            newFlagCount: changes.count, isCut: changes.count > rows,
            topStories: rollup.topStories.prefix(20).map { ProvinceDailyPage.Story(city: $0.city, story: DailyPage.Story($0.story)) })
    }
}

/// The provincial 日报 as one printable HTML file, and as lines of text
/// (`wagewatch province daily`).
public enum ProvincePrint {
    public static func html(_ rollup: ProvinceRollup) throws -> String {
        let model = WebApp.provinceDailyPage(rollup, rows: .max)
        let tree = try TemplateValues.make(Page(chrome: Chrome(title: "", session: nil, path: ""), page: model))
        guard let text = try Templates.library().render(tree, withTemplate: "province-daily-print") else {
            throw WebError(status: .internalServerError, message: "页面模板缺失：province-daily-print")
        }
        return text
    }

    public static func lines(_ rollup: ProvinceRollup) -> [String] {
        var lines = ["\(rollup.province) 全省日报 \(rollup.asOf)", ""]
        for city in rollup.cities {
            if city.failure != nil {
                lines.append("\(city.name)：无法读取")
                continue
            }
            lines.append(
                "\(city.name)：\(city.total.flagged) 个项目有标记（敏感项目 \(city.sensitiveFlagged)），升级风险 \(city.escalatingProjects)，"
                    + "今日新增标记 \(city.newFlags.count)、解除 \(city.clearedFlags.count)，今日线索 \(city.signalsToday)"
                    + (city.sourceWarnings > 0 ? "，数据源异常 \(city.sourceWarnings)" : ""))
        }
        let changes = rollup.newFlags
        lines += ["", "新增标记（\(changes.count)）"]
        lines += changes.map {
            "  [\($0.city)] \($0.change.label) \($0.change.projectID) \($0.change.name)（\($0.change.department)）：\($0.change.reason)"
        }
        let stories = rollup.topStories.prefix(20)
        lines += ["", "热点事件"]
        lines += stories.map {
            "  [\($0.city)] \($0.story.escalating ? "升级 " : "")\($0.story.title)（\($0.story.name)，\($0.story.spread.copies) 条）"
        }
        return lines
    }
}
