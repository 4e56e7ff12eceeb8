import Foundation
import HTTPTypes
import Model
import Monitor
import Register
import RulesFile
import Scoring
import TestStores
import Testing

@testable import Store
@testable import Web

/// A province of two cities, each with a store of its own (on PostgreSQL, a schema each of
/// one database), and the province's node over both: a city's users reach nothing of
/// another city, and the province sees both cities rolled up, personal data masked.
@Suite struct ProvinceTests {
    /// City A is the demo city (青川市, the fixture's store); city B has the same registry
    /// and nothing else; the province node has a store of its own for its accounts.
    struct Province {
        let cityA: WebFixture
        let cityB: (app: WebApp, browser: @Sendable () -> TestBrowser)
        let node: (app: WebApp, browser: @Sendable () -> TestBrowser)

        init() async throws {
            cityA = try await WebFixture()
            let b = try cityA.monitor(of: "city-b.sqlite")
            _ = try await b.importRegistry(path: WebFixture.root.appendingPathComponent("feeds/demo/registry.csv").path)
            try await b.database.addAccount(
                Account(name: "leader-b", role: .leader, createdAt: WebFixture.now),
                passwordHash: try Passwords.hash(WebFixture.password, cost: 4))
            cityB = try WebFixture.node(b)
            let own = try cityA.monitor(of: "province.sqlite")
            for (name, role) in [("province", Role.province), ("admin", .admin)] {
                try await own.database.addAccount(
                    Account(name: name, role: role, createdAt: WebFixture.now),
                    passwordHash: try Passwords.hash(WebFixture.password, cost: 4))
            }
            let keeper = ProvinceKeeper(
                province: "示例省",
                cities: [
                    .init(code: "qingchuan", name: "青川市", monitor: try cityA.monitor(of: "web.sqlite")),
                    .init(code: "beishan", name: "北山市", monitor: b),
                    .init(code: "nanhu", name: "南湖市", monitor: nil, openFailure: "no store"),
                ], logger: own.logger, asOf: { WebFixture.asOf }, now: { WebFixture.now })
            node = try WebFixture.node(own, province: keeper)
        }
    }

    /// Every route of `app` but the public ones (login, assets, health), as `browser`
    /// (whose session belongs to another store) asks it: each must send it to the login
    /// page, or answer 401 under /api/, and reveal nothing.
    static func expectEveryRouteRefuses(_ app: WebApp, as browser: TestBrowser, _ who: String) async throws {
        let routes = app.routes.all.filter { !["/login", "/static/:name", "/healthz"].contains($0.path) }
        #expect(routes.count > 20)
        for route in routes {
            let path = route.path.split(separator: "/").map { $0.hasPrefix(":") ? "qingchuan" : String($0) }.joined(separator: "/")
            let response =
                route.method == .post
                ? try await browser.post("/" + path, form: [("csrf", "x"), ("action", "confirm"), ("reason", "越权")])
                : try await browser.get("/" + path)
            if path.hasPrefix("api/") {
                #expect(response.status == .unauthorized, "\(route.method) /\(path) as \(who)")
            } else {
                #expect(
                    response.status == .seeOther && response.headers[.location]?.hasPrefix("/login") == true,
                    "\(route.method) /\(path) as \(who): \(response.status)")
            }
        }
    }

    @Test func aCitysSessionOpensNothingOfAnotherCityNorOfTheProvince() async throws {
        let province = try await Province()
        let leaderA = try await province.cityA.signedIn("leader")
        #expect(try await leaderA.get("/scorecard").status == .ok)
        let leaderB = province.cityB.browser()
        #expect(try await leaderB.logIn("leader-b", password: WebFixture.password).status == .seeOther)
        #expect(try await leaderB.get("/scorecard").status == .ok)
        // A's session taken to B's node and to the province's; B's to A's; the province's to both.
        let stolenA = province.cityB.browser()
        stolenA.setCookie(SessionCookie.name, leaderA.cookies[SessionCookie.name])
        try await Self.expectEveryRouteRefuses(province.cityB.app, as: stolenA, "A's leader on B")
        let stolenB = province.cityA.client()
        stolenB.setCookie(SessionCookie.name, leaderB.cookies[SessionCookie.name])
        try await Self.expectEveryRouteRefuses(province.cityA.app, as: stolenB, "B's leader on A")
        let atProvince = province.node.browser()
        atProvince.setCookie(SessionCookie.name, leaderA.cookies[SessionCookie.name])
        try await Self.expectEveryRouteRefuses(province.node.app, as: atProvince, "A's leader on the province")
        // B's own name and password do not open A's node.
        #expect(try await province.cityA.client().logIn("leader-b", password: WebFixture.password).status != .seeOther)
        let provincial = province.node.browser()
        #expect(try await provincial.logIn("province", password: WebFixture.password).headers[.location] == "/province")
        for city in [province.cityA.client(), province.cityB.browser()] {
            city.setCookie(SessionCookie.name, provincial.cookies[SessionCookie.name])
            #expect(try await city.get("/scorecard").status == .seeOther)
        }
    }

    @Test func theProvinceSeesEveryCityRolledUpWithoutPersonalData() async throws {
        let province = try await Province()
        // A petition of city A naming its petitioner in every field.
        let named = Item(
            feedID: "demo-petitions", sourceKey: "XF-PII", kind: .petition, channel: "visit",
            publishedAt: WebFixture.now.addingTimeInterval(-7200), title: "孙立新反映城东安置房二期拖欠工资",
            content: "孙立新（13700001111）在城东安置房二期干活，工地拖欠工资三个月，工友们准备集体去市政府讨薪。",
            location: "城关街道孙立新家", petitioner: "孙立新", phone: "13700001111")
        try await province.cityA.database.insertItems([named], fetchedAt: WebFixture.now) { item, text in
            PersonalDataMasker.mask(text, names: [item.petitioner, item.phone].compactMap { $0 })
        }
        _ = try await province.cityA.monitor.assessPendingItems(engine: province.cityA.monitor.makeEngine())

        let browser = province.node.browser()
        _ = try await browser.logIn("province", password: WebFixture.password)
        let api = try await browser.get("/api/province")
        #expect(api.status == .ok)
        let cities = try #require(try api.json()["cities"] as? [[String: Any]])
        // The city that cannot be read first, then worst first: A has flags, B none.
        #expect(cities.map { $0["name"] as? String } == ["南湖市", "青川市", "北山市"])
        let cityA = cities[1]
        let line = try #require(cityA["line"] as? [String: Any])
        let departments = try #require(cityA["departments"] as? [[String: Any]])
        #expect((line["flagged"] as? Int ?? 0) > 0 && departments.count == 4)
        // Worst first: by 漏报率 (projects under-reported of projects overseen).
        let rates = departments.map { Double($0["underreporting"] as? Int ?? -1) / Double(max(1, $0["projects"] as? Int ?? 1)) }
        #expect(rates.allSatisfy { $0 >= 0 } && rates == rates.sorted(by: >), "\(departments)")
        #expect(cities[2]["line"].flatMap { ($0 as? [String: Any])?["missing"] as? Int } == 18)

        let page = try await browser.get("/province")
        #expect(page.status == .ok && page.body.contains("青川市") && page.body.contains("市住建局") && page.body.contains("无法打开该市数据库"))
        let city = try await browser.get("/province/cities/qingchuan")
        #expect(city.status == .ok && city.body.contains("城东安置房二期"))
        #expect(try await browser.get("/province/cities/nowhere").status == .notFound)
        let daily = try await browser.get("/province/daily")
        #expect(daily.status == .ok && daily.body.contains("热点事件"))
        for text in [api.body, page.body, city.body, daily.body, try await browser.get("/api/province/daily").body] {
            #expect(!text.contains("孙立新") && !text.contains("13700001111"))
        }
        // A city's change shows once the node has read that city again (its pages are kept meanwhile).
        // (Through a connection of its own, as the city's processes have: SQLite tells a
        // connection of others' commits only.)
        _ = try await province.cityA.monitor(of: "city-b.sqlite").importReports(
            path: WebFixture.root.appendingPathComponent("feeds/demo/reports-2024-11.csv").path, today: WebFixture.asOf)
        #expect(try await browser.get("/api/province").body == api.body)
        await province.node.app.province?.refreshIfStale()
        let changed = try #require(try await browser.get("/api/province").json()["cities"] as? [[String: Any]])
        let beishan = try #require(changed.first { $0["name"] as? String == "北山市" })
        #expect((beishan["line"] as? [String: Any])?["missing"] as? Int ?? 18 < 18)
        // The province's user opens none of a city's pages on the province's node, which has none.
        #expect(try await browser.get("/queue").status == .forbidden)
        #expect(try await browser.get("/scorecard").status == .forbidden)

        // A node without the province's cities has no province pages.
        let plain = province.cityB.browser()
        _ = try await plain.logIn("leader-b", password: WebFixture.password)
        #expect(try await plain.get("/province").status == .forbidden)
    }

    /// A city's roll-up kept in its store is what the province reads while the store has
    /// not changed and the rules are the same; otherwise the register is made anew.
    @Test func aCitysKeptRollupIsReadWhileItsStoreAndTheRulesAreUnchanged() async throws {
        let city = try await WebFixture()
        // A day no snapshot of the fixture's node was made for.
        let day = WebFixture.asOf.adding(days: -1)
        let earlier = WebFixture.now.addingTimeInterval(-3_600)
        #expect(try await city.monitor.makeAndKeepRollup(asOf: day, now: earlier))
        let kept = try await city.monitor.cityRollup(code: "qingchuan", name: "青川市", asOf: day, now: WebFixture.now)
        let (register, brief) = try await city.monitor.registerAndBrief(asOf: day, now: earlier)
        #expect(kept == CityRollup(code: "qingchuan", name: "青川市", register: register, brief: brief, madeAt: earlier))
        #expect(kept.total.flagged > 0 && kept.sourceWarnings == 0)
        // A feed failing since is not a change of what it was made from, but the sources
        // fallen silent are counted when it is read.
        try await city.monitor(of: "web.sqlite").database.saveFeedStates([
            FeedState(feedID: "demo-weibo", errorCount: FeedState.failuresBeforeWarning)
        ])
        let later = try await city.monitor.cityRollup(code: "qingchuan", name: "青川市", asOf: day, now: WebFixture.now)
        #expect(later.madeAt == earlier && later.sourceWarnings == 1)
        // Kept again on the same basis: left as it was (another process would see a write).
        #expect(try await city.monitor.makeAndKeepRollup(asOf: day, now: WebFixture.now))
        #expect(try await city.database.keptRollup(asOf: day, withBody: false)?.madeAt == earlier)

        // Other rules: made anew.
        let rules = city.folder.appendingPathComponent("rules")
        try FileManager.default.copyItem(at: WebFixture.root.appendingPathComponent("rules"), to: rules)
        let registerFile = rules.appendingPathComponent("register.yaml")
        try (try String(contentsOf: registerFile, encoding: .utf8) + "\n# 省里另定的规则\n")
            .write(to: registerFile, atomically: true, encoding: .utf8)
        let otherRules = Monitor(
            database: city.database, feedsDirectory: WebFixture.root.appendingPathComponent("feeds"), rulesDirectory: rules,
            environment: [:])
        #expect(try await otherRules.cityRollup(code: "qingchuan", name: "青川市", asOf: day, now: WebFixture.now).madeAt == WebFixture.now)

        // A change of the store, through another connection as a worker's: made anew.
        let worker = try city.monitor(of: "web.sqlite")
        try await worker.database.insertItems(
            [Item(feedID: "demo-posts", sourceKey: "new", kind: .post, publishedAt: earlier, title: "工资", content: "城东安置房二期拖欠工资")],
            fetchedAt: earlier, mask: { $1 })
        #expect(try await city.monitor.cityRollup(code: "qingchuan", name: "青川市", asOf: day, now: WebFixture.now).madeAt == WebFixture.now)

        // A kept body that does not read (another version's) is made anew, not an error.
        let count = try #require(try await city.database.changeCount())
        var broken = try #require(try await city.database.keptRollup(asOf: day))
        broken.dataVersion = count
        broken.body = #"{"code":1}"#
        try await city.database.keepRollup(broken)
        #expect(try await city.monitor.cityRollup(code: "qingchuan", name: "青川市", asOf: day, now: WebFixture.now).madeAt == WebFixture.now)
    }

    /// A city's node keeps the roll-up of the day whenever it makes its register.
    @Test func aCitysNodeKeepsItsRollupAsItMakesItsRegister() async throws {
        let city = try await WebFixture()
        try await city.keeper.refresh()
        let kept = try #require(try await city.database.keptRollup(asOf: WebFixture.asOf))
        #expect(kept.dataVersion == (try await city.database.changeCount()))
        // Read as kept (made at the node's time, not the reader's).
        let rollup = try await city.monitor.cityRollup(
            code: "qingchuan", name: "青川市", asOf: WebFixture.asOf, now: WebFixture.now.addingTimeInterval(60))
        let snapshot = try #require(city.keeper.current)
        #expect(rollup.total.flagged == snapshot.register.projects.filter { !$0.flags.isEmpty }.count)
        #expect(rollup.madeAt == WebFixture.now && rollup.flagged.count == rollup.total.flagged)
    }

    /// On PostgreSQL, the province's role reads a city with the grants the README gives
    /// (USAGE on the city's schema, SELECT on its tables and sequences) and no more: the
    /// roll-up is the owner's, and a write is refused by the server.
    @Test func theProvincesRoleReadsACityWithTheDocumentedGrantsOnly() async throws {
        guard TestStores.engine == .postgres, var location = TestStores.location(folder: WebFixture.root, name: "unused") else { return }
        let city = try await WebFixture()
        location.schema = try #require(TestStores.location(folder: city.folder, name: "web.sqlite")?.schema)
        let schema = try #require(location.schema)
        let reader = "province_reader_" + String(UInt32.random(in: 0...UInt32.max), radix: 16)
        let password = ProcessInfo.processInfo.environment["PGPASSWORD"] ?? ""
        try await city.database.write { session in
            try session.execute("CREATE ROLE \(reader) LOGIN PASSWORD '\(password)'")
            for grant in [
                "USAGE ON SCHEMA \(schema)", "SELECT ON ALL TABLES IN SCHEMA \(schema)", "SELECT ON ALL SEQUENCES IN SCHEMA \(schema)",
            ] {
                try session.execute("GRANT \(grant) TO \(reader)")
            }
        }
        location.user = reader
        let owners = try await city.monitor.cityRollup(code: "qingchuan", name: "青川市", asOf: WebFixture.asOf, now: WebFixture.now)
        do {
            let readOnly = Monitor(
                database: try AppDatabase.open(postgres: location, readOnly: true),
                feedsDirectory: WebFixture.root.appendingPathComponent("feeds"),
                rulesDirectory: WebFixture.root.appendingPathComponent("rules"), environment: [:])
            let readers = try await readOnly.cityRollup(code: "qingchuan", name: "青川市", asOf: WebFixture.asOf, now: WebFixture.now)
            #expect(readers == owners && readers.total.flagged > 0)
            // The grants not run again after an upgrade added the kept roll-ups: the city's
            // register is made, not refused.
            #expect(try await city.monitor.makeAndKeepRollup(asOf: WebFixture.asOf, now: WebFixture.now))
            try await city.database.write { session in try session.execute("REVOKE SELECT ON kept_rollup FROM \(reader)") }
            #expect(try await readOnly.cityRollup(code: "qingchuan", name: "青川市", asOf: WebFixture.asOf, now: WebFixture.now) == owners)
            let writer = try AppDatabase.open(postgres: location, create: false)
            await #expect(throws: (any Error).self) {
                try await writer.addAccount(Account(name: "intruder", role: .admin, createdAt: WebFixture.now), passwordHash: "h")
            }
            try? writer.close()
            try? readOnly.database.close()
        } catch {
            Issue.record("the province's role could not read the city: \(error)")
        }
        try await city.database.write { session in
            try session.execute("DROP OWNED BY \(reader)")
            try session.execute("DROP ROLE \(reader)")
        }
    }

    @Test func theProvinceFilesStoresAreReadFromItsFolder() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("wagewatch-province-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("province.yaml")
        try """
        name: 示例省
        cities:
          - {code: a, name: 甲市, store: postgres_city.sqlite}
          - {code: b, name: 乙市, store: "postgres://wagewatch@127.0.0.1/wagewatch?schema=b"}
        """.write(to: file, atomically: true, encoding: .utf8)
        let config = try ProvinceConfig.load(file: file)
        #expect(config.cities[0].store == folder.appendingPathComponent("postgres_city.sqlite").standardizedFileURL.path)
        #expect(config.cities[1].store == "postgres://wagewatch@127.0.0.1/wagewatch?schema=b")
        try "name: 省\ncities:\n  - {code: a, name: 甲, store: a.sqlite}\n  - {code: b, name: 乙, store: ./a.sqlite}\n"
            .write(to: file, atomically: true, encoding: .utf8)
        #expect {
            try ProvinceConfig.load(file: file)
        } throws: { error in
            (error as? RulesError)?.described(as: "province file").contains("province.yaml:4: field store: cities a and b") == true
        }
    }

    @Test func theProvinceFileSaysWhereItIsWrong() throws {
        let good = """
            name: 示例省
            cities:
              - code: qingchuan
                name: 青川市
                store: qingchuan.sqlite
              - code: beishan
                name: 北山市
                store: postgres://wagewatch@127.0.0.1/wagewatch?schema=beishan
            """
        let config = try ProvinceConfig.parse(good, file: "province.yaml")
        #expect(config.name == "示例省" && config.cities.map(\.code) == ["qingchuan", "beishan"] && config.cities[1].line == 6)
        for (text, expected) in [
            ("cities: []", "province.yaml:1:1: the province needs a name"),
            ("name: 省\ncities:\n  - code: 1a\n    name: 市\n    store: a.sqlite", "province.yaml:3:5: field code"),
            ("name: 省\ncities:\n  - code: a\n    name: 市\n    stor: a.sqlite", "province.yaml:5:5: a city: unknown field stor"),
            ("name: 省\ncities:\n  - code: a\n    name: 市", "province.yaml:3:5: a city needs its store"),
            (
                "name: 省\ncities:\n  - {code: a, name: 甲, store: a.sqlite}\n  - {code: a, name: 乙, store: b.sqlite}",
                "province.yaml:4:5: two cities share the code or name a"
            ),
            (
                "name: 省\ncities:\n  - {code: a, name: 甲, store: a.sqlite}\n  - {code: b, name: 乙, store: a.sqlite}",
                "province.yaml:4:5: field store: cities a and b name the same store"
            ),
        ] {
            #expect(throws: RulesError.self, "\(expected)") { try ProvinceConfig.parse(text, file: "province.yaml") }
            do {
                _ = try ProvinceConfig.parse(text, file: "province.yaml")
            } catch {
                #expect(error.described(as: "province file").hasPrefix("province file " + expected), "\(error)")
            }
        }
    }
}
