import Foundation
import HTTPTypes
import Hummingbird
import Logging
import Model
import Monitor
import NIOCore
import Register
import Scoring
import Synchronization
import TestStores
import Testing

@testable import Store
@testable import Web

/// The web UI through its router, in-process, on a real SQLite store of the demo run.
@Suite struct WebAppTests {
    // MARK: Sessions

    @Test func anAdministratorStopsEnablesResetsAndDeletesAccounts() async throws {
        let fixture = try await WebFixture()
        let signedIn = try await fixture.signedIn("petition")
        #expect(try await signedIn.get("/queue").status == .ok)
        // Stopped: the open session ends, and signing in is refused with a reason.
        try await fixture.database.change(account: "petition", .disable, by: "命令行", now: WebFixture.now)
        #expect(try await signedIn.get("/queue").status == .seeOther)
        let refused = try await fixture.client().logIn("petition", password: WebFixture.password)
        #expect(refused.status == .forbidden && refused.body.contains("停用"))
        #expect(try await fixture.database.accounts().first { $0.name == "petition" }?.disabledAt == WebFixture.now)
        // Enabled again, then a new password: the old one no longer opens it.
        try await fixture.database.change(account: "petition", .enable, by: "命令行", now: WebFixture.now)
        let again = try await fixture.signedIn("petition")
        try await fixture.database.change(
            account: "petition", .password(hash: try Passwords.hash("new-horse-10", cost: 4)),
            by: "命令行", now: WebFixture.now)
        #expect(try await again.get("/queue").status == .seeOther)
        #expect(try await fixture.client().logIn("petition", password: WebFixture.password).status == .unauthorized)
        #expect(try await fixture.client().logIn("petition", password: "new-horse-10").status == .seeOther)
        // Deleted: gone, its audit lines kept; an unknown name is said so.
        try await fixture.database.change(account: "petition", .delete, by: "命令行", now: WebFixture.now)
        #expect(try await fixture.database.account(named: "petition") == nil)
        let actions = try await fixture.database.auditEntries().filter { $0.account == "petition" || $0.reason == "petition" }.map(\.action)
        #expect(actions.contains("login") && actions.contains("account_deleted") && actions.contains("account_disabled"))
        await #expect(throws: StoreError.self) {
            try await fixture.database.change(account: "nobody", .disable, by: "命令行", now: WebFixture.now)
        }
    }

    @Test func aLoginOverPlainHTTPToAnotherHostSaysHTTPSIsNeeded() async throws {
        let fixture = try await WebFixture()
        let form = [("name", "petition"), ("password", WebFixture.password), ("token", "x")]
        // The browser kept no login cookie: over plain HTTP to a server's name it never does.
        let plain = try await fixture.client().post("/login", form: form, authority: "wagewatch.city.example:8080")
        #expect(plain.status == .forbidden && plain.body.contains("HTTPS") && !plain.body.contains("CSRF"))
        // Behind a TLS proxy, or on this machine, the same is a stale form.
        let proxied = try await fixture.client().post(
            "/login", form: form, headers: [HTTPField.Name("X-Forwarded-Proto")!: "https"],
            authority: "wagewatch.city.example")
        #expect(proxied.status == .forbidden && proxied.body.contains("CSRF"))
        let local = try await fixture.client().post("/login", form: form)
        #expect(local.status == .forbidden && local.body.contains("CSRF"))
    }

    @Test func loginSetsASecureHttpOnlyStrictCookieAndAWrongPasswordDoesNot() async throws {
        let fixture = try await WebFixture()
        let browser = fixture.client()
        let wrong = try await browser.logIn("petition", password: "not-the-password")
        #expect(wrong.status == .unauthorized)
        #expect(wrong.body.contains("用户名或密码不正确"))
        #expect(browser.cookies[SessionCookie.name] == nil)
        let unknown = try await browser.logIn("nobody", password: WebFixture.password)
        #expect(unknown.status == .unauthorized)

        let right = try await browser.logIn("petition", password: WebFixture.password)
        #expect(right.status == .seeOther)
        #expect(right.headers[.location] == "/queue")
        let cookie = try #require(right.setCookies.first { $0.hasPrefix(SessionCookie.name + "=") })
        #expect(cookie.contains("HttpOnly") && cookie.contains("Secure") && cookie.contains("SameSite=Strict"))
        #expect(try await browser.get("/queue").status == .ok)
        // The audit log has both.
        let actions = try await fixture.database.auditEntries().map(\.action)
        #expect(actions.filter { $0 == "login_failed" }.count == 2 && actions.contains("login"))
    }

    @Test func loginWithoutItsFormTokenIsRefused() async throws {
        let fixture = try await WebFixture()
        let browser = fixture.client()
        let response = try await browser.post("/login", form: [("name", "petition"), ("password", WebFixture.password)])
        #expect(response.status == .forbidden)
        #expect(browser.cookies[SessionCookie.name] == nil)
    }

    @Test func theSixthFailedLoginWithinTheWindowIsRefusedEvenWithTheRightPassword() async throws {
        let fixture = try await WebFixture()
        let browser = fixture.client()
        for _ in 0..<5 {
            #expect(try await browser.logIn("leader", password: "wrong-password-1").status == .unauthorized)
        }
        let blocked = try await browser.logIn("leader", password: WebFixture.password)
        #expect(blocked.status == .tooManyRequests)
        #expect(Int(blocked.headers[.retryAfter] ?? "") ?? 0 > 0)
        #expect(browser.cookies[SessionCookie.name] == nil)
        // Another name from the same address may still log in: an address has a higher
        // limit of its own (many people behind one office address or proxy).
        #expect(try await browser.logIn("admin", password: WebFixture.password).status == .seeOther)
    }

    @Test func aNameSpeltWithControlCharactersIsThrottledAsTheName() async throws {
        let fixture = try await WebFixture()
        let browser = fixture.client()
        // A NUL makes a name no name at all (a lookup would cut it there): never a login, with
        // the right password either.
        for variant in ["leader\u{0}", "leader\u{0}zz"] {
            #expect(try await browser.logIn(variant, password: WebFixture.password).status != .seeOther)
        }
        for variant in ["leader\u{1}", "\tleader", " leader", "LEADER", "lea\u{7}der"] {
            #expect(try await browser.logIn(variant, password: "wrong-password-1").status == .unauthorized)
        }
        #expect(try await browser.logIn("leader", password: WebFixture.password).status == .tooManyRequests)
    }

    @Test func loginsSentAtOnceCannotAllBeTried() async throws {
        let fixture = try await WebFixture()
        let browsers = (0..<12).map { _ in fixture.client() }
        let statuses = try await withThrowingTaskGroup(of: HTTPResponse.Status.self) { group in
            for browser in browsers {
                group.addTask { try await browser.logIn("cyberspace", password: "wrong-password-2").status }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(statuses.filter { $0 == .unauthorized }.count == 5)
        #expect(statuses.filter { $0 == .tooManyRequests }.count == 7)
    }

    @Test func anAddressHasItsOwnHigherLimitAndAProxyNamesTheBrowser() async throws {
        var settings = WebFixture.settings
        settings.addressAttempts = 7
        settings.trustedProxy = "10.0.0.1"
        let fixture = try await WebFixture(settings: settings)
        let browser = fixture.client()
        for index in 0..<7 {
            #expect(try await browser.logIn("nobody\(index)", password: "wrong-password-3").status == .unauthorized)
        }
        #expect(try await browser.logIn("leader", password: WebFixture.password).status == .tooManyRequests)
        // Through the proxy, the forwarded address counts, not the proxy's.
        let request = Request(
            head: HTTPRequest(
                method: .get, scheme: "http", authority: "localhost", path: "/",
                headerFields: [HTTPField.Name("X-Forwarded-For")!: "203.0.113.9, 198.51.100.7"]),
            body: RequestBody(buffer: ByteBuffer()))
        #expect(fixture.app.clientAddress(request, peer: "10.0.0.1") == "198.51.100.7")
        #expect(fixture.app.clientAddress(request, peer: "10.0.0.2") == "10.0.0.2")
    }

    @Test func loggingOutEndsTheSession() async throws {
        let fixture = try await WebFixture()
        let browser = try await fixture.signedIn("leader")
        let session = try #require(browser.cookies[SessionCookie.name])
        let token = try await browser.csrf()
        #expect(try await browser.post("/logout", form: [("csrf", token)]).status == .seeOther)
        // The old cookie, replayed, no longer opens anything.
        browser.setCookie(SessionCookie.name, session)
        let after = try await browser.get("/scorecard")
        #expect(after.status == .seeOther && after.headers[.location]?.hasPrefix("/login") == true)
    }

    @Test func aNewLoginEndsTheAccountsOtherSessionsAndCookiesAreHostOnly() async throws {
        let fixture = try await WebFixture()
        let office = try await fixture.signedIn("leader")
        #expect(try await office.get("/scorecard").status == .ok)
        let home = fixture.client()
        let login = try await home.logIn("leader", password: WebFixture.password)
        let cookie = try #require(login.setCookies.first { $0.hasPrefix("__Host-ww_session=") })
        #expect(cookie.contains("Path=/") && cookie.contains("Secure") && !cookie.lowercased().contains("domain="))
        #expect(try await home.get("/scorecard").status == .ok)
        // The first browser's session ended with the second login.
        #expect(try await office.get("/scorecard").status == .seeOther)
        // Another account's session is untouched.
        let other = try await fixture.signedIn("admin")
        _ = try await fixture.signedIn("cyberspace")
        #expect(try await other.get("/sources").status == .ok)
        // The store keeps only a hash of the id: the cookie's value is nowhere in it.
        let value = try #require(home.cookies[SessionCookie.name])
        #expect(try await fixture.database.sessionCount(storedAs: value) == 0)
        #expect(try await fixture.database.sessionCount(storedAs: SessionDigest.hex(of: value)) == 1)
    }

    // MARK: Roles

    @Test func everyPageAndItsJSONTwinCheckTheRole() async throws {
        let fixture = try await WebFixture()
        let anonymous = fixture.client()
        var browsers: [Role: TestBrowser] = [:]
        for role in Role.allCases { browsers[role] = try await fixture.signedIn(role.rawValue) }
        for (path, allowed) in WebApp.access {
            let page = try await anonymous.get(path)
            #expect(page.status == .seeOther && page.headers[.location] == "/login?next=" + path, "\(path) anonymous")
            #expect(try await anonymous.get("/api" + path).status == .unauthorized, "/api\(path) anonymous")
            for role in Role.allCases {
                let browser = browsers[role]!
                let expected: HTTPResponse.Status = allowed.contains(role) ? .ok : .forbidden
                let html = try await browser.get(path)
                #expect(html.status == expected, "\(path) as \(role)")
                #expect(html.headers[.contentType] == "text/html; charset=utf-8")
                let api = try await browser.get("/api" + path)
                #expect(api.status == expected, "/api\(path) as \(role)")
                #expect(api.headers[.contentType] == "application/json; charset=utf-8")
            }
        }
        // Pages every city role may open (the province's none), and the actions only the
        // petition bureau may take.
        for role in Role.allCases {
            let browser = browsers[role]!
            let open: HTTPResponse.Status = role == .province || role == .department ? .forbidden : .ok
            // P-001 is 市住建局's: the department account (bound to it) opens it.
            #expect(try await browser.get("/projects/P-001").status == (role == .province ? .forbidden : .ok), "\(role)")
            #expect(try await browser.get("/projects?q=P-001").status == open, "\(role)")
            #expect(try await browser.get("/api/items/demo-petitions:XF-2024-1201").status == open, "\(role)")
            let token = try await browser.csrf()
            let claim = try await browser.post("/api/items/demo-petitions:XF-2024-1201/claim", form: [("csrf", token)])
            #expect(claim.status == (role == .petition ? .ok : .forbidden), "claim as \(role)")
            if role != .petition {
                let review = try await browser.post(
                    "/items/demo-petitions:XF-2024-1201/review",
                    form: [("csrf", token), ("action", "reject"), ("reason", "越权")])
                #expect(review.status == .forbidden, "review as \(role)")
            }
        }
        #expect(try await anonymous.get("/audit.csv").status == .seeOther)
        #expect(
            try await anonymous.post(
                "/api/items/demo-petitions:XF-2024-1201/review",
                form: [("action", "reject"), ("reason", "匿名")]
            ).status == .unauthorized)
        #expect(try await fixture.database.assessment(ofItem: "demo-petitions:XF-2024-1201")?.assessment.isSignal == true)
        #expect(try await browsers[.petition]!.get("/audit.csv").status == .forbidden)
    }

    @Test func loginFollowsOnlyAPathOfThisSite() async throws {
        let fixture = try await WebFixture()
        for (next, expected) in [
            ("/projects/P-001", "/projects/P-001"), ("//evil.example/x", "/queue"),
            ("https://evil.example/", "/queue"), ("/\\evil.example", "/queue"), ("/\t/evil.example", "/queue"), ("/x\n", "/queue"),
        ] {
            let browser = fixture.client()
            let form = try await browser.get("/login?next=" + TestBrowser.encode(next))
            let token = try #require(TestBrowser.field("token", in: form.body))
            let response = try await browser.post(
                "/login",
                form: [
                    ("token", token), ("name", "petition"),
                    ("password", WebFixture.password), ("next", next),
                ])
            #expect(response.headers[.location] == expected, "\(next)")
        }
    }

    /// With the real-name platform's export: the scorecard shows its rates, and a
    /// project's page its twelve months of attendance and payroll, the gap marked.
    @Test func thePlatformShowsOnTheScorecardAndTheProjectPage() async throws {
        let fixture = try await WebFixture()
        let leader = try await fixture.signedIn("leader")
        #expect(!(try await leader.get("/scorecard").body.contains("纳管率")))
        #expect(!(try await leader.get("/projects/P-001").body.contains("专户代发")))
        let demo = WebFixture.root.appendingPathComponent("feeds/demo")
        for month in ["11", "12"] {
            _ = try await fixture.monitor.importPlatform(
                path: demo.appendingPathComponent("platform-2024-\(month).csv").path, today: WebFixture.asOf)
        }
        try await fixture.keeper.refresh()
        let scorecard = try await leader.get("/scorecard")
        #expect(scorecard.body.contains("纳管率") && scorecard.body.contains("88%"))
        #expect(try await leader.get("/api/scorecard").json()["hasPlatform"] as? Bool == true)
        let page = try await leader.get("/projects/P-001")
        #expect(page.body.contains("近 12 个月") && page.body.contains("未上平台"))
        #expect(page.body.contains("<tr class=\"gap\"><td>2024-11</td><td>100 人 / 2200 工日</td>"))
        #expect(page.body.contains("代发异常") && page.body.contains("人工费未拨付"))
        // P-006's November is the month its 欠款类型存疑 rests on, paid in full: no gap marked.
        let p006 = try await leader.get("/projects/P-006")
        #expect(p006.body.contains("欠款类型存疑") && !p006.body.contains("class=\"gap\""))
        let months = try #require(try await leader.get("/api/projects/P-001").json()["months"] as? [[String: Any]])
        #expect(months.count == 12 && months.last?["month"] as? String == "2024-12")
        #expect(try await leader.get("/api/projects/P-004").json()["months"] as? [Any] != nil)
    }

    /// 督办 in the browser: the wage office opens a case, the unit signs and answers it, a
    /// leader closes it. Another unit's account finds nothing of it, on the pages, their
    /// JSON twins or any step; a step on a version seen before another step gets 409.
    @Test func aCaseIsTakenThroughItsStepsAndOtherUnitsSeeNothingOfIt() async throws {
        let fixture = try await WebFixture()
        let office = try await fixture.signedIn("wage_office")
        let officeToken = try await office.csrf()
        let opened = try await office.post(
            "/cases", form: [("csrf", officeToken), ("project", "P-001"), ("person", "李科长"), ("plan", "三日内核实<b>")])
        #expect(opened.status == .seeOther)
        let location = try #require(opened.headers[.location])
        #expect(location == "/cases/DB-2024-0001")
        // A second case on the project: 409 naming the first.
        let twice = try await office.post(
            "/api/cases", form: [("csrf", officeToken), ("project", "P-001"), ("person", "王"), ("plan", "再查")])
        #expect(twice.status == .conflict && twice.body.contains("DB-2024-0001"))
        let twicePage = try await office.post(
            "/cases", form: [("csrf", officeToken), ("project", "P-001"), ("person", "王"), ("plan", "再查")])
        #expect(twicePage.status == .conflict && twicePage.body.contains("href=\"/cases/DB-2024-0001\""))
        let page = try await office.get(location)
        #expect(page.status == .ok && page.body.contains("待签收") && page.body.contains("三日内核实&lt;b&gt;"))
        #expect(!page.body.contains("name=\"step\" value=\"sign\""))  // signing is the unit's

        let unit = try await fixture.signedIn("department")
        let other = try await fixture.signedIn("department2")
        // The other unit: the case is not there, nor in its list; no step reaches it.
        #expect(try await other.get(location).status == .notFound)
        #expect(try await other.get("/api" + location).status == .notFound)
        #expect(!(try await other.get("/cases").body.contains("DB-2024-0001")))
        let otherToken = try await other.csrf()
        #expect(try await other.post(location + "/act", form: [("csrf", otherToken), ("step", "sign")]).status == .notFound)
        #expect(try await other.post("/api" + location + "/act", form: [("csrf", otherToken), ("step", "sign")]).status == .notFound)
        // Units open no item, register or search page, nor another unit's project, and open
        // no case. Their own projects, with the flags and ledger rows, they do open.
        for path in [
            "/items/demo-petitions:XF-2024-1201", "/register", "/daily", "/scorecard", "/queue", "/search?q=%E6%AC%A0%E8%96%AA",
            "/scorecard/" + TestBrowser.encode("市教育局"), "/projects?q=P-002",
        ] {
            #expect(try await unit.get(path).status == .forbidden, "\(path)")
            #expect(try await unit.get("/api" + path).status == .forbidden, "/api\(path)")
        }
        for path in ["/projects/P-001", "/api/projects/P-001"] {
            #expect(try await other.get(path).status == .notFound, "\(path)")
        }
        let own = try await unit.get("/projects/P-001")
        #expect(own.status == .ok && own.body.contains("风险标记") && own.body.contains("href=\"/unit\""))
        #expect(!own.body.contains("href=\"/items/"))
        #expect(try await unit.get("/api/projects/P-002").status == .notFound)
        let ownList = try await unit.get("/unit")
        #expect(ownList.status == .ok && ownList.body.contains("P-001") && !ownList.body.contains("P-002"))
        let otherList = try await other.get("/api/unit")
        let otherProjects = try #require(try otherList.json()["projects"] as? [[String: Any]])
        #expect(otherProjects.contains { $0["projectID"] as? String == "P-002" })
        #expect(!otherProjects.contains { $0["projectID"] as? String == "P-001" })
        #expect(
            try await other.post("/cases", form: [("csrf", otherToken), ("project", "P-002"), ("person", "x"), ("plan", "y")]).status
                == .forbidden)

        let unitToken = try await unit.csrf()
        let list = try await unit.get("/cases")
        #expect(list.body.contains("DB-2024-0001") && !list.body.contains("交办督办件"))
        let sign = try await unit.post(location + "/act", form: [("csrf", unitToken), ("step", "sign"), ("version", "1")])
        #expect(sign.status == .seeOther)
        let stale = try await unit.post(
            "/api" + location + "/act", form: [("csrf", unitToken), ("step", "extend"), ("reason", "需核对"), ("version", "1")])
        #expect(stale.status == .conflict && stale.body.contains("办理中"))
        let answer: [(String, String)] = [
            ("csrf", unitToken), ("step", "reply_paid"), ("amount", "320000"), ("workers", "41"), ("paid_on", "2024-12-30"),
            ("version", "2"),
        ]
        // The proof is checked by its first bytes: an executable renamed .pdf, a page of
        // HTML posing as a PNG and a file over 10 MB are refused, and the case is unchanged.
        let elf: [UInt8] = [0x7F, 0x45, 0x4C, 0x46, 0x02, 0x01, 0x01, 0x00] + Array(repeating: 0x41, count: 200)
        let slipBytes = Array("%PDF-1.4\n%%EOF\n".utf8)
        let html = Array("<!DOCTYPE html><script>fetch('/api/accounts')</script>".utf8)
        let big = Array("%PDF-1.4\n".utf8) + Array(repeating: 0x20, count: CaseAttachment.maxSize)
        for (file, status) in [
            (("file", "代发回单.pdf", elf), HTTPResponse.Status.unsupportedMediaType), (("file", "回单.png", html), .unsupportedMediaType),
            (("file", "回单.pdf", big), .contentTooLarge),
        ] {
            let refused = try await unit.post("/api" + location + "/act", form: answer, files: [file])
            #expect(refused.status == status && !refused.body.contains("回单"), "\(file.1)")
        }
        // Numbers out of range are refused, the server lives on.
        for (field, value) in [("workers", "1e30"), ("workers", "1.5"), ("amount", "1e300"), ("workers", "-3")] {
            let bad = try await unit.post(
                "/api" + location + "/act", form: answer.map { $0.0 == field ? (field, value) : $0 }, files: [("file", "a.pdf", slipBytes)])
            #expect(bad.status == .badRequest, "\(field)=\(value)")
        }
        // Without a session, an upload is sent to the login page before it is read.
        let anonymous = try await fixture.client().post(
            location + "/act", form: answer, files: [("file", "a.pdf", Array(repeating: 0x25, count: 1_000_000))])
        #expect(anonymous.status == .seeOther && anonymous.headers[.location]?.hasPrefix("/login") == true)
        let withoutProof = try await unit.post("/api" + location + "/act", form: answer)
        #expect(withoutProof.status == .badRequest && withoutProof.body.contains("代发银行回单"))
        #expect(try await unit.get("/api" + location).json()["version"] as? Int == 2)
        // A body over the answer's limit is not read to its end.
        let huge = try await unit.post(
            "/api" + location + "/act", form: answer,
            files: [("file", "a.pdf", Array(repeating: 0x25, count: WebApp.maxAnswerBody + 1))])
        #expect(huge.status == .contentTooLarge)
        let slip = Array("%PDF-1.4\n%\u{E2}\u{E3}\n1 0 obj <<>> endobj\n%%EOF\n".utf8)
        let reply = try await unit.post("/api" + location + "/act", form: answer, files: [("file", "代发回单<b>.pdf", slip)])
        let replied = try reply.json()["state"] as? String
        #expect(reply.status == .ok && replied == "replied")
        // The file is listed with its name escaped, and served only as a download, to the
        // case's unit and supervisors; another unit gets 404.
        let withFile = try await unit.get(location)
        #expect(withFile.body.contains("代发回单&lt;b&gt;.pdf") && !withFile.body.contains("代发回单<b>"))
        let fileLink = try #require(
            withFile.body.range(of: "/files/").map { String(withFile.body[$0.upperBound...].prefix(64)) })
        let download = try await office.get(location + "/files/" + fileLink)
        #expect(download.status == .ok && download.bytes == slip)
        #expect(download.headers[.contentType] == "application/pdf")
        #expect(download.headers[.contentDisposition]?.hasPrefix("attachment;") == true)
        #expect(download.headers[.contentSecurityPolicy]?.contains("sandbox") == true)
        #expect(download.headers[.xContentTypeOptions] == "nosniff")
        #expect(try await other.get(location + "/files/" + fileLink).status == .notFound)
        #expect(try await unit.get(location + "/files/" + String(repeating: "0", count: 64)).status == .notFound)
        // The unit cannot close; a leader can, with a reason.
        #expect(
            try await unit.post(location + "/act", form: [("csrf", unitToken), ("step", "close"), ("reason", "好")]).status == .forbidden)
        let leader = try await fixture.signedIn("leader")
        let leaderToken = try await leader.csrf()
        let noReason = try await leader.post("/api" + location + "/act", form: [("csrf", leaderToken), ("step", "close")])
        #expect(noReason.status == .badRequest)
        let closed = try await leader.post(
            "/api" + location + "/act", form: [("csrf", leaderToken), ("step", "close"), ("reason", "代发凭证齐全")])
        let state = try closed.json()["state"] as? String
        #expect(closed.status == .ok && state == "closed")
        let history = try await leader.get(location)
        #expect(history.body.contains("已办结") && history.body.contains("市住建局（department）") && history.body.contains("代发凭证齐全"))
        let audit = try await leader.get("/audit")
        #expect(audit.body.contains("督办：办结") && !audit.body.contains("case_close"))
        // The audit log by kind, person and day: the 督办 steps alone; the logins apart,
        // their addresses in a column of their own.
        let steps = try await leader.get("/api/audit?kind=cases")
        let stepLines = try #require(try steps.json()["entries"] as? [[String: Any]])
        #expect(!stepLines.isEmpty && stepLines.allSatisfy { ($0["action"] as? String)?.hasPrefix("督办：") == true })
        let work = try #require(try await leader.get("/api/audit").json()["entries"] as? [[String: Any]])
        #expect(!work.contains { $0["action"] as? String == "登录" })
        let logins = try #require(try await leader.get("/api/audit?kind=logins&account=leader").json()["entries"] as? [[String: Any]])
        #expect(!logins.isEmpty && logins.allSatisfy { $0["account"] as? String == "leader" && $0["reason"] as? String == "" })
        let future = try await leader.get("/api/audit?from=2099-01-01").json()["entries"] as? [Any]
        #expect(future?.isEmpty != false)
        #expect(try await leader.get("/audit?from=yesterday").status == .badRequest)
        let exported = try await leader.get("/audit.csv?kind=cases")
        #expect(exported.body.contains("督办：办结") && !exported.body.contains(",登录,"))
        // The printable 督办单: the case and its history, no form, no menu; not another unit's.
        let print = try await unit.get(location + "/print")
        #expect(print.status == .ok && print.body.hasPrefix("<!DOCTYPE html>") && print.body.contains("<h1>督办单</h1>"))
        #expect(print.body.contains("代发凭证齐全") && print.body.contains("三日内核实&lt;b&gt;") && !print.body.contains("<form"))
        #expect(try await other.get(location + "/print").status == .notFound)
        // The week's 调度表: the case closed today is on it; another unit's sheet does not hold it.
        let schedule = try await office.get("/cases/schedule.csv")
        #expect(schedule.status == .ok && schedule.headers[.contentDisposition]?.hasPrefix("attachment") == true)
        #expect(schedule.body.contains("责任单位,编号,对象") && schedule.body.contains("市住建局,DB-2024-0001,项目 P-001,李科长"))
        let otherSchedule = try await other.get("/cases/schedule.csv")
        #expect(otherSchedule.status == .ok && !otherSchedule.body.contains("DB-2024-0001"))
        // The workbook (its sheets are read back by LibreOffice in CaseTests): a ZIP, as a download.
        let workbook = try await office.get("/cases/schedule.xlsx")
        #expect(workbook.status == .ok && workbook.bytes.starts(with: [0x50, 0x4B, 0x03, 0x04]))
        #expect(workbook.headers[.contentType] == CaseAttachment.Kind.xlsx.mediaType)
        #expect(workbook.headers[.contentDisposition]?.hasPrefix("attachment") == true)
        #expect(try await anonymousCannotDownload(fixture, "/cases/schedule.xlsx"))
    }

    /// A download without a session is sent to the login page, never served.
    func anonymousCannotDownload(_ fixture: WebFixture, _ path: String) async throws -> Bool {
        let answer = try await fixture.client().get(path)
        return answer.status == .seeOther && answer.bytes.prefix(2) != [0x50, 0x4B]
    }

    /// 交办 in few clicks: the project page, the register's unregistered sites and an item
    /// page link to the case form with the subject filled in; a site's case names its unit,
    /// an item's goes to its project's department.
    @Test func casesOpenFromTheProjectTheSiteAndTheItemPages() async throws {
        let fixture = try await WebFixture()
        let leader = try await fixture.signedIn("leader")
        let token = try await leader.csrf()
        #expect(try await leader.get("/projects/P-001").body.contains("href=\"/cases?project=P-001#open\""))
        let register = try await leader.get("/register").body
        let site = "锦绣华庭项目工地"
        #expect(register.contains("href=\"/cases?site=\(TestBrowser.encode(site))#open\""))
        let item = "demo-petitions:XF-2024-1223"
        #expect(try await leader.get("/items/\(TestBrowser.encode(item))").body.contains("/cases?item="))
        let form = try await leader.get("/cases?item=\(TestBrowser.encode(item))").body
        #expect(form.contains("name=\"item\" value=\"\(item)\""))
        // Nothing for the other roles: a reviewer's item page has no such link.
        #expect(!(try await fixture.signedIn("petition").get("/items/\(TestBrowser.encode(item))").body.contains("/cases?item=")))

        let both = try await leader.post(
            "/api/cases", form: [("csrf", token), ("project", "P-001"), ("item", item), ("person", "a"), ("plan", "b")])
        #expect(both.status == .badRequest)
        let noUnit = try await leader.post("/api/cases", form: [("csrf", token), ("site", site), ("person", "周"), ("plan", "查明建设单位")])
        #expect(noUnit.status == .badRequest && noUnit.body.contains("责任单位"))
        let onSite = try await leader.post(
            "/api/cases", form: [("csrf", token), ("site", site), ("township", "城关街道"), ("person", "周"), ("plan", "查明建设单位")])
        let siteCase = try #require(try onSite.json()["id"] as? String)
        let siteJSON = try await leader.get("/api/cases/\(siteCase)").json()
        #expect(siteJSON["unit"] as? String == "城关街道" && (siteJSON["subject"] as? String)?.contains(site) == true)
        let onItem = try await leader.post("/api/cases", form: [("csrf", token), ("item", item), ("person", "吴"), ("plan", "核实")])
        let itemCase = try #require(try onItem.json()["id"] as? String)
        #expect(try await leader.get("/api/cases/\(itemCase)").json()["unit"] as? String == "市教育局")
    }

    /// Every route of the app, asked by a unit (市教育局) for what belongs to another
    /// (市住建局's case, its file, its project): refused (403 or 404) on each page, JSON twin
    /// and action, and the lists it may open hold nothing of the other unit.
    @Test func aUnitOpensNothingOfAnotherUnitOnAnyRoute() async throws {
        let fixture = try await WebFixture()
        let office = try await fixture.signedIn("wage_office")
        let opened = try await office.post(
            "/cases", form: [("csrf", try await office.csrf()), ("project", "P-001"), ("person", "李科长"), ("plan", "核实")])
        let location = try #require(opened.headers[.location])
        let unit = try await fixture.signedIn("department")
        let unitToken = try await unit.csrf()
        #expect(try await unit.post(location + "/act", form: [("csrf", unitToken), ("step", "sign")]).status == .seeOther)
        let slip = Array("%PDF-1.4\n%%EOF\n".utf8)
        let reply = try await unit.post(
            "/api" + location + "/act",
            form: [("csrf", unitToken), ("step", "reply_paid"), ("amount", "100"), ("workers", "1"), ("paid_on", "2024-12-30")],
            files: [("file", "回单.pdf", slip)])
        #expect(reply.status == .ok)
        let sha = try #require(try await unit.get(location).body.range(of: "/files/")).upperBound
        let file = String(try await unit.get(location).body[sha...].prefix(64))

        // The owning unit's own pages first, so that a page kept for it would show.
        #expect(try await unit.get("/unit").body.contains("P-001"))
        let other = try await fixture.signedIn("department2")
        let token = try await other.csrf()
        #expect(try await other.get("/unit").body.contains("P-002"))
        let allowed: Set<String> = ["/cases", "/api/cases", "/unit", "/api/unit", "/cases/schedule.csv", "/cases/schedule.xlsx", "/"]
        let routes = fixture.app.routes.all.filter { !["/login", "/static/:name", "/healthz", "/logout", "/api/logout"].contains($0.path) }
        #expect(routes.count > 40)
        for route in routes {
            let parts = route.path.split(separator: "/").map(String.init)
            let path =
                "/"
                + parts.enumerated().map { index, part in
                    guard part.hasPrefix(":") else { return part }
                    let before = index > 0 ? parts[index - 1] : ""
                    switch (part, before) {
                    case (":id", "cases"): return "DB-2024-0001"
                    case (":id", "projects"): return "P-001"
                    case (":id", "items"): return TestBrowser.encode("demo-petitions:XF-2024-1201")
                    case (":sha", _): return file
                    case (":department", _): return TestBrowser.encode("市住建局")
                    default: return "x"
                    }
                }.joined(separator: "/")
            if route.method == .post {
                let answer = try await other.post(
                    path, form: [("csrf", token), ("step", "sign"), ("action", "confirm"), ("reason", "越权"), ("project", "P-001")])
                #expect([.forbidden, .notFound].contains(answer.status), "POST \(path): \(answer.status)")
                continue
            }
            let answer = try await other.get(path)
            if allowed.contains(path) {
                #expect(answer.status == .ok || answer.status == .seeOther, "\(path): \(answer.status)")
                #expect(!answer.body.contains("DB-2024-0001") && !answer.body.contains("P-001"), "\(path)")
            } else {
                #expect([.forbidden, .notFound].contains(answer.status), "GET \(path): \(answer.status)")
            }
        }
        // Nothing changed: the case is as the unit left it.
        #expect(try await office.get("/api" + location).json()["state"] as? String == "已反馈")
    }

    /// The alerts' outbox for the administrator: masked titles, the state and the reason of
    /// a failure; no other role opens it.
    @Test func theAdministratorSeesTheAlertsOutbox() async throws {
        let fixture = try await WebFixture()
        let event = AlertEvent(
            id: "escalation:s1", kind: .escalation, level: .critical, title: "城东安置房二期工地讨薪<script>", text: "赵**（139****5678）反映",
            personalText: "赵德明（13912345678）反映", at: WebFixture.now)
        try await fixture.monitor.database.enqueueAlert(event, channels: ["xinfang"])
        try await fixture.monitor.database.recordAlertAttempt(
            eventID: event.id, channel: "xinfang", state: .failed, at: WebFixture.now, error: "通道拒收（HTTP 400）")
        let admin = try await fixture.signedIn("admin")
        let page = try await admin.get("/alerts")
        #expect(page.status == .ok && page.body.contains("城东安置房二期工地讨薪&lt;script&gt;") && page.body.contains("通道拒收（HTTP 400）"))
        #expect(!page.body.contains("13912345678") && !page.body.contains("赵德明"))
        let failed = try #require(try await admin.get("/api/alerts?state=failed").json()["lines"] as? [[String: Any]])
        #expect(failed.count == 1 && failed.first?["channel"] as? String == "xinfang")
        #expect(try await admin.get("/alerts?state=bogus").status == .badRequest)
        #expect(try await fixture.signedIn("leader").get("/alerts").status == .forbidden)
    }

    /// With 督办 cases: the scorecard shows each unit's record beside its line.
    @Test func casesShowOnTheScorecard() async throws {
        let fixture = try await WebFixture()
        let leader = try await fixture.signedIn("leader")
        #expect(!(try await leader.get("/scorecard").body.contains("按期办结")))
        let office = CaseActor(name: "zhao", kind: .wageOffice)
        let opened = try await fixture.monitor.openCase(
            CaseRequest(subject: .project("P-001"), person: "李科长", plan: "核实"), by: office, today: WebFixture.asOf.adding(days: -20))
        try await fixture.keeper.refresh()
        let scorecard = try await leader.get("/scorecard")
        #expect(scorecard.body.contains("<th>督办</th><th>超期</th><th>按期办结</th>"))
        #expect(scorecard.body.contains("<td>1</td><td>1</td><td>0</td><td>0</td><td>0</td><td>-</td>"), "\(scorecard.body)")
        let lines = try #require(try await leader.get("/api/scorecard").json()["departments"] as? [[String: Any]])
        let housing = try #require(lines.first { ($0["department"] as? String) == "市住建局" })
        #expect((housing["cases"] as? [String: Any])?["overdue"] as? Int == 1)
        // The 日报 lists it as overdue, and its JSON twin alike.
        let daily = try await leader.get("/daily")
        #expect(daily.body.contains("id=\"cases\"") && daily.body.contains(opened.id) && daily.body.contains("已超期"))
        let overdue = try #require(try await leader.get("/api/daily").json()["overdueCases"] as? [[String: Any]])
        #expect(overdue.first?["id"] as? String == opened.id)
    }

    /// The administrator stops, starts, unlocks and removes accounts in the browser, each
    /// audited under their name; never their own account; no other role may.
    @Test func theAdministratorManagesAccountsInTheBrowser() async throws {
        let fixture = try await WebFixture()
        let admin = try await fixture.signedIn("admin")
        let token = try await admin.csrf()
        func act(_ action: String, _ name: String, confirm: String? = nil) async throws -> TestResponse {
            try await admin.post(
                "/accounts/action", form: [("csrf", token), ("action", action), ("name", name)] + (confirm.map { [("confirm", $0)] } ?? []))
        }
        #expect(try await act("disable", "petition2").status == .seeOther)
        #expect(try await fixture.client().logIn("petition2", password: WebFixture.password).status != .seeOther)
        #expect(try await admin.get("/accounts?done=disable").body.contains("已停用账号，已记入操作日志"))
        #expect(try await act("enable", "petition2").status == .seeOther)
        // Five wrong passwords lock the name; unlocking lets it in at once.
        for _ in 0..<5 { _ = try await fixture.client().logIn("petition2", password: "wrong-password-0") }
        #expect(try await fixture.client().logIn("petition2", password: WebFixture.password).status == .tooManyRequests)
        #expect(try await act("unlock", "petition2").status == .seeOther)
        #expect(try await fixture.client().logIn("petition2", password: WebFixture.password).status == .seeOther)
        // Deleting asks for the name again; one's own account is not stopped or removed here.
        #expect(try await act("delete", "petition2").status == .badRequest)
        #expect(try await act("delete", "petition2", confirm: "petition2").status == .seeOther)
        #expect(try await fixture.database.account(named: "petition2") == nil)
        #expect(try await act("disable", "admin").status == .conflict)
        #expect(try await act("unlock", "nobody").status == .notFound)
        let audit = try await fixture.database.auditEntries().filter { $0.account == "admin" }.map(\.action)
        #expect(["account_disabled", "account_enabled", "account_unlocked", "account_deleted"].allSatisfy(audit.contains))
        let leader = try await fixture.signedIn("leader")
        #expect(
            try await leader.post("/accounts/action", form: [("csrf", try await leader.csrf()), ("action", "disable"), ("name", "admin")])
                .status == .forbidden)
    }

    /// The leader's ranking: by 漏报率 (projects flagged 疑似漏报 or 违背承诺, each once, of
    /// the projects a unit oversees), each column explained on hover and in a note.
    @Test func theScorecardRanksByTheShareOfProjectsUnderReported() async throws {
        let fixture = try await WebFixture()
        let leader = try await fixture.signedIn("leader")
        let lines = try #require(try await leader.get("/api/scorecard").json()["departments"] as? [[String: Any]])
        let rates = lines.map { Double($0["underreporting"] as? Int ?? 0) / Double(max(1, $0["projects"] as? Int ?? 1)) }
        #expect(rates == rates.sorted(by: >) && (rates.first ?? 0) > 0, "\(lines)")
        #expect(
            lines.allSatisfy {
                ($0["underreporting"] as? Int ?? 0) <= ($0["underreported"] as? Int ?? 0) + ($0["contradicted"] as? Int ?? 0)
            })
        let page = try await leader.get("/scorecard")
        #expect(page.body.contains("按漏报率排序") && page.body.contains("<th title=\"疑似漏报或违背承诺的项目 ÷ 所管项目\">漏报率</th>"))
        #expect(page.body.contains("id=\"scorecard-notes\"") && page.body.contains("%</td>"))
    }

    /// The register and the scorecard leave the browser as workbooks and CSV, with the
    /// CLI's columns; only for the roles of their pages.
    /// The analyst works the register: filters by flag, 主管部门 and 属地 (part of a name) and
    /// sensitive projects, sorts by a column, reads how the 分值 is made; the exports and the
    /// printable brief follow the filters; a filter that is no choice is told in Chinese.
    @Test func theRegisterFiltersSortsAndExplainsItsScore() async throws {
        let fixture = try await WebFixture()
        let analyst = try await fixture.signedIn("cyberspace")
        let page = try await analyst.get("/register")
        let register = try #require(fixture.keeper.current?.register)
        let flagged = register.projects.filter { !$0.flags.isEmpty }
        func ids(_ path: String) async throws -> [String] {
            let body = try await analyst.get(path).body
            return flagged.map(\.projectID).filter { body.contains("/projects/\(WebApp.percentEncoded($0))\"") }
        }
        #expect(page.body.contains("id=\"register-filters\"") && page.body.contains("id=\"score-note\""))
        #expect(page.body.contains("农历腊月的线索乘以 1.5") && page.body.contains("命令行 register、日报与导出文件用同一数值"))
        let flag = try #require(flagged.first?.flags.first)
        #expect(try await ids("/register?flag=\(flag.rawValue)") == flagged.filter { $0.flags.contains(flag) }.map(\.projectID))
        let department = try #require(flagged.first?.department)
        let part = String(department.dropFirst().prefix(2))
        let byDepartment = try await ids("/register?department=\(WebApp.percentEncoded(part))")
        #expect(!byDepartment.isEmpty && byDepartment == flagged.filter { $0.department.contains(part) }.map(\.projectID))
        #expect(try await ids("/register?sensitive=1") == flagged.filter(\.sensitive).map(\.projectID))
        // Sorted by 信访, most first; the header says which column orders the list.
        let sorted = try await analyst.get("/register?sort=petitions")
        #expect(sorted.body.contains("aria-sort=\"descending\"><a href=\"/register?sort=petitions\""))
        let order = try await ids("/register?sort=petitions")
        let counts = Dictionary(uniqueKeysWithValues: flagged.map { ($0.projectID, $0.signals.petitions) })
        let positions = order.map { id in sorted.body.range(of: "/projects/\(WebApp.percentEncoded(id))\"")!.lowerBound }
        let shown = zip(order, positions).sorted { $0.1 < $1.1 }.map { counts[$0.0] ?? 0 }
        #expect(shown == shown.sorted(by: >))
        // The exports and the brief take the filters.
        let csv = try await analyst.get("/register.csv?department=\(WebApp.percentEncoded(part))").body
        #expect(flagged.allSatisfy { csv.contains($0.projectID + ",") == byDepartment.contains($0.projectID) })
        #expect(try await analyst.get("/register?department=\(WebApp.percentEncoded(part))").body.contains("/register.csv?department="))
        // Nothing unknown goes through, and the message names no code.
        let wrong = try await analyst.get("/register?flag=nonsense")
        #expect(wrong.status == .badRequest && wrong.body.contains("疑似漏报") && !wrong.body.contains("underreported"))
        #expect(try await analyst.get("/register?sort=name;drop").status == .badRequest)
        // The page's 分值 is the register's weighted score, as the CLI and the exports give it.
        let first = try #require(flagged.first)
        #expect(page.body.contains("<td>\(Labels.number(first.weightedScore))</td><td>\(first.reported.label)</td>"))
    }

    /// 较上月: each unit's 漏报率 against the month before's last day, in points, as the
    /// register of that day gives it.
    @Test func theScorecardShowsTheTrendAgainstLastMonth() async throws {
        let fixture = try await WebFixture()
        let leader = try await fixture.signedIn("leader")
        let page = try await leader.get("/scorecard")
        #expect(page.body.contains("与上月末（2024-11-30）相比漏报率的变化") && page.body.contains(">较上月</th>"))
        let now = try #require(fixture.keeper.current?.register.departments)
        let before = try await fixture.monitor.scorecards(asOf: try #require(Day("2024-11-30"))).departments
        let earlier = Dictionary(
            uniqueKeysWithValues: before.compactMap { entry in entry.underreportingRate.map { (entry.department, $0) } })
        var compared = 0
        for entry in now {
            guard let rate = entry.underreportingRate, let then = earlier[entry.department] else { continue }
            let points = ((rate - then) * 1_000).rounded() / 10
            let text = points == 0 ? "持平" : (points > 0 ? "↑" : "↓") + Labels.number(abs(points))
            #expect(
                page.body.contains("上月末（2024-11-30）\(RegisterReport.DepartmentEntry.PlatformCounts.percent(then))"), "\(entry.department)")
            #expect(page.body.contains(">\(text)</td>"), "\(entry.department): \(text)")
            compared += 1
        }
        #expect(compared > 0)
        #expect(try await leader.get("/scorecard/print").body.contains("较上月"))
    }

    @Test func theRegisterAndScorecardAreExported() async throws {
        let fixture = try await WebFixture()
        let leader = try await fixture.signedIn("leader")
        #expect(try await leader.get("/register").body.contains("href=\"/register.xlsx?"))
        let register = try #require(fixture.keeper.current?.register)
        #expect(try await leader.get("/scorecard").body.contains("href=\"/scorecard.xlsx\""))
        let csv = try await leader.get("/register.csv")
        #expect(csv.status == .ok && csv.body == RegisterRows.csv(register))
        #expect(csv.body.contains("项目编号,项目名称") && csv.body.contains("P-001"))
        let workbook = try await leader.get("/register.xlsx")
        let expected = [UInt8](try RegisterRows.xlsx(register))
        #expect(workbook.status == .ok && workbook.bytes == expected)
        let scorecard = try await leader.get("/scorecard.csv")
        #expect(scorecard.body == ScorecardRows.csv(departments: register.departments, townships: register.townships))
        #expect(scorecard.body.contains("漏报率") && scorecard.body.contains("市住建局"))
        #expect(try await leader.get("/scorecard.xlsx").bytes.prefix(2) == [0x50, 0x4B])
        // Printable briefs under the official head: every flagged project, no links to leave
        // the page by (exports, pages), the scorecard in landscape.
        #expect(try await leader.get("/register").body.contains("href=\"/register/print?"))
        let printed = try await leader.get("/register/print")
        #expect(
            printed.status == .ok && printed.body.contains("内部资料 注意保存") && printed.body.contains("<h1 class=\"brief-title\">欠薪风险台账</h1>"))
        #expect(printed.body.contains("2024年12月31日") && printed.body.contains("counter(pages)"))
        let flagged = register.projects.filter { !$0.flags.isEmpty }
        #expect(!flagged.isEmpty && flagged.allSatisfy { printed.body.contains("\($0.projectID) ") })
        #expect(!printed.body.contains("register-exports") && !printed.body.contains("class=\"pager\""))
        let ranking = try await leader.get("/scorecard/print")
        #expect(ranking.status == .ok && ranking.body.contains("<body class=\"wide\">") && ranking.body.contains("市住建局"))
        #expect(!ranking.body.contains("scorecard-exports") && ranking.body.contains("scorecard-notes"))
        let clerk = try await fixture.signedIn("petition")
        for path in ["/register.csv", "/register.xlsx", "/scorecard.csv", "/scorecard.xlsx", "/register/print", "/scorecard/print"] {
            #expect(try await clerk.get(path).status == .forbidden)
        }
    }

    /// The petition bureau finds a petition by its case number, its petitioner's name or
    /// phone (however grouped), from the stored fields; another role finds nothing by them
    /// and is told what to try; results have headers and the term marked.
    @Test func thePetitionBureauSearchesByCaseNumberNameAndPhone() async throws {
        let fixture = try await WebFixture()
        let clerk = try await fixture.signedIn("petition")
        func found(_ browser: TestBrowser, _ query: String) async throws -> [String] {
            let json = try await browser.get("/api/search?q=" + TestBrowser.encode(query)).json()
            return (json["results"] as? [[String: Any]] ?? []).compactMap { $0["itemID"] as? String }
        }
        #expect(try await found(clerk, "XF-2024-1201").first == "demo-petitions:XF-2024-1201")
        #expect(try await found(clerk, "赵德明").first == "demo-petitions:XF-2024-1201")
        #expect(try await found(clerk, "138-1111-2222").first == "demo-petitions:XF-2024-1223")
        let page = try await clerk.get("/search?q=" + TestBrowser.encode("赵德明"))
        #expect(page.body.contains("<th>标题</th>") && page.body.contains("编号、姓名或电话"))
        let analyst = try await fixture.signedIn("cyberspace")
        for query in ["赵德明", "13811112222", "XF-2024-1201"] {
            #expect(try await found(analyst, query).isEmpty, "\(query)")
        }
        let none = try await analyst.get("/search?q=" + TestBrowser.encode("赵德明"))
        #expect(none.body.contains("id=\"no-result\"") && !none.body.contains("信访人姓名或电话查找"))
        // A term is marked in the titles found.
        let marked = try await analyst.get("/search?q=" + TestBrowser.encode("欠薪"))
        #expect(marked.body.contains("<mark>欠薪</mark>") || marked.body.contains("找到 0 条"))
    }

    /// With -v the server logs a line per request (method, path, status, time, account), never
    /// a query (a search may hold a phone number), and a failed login by its address only.
    @Test func requestsAndFailedLoginsAreLoggedWithoutPersonalData() async throws {
        final class Lines: Sendable {
            let value = Mutex<[String]>([])
        }
        let lines = Lines()
        struct Capture: LogHandler {
            let lines: Lines
            var logLevel: Logger.Level = .info
            var metadata: Logger.Metadata = [:]
            subscript(metadataKey key: String) -> Logger.Metadata.Value? {
                get { metadata[key] }
                set { metadata[key] = newValue }
            }
            func log(event: LogEvent) {
                let fields = (event.metadata ?? [:]).sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
                lines.value.withLock { $0.append("\(event.message) \(fields)") }
            }
        }
        let fixture = try await WebFixture(logger: Logger(label: "test") { _ in Capture(lines: lines) })
        let clerk = try await fixture.signedIn("petition")
        _ = try await clerk.get("/queue")
        _ = try await clerk.get("/search?q=13811112222")
        _ = try await fixture.client().logIn("petition", password: "not-the-password-0")
        let logged = lines.value.withLock { $0 }
        #expect(
            logged.contains {
                $0.hasPrefix("request ") && $0.contains("path=/queue") && $0.contains("status=200") && $0.contains("account=petition")
            })
        #expect(logged.contains { $0.contains("path=/search") } && !logged.contains { $0.contains("13811112222") })
        #expect(
            logged.contains { $0.hasPrefix("failed login ") }
                && !logged.contains { $0.hasPrefix("failed login") && $0.contains("petition") })
    }

    /// The cyberspace office records what it did about a post (已处置, 已回应, a note): in the
    /// item's history and the audit log; no other role may.
    @Test func theAnalystRecordsWhatWasDoneOnAnItem() async throws {
        let fixture = try await WebFixture()
        let analyst = try await fixture.signedIn("cyberspace")
        let item = "demo-weibo:weibo-4991003"
        let page = try await analyst.get("/items/\(item)")
        #expect(page.body.contains("id=\"record\"") && page.body.contains("<option value=\"responded\">已回应</option>"))
        let token = try await analyst.csrf()
        #expect(
            try await analyst.post("/items/\(item)/record", form: [("csrf", token), ("what", "responded"), ("note", "已联系发帖人，转属地核实")])
                .status == .seeOther)
        #expect(
            try await analyst.post("/api/items/\(item)/record", form: [("csrf", token), ("what", "note"), ("note", "")]).status
                == .badRequest)
        #expect(try await analyst.post("/api/items/\(item)/record", form: [("csrf", token), ("what", "deleted")]).status == .badRequest)
        let history = try await analyst.get("/items/\(item)")
        #expect(history.body.contains("舆情：已回应") && history.body.contains("已联系发帖人，转属地核实"))
        #expect(try await fixture.database.auditEntries(itemID: item).first?.action == "item_responded")
        let leader = try await fixture.signedIn("leader")
        let records = try #require(try await leader.get("/api/audit?kind=records").json()["entries"] as? [[String: Any]])
        #expect(records.count == 1 && records.first?["action"] as? String == "舆情：已回应")
        let clerk = try await fixture.signedIn("petition")
        #expect(try await !clerk.get("/items/\(item)").body.contains("id=\"record\""))
        #expect(
            try await clerk.post("/items/\(item)/record", form: [("csrf", try await clerk.csrf()), ("what", "handled")]).status
                == .forbidden)
    }

    /// The 日报's lists each under their headers, a story's title leading to its first item,
    /// a feed warning to the sources page; a project's ledger rows with their type, the
    /// amount paid, the responsible unit and person.
    @Test func dailyListsHaveHeadersAndLedgerRowsTheirWholeLine() async throws {
        let fixture = try await WebFixture()
        let leader = try await fixture.signedIn("leader")
        let daily = try await leader.get("/daily")
        for table in ["new-flags", "cleared-flags", "risers", "stories"] {
            #expect(daily.body.contains("<table class=\"list\" id=\"\(table)\"><thead>"), "\(table)")
        }
        let brief = try #require(fixture.keeper.current?.brief)
        if let first = brief.topStories.first?.spread.items.first {
            #expect(
                daily.body.contains("href=\"/items/\(WebApp.percentEncoded(first))\"") || daily.body.contains("href=\"/items/\(first)\""))
        }
        let project = try await leader.get("/projects/P-003")
        #expect(project.body.contains("<th class=\"nowrap\">已支付金额</th><th>责任单位</th><th class=\"nowrap\">责任人</th>"))
        #expect(project.body.contains("<td class=\"nowrap\">工资</td>") && project.body.contains("<td class=\"nowrap\">30万元</td>"))
        #expect(project.body.contains("<td>青川路桥工程有限公司</td><td class=\"nowrap\">陈志强</td>"))
    }

    /// Amounts as users write them, a petition's 办理状态 in Chinese.
    @Test func amountsAndStatusesReadAsUsersWriteThem() async throws {
        #expect(Labels.amount(500_000) == "50万元" && Labels.amount(12_500) == "1.25万元" && Labels.amount(3_800) == "3,800元")
        #expect(Labels.amount(230_000_000) == "2.3亿元" && Labels.amount(0) == "0元")
        #expect(Labels.petitionStatus("received") == "已受理" && Labels.petitionStatus("assigned") == "已交办")
        let fixture = try await WebFixture()
        let clerk = try await fixture.signedIn("petition")
        let page = try await clerk.get("/items/demo-petitions:XF-2024-1223")
        #expect(page.body.contains("金额 50万元") && page.body.contains("办理状态 已受理") && !page.body.contains("received"))
        // Its 办理期限: the channel's limit (来访: 60 calendar days), from the day it came.
        #expect(page.body.contains("办理期限 60 日（2024-12-23 起）：02-21 剩 52 日"), "\(page.body)")
        let hotline = try await clerk.get("/items/demo-petitions:XF-2024-1208")
        #expect(hotline.body.contains("办理期限 15 个工作日"))
    }

    /// The clerk's worklist: the most urgent first (危急, 高, 中; within a level the open
    /// petitions by their 办理期限, nearest first), the count of each level at the top, each
    /// petition's deadline and what is left of it; 主管部门 by part of its name, and a 清除.
    /// The clerk's filters hold through the menu and the item page's 返回 link; a tab keeps
    /// them; 清除 forgets them; a kept value that is not a query this page wrote is ignored.
    @Test func theQueueKeepsItsFiltersUntilCleared() async throws {
        let fixture = try await WebFixture()
        let clerk = try await fixture.signedIn("petition")
        let filtered = try await clerk.get("/queue?department=%E4%BD%8F%E5%BB%BA&channel=")
        #expect(filtered.status == .ok && filtered.setCookies.contains { $0.hasPrefix("__Host-ww_queue=") && $0.contains("Secure") })
        // The tabs carry the filters.
        #expect(filtered.body.contains("href=\"/queue?tab=today&amp;department=%E4%BD%8F%E5%BB%BA\""))
        #expect(filtered.body.contains("href=\"/queue?tab=&amp;department=%E4%BD%8F%E5%BB%BA\""))
        let item = try #require(try await clerk.get("/api/queue").json()["rows"] as? [[String: Any]]).first?["itemID"] as? String
        #expect(try await clerk.get("/items/\(try #require(item))").body.contains("href=\"/queue\" id=\"back-to-queue\""))
        // The bare address (menu, back link) opens the kept filters.
        let back = try await clerk.get("/queue")
        #expect(back.status == .seeOther && back.headers[.location] == "/queue?department=%E4%BD%8F%E5%BB%BA&channel=")
        // A page number alone keeps them where they are.
        #expect(try await clerk.get("/queue?page=1").status == .ok)
        // 清除: forgotten; the bare address is the whole queue again.
        let cleared = try await clerk.get("/queue?clear=1")
        #expect(cleared.status == .ok && cleared.setCookies.contains { $0.contains("Max-Age=0") })
        #expect(try await clerk.get("/queue").status == .ok)
        // A forged value is no address to go to, and is forgotten (no endless redirect).
        for forged in ["x%0D%0ALocation:%20//evil", "a=b\\c", String(repeating: "a", count: 3_000), "x=1", "tab%3Dmine"] {
            clerk.setCookie("__Host-ww_queue", forged)
            let answer = try await clerk.get("/queue")
            #expect(answer.status == .ok && answer.setCookies.contains { $0.contains("Max-Age=0") }, "\(forged.prefix(20))")
        }
        // The HTML tabs are pages of their own (not one cached page for all).
        clerk.setCookie("__Host-ww_queue", nil)
        let all = try await clerk.get("/queue?tab=")
        let unlinked = try await clerk.get("/queue?tab=unlinked")
        #expect(all.body.contains("aria-current=\"page\">全部") && unlinked.body.contains("aria-current=\"page\">待关联"))
        // Logging out forgets them for the next person at this browser.
        _ = try await clerk.get("/queue?channel=12345")
        let out = try await clerk.post("/logout", form: [("csrf", try await clerk.csrf())])
        #expect(
            out.setCookies.contains { $0.hasPrefix("__Host-ww_queue=;") || ($0.hasPrefix("__Host-ww_queue=") && $0.contains("Max-Age=0")) })
    }

    /// The timeline reads without hovering: a title with its dates, a count axis in round
    /// steps, each bar's value, dates under the bars, the ledger marks with a legend.
    @Test func theTimelineHasATitleAxesValuesAndALegend() async throws {
        #expect([1, 4, 5, 6, 9, 10, 11, 24, 26, 99, 101, 2_400].map(WebApp.niceStep) == [1, 1, 1, 2, 2, 2, 5, 5, 10, 20, 50, 500])
        var counts = Array(repeating: 0, count: 30)
        counts[29] = 7
        counts[10] = 3
        let lastDay = try #require(Day("2024-12-31"))
        let chart = WebApp.timeline(title: "每日欠薪线索数", counts: counts, lastDay: lastDay, reports: [])
        #expect(chart.title == "每日欠薪线索数（2024-12-02 至 2024-12-31）")
        #expect(chart.yTicks.map(\.label) == ["0", "2", "4", "6", "8"])
        #expect(chart.values.map(\.label) == ["3", "7"] && chart.bars.count == 2 && !chart.hasLegend)
        #expect(chart.axis.first?.label == "12/2" && chart.axis.last?.label == "12/31" && chart.axis.count >= 5)
        // The tallest bar stays under the top line; its value over it.
        let tallest = try #require(chart.bars.last)
        #expect(Double(tallest.y)! >= Double(chart.top) && Double(chart.values[1].y)! < Double(tallest.y)!)
        // On a project page, the ledger rows' marks and their legend.
        let fixture = try await WebFixture()
        let leader = try await fixture.signedIn("leader")
        let project = try await leader.get("/projects/P-001")
        #expect(project.body.contains("本项目每日线索数与月报（") && project.body.contains("class=\"legend\""))
        // The day's new 危急 and 高 signals lead the 日报, the most urgent first (two of the
        // demo's moved to the as-of day).
        let (critical, high) = ("demo-petitions:XF-2024-1223", "demo-petitions:XF-2024-1226")
        try await fixture.database.write { session in
            for (item, hours) in [(high, 1.0), (critical, 3.0)] {
                try session.execute(
                    "UPDATE assessment SET at = ? WHERE item_id = ?",
                    [WebFixture.now.addingTimeInterval(-hours * 3_600).sqlValue, item.sqlValue])
            }
        }
        let daily = try await leader.get("/daily")
        #expect(daily.body.contains("<title>每日欠薪线索数（") && daily.body.contains(">条数</text>"))
        let urgent = try #require(daily.body.range(of: "id=\"urgent\""))
        let first = try #require(daily.body.range(of: WebApp.percentEncoded(critical)))
        let second = try #require(daily.body.range(of: WebApp.percentEncoded(high)))
        #expect(urgent.upperBound < first.lowerBound && first.lowerBound < second.lowerBound)
        #expect(daily.body.contains("今日新增危急、高等级线索（2）"))
        #expect(try #require(daily.body.range(of: "id=\"urgent\"")).lowerBound < (daily.body.range(of: "class=\"chart\"")?.lowerBound)!)
    }

    @Test func theQueueIsAnUrgencyWorklist() async throws {
        let fixture = try await WebFixture()
        let clerk = try await fixture.signedIn("petition")
        let json = try await clerk.get("/api/queue").json()
        let rows = try #require(json["rows"] as? [[String: Any]])
        let rank = ["critical": 5, "high": 4, "medium": 3, "low": 2, "informational": 1, "none": 0]
        let ranks = rows.compactMap { rank[$0["levelClass"] as? String ?? ""] }
        #expect(ranks.count == rows.count && ranks == ranks.sorted(by: >), "\(ranks)")
        let levels = try #require(json["levels"] as? [[String: Any]])
        #expect(levels.reduce(0) { $0 + ($1["count"] as? Int ?? 0) } == json["total"] as? Int)
        #expect(levels.first?["label"] as? String == Labels.level(SignalLevel(rawValue: rows[0]["levelClass"] as? String ?? "")))
        // Within a level, a petition with a deadline comes before what has none, the nearest first.
        for level in Set(rows.compactMap { $0["levelClass"] as? String }) {
            let deadlines = rows.filter { $0["levelClass"] as? String == level }.map { $0["deadline"] as? String ?? "" }
            let withDeadline = deadlines.prefix { !$0.isEmpty }
            #expect(deadlines.dropFirst(withDeadline.count).allSatisfy { $0.isEmpty }, "\(level): \(deadlines)")
            // Days left: 剩 N 日 is N, 今日到期 0, 已超期 N 日 is -N.
            let left = withDeadline.map { text -> Int in
                let number = Int(text.split(separator: " ").last?.dropLast() ?? "") ?? 0
                return text.contains("超期") ? -number : text.contains("今日") ? 0 : number
            }
            #expect(left == left.sorted(), "\(level): \(deadlines)")
        }
        #expect(
            rows.contains { ($0["deadline"] as? String)?.contains(" 剩 ") == true || ($0["deadline"] as? String)?.contains("超期") == true })
        let page = try await clerk.get("/queue")
        #expect(page.body.contains("id=\"queue-levels\"") && page.body.contains("class=\"level level-") && page.body.contains(">清除</a>"))
        // 住建 finds 市住建局's items, and only those.
        let housing = try #require(
            try await clerk.get("/api/queue?department=" + TestBrowser.encode("住建")).json()["rows"] as? [[String: Any]])
        #expect(!housing.isEmpty && housing.allSatisfy { $0["department"] as? String == "市住建局" })
        // Tabs: 全部, 今日, 我认领的, 待关联 (signals linked to no project: an unregistered site's call).
        let tabs = try #require(json["tabs"] as? [[String: Any]])
        #expect(tabs.map { $0["label"] as? String } == ["全部", "今日", "我认领的", "待关联"])
        #expect(!page.body.contains("name=\"tab\""))
        let unlinked = try await clerk.get("/api/queue?tab=unlinked").json()
        let unlinkedRows = try #require(unlinked["rows"] as? [[String: Any]])
        #expect(!unlinkedRows.isEmpty && unlinkedRows.allSatisfy { $0["projectID"] == nil })
        #expect(unlinked["total"] as? Int == tabs[3]["count"] as? Int)
        let claimedID = try #require(rows.last?["itemID"] as? String)
        #expect(try await clerk.post("/items/\(claimedID)/claim", form: [("csrf", try await clerk.csrf())]).status == .seeOther)
        let mine = try #require(try await clerk.get("/api/queue?tab=mine").json()["rows"] as? [[String: Any]])
        #expect(mine.compactMap { $0["itemID"] as? String } == [claimedID])
        // Another clerk's 我认领的 is their own, not the first one's kept page.
        let other = try await fixture.signedIn("petition2")
        #expect(try await other.get("/queue?tab=mine").body.contains("没有待审核的线索"))
        #expect(try await !clerk.get("/queue?tab=mine").body.contains("没有待审核的线索"))
        #expect(try await clerk.get("/queue?tab=nonsense").status == .badRequest)
        // The deadline as the clerk reads it.
        let today = Day(year: 2024, month: 12, day: 31)!
        #expect(WebApp.deadlineText(Day(year: 2025, month: 1, day: 3)!, today: today) == "01-03 剩 3 日")
        #expect(WebApp.deadlineText(today, today: today) == "12-31 今日到期")
        #expect(WebApp.deadlineText(Day(year: 2024, month: 12, day: 20)!, today: today) == "12-20 已超期 11 日")
    }

    /// The 日报 leaves the browser in one click: a workbook with a sheet per list and CSV,
    /// each the same bytes as the brief's own; a printable brief under an official head
    /// (内部资料 注意保存, 编制单位, 期号, the date in 年月日); for the roles of /daily only.
    @Test func theDailyListIsExportedAsWorkbookCSVAndPrintableBrief() async throws {
        let fixture = try await WebFixture()
        let analyst = try await fixture.signedIn("cyberspace")
        let page = try await analyst.get("/daily")
        #expect(page.body.contains("href=\"/daily.xlsx\"") && page.body.contains("href=\"/daily/print\""))
        let brief = try #require(fixture.keeper.current?.brief)
        let workbook = try await analyst.get("/daily.xlsx")
        #expect(workbook.status == .ok && workbook.headers[.contentType] == CaseAttachment.Kind.xlsx.mediaType)
        #expect(workbook.headers[.contentDisposition] == "attachment; filename=\"wagewatch-daily-\(brief.asOf).xlsx\"")
        #expect(workbook.bytes == [UInt8](try brief.xlsx()))
        let csv = try await analyst.get("/daily.csv")
        #expect(csv.status == .ok && csv.body == brief.csv())
        let print = try await analyst.get("/daily/print")
        #expect(print.status == .ok && print.headers[.contentType] == "text/html; charset=utf-8")
        #expect(print.body.contains("内部资料 注意保存") && print.body.contains("编制单位：欠薪风险监测"))
        #expect(print.body.contains("2024年第366期") && print.body.contains("2024年12月31日"))
        #expect(print.body.contains("counter(page)") && !print.body.contains("daily-exports"))
        let clerk = try await fixture.signedIn("petition")
        for path in ["/daily.xlsx", "/daily.csv", "/daily/print"] {
            #expect(try await clerk.get(path).status == .forbidden)
            #expect(try await fixture.client().get(path).status != .ok)
        }
    }

    @Test func theDepartmentDrillDownAssetsAndHealthCheck() async throws {
        let fixture = try await WebFixture()
        let department = TestBrowser.encode("市住建局")
        for role in Role.allCases {
            let browser = try await fixture.signedIn(role.rawValue)
            let drill: HTTPResponse.Status = role == .leader || role == .wageOffice ? .ok : .forbidden
            #expect(try await browser.get("/scorecard/\(department)").status == drill)
            #expect(try await browser.get("/api/scorecard/\(department)").status == drill)
            #expect(
                try await browser.get("/api/projects?q=" + TestBrowser.encode("安置")).status
                    == (role == .province || role == .department ? .forbidden : .ok))
        }
        let anonymous = fixture.client()
        let css = try await anonymous.get("/static/app.css")
        #expect(css.status == .ok && css.headers[.contentType] == "text/css; charset=utf-8")
        #expect(try await anonymous.get("/static/..%2Fwagewatch.sqlite").status == .notFound)
        #expect(try await anonymous.get("/static/nothing.css").status == .notFound)
        #expect(try await anonymous.get("/healthz").body == "ok")
        let leader = try await fixture.signedIn("leader")
        #expect(try await leader.get("/scorecard/" + TestBrowser.encode("不存在的局")).status == .notFound)
        let found = try await leader.get("/api/projects?q=" + TestBrowser.encode("三中"))
        let projects = try #require(try found.json()["projects"] as? [[String: Any]])
        #expect(projects.compactMap { $0["projectID"] as? String } == ["P-002"])
    }

    @Test func headAnswersAsGetWithoutABodyAndOtherMethodsAre405() async throws {
        let fixture = try await WebFixture()
        let anonymous = fixture.client()
        let head = try await anonymous.send(.head, "/login", body: nil, headers: [:])
        #expect(head.status == .ok && head.body.isEmpty)
        #expect(head.headers[.contentType]?.hasPrefix("text/html") == true)
        #expect(try await anonymous.send(.head, "/healthz", body: nil, headers: [:]).status == .ok)
        #expect(try await anonymous.send(.head, "/nothing-here", body: nil, headers: [:]).status == .notFound)
        let leader = try await fixture.signedIn("leader")
        for method in [HTTPRequest.Method.put, .delete, .patch, .options, HTTPRequest.Method("PROPFIND")!] {
            let answer = try await leader.send(method, "/scorecard", body: nil, headers: [:])
            #expect(answer.status == .methodNotAllowed, "\(method)")
            #expect(answer.headers[.allow] == "GET, HEAD", "\(method)")
        }
        // A known page asked with the method it does not take.
        let wrong = try await leader.send(.post, "/scorecard", body: "", headers: [:])
        #expect(wrong.status == .methodNotAllowed && wrong.headers[.allow] == "GET, HEAD")
        #expect(try await leader.send(.get, "/logout", body: nil, headers: [:]).status == .methodNotAllowed)
        #expect(try await leader.send(.put, "/nothing-here", body: nil, headers: [:]).status == .notFound)
        let login = try await anonymous.send(.delete, "/login", body: nil, headers: [:])
        #expect(login.status == .methodNotAllowed && login.headers[.allow] == "GET, HEAD, POST")
    }

    @Test func unknownItemsAndProjectsAreNotFound() async throws {
        let fixture = try await WebFixture()
        let browser = try await fixture.signedIn("petition")
        #expect(try await browser.get("/items/nope:1").status == .notFound)
        let token = try await browser.csrf()
        #expect(
            try await browser.post(
                "/api/items/nope:1/review",
                form: [("csrf", token), ("action", "reject"), ("reason", "无此线索")]
            ).status == .notFound)
        #expect(try await browser.post("/api/items/nope:1/claim", form: [("csrf", token)]).status == .notFound)
        let api = try await browser.get("/api/projects/P-999")
        #expect(api.status == .notFound)
        #expect(try api.json()["error"] as? String == "找不到项目 P-999")
    }

    // MARK: CSRF

    @Test func aReviewWithoutTheSessionsTokenOrFromAnotherSiteIsRefusedAndChangesNothing() async throws {
        let fixture = try await WebFixture()
        let browser = try await fixture.signedIn("petition")
        let item = "demo-petitions:XF-2024-1201"
        let before = try await fixture.database.auditEntries(itemID: item)
        let missing = try await browser.post("/items/\(item)/review", form: [("action", "reject"), ("reason", "无令牌")])
        #expect(missing.status == .forbidden)
        #expect(missing.body.contains("CSRF"))
        let wrong = try await browser.post(
            "/api/items/\(item)/review",
            form: [("csrf", "forged"), ("action", "reject"), ("reason", "伪造")])
        #expect(wrong.status == .forbidden)
        let token = try await browser.csrf()
        let crossSite = try await browser.post(
            "/items/\(item)/review",
            form: [("csrf", token), ("action", "reject"), ("reason", "跨站")],
            headers: [.origin: "http://evil.example"])
        #expect(crossSite.status == .forbidden)
        let sandboxed = try await browser.post(
            "/items/\(item)/review",
            form: [("csrf", token), ("action", "reject"), ("reason", "沙箱")],
            headers: [.origin: "null"])
        #expect(sandboxed.status == .forbidden)
        // The header form of the token works for JSON clients.
        let viaHeader = try await browser.post(
            "/api/items/\(item)/claim", form: [],
            headers: [HTTPField.Name("X-CSRF-Token")!: token])
        #expect(viaHeader.status == .ok)
        #expect(try await fixture.database.auditEntries(itemID: item).count == before.count + 1)  // the claim only
        #expect(try await fixture.database.assessment(ofItem: item)?.assessment.isSignal == true)
    }

    // MARK: Escaping and personal data

    @Test func hostileTextRendersAsTextEverywhere() async throws {
        let fixture = try await WebFixture()
        let hostile = Item(
            feedID: "demo-weibo", sourceKey: "hostile-1", kind: .post, channel: "微博",
            publishedAt: WebFixture.now.addingTimeInterval(-3600),
            title: "<script>alert('欠薪')</script>城东安置房二期欠薪",
            content: "农民工工资被拖欠<img src=x onerror=alert(1)> \"引号\" & 更多")
        try await fixture.database.insertItems([hostile], fetchedAt: WebFixture.now) { item, text in
            PersonalDataMasker.mask(text, names: [item.petitioner, item.phone].compactMap { $0 })
        }
        _ = try await fixture.monitor.assessPendingItems(engine: fixture.monitor.makeEngine())
        try await fixture.database.updateSearchIndex(fold: { TextNormalizer().normalize($0) })
        let browser = try await fixture.signedIn("cyberspace")
        for path in ["/items/\(hostile.id)", "/search?q=%E6%AC%A0%E8%96%AA"] {
            let page = try await browser.get(path)
            #expect(page.status == .ok, "\(path)")
            #expect(!page.body.contains("<script>") && !page.body.contains("<img"), "\(path)")
            #expect(page.body.contains("&lt;script&gt;"), "\(path)")
        }
        let item = try await browser.get("/items/\(hostile.id)")
        #expect(item.body.contains("&lt;img src=x onerror=alert(1)&gt;"))
        #expect(item.body.contains("&quot;引号&quot; &amp; 更多"))
        // No template turns escaping off.
        for (name, text) in try Templates.sources() {
            #expect(!text.contains("{{{") && !text.contains("{{&") && !text.contains("CONTENT_TYPE"), "\(name)")
        }
    }

    @Test func personalDataReachesThePetitionBureauOnly() async throws {
        let fixture = try await WebFixture()
        // A petition naming its petitioner, phone and ID number, also inside its text.
        let item = "demo-petitions:XF-2024-1208"
        for role in Role.allCases where role != .province && role != .department {
            let browser = try await fixture.signedIn(role.rawValue)
            let page = try await browser.get("/items/\(item)")
            let api = try await browser.get("/api/items/\(item)")
            #expect(page.status == .ok && api.status == .ok)
            for text in [page.body, api.body] {
                let shows = ["孙立新", "13700001111", "110101198003070017"].map { text.contains($0) }
                if role == .petition {
                    #expect(shows == [true, true, true], "\(role)")
                } else {
                    #expect(shows == [false, false, false], "\(role)")
                }
            }
        }
        // Fields, sites and reviewers' reasons that name the petitioner are masked too.
        let named = Item(
            feedID: "demo-petitions", sourceKey: "XF-PII", kind: .petition, channel: "visit",
            publishedAt: WebFixture.now.addingTimeInterval(-7200), title: "反映工资问题",
            content: "孙立新家住东苑小区，工地拖欠工资三个月。", respondent: "孙立新代理人",
            location: "城关街道孙立新家13700001111", petitioner: "孙立新", phone: "13700001111",
            handlingUnit: "城关街道（转孙立新本人，电话13700001111）")
        try await fixture.database.insertItems([named], fetchedAt: WebFixture.now) { item, text in
            PersonalDataMasker.mask(text, names: [item.petitioner, item.phone].compactMap { $0 })
        }
        _ = try await fixture.monitor.assessPendingItems(engine: fixture.monitor.makeEngine())
        let reviewer = try await fixture.signedIn("petition")
        #expect(
            try await reviewer.post(
                "/api/items/\(named.id)/review",
                form: [
                    ("csrf", try await reviewer.csrf()), ("action", "reject"), ("reason", "已联系孙立新（13700001111），系家庭纠纷"),
                ]
            ).status == .ok)
        let unmasked = try await reviewer.get("/api/items/\(named.id)")
        #expect(unmasked.body.contains("城关街道孙立新家13700001111") && unmasked.body.contains("已联系孙立新"))
        #expect(unmasked.body.contains("转孙立新本人"))
        for role in [Role.cyberspace, .leader, .admin] {
            let browser = try await fixture.signedIn(role.rawValue)
            var texts = [try await browser.get("/items/\(named.id)").body, try await browser.get("/api/items/\(named.id)").body]
            if role != .cyberspace {
                texts += [try await browser.get("/api/audit").body, try await browser.get("/audit.csv").body]
            }
            for text in texts {
                #expect(!text.contains("孙立新") && !text.contains("13700001111"), "\(role)")
            }
            if role != .cyberspace { #expect(texts[3].contains("系家庭纠纷")) }
        }
        // A name recorded in one form and written in another (於/于, traditional, a space
        // inside) in the fields and a reviewer's reason is masked all the same.
        let variant = Item(
            feedID: "demo-petitions", sourceKey: "XF-VARIANT", kind: .petition, channel: "visit",
            publishedAt: WebFixture.now.addingTimeInterval(-3600), title: "反映工资问题",
            content: "工地拖欠工资三个月。", respondent: "李於華代理人", location: "城关街道李 於华家",
            petitioner: "李于华", handlingUnit: "城关街道（转李於华本人）")
        try await fixture.database.insertItems([variant], fetchedAt: WebFixture.now) { item, text in
            PersonalDataMasker.mask(text, names: [item.petitioner, item.phone].compactMap { $0 }, variants: Monitor.nameVariants)
        }
        _ = try await fixture.monitor.assessPendingItems(engine: fixture.monitor.makeEngine())
        #expect(
            try await reviewer.post(
                "/api/items/\(variant.id)/review",
                form: [
                    ("csrf", try await reviewer.csrf()), ("action", "reject"), ("reason", "已联系李於華，非欠薪"),
                ]
            ).status == .ok)
        for role in [Role.cyberspace, .leader, .admin] {
            let browser = try await fixture.signedIn(role.rawValue)
            var texts = [try await browser.get("/items/\(variant.id)").body, try await browser.get("/api/items/\(variant.id)").body]
            if role != .cyberspace { texts.append(try await browser.get("/api/audit").body) }
            for text in texts {
                #expect(!["於華", "於华", "于华"].contains { text.contains($0) }, "\(role)")
            }
            #expect(texts[1].contains("代理人") && texts[1].contains("城关街道"))
        }

        // The search index never holds personal data (it indexes the masked copies): only the
        // petition bureau finds a petition by its phone, from the stored field itself.
        try await fixture.database.updateSearchIndex(fold: { TextNormalizer().normalize($0) })
        let petition = try await fixture.signedIn("petition")
        let search = try await petition.get("/api/search?q=13700001111")
        let hits = try #require(try search.json()["results"] as? [[String: Any]])
        #expect(!hits.isEmpty && hits.allSatisfy { $0["personal"] as? Bool == true })
        let analyst = try await fixture.signedIn("cyberspace")
        #expect((try await analyst.get("/api/search?q=13700001111").json()["results"] as? [Any])?.isEmpty == true)
    }

    // MARK: Review

    @Test func reviewActionsChangeTheRegisterAtOnceAndHoldOverARescore() async throws {
        let fixture = try await WebFixture()
        let browser = try await fixture.signedIn("petition")
        let token = try await browser.csrf()
        func project(_ id: String) async throws -> RegisterReport.ProjectEntry {
            try #require(fixture.keeper.current?.register.projects.first { $0.projectID == id })
        }
        func queueIDs() async throws -> [String] {
            let queue = try await browser.get("/api/queue")
            return (try queue.json()["rows"] as? [[String: Any]] ?? []).compactMap { $0["itemID"] as? String }
        }
        let item = "demo-petitions:XF-2024-1223"  // P-002's petition: 疑似漏报, 升级风险
        _ = try await browser.get("/queue")
        let p2 = try await project("P-002")
        #expect(p2.evidence.contains(item) && p2.flags.contains(.underreported))
        #expect(try await queueIDs().contains(item))

        // A reason is required; a relink needs a project the registry knows.
        let noReason = try await browser.post("/items/\(item)/review", form: [("csrf", token), ("action", "reject"), ("reason", " ")])
        #expect(noReason.status == .badRequest && noReason.body.contains("请选择或填写处理理由") && !noReason.body.contains("（字段"))
        #expect(noReason.body.contains("href=\"/items/\(item)\" id=\"error-link\">返回上一页"))
        let noReasonJSON = try await browser.post("/api/items/\(item)/review", form: [("csrf", token), ("action", "reject")])
        #expect((try noReasonJSON.json()["error"] as? String)?.contains("（字段 reason）") == true)
        let unknown = try await browser.post(
            "/api/items/\(item)/review",
            form: [("csrf", token), ("action", "relink"), ("project", "不存在的工程"), ("reason", "改挂")])
        #expect(unknown.status == .badRequest)

        // Relink to P-003 by its name: the item leaves P-002 and counts for P-003 at once.
        let p2Evidence = try #require(try await fixture.database.assessment(ofItem: item)?.link?.evidence.map(\.text))
        let before = try await browser.get("/items/\(item)")
        #expect(!p2Evidence.isEmpty && p2Evidence.allSatisfy { before.body.contains("：\($0)</li>") })
        let p3Name = try #require(try await fixture.database.project(id: "P-003")?.name)
        // The browser is shown where the relink goes first; nothing changes until it is confirmed.
        let preview = try await browser.post(
            "/items/\(item)/review",
            form: [("csrf", token), ("action", "relink"), ("project", p3Name), ("reason", "实为三期工地"), ("next", "1")])
        #expect(preview.status == .ok && preview.body.contains("id=\"relink-target\">P-003 \(p3Name)</strong>"))
        #expect(preview.body.contains("现关联：P-002") && preview.body.contains("id=\"confirm-relink\""))
        #expect(preview.body.contains("name=\"next\" value=\"1\"") && preview.body.contains("name=\"confirmed\" value=\"1\""))
        // Its form carries the session's token (else 确认改挂 could never go through).
        #expect(preview.body.contains("name=\"csrf\" value=\"\(token)\""))
        #expect(try await fixture.database.decisionCount(itemID: item) == 0)
        let relink = try await browser.post(
            "/items/\(item)/review",
            form: [("csrf", token), ("action", "relink"), ("project", "P-003"), ("reason", "实为三期工地"), ("confirmed", "1")])
        #expect(relink.status == .seeOther)
        #expect(try await project("P-003").evidence.contains(item))
        #expect(try await !project("P-002").evidence.contains(item))
        #expect(try await !queueIDs().contains(item))
        let page = try await browser.get("/items/\(item)")
        #expect(page.body.contains("改挂项目") && page.body.contains("实为三期工地") && page.body.contains("P-003"))
        // The evidence is the new project's: the clerk's relink, none of what named only P-002
        // (三中, 青川建工集团有限公司; 青川 is in P-003's builder too).
        #expect(page.body.contains("人工改挂：petition"))
        let p3 = try #require(try await fixture.database.project(id: "P-003"))
        let p3Fields = [p3.name, p3.builder, p3.contractor, p3.township].compactMap { $0 } + p3.aliases
        let onlyP2 = p2Evidence.filter { text in !p3Fields.contains { $0.contains(text) } }
        #expect(onlyP2.contains("三中") && onlyP2.allSatisfy { !page.body.contains("：\($0)</li>") }, "\(onlyP2)")

        // Reject it: no longer a signal anywhere.
        #expect(
            try await browser.post(
                "/api/items/\(item)/review",
                form: [("csrf", token), ("action", "reject"), ("reason", "重复反映，非欠薪"), ("seen", "1")]
            ).status == .ok)
        #expect(try await !project("P-003").evidence.contains(item))
        #expect(try await fixture.database.assessment(ofItem: item)?.assessment.isSignal == false)

        // A rejection taken back by confirming the link: a signal again, of P-003.
        #expect(
            try await browser.post(
                "/api/items/\(item)/review",
                form: [("csrf", token), ("action", "confirm"), ("reason", "复核后确认"), ("seen", "2")]
            ).status == .ok)
        #expect(try await fixture.database.assessment(ofItem: item)?.assessment.isSignal == true)
        #expect(try await project("P-003").evidence.contains(item))
        #expect(
            try await browser.post(
                "/api/items/\(item)/review",
                form: [("csrf", token), ("action", "reject"), ("reason", "再次复核，非欠薪"), ("seen", "3")]
            ).status == .ok)
        // Only a petition is followed up.
        let post = "demo-weibo:weibo-4991003"
        let followPost = try await browser.post(
            "/api/items/\(post)/review",
            form: [("csrf", token), ("action", "followed_up"), ("reason", "跟进")])
        #expect(followPost.status == .badRequest)

        // Mark another as a 工程款 dispute.
        let other = "demo-petitions:XF-2024-1201"
        #expect(
            try await browser.post(
                "/api/items/\(other)/review",
                form: [("csrf", token), ("action", "project_payment"), ("reason", "实为劳务分包结算款")]
            ).status == .ok)
        #expect(try await fixture.database.assessment(ofItem: other)?.assessment.claim == .projectPayment)

        // The decisions hold over a rescore with the current rules.
        let dry = try await fixture.monitor.rescore(write: false)
        #expect(dry.keptDecisions == 2 && dry.changes.isEmpty)  // the decided items are not reported as changed
        let report = try await fixture.monitor.rescore(write: true)
        #expect(report.written)
        #expect(try await fixture.database.assessment(ofItem: item)?.assessment.isSignal == false)
        #expect(try await fixture.database.assessment(ofItem: other)?.assessment.claim == .projectPayment)

        // The audit log says who, what and why; the CSV export too.
        let leader = try await fixture.signedIn("leader")
        let csv = try await leader.get("/audit.csv")
        #expect(csv.status == .ok && csv.headers[.contentType] == "text/csv; charset=utf-8")
        #expect(csv.body.contains("改挂项目") && csv.body.contains("实为三期工地") && csv.body.contains("petition"))
    }

    @Test func aDecisionOnANonSignalKeepsTheScorersVerdictThroughARescore() async throws {
        let fixture = try await WebFixture()
        let noise = try await #require(
            try fixture.database.storedAssessments().values
                .first { !$0.assessment.isSignal }?.assessment.itemID)
        let reviewer = Account(name: "petition", role: .petition, createdAt: WebFixture.now)
        try await fixture.database.review(
            itemID: noise, action: .relink, projectID: "P-003", reason: "改挂", by: reviewer,
            now: WebFixture.now, claimLease: 1800)
        var stored = try #require(try await fixture.database.assessment(ofItem: noise))
        #expect(!stored.assessment.isSignal && stored.link?.projectID == "P-003" && stored.link?.band == .link)
        _ = try await fixture.monitor.rescore(write: true)
        stored = try #require(try await fixture.database.assessment(ofItem: noise))
        #expect(!stored.assessment.isSignal && stored.link?.projectID == "P-003")
        // The form offers no decision on it (none was asked of it in the web UI), and no 已跟进 on a post.
        let browser = try await fixture.signedIn("petition")
        let other = try await #require(
            try fixture.database.storedAssessments().values
                .first { !$0.assessment.isSignal && $0.assessment.itemID != noise }?.assessment.itemID)
        #expect(try await !browser.get("/items/\(other)").body.contains("submit-review"))
        let post = try await browser.get("/items/demo-weibo:weibo-4991003")
        #expect(post.body.contains("submit-review") && !post.body.contains("followed_up"))
    }

    @Test func aDecisionTheRegisterHasNotTakenInYetIsLeftOutOfTheQueue() async throws {
        var settings = WebFixture.settings
        settings.decisionWait = .zero
        let fixture = try await WebFixture(settings: settings)
        let browser = try await fixture.signedIn("petition")
        _ = try await browser.get("/queue")
        let item = "demo-petitions:XF-2024-1201"
        // Decided with no wait; whether or not the new register is there yet, the queue leaves it out.
        #expect(
            try await browser.post(
                "/api/items/\(item)/review",
                form: [("csrf", try await browser.csrf()), ("action", "confirm"), ("reason", "属实")]
            ).status == .ok)
        let rows = try await browser.get("/api/queue").json()["rows"] as? [[String: Any]] ?? []
        #expect(!rows.isEmpty && !rows.contains { $0["itemID"] as? String == item })
        #expect(try await !browser.get("/queue").body.contains(item))
        // Once the register has it, the same.
        try await fixture.keeper.refresh()
        #expect(try await !browser.get("/queue").body.contains(item))
        let counter = ReviewCounter()
        counter.decided("a", before: 3)
        #expect(counter.decidedAfter(3) == ["a"] && counter.decidedAfter(4).isEmpty && counter.decidedAfter(3).isEmpty)
    }

    @Test func followingUpAnOverduePetitionClearsTheStaleFlag() async throws {
        let fixture = try await WebFixture()
        let browser = try await fixture.signedIn("petition")
        let token = try await browser.csrf()
        _ = try await browser.get("/queue")
        let p1 = try #require(fixture.keeper.current?.register.projects.first { $0.projectID == "P-001" })
        let stale = try #require(p1.flagEvidence.first { $0.flag == .staleFollowup })
        for item in stale.items {
            let response = try await browser.post(
                "/api/items/\(item)/review",
                form: [("csrf", token), ("action", "followed_up"), ("reason", "已约谈总包单位")])
            #expect(response.status == .ok)
        }
        let after = try #require(fixture.keeper.current?.register.projects.first { $0.projectID == "P-001" })
        #expect(!after.flags.contains(.staleFollowup))
    }

    /// The review form: at the top, a reason picked from the common ones or typed, 提交并下一条
    /// on to the most urgent item left, a notice of what was done; a claim let go (释放认领).
    @Test func theReviewFormTakesACommonReasonAndGoesOnToTheNextItem() async throws {
        let fixture = try await WebFixture()
        let clerk = try await fixture.signedIn("petition")
        let token = try await clerk.csrf()
        let queue = try #require(try await clerk.get("/api/queue").json()["rows"] as? [[String: Any]]).compactMap {
            $0["itemID"] as? String
        }
        #expect(queue.count >= 3)
        let first = queue[0]
        let page = try await clerk.get("/items/\(first)")
        let review = try #require(page.body.range(of: "id=\"review\""))
        let judgement = try #require(page.body.range(of: "<h3>研判</h3>"))
        #expect(review.lowerBound < judgement.lowerBound && page.body.contains("<textarea name=\"reason\""))
        #expect(page.body.contains("<option value=\"非欠薪诉求\">"))
        // A picked reason alone is enough; 提交并下一条 opens the next item with a notice.
        let next = try await clerk.post(
            "/items/\(first)/review",
            form: [("csrf", token), ("action", "confirm"), ("preset", "内容属实，关联项目正确"), ("reason", ""), ("next", "1")])
        #expect(next.status == .seeOther)
        let location = try #require(next.headers[.location])
        #expect(location == "/items/\(WebApp.percentEncoded(queue[1]))?saved=confirm", "\(location)")
        #expect(try await clerk.get(location).body.contains("已提交：确认关联"))
        let history = try await fixture.database.auditEntries(itemID: first)
        #expect(history.first?.reason == "内容属实，关联项目正确")
        // A picked reason and a typed one are kept together; a reason not offered is not taken as picked.
        _ = try await clerk.post(
            "/api/items/\(queue[1])/review",
            form: [("csrf", token), ("action", "reject"), ("preset", "非欠薪诉求"), ("reason", "来电人说明是货款")])
        #expect(try await fixture.database.auditEntries(itemID: queue[1]).first?.reason == "非欠薪诉求；来电人说明是货款")
        let forged = try await clerk.post(
            "/api/items/\(queue[2])/review", form: [("csrf", token), ("action", "reject"), ("preset", "随便写的"), ("reason", "")])
        #expect(forged.status == .badRequest)
        // A claim let go: the item is free again, and the log says so.
        #expect(try await clerk.post("/items/\(queue[2])/claim", form: [("csrf", token)]).status == .seeOther)
        #expect(try await clerk.post("/items/\(queue[2])/release", form: [("csrf", token)]).status == .seeOther)
        #expect(try await fixture.database.claims(of: [queue[2]], now: Date(), lease: 3_600).isEmpty)
        #expect(try await fixture.database.auditEntries(itemID: queue[2]).first?.actionLabel == "释放认领")
    }

    /// Copies of one story are decided with the item in one step (those no one holds or
    /// decided); 重复 takes an item out of the queue and leaves it a signal.
    @Test func copiesOfAStoryAreDecidedTogetherAndADuplicateIsNoRejection() async throws {
        let fixture = try await WebFixture()
        let first = try await fixture.signedIn("petition")
        let second = try await fixture.signedIn("petition2")
        let (item, copy) = ("demo-weibo:weibo-4991001", "demo-weibo:weibo-4991002")
        let page = try await first.get("/items/\(item)")
        #expect(page.body.contains("id=\"copies\"") && page.body.contains("同一事件另有 1 条未处理"))
        // A copy another reviewer holds is left to them: the item alone is decided.
        #expect(try await second.post("/items/\(copy)/claim", form: [("csrf", try await second.csrf())]).status == .seeOther)
        let token = try await first.csrf()
        let alone = try await first.post(
            "/items/\(item)/review", form: [("csrf", token), ("action", "confirm"), ("reason", "核实属实"), ("copies", "story")])
        #expect(alone.headers[.location] == "/items/\(WebApp.percentEncoded(item))?saved=confirm")
        #expect(try await fixture.database.auditEntries(itemID: copy).map(\.action) == ["claim"])
        // Released, the copy goes with the item's next decision, in the item's project.
        #expect(try await second.post("/items/\(copy)/release", form: [("csrf", try await second.csrf())]).status == .seeOther)
        let together = try await first.post(
            "/items/\(item)/review",
            form: [("csrf", token), ("seen", "1"), ("action", "confirm"), ("reason", "再次核实"), ("copies", "story")])
        let location = try #require(together.headers[.location])
        #expect(location.hasSuffix("saved=confirm&copies=1"), "\(location)")
        #expect(try await first.get(location).body.contains("已提交：确认关联（同一事件另 1 条一并处理）"))
        let copyLine = try #require(try await fixture.database.auditEntries(itemID: copy).first)
        #expect(copyLine.action == "confirm" && copyLine.projectID == "P-001" && copyLine.account == "petition")
        #expect(copyLine.reason == "同一事件一并处理，理由见线索 \(item)")
        #expect(try await first.get("/items/\(item)").body.contains("id=\"copies\"") == false)
        // 重复: decided, out of the queue, still a signal; the log calls it so.
        let queue = try #require(try await first.get("/api/queue").json()["rows"] as? [[String: Any]]).compactMap {
            $0["itemID"] as? String
        }
        let repeated = try #require(queue.first { $0 != item && $0 != copy })
        let answer = try await first.post(
            "/api/items/\(repeated)/review", form: [("csrf", token), ("action", "duplicate"), ("preset", "重复反映，已在他件中处理")])
        #expect(answer.status == .ok)
        #expect(try await fixture.database.assessment(ofItem: repeated)?.assessment.isSignal == true)
        let after = try #require(try await first.get("/api/queue").json()["rows"] as? [[String: Any]]).compactMap {
            $0["itemID"] as? String
        }
        #expect(!after.contains(repeated))
        #expect(try await fixture.database.auditEntries(itemID: repeated).first?.actionLabel == "重复（同一事项另件处理）")
    }

    @Test func aClaimShowsTheReviewerToOthersAndKeepsThemFromActing() async throws {
        let fixture = try await WebFixture()
        let first = try await fixture.signedIn("petition")
        let second = try await fixture.signedIn("petition2")
        let item = "demo-petitions:XF-2024-1201"
        // The queue page, made once for this snapshot, is made again after a claim.
        #expect(try await !second.get("/queue").body.contains("审核中"))
        let claimed = try await first.post("/items/\(item)/claim", form: [("csrf", try await first.csrf())])
        #expect(claimed.status == .seeOther)
        // The item page it sends the browser back to (the id percent-encoded) opens.
        #expect(try await first.get(try #require(claimed.headers[.location])).status == .ok)
        let seen = try await second.get("/items/\(item)")
        #expect(seen.body.contains("petition 正在审核") && seen.body.contains("前由其处理"))
        // Its buttons are off for the other reviewer; the holder may let it go.
        #expect(seen.body.contains("id=\"submit-review\" disabled") && !seen.body.contains("id=\"release\""))
        #expect(try await first.get("/items/\(item)").body.contains("id=\"release\""))
        let queue = try await second.get("/queue")
        #expect(queue.body.contains("petition 审核中"))
        let token = try await second.csrf()
        #expect(try await second.post("/api/items/\(item)/claim", form: [("csrf", token)]).status == .conflict)
        let blocked = try await second.post(
            "/api/items/\(item)/review",
            form: [("csrf", token), ("action", "reject"), ("reason", "抢先")])
        #expect(blocked.status == .conflict)
        // Its holder may act; the claim then ends.
        #expect(
            try await first.post(
                "/api/items/\(item)/review",
                form: [("csrf", try await first.csrf()), ("action", "confirm"), ("reason", "核实属实")]
            ).status == .ok)
        #expect(try await fixture.database.claims(of: [item], now: WebFixture.now, lease: 1800).isEmpty)
    }

    @Test func decisionsMadeMeanwhileAndItemsThatAreNotSignalsGet409() async throws {
        let fixture = try await WebFixture()
        let first = try await fixture.signedIn("petition")
        let second = try await fixture.signedIn("petition2")
        let item = "demo-petitions:XF-2024-1201"
        // Both open the page: it carries the number of decisions it shows.
        for browser in [first, second] {
            #expect(try await browser.get("/items/\(item)").body.contains(#"name="seen" value="0""#))
        }
        #expect(
            try await first.post(
                "/items/\(item)/review",
                form: [
                    ("csrf", try await first.csrf()), ("action", "confirm"), ("reason", "核实属实"), ("seen", "0"),
                ]
            ).status == .seeOther)
        // The second reviewer's decision and claim, from the page made before it, change nothing.
        let token = try await second.csrf()
        let late = try await second.post(
            "/api/items/\(item)/review",
            form: [("csrf", token), ("action", "reject"), ("reason", "非欠薪"), ("seen", "0")])
        #expect(late.status == .conflict)
        #expect((try late.json()["error"] as? String)?.contains("petition 已于") == true)
        #expect(try await second.post("/api/items/\(item)/claim", form: [("csrf", token), ("seen", "0")]).status == .conflict)
        // Without `seen`, a claim and a decision are taken on an undecided item only.
        #expect(try await second.post("/api/items/\(item)/claim", form: [("csrf", token)]).status == .conflict)
        #expect(
            try await second.post(
                "/api/items/\(item)/review",
                form: [("csrf", token), ("action", "reject"), ("reason", "非欠薪")]
            ).status == .conflict)
        #expect(try await fixture.database.assessment(ofItem: item)?.assessment.isSignal == true)
        #expect(try await fixture.database.auditEntries(itemID: item).filter { $0.action == "reject" }.isEmpty)
        // Having seen it, the second may change it.
        #expect(
            try await second.post(
                "/api/items/\(item)/review",
                form: [("csrf", token), ("action", "reject"), ("reason", "复核非欠薪"), ("seen", "1")]
            ).status == .ok)

        // Two first decisions sent at once: exactly one is taken.
        let other = "demo-petitions:XF-2024-1223"
        let firstToken = try await first.csrf()
        let answers = await withTaskGroup(of: HTTPResponse.Status.self) { group in
            for (browser, reason, csrf) in [(first, "甲", firstToken), (second, "乙", token)] {
                group.addTask {
                    (try? await browser.post(
                        "/api/items/\(other)/review",
                        form: [("csrf", csrf), ("action", "reject"), ("reason", reason), ("seen", "0")]
                    ).status)
                        ?? .internalServerError
                }
            }
            return await group.reduce(into: []) { $0.append($1) }
        }
        #expect(answers.sorted { $0.code < $1.code } == [.ok, .conflict])
        #expect(try await fixture.database.decisionCount(itemID: other) == 1)

        // An item the scorer did not call a signal offers no form, and the API takes no decision on it.
        let noise = try await #require(
            try fixture.database.storedAssessments().values
                .first { !$0.assessment.isSignal && ![item, other].contains($0.assessment.itemID) }?.assessment.itemID)
        for path in ["review", "claim"] {
            let answer = try await first.post(
                "/api/items/\(noise)/\(path)",
                form: [
                    ("csrf", firstToken), ("action", "relink"), ("project", "P-003"), ("reason", "改挂"),
                ])
            #expect(answer.status == .conflict, "\(path)")
        }
        #expect(try await fixture.database.decisionCount(itemID: noise) == 0)
    }

    @Test func theQueueFiltersByProjectDepartmentFlagAndChannel() async throws {
        let fixture = try await WebFixture()
        let browser = try await fixture.signedIn("petition")
        func rows(_ query: String) async throws -> [[String: Any]] {
            try await browser.get("/api/queue?" + query).json()["rows"] as? [[String: Any]] ?? []
        }
        let all = try await rows("")
        #expect(all.count > 3)
        let p6 = try await rows("project=P-006")
        #expect(!p6.isEmpty && p6.allSatisfy { $0["projectID"] as? String == "P-006" })
        let nonWage = try await rows("flag=non_wage_dispute")
        #expect(!nonWage.isEmpty && nonWage.allSatisfy { ($0["flags"] as? String)?.contains("非工资纠纷") == true })
        let department = try #require(p6.first?["department"] as? String)
        let byDepartment = try await rows("department=" + TestBrowser.encode(department))
        #expect(!byDepartment.isEmpty && byDepartment.allSatisfy { $0["department"] as? String == department })
        let visits = try await rows("channel=visit")
        #expect(!visits.isEmpty && visits.allSatisfy { $0["channel"] as? String == "来访" })
        // Part of a project's name; two filters at once; a filter nothing matches.
        let road = try await rows("project=" + TestBrowser.encode("公路"))
        #expect(road.map { $0["itemID"] as? String } == p6.map { $0["itemID"] as? String })
        let both = try await rows("flag=escalating&channel=visit")
        #expect(!both.isEmpty && both.allSatisfy { $0["channel"] as? String == "来访" && ($0["flags"] as? String)?.contains("升级风险") == true })
        #expect(try await rows("department=" + TestBrowser.encode("不存在的局")).isEmpty)
        // A flag or page that does not exist is refused, naming the field.
        let badFlag = try await browser.get("/api/queue?flag=escalation")
        let flagError = try badFlag.json()["error"] as? String
        #expect(badFlag.status == .badRequest && flagError?.contains("flag") == true)
        let badPage = try await browser.get("/queue?page=-2")
        // The page says what is wrong in words, not by field name, and leads back.
        #expect(badPage.status == .badRequest && !badPage.body.contains("（字段") && badPage.body.contains("返回首页"))
        #expect(all.count == Set(all.compactMap { $0["itemID"] as? String }).count)
    }

    // MARK: Pages

    @Test func theRegisterPagesShowTheDemosFlags() async throws {
        let fixture = try await WebFixture()
        let leader = try await fixture.signedIn("leader")
        let daily = try await leader.get("/daily")
        #expect(daily.body.contains("个项目有标记") && daily.body.contains("<svg"))
        let project = try await leader.get("/projects/P-001")
        #expect(project.body.contains("违背无欠薪承诺") && project.body.contains("<rect"))
        let scorecard = try await leader.get("/api/scorecard")
        let departments = try #require(try scorecard.json()["departments"] as? [[String: Any]])
        #expect(departments.first?["flagged"] as? Int ?? 0 > 0)
        let name = try #require(departments.first?["department"] as? String)
        let drill = try await leader.get("/scorecard/" + TestBrowser.encode(name))
        #expect(drill.status == .ok && drill.body.contains("被拒绝的填报行"))
        let register = try await leader.get("/register")
        #expect(register.body.contains("锦绣华庭"))
        let admin = try await fixture.signedIn("admin")
        let sources = try await admin.get("/api/sources")
        let feeds = try #require(try sources.json()["feeds"] as? [[String: Any]])
        #expect(Set(feeds.compactMap { $0["feedID"] as? String }) == ["demo-petitions", "demo-weibo", "demo-forum"])
    }

    // MARK: Search

    @Test func searchFindsTwoCharacterTermsTraditionalFormsAndNothingAcrossPunctuation() async throws {
        let fixture = try await WebFixture()
        let indexed = try await fixture.database.updateSearchIndex(fold: {
            TextNormalizer(traditionalToSimplified: ["資": "资"].scalarTable).normalize($0)
        })
        await #expect(indexed == (try fixture.database.itemCount()))
        #expect(try await fixture.database.updateSearchIndex(fold: { $0 }) == 0)  // up to date: nothing again
        try await fixture.database.clearSearchIndex()
        #expect(try await fixture.database.search("工资", limit: 100, fold: { $0 }).isEmpty)
        #expect(
            try await fixture.database.updateSearchIndex(
                batch: 7, fold: { TextNormalizer(traditionalToSimplified: ["資": "资"].scalarTable).normalize($0) }) == indexed)
        let fold: @Sendable (String) -> String = { text in TextNormalizer(traditionalToSimplified: ["資": "资"].scalarTable).normalize(text) }
        let wages = try await fixture.database.search("工资", limit: 100, fold: fold)
        #expect(!wages.isEmpty)
        #expect(try await fixture.database.search("工資", limit: 100, fold: fold) == wages)
        #expect(!(try await fixture.database.search("欠薪", limit: 100, fold: fold)).isEmpty)
        let three = try await fixture.database.search("农民工", limit: 100, fold: fold)
        let two = try await fixture.database.search("农民", limit: 100, fold: fold)
        #expect(!three.isEmpty && Set(three).isSubset(of: Set(two)))
        // Each hit's masked text holds the term.
        for id in wages {
            let text = try #require(try await fixture.database.maskedText(ofItem: id))
            #expect((text.title + text.content).contains("工资"))
        }
        // One character: a scan of the newest items.
        #expect(!(try await fixture.database.search("薪", limit: 100, fold: fold)).isEmpty)
        // A pair that stands across punctuation in a text is not found there: "工资，拖" holds 资拖 only across the comma.
        let across = Item(
            feedID: "demo-weibo", sourceKey: "across", kind: .post, publishedAt: WebFixture.now,
            title: "", content: "要工资，拖了三个月")
        try await fixture.database.insertItems([across], fetchedAt: WebFixture.now) { _, text in text }
        try await fixture.database.updateSearchIndex(fold: fold)
        #expect(try await fixture.database.search("工资", limit: 100, fold: fold).contains(across.id))
        #expect(!(try await fixture.database.search("资拖", limit: 100, fold: fold)).contains(across.id))
    }

    @Test func templateValuesAreSwiftsOwnAndLeaveNilOut() throws {
        struct Row: Encodable {
            var name: String
            var count: Int
            var on: Bool
            var note: String?
            var tags: [String]
        }
        struct Model: Encodable {
            var rows: [Row]
            var ratio: Double
            var flag: Bool
        }
        let tree = try #require(
            try TemplateValues.make(
                Model(
                    rows: [
                        Row(name: "<甲>", count: 0, on: false, note: nil, tags: ["a", "b"]),
                        Row(name: "乙", count: 2, on: true, note: "注", tags: []),
                    ],
                    ratio: 0.5, flag: true)) as? [String: Any])
        let rows = try #require(tree["rows"] as? [[String: Any]])
        #expect(rows[0]["name"] as? String == "<甲>" && rows[0]["count"] as? Int == 0 && rows[0]["on"] as? Bool == false)
        #expect(rows[0]["note"] == nil && rows[1]["note"] as? String == "注")
        #expect(rows[0]["tags"] as? [String] == ["a", "b"] && (rows[1]["tags"] as? [Any])?.isEmpty == true)
        #expect(tree["ratio"] as? Double == 0.5 && tree["flag"] as? Bool == true)

        // A hand-written encoder with nested containers and other integer types.
        struct Nested: Encodable {
            enum Keys: String, CodingKey { case inner, list, small }
            func encode(to encoder: any Encoder) throws {
                var container = encoder.container(keyedBy: Keys.self)
                var inner = container.nestedContainer(keyedBy: Keys.self, forKey: .inner)
                try inner.encode("内", forKey: .small)
                var list = container.nestedUnkeyedContainer(forKey: .list)
                try list.encode(UInt8(7))
                var deeper = list.nestedContainer(keyedBy: Keys.self)
                try deeper.encode(Int64(9), forKey: .small)
            }
        }
        let nested = try #require(try TemplateValues.make(Nested()) as? [String: Any])
        #expect((nested["inner"] as? [String: Any])?["small"] as? String == "内")
        let list = try #require(nested["list"] as? [Any])
        #expect(list.first as? Int == 7 && (list.last as? [String: Any])?["small"] as? Int == 9)
    }

    @Test func aHugePageNumberShowsAPageAndKillsNothing() async throws {
        let fixture = try await WebFixture()
        let leader = try await fixture.signedIn("leader")
        for path in [
            "/audit?page=184467440737095518", "/audit?page=9223372036854775807", "/api/audit?page=99999999999",
            "/queue?page=184467440737095518", "/register?page=184467440737095518",
        ] {
            let status = try await leader.get(path).status
            #expect(status == .ok || status == .forbidden, "\(path): \(status)")
        }
        #expect(try await leader.get("/audit?page=99999999999999999999999").status == .badRequest)
        #expect(try await leader.get("/audit?page=-1").status == .badRequest)
    }

    @Test func pagesCutAListAndALaterPageThanThereIsShowsTheLast() {
        let empty = Pager(total: 0, size: 50, asked: 3)
        #expect(empty.page == 1 && empty.pages == 1 && empty.rows == 0..<0 && empty.previous == nil && empty.next == nil)
        let exact = Pager(total: 100, size: 50, asked: 2)
        #expect(exact.pages == 2 && exact.rows == 50..<100 && exact.previous == 1 && exact.next == nil)
        let beyond = Pager(total: 101, size: 50, asked: 9)
        #expect(beyond.page == 3 && beyond.rows == 100..<101)
        #expect(Pager(total: 101, size: 50, asked: 0).rows == 0..<50)
    }

    @Test func timesAreWrittenInBeijingTimeAndCoordinatesWithOneDecimal() {
        #expect(Labels.time(WebFixture.now) == "2024-12-31 21:00")
        #expect(Labels.time(Date(timeIntervalSince1970: 1_735_660_799)) == "2024-12-31 23:59")
        #expect(Labels.time(Date(timeIntervalSince1970: 1_735_660_800)) == "2025-01-01 00:00")
        #expect(Labels.time(Date(timeIntervalSince1970: -1)) == "1970-01-01 07:59")
        #expect([0, 0.04, 0.05, 7.96, 120, -2.25].map(Labels.tenths) == ["0.0", "0.0", "0.1", "8.0", "120.0", "-2.3"])
    }

    @Test func bigramsSplitAtPunctuationAndQueriesNeedEveryRun() {
        #expect(SearchText.bigrams("农民工工资，欠薪!") == "农民 民工 工工 工资 欠薪")
        #expect(SearchText.bigrams("a 薪") == "a 薪")
        #expect(SearchText.query("工资") == "\"工资\"")
        #expect(SearchText.query("拖欠 工资款") == "\"拖欠\" AND \"工资 资款\"")
        #expect(SearchText.query("\"薪") == nil)
    }

    // MARK: The kept register

    @Test func theSnapshotIsMadeAgainWhenAnotherConnectionCommits() async throws {
        let fixture = try await WebFixture()
        try await fixture.keeper.refreshIfStale()
        let first = try #require(fixture.keeper.current)
        try await fixture.keeper.refreshIfStale()
        #expect(fixture.keeper.current?.generation == first.generation)  // nothing changed
        // Another process (here: another connection to the file) stores something.
        let other = try TestStores.open(folder: fixture.folder, name: "web.sqlite")
        try await other.saveFeedStates([FeedState(feedID: "another-process")])
        try await fixture.keeper.refreshIfStale()
        #expect(fixture.keeper.current?.generation == first.generation + 1)
    }
}

extension Dictionary where Key == Character, Value == Character {
    /// A character table as `TextNormalizer` takes it.
    var scalarTable: [UInt32: UInt32] {
        [UInt32: UInt32](uniqueKeysWithValues: map { ($0.key.unicodeScalars.first!.value, $0.value.unicodeScalars.first!.value) })
    }
}
