import Alerts
import Foundation
import LoopbackHTTP
import Model
import Monitor
import Register
import RulesFile
import Store
import Synchronization
import TestStores
import Testing

/// Alerts: the alerts file and its errors, each webhook's message and signature, and the
/// outbox delivered to a real HTTP receiver on 127.0.0.1 through libcurl, with the
/// receivers' refusals (HTTP 429, errcode 45009) waited out.
@Suite struct AlertTests {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("wagewatch-alerts-\(UUID().uuidString)")
    let now = Date(timeIntervalSince1970: 1_733_000_000)

    static let file = """
        channels:
          - id: xinfang
            kind: wecom
            url: ${RECEIVER}/wecom?key=${WECOM_KEY}
            personal_data: true
            per_hour: 2
          - id: wangxin
            kind: dingtalk
            url: ${RECEIVER}/dingtalk?access_token=${DING_TOKEN}
            secret: ${DING_SECRET}
          - id: hook
            kind: webhook
            url: ${RECEIVER}/hook
            secret: ${HOOK_SECRET}
        subscriptions:
          - channel: xinfang
            events: [escalation, case_overdue]
            min_level: high
          - channel: wangxin
            events: [escalation, new_flag]
            departments: [市住建局]
          - channel: hook
            events: escalation
        """

    @Test func theAlertsFileIsReadAndItsErrorsNameLineAndField() throws {
        let config = try AlertConfig.parse(Self.file, file: "alerts.yaml")
        #expect(config.channels.map(\.id) == ["xinfang", "wangxin", "hook"])
        #expect(config.channels[0].personalData && config.channels[0].perHour == 2 && !config.channels[1].personalData)
        let high = event(level: .high, department: "市住建局")
        #expect(config.channels(for: high).map(\.id) == ["xinfang", "wangxin", "hook"])
        #expect(config.channels(for: event(level: .medium, department: "市教育局")).map(\.id) == ["hook"])

        func refusal(_ text: String) -> String {
            do {
                _ = try AlertConfig.parse(text, file: "alerts.yaml")
                return ""
            } catch { return error.described(as: "alerts file") }
        }
        #expect(
            refusal("channels:\n  - id: a\n    kind: wecom\n    url: https://x\n    colour: red\n").hasPrefix("alerts file alerts.yaml:5:"))
        #expect(refusal("channels:\n  - id: a\n    kind: wecom\n    url: https://x\n    colour: red\n").contains("unknown field colour"))
        let literal = refusal("channels:\n  - id: a\n    kind: dingtalk\n    url: https://x\n    secret: SEC123456\n")
        #expect(literal.contains(":5:") && literal.contains("${NAME}") && !literal.contains("SEC123456"))
        #expect(refusal("channels:\n  - id: a\n    kind: dingtalk\n    url: https://x\n").contains("field secret is missing"))
        #expect(refusal("channels:\n  - id: a\n    kind: fax\n    url: https://x\n").contains("field kind"))
        #expect(refusal("channels:\n  - id: a\n    kind: wecom\n    url: ftp://x\n").contains("field url"))
        #expect(refusal("channels:\n  - id: a\n    kind: smtp\n    url: smtp://x\n").contains("field from is missing"))
        let injected = "channels:\n  - id: a\n    kind: smtp\n    url: smtp://x\n    from: a@b.cn\n    to: [\"c@d.cn\\r\\nBcc: e@f.cn\"]\n"
        #expect(refusal(injected).contains("not a plain e-mail address"))
        #expect(
            refusal("channels:\n  - id: a\n    kind: wecom\n    url: https://x\n  - id: a\n    kind: wecom\n    url: https://y\n")
                .contains("defined twice"))
        #expect(refusal("subscriptions:\n  - channel: nowhere\n    events: [escalation]\n").contains("no channel nowhere"))
        let badLevel =
            "channels:\n  - id: a\n    kind: wecom\n    url: https://x\nsubscriptions:\n  - channel: a\n    events: [escalation]\n    min_level: huge\n"
        #expect(refusal(badLevel).contains(":8:") && refusal(badLevel).contains("min_level"))
        let noTime = "channels:\n  - id: a\n    kind: wecom\n    url: https://x\nsubscriptions:\n  - channel: a\n    events: [daily]\n"
        #expect(refusal(noTime).contains("daily_at"))
        #expect(refusal("channels: [\n").contains("not valid YAML"))
        // The demo's file: commented, no channel.
        let demo = try AlertConfig.load(directory: CrashRecoveryTests.root.appendingPathComponent("feeds"))
        #expect(demo.channels.isEmpty && demo.subscriptions.isEmpty)
    }

    @Test func signaturesAreHMACSHA256AsTheReceiversCheckThem() {
        // RFC 4231, test case 2.
        #expect(
            AlertMessage.hex(AlertMessage.hmacSHA256(key: Array("Jefe".utf8), message: Array("what do ya want for nothing?".utf8)))
                == "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843")
        // 钉钉: base64(HMAC-SHA256(secret, "timestamp\nsecret")), as Python's hmac gives it.
        #expect(
            AlertMessage.dingTalkSignature(secret: "SECtest-密钥", timestamp: 1_700_000_000_000)
                == "TDz4ypmqLqgzGQ7FWWmFR6DXxVssalkoSZnEbpV5THk=")
    }

    /// A robot's answer: errcode 0 is sent, however it is spaced; 45009 is "too fast"; a
    /// missing code is no success.
    @Test func aRobotsAnswerIsReadByItsCode() {
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        func outcome(_ body: String, status: Int = 200) -> AlertDispatcher.Outcome {
            AlertDispatcher.outcome(of: .init(status: status, body: Array(body.utf8)), kind: .wecom, attempts: 0, now: now)
        }
        for sent in [#"{"errcode":0,"errmsg":"ok"}"#, #"{ "errcode" : 0 }"#, "{\n  \"errcode\": 0,\n  \"errmsg\": \"ok\"\n}"] {
            guard case .sent = outcome(sent) else {
                Issue.record("not sent: \(sent)")
                continue
            }
        }
        guard case .slowDown(let until, _) = outcome(#"{"errcode":45009,"errmsg":"api freq out of limit"}"#) else {
            Issue.record("45009 is not too fast")
            return
        }
        #expect(until == now.addingTimeInterval(60))
        guard case .failed = outcome(#"{"errcode":93000,"errmsg":"invalid webhook url"}"#) else {
            Issue.record("93000 is not a refusal")
            return
        }
        for unknown in [#"{"errmsg":"ok"}"#, "ok", ""] {
            guard case .retry = outcome(unknown) else {
                Issue.record("not retried: \(unknown)")
                continue
            }
        }
    }

    /// The bodies are JSON a parser reads back, whatever the text holds: quotes,
    /// backslashes, control characters, line breaks, Chinese and emoji.
    @Test func bodiesAreJSONWhateverTheTextHolds() throws {
        let text = "工友说：\"再不给钱就上塔吊\"\\路径 C:\\tmp\u{1}\u{1F}\t制表\r\n第二行 😡 </script>"
        let event = AlertEvent(
            id: "escalation:story-1", kind: .escalation, level: .critical, title: "标题 \"引号\"", text: text,
            link: "/items/a%2Fb", at: Date(timeIntervalSince1970: 1_800_000_000))
        for kind in [AlertConfig.Channel.Kind.wecom, .dingtalk, .webhook] {
            let channel = AlertConfig.Channel(id: "c", kind: kind, url: "http://127.0.0.1:9/hook", secret: kind == .webhook ? nil : "s")
            let request = try AlertMessage.request(event, to: channel, environment: [:], now: event.at)
            let object = try #require(try JSONSerialization.jsonObject(with: Data(request.body)) as? [String: Any])
            switch kind {
            case .webhook:
                #expect(object["text"] as? String == text && object["title"] as? String == event.title)
                #expect(object["id"] as? String == event.id && object["link"] as? String == "/items/a%2Fb")
            default:
                let markdown = try #require(object["markdown"] as? [String: Any])
                let content = try #require((markdown["content"] ?? markdown["text"]) as? String)
                #expect(content.contains("😡") && content.contains("第二行") && content.contains("上塔吊"))
                #expect(object["msgtype"] as? String == "markdown")
            }
        }
    }

    /// Every channel gets its message through libcurl; the petition bureau's the names,
    /// the others the masked text; 钉钉's URL carries a signature the receiver checks; the
    /// generic webhook's body is signed; a key in a URL reaches no log line.
    @Test func theOutboxReachesAReceiverOnLoopbackAndWaitsOutItsRefusals() async throws {
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let received = Mutex<[LoopbackHTTPServer.Request]>([])
        // The receiver's answers, in turn, by path: 企业微信 first says "too fast" (45009),
        // the webhook first 429 with Retry-After 120.
        let script = Mutex<[String: [LoopbackHTTPServer.Response]]>([
            "/wecom": [Self.json(#"{"errcode":45009,"errmsg":"api freq out of limit"}"#), Self.json(#"{"errcode":0,"errmsg":"ok"}"#)],
            "/hook": [LoopbackHTTPServer.Response(status: 429, headers: ["Retry-After": "120"], body: Data())],
        ])
        let server = try LoopbackHTTPServer { request in
            received.withLock { $0.append(request) }
            let path = String(request.path.prefix { $0 != "?" })
            let next = script.withLock { answers -> LoopbackHTTPServer.Response? in
                guard var queue = answers[path], !queue.isEmpty else { return nil }
                let first = queue.removeFirst()
                answers[path] = queue
                return first
            }
            return next ?? Self.json(#"{"errcode":0,"errmsg":"ok"}"#)
        }
        defer { server.stop() }
        let environment = [
            "RECEIVER": server.url("").trimmingCharacters(in: CharacterSet(charactersIn: "/")), "WECOM_KEY": "wecom-key-7f3a",
            "DING_TOKEN": "ding-token-1", "DING_SECRET": "SECding", "HOOK_SECRET": "hook-secret",
        ]
        let database = try TestStores.open(folder: folder)
        let config = try AlertConfig.parse(Self.file, file: "alerts.yaml")
        var escalation = event(level: .critical, department: "市住建局")
        escalation.personalText = "赵德明（13912345678）反映：城东安置房二期工地12人被拖欠工资，扬言爬塔吊"
        try await database.enqueueAlert(escalation, channels: config.channels(for: escalation).map(\.id))
        // The same event again (a rescore, a second copy): kept once.
        try await database.enqueueAlert(escalation, channels: config.channels(for: escalation).map(\.id))
        let dispatcher = AlertDispatcher(config: config, database: database, environment: environment)

        let first = try await dispatcher.deliverDue(now: now)
        #expect(first == AlertDispatcher.Report(sent: 1, retrying: 2, failed: 0, deferred: 0))
        let log = try await database.alertLog()
        #expect(log.count == 3)
        let hook = try #require(log.first { $0.channel == "hook" })
        #expect(hook.state == .pending && hook.attempts == 1 && hook.nextAt == now.addingTimeInterval(120))
        let wecom = try #require(log.first { $0.channel == "xinfang" })
        #expect(wecom.nextAt == now.addingTimeInterval(60) && wecom.lastError?.contains("45009") == true)
        // Not yet due: nothing is sent again.
        #expect(try await dispatcher.deliverDue(now: now.addingTimeInterval(30)) == AlertDispatcher.Report())
        let second = try await dispatcher.deliverDue(now: now.addingTimeInterval(121))
        #expect(second.sent == 2 && second.retrying == 0)
        #expect(try await database.alertLog(state: .sent).count == 3)

        let requests = received.withLock { $0 }
        func bodies(_ path: String) -> [[String: Any]] {
            requests.filter { $0.path.hasPrefix(path) }.compactMap {
                (try? JSONSerialization.jsonObject(with: $0.body)) as? [String: Any]
            }
        }
        // 企业微信, the petition bureau's: markdown with the unmasked text, brackets neutralised.
        let wecomText = try #require((bodies("/wecom").last?["markdown"] as? [String: Any])?["content"] as? String)
        #expect(wecomText.contains("赵德明") && wecomText.contains("危急") && wecomText.contains(escalation.id))
        // 钉钉: masked text only; its signature is the one the robot recomputes.
        let ding = try #require(requests.first { $0.path.hasPrefix("/dingtalk") })
        let query = URLComponents(string: "http://x" + ding.path)?.queryItems ?? []
        let timestamp = try #require(query.first { $0.name == "timestamp" }?.value.flatMap { Int64($0) })
        #expect(query.first { $0.name == "sign" }?.value == AlertMessage.dingTalkSignature(secret: "SECding", timestamp: timestamp))
        let dingText = try #require((bodies("/dingtalk").first?["markdown"] as? [String: Any])?["text"] as? String)
        #expect(!dingText.contains("赵德明") && !dingText.contains("13912345678") && dingText.contains("赵**"))
        // The webhook: the same event id on both attempts, the body signed with its key.
        let hooks = requests.filter { $0.path == "/hook" }
        #expect(hooks.count == 2 && Set(hooks.compactMap { $0.headers["x-event-id"] }) == [escalation.id])
        let signature = "sha256=" + AlertMessage.hex(AlertMessage.hmacSHA256(key: Array("hook-secret".utf8), message: Array(hooks[1].body)))
        #expect(hooks[1].headers["x-signature"] == signature)
        #expect(!(String(data: hooks[1].body, encoding: .utf8) ?? "").contains("13912345678"))
        // No key of a URL in the outbox's log.
        #expect(try await database.alertLog().allSatisfy { ($0.lastError ?? "").contains("wecom-key") == false })
    }

    /// A channel with less room this hour than alerts due sends the most urgent one by one
    /// and tells the rest in one summary (none lost); once its room is spent, what comes
    /// waits for the next hour; a refusal for good is given up at once; a secret not set is
    /// named, never guessed.
    @Test func capsRefusalsAndMissingSecrets() async throws {
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let received = Mutex<[LoopbackHTTPServer.Request]>([])
        let server = try LoopbackHTTPServer { request in
            received.withLock { $0.append(request) }
            return request.path.hasPrefix("/hook")
                ? LoopbackHTTPServer.Response(status: 400, headers: [:], body: Data()) : Self.json(#"{"errcode":0}"#)
        }
        defer { server.stop() }
        let database = try TestStores.open(folder: folder)
        let config = try AlertConfig.parse(Self.file, file: "alerts.yaml")
        let base = server.url("").trimmingCharacters(in: CharacterSet(charactersIn: "/"))
        // Three stories for a channel of two messages an hour; the critical one goes first.
        for (index, level) in [AlertEvent.Level.high, .high, .critical].enumerated() {
            var next = event(level: level, department: "市教育局")
            next.id = "escalation-\(index)"
            next.story = "story-\(index)"
            next.title = "第\(index)号工地讨薪"
            try await database.enqueueAlert(next, channels: ["xinfang"])
        }
        let capped = AlertDispatcher(config: config, database: database, environment: ["RECEIVER": base, "WECOM_KEY": "k"])
        #expect(try await capped.deliverDue(now: now) == AlertDispatcher.Report(sent: 2, summarized: 2))
        let told = try await database.alertLog(state: .summarized)
        #expect(Set(told.map(\.event.id)) == ["escalation-0", "escalation-1"])
        #expect(told.allSatisfy { $0.summary?.hasPrefix("summary:xinfang:") == true })
        let messages = received.withLock { $0 }.compactMap {
            ((try? JSONSerialization.jsonObject(with: $0.body)) as? [String: Any]).flatMap { $0["markdown"] as? [String: Any] }?["content"]
                as? String
        }
        // (Sent at once on two connections: in either order.)
        let summary = messages.first { $0.contains("预警汇总") } ?? ""
        let single = messages.first { !$0.contains("预警汇总") } ?? ""
        #expect(messages.count == 2 && single.contains("第2号工地讨薪") && single.contains("危急"))
        #expect(summary.contains("第0号工地讨薪") && summary.contains("第1号工地讨薪") && !summary.contains("第2号工地讨薪"))
        // The room of the hour is spent: the next alert waits (not lost), and goes an hour on.
        var late = event(level: .critical, department: "市教育局")
        late.id = "escalation-late"
        late.story = "story-late"
        try await database.enqueueAlert(late, channels: ["xinfang"])
        #expect(try await capped.deliverDue(now: now.addingTimeInterval(60)) == AlertDispatcher.Report(deferred: 1))
        #expect(try await capped.deliverDue(now: now.addingTimeInterval(3_700)) == AlertDispatcher.Report(sent: 1))

        try await database.enqueueAlert(event(level: .high, department: nil), channels: ["hook"])
        let refused = AlertDispatcher(config: config, database: database, environment: ["RECEIVER": base, "HOOK_SECRET": "s"])
        #expect(try await refused.deliverDue(now: now).failed == 1)
        #expect(try await database.alertLog(state: .failed).first?.lastError == "通道拒收（HTTP 400）")

        var quiet = event(level: .high, department: nil)
        quiet.id = "needs-secret"
        quiet.story = "story-quiet"
        try await database.enqueueAlert(quiet, channels: ["wangxin"])
        let unset = AlertDispatcher(config: config, database: database, environment: ["RECEIVER": base])
        #expect(try await unset.deliverDue(now: now).retrying == 1)
        let waiting = try #require(try await database.alertLog().first { $0.event.id == "needs-secret" })
        #expect(waiting.lastError?.contains("DING_TOKEN") == true && waiting.state == .pending)
    }

    /// A cycle's escalation is written to the outbox with its verdict, once per story (two
    /// copies of one petition, one alert), not for an escalation weeks old; `run`'s
    /// delivery takes it to the receivers: the petition bureau's channel with the
    /// petitioner's name, phone and ID number, every other with none of them.
    @Test func aCyclesEscalationReachesTheReceiverOncePerStory() async throws {
        let feeds = folder.appendingPathComponent("feeds")
        try FileManager.default.createDirectory(at: feeds, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let received = Mutex<[LoopbackHTTPServer.Request]>([])
        let server = try LoopbackHTTPServer { request in
            received.withLock { $0.append(request) }
            return LoopbackHTTPServer.Response(status: 204, headers: [:], body: Data())
        }
        defer { server.stop() }
        let text = "城东安置房二期工地12名农民工被拖欠工资半年，今天上午有工人爬上塔吊讨薪，扬言不给钱就跳下来。联系人钱小军 13800001111，身份证号 340102198807153216，钱师傅说工友们都在等"
        func petition(_ id: String, _ at: String) -> String {
            """
            {"id": "\(id)", "channel": "hotline", "received_at": "\(at)", "title": "城东安置房二期工人爬塔吊讨薪", "content": "\(text)",             "location": "城关街道", "people": 12, "petitioner": "钱小军", "phone": "13800001111", "status": "handling"}
            """
        }
        try [petition("XF-1", "2024-12-30 09:00"), petition("XF-2", "2024-12-30 09:20"), petition("XF-OLD", "2024-12-01 09:00")]
            .joined(separator: "\n").write(to: feeds.appendingPathComponent("p.ndjson"), atomically: true, encoding: .utf8)
        try "feeds:\n  - {id: hotline, kind: petition, format: petition_ndjson, url: \"file:p.ndjson\"}\n".write(
            to: feeds.appendingPathComponent("feeds.yaml"), atomically: true, encoding: .utf8)
        try """
        channels:
          - {id: hook, kind: webhook, url: "\(server.url("/hook"))"}
          - {id: xinfang, kind: webhook, url: "\(server.url("/xinfang"))", personal_data: true}
        subscriptions:
          - {channel: hook, events: [escalation]}
          - {channel: xinfang, events: [escalation]}
        """.write(to: feeds.appendingPathComponent("alerts.yaml"), atomically: true, encoding: .utf8)
        let monitor = Monitor(
            database: try TestStores.open(folder: folder), feedsDirectory: feeds,
            rulesDirectory: CrashRecoveryTests.root.appendingPathComponent("rules"), environment: [:])
        _ = try await monitor.importRegistry(path: CrashRecoveryTests.root.appendingPathComponent("feeds/demo/registry.csv").path)
        let now = Date(timeIntervalSince1970: 1_735_527_600)  // 2024-12-30 11:00 Beijing
        _ = try await monitor.runCycle(asOf: Day(year: 2024, month: 12, day: 30)!, windowDays: 30, now: now)
        let pending = try await monitor.database.alertLog()
        #expect(pending.count == 2 && pending.allSatisfy { $0.state == .pending && $0.event.kind == .escalation })
        #expect(pending.first?.event.department == "市住建局")
        // Again: the same story raises nothing new.
        _ = try await monitor.runCycle(asOf: Day(year: 2024, month: 12, day: 30)!, windowDays: 30, now: now)
        #expect(try await monitor.database.alertLog().count == 2)
        #expect(try await monitor.deliverAlerts(now: now, environment: [:]).sent == 2)
        func message(_ path: String) throws -> String {
            String(decoding: try #require(received.withLock { $0.first { $0.path == path } }?.body), as: UTF8.self)
        }
        let masked = try message("/hook")
        #expect(masked.contains("塔吊") && masked.contains("联系人＊＊＊") && masked.contains("＊＊＊说"))
        for personal in ["13800001111", "钱小军", "340102198807153216", "钱师傅", "小军"] {
            #expect(!masked.contains(personal), "\(personal) reached a channel not marked for personal data")
        }
        let bureau = try message("/xinfang")
        #expect(bureau.contains("钱小军") && bureau.contains("13800001111") && bureau.contains("340102198807153216"))
    }

    /// The register's events: a flag on a sensitive project, an overdue 督办 case; each
    /// once however often the cycle runs.
    @Test func theRegistersFlagsAndOverdueCasesRaiseAlertsOnce() async throws {
        let feeds = folder.appendingPathComponent("feeds")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        try FileManager.default.copyItem(at: CrashRecoveryTests.root.appendingPathComponent("feeds"), to: feeds)
        try """
        channels:
          - {id: hook, kind: webhook, url: "http://127.0.0.1:9/hook"}
        subscriptions:
          - {channel: hook, events: [new_flag, case_overdue, source_health], departments: [市住建局]}
        """.write(to: feeds.appendingPathComponent("alerts.yaml"), atomically: true, encoding: .utf8)
        let monitor = Monitor(
            database: try TestStores.open(folder: folder), feedsDirectory: feeds,
            rulesDirectory: CrashRecoveryTests.root.appendingPathComponent("rules"), environment: [:])
        let demo = feeds.appendingPathComponent("demo")
        _ = try await monitor.importRegistry(path: demo.appendingPathComponent("registry.csv").path)
        for month in ["11", "12"] {
            _ = try await monitor.importReports(
                path: demo.appendingPathComponent("reports-2024-\(month).csv").path, today: Day(year: 2024, month: 12, day: 31)!)
        }
        let opened = try await monitor.openCase(
            CaseRequest(subject: .project("P-001"), person: "李科长", plan: "核实"), by: CaseActor(name: "zhao", kind: .wageOffice),
            today: Day(year: 2024, month: 12, day: 2)!)
        let asOf = Day(year: 2024, month: 12, day: 31)!
        let cycle = try await monitor.runCycle(asOf: asOf, windowDays: 30, now: asOf.start.addingTimeInterval(12 * 3_600))
        let log = try await monitor.database.alertLog(limit: 500)
        let flagged = cycle.register.projects.filter { $0.sensitive && !$0.flags.isEmpty && $0.department == "市住建局" }
        #expect(!flagged.isEmpty)
        #expect(log.filter { $0.event.kind == .newFlag }.count == flagged.reduce(0) { $0 + $1.flagEvidence.count })
        #expect(log.allSatisfy { $0.event.department == "市住建局" || $0.event.kind == .sourceHealth })
        let overdue = try #require(log.first { $0.event.kind == .caseOverdue })
        #expect(overdue.event.id == "case_overdue:\(opened.id):\(opened.deadline)" && overdue.event.title.contains("已超期 15 日"))
        _ = try await monitor.runCycle(asOf: asOf, windowDays: 30, now: asOf.start.addingTimeInterval(13 * 3_600))
        #expect(try await monitor.database.alertLog(limit: 500).count == log.count)
    }

    /// E-mail through libcurl to a real SMTP server on 127.0.0.1 (Debian's aiosmtpd), read
    /// back with Python's MIME parser: the subject encoded per RFC 2047, a plain and an
    /// HTML part, the 日报's CSV and XLSX attached; the outbox's mail masked.
    @Test func anEMailReachesARealSMTPServerAndParsesBack() async throws {
        let inbox = folder.appendingPathComponent("inbox")
        try FileManager.default.createDirectory(at: inbox, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let sink = try SMTPSink(inbox: inbox, folder: folder)
        defer { sink.stop() }
        let smtpPort = try await sink.port()
        let config = try AlertConfig.parse(
            """
            channels:
              - {id: mail, kind: smtp, url: "smtp://127.0.0.1:\(smtpPort)", from: alerts@qingchuan.gov.cn, to: [duty@qingchuan.gov.cn, lead@qingchuan.gov.cn]}
            subscriptions:
              - {channel: mail, events: [escalation]}
            """, file: "alerts.yaml")
        var escalation = event(level: .critical, department: "市住建局")
        escalation.personalText = "赵德明（13912345678）反映：城东安置房二期工地12人被拖欠工资，扬言爬塔吊"
        let csv = Data("\u{FEFF}项目,标记\r\nP-001,疑似漏报\r\n".utf8)
        let xlsx = try XLSXWorkbook(sheets: [.init(name: "日报", rows: [[.text("项目")], [.text("P-001")]])]).data()
        var withFiles = escalation
        withFiles.attachments = [
            .init(name: "风险日报-2024-11-30.csv", mediaType: "text/csv; charset=UTF-8", bytes: csv),
            .init(name: "风险日报-2024-11-30.xlsx", mediaType: CaseAttachment.Kind.xlsx.mediaType, bytes: xlsx),
        ]
        let message = AlertMail.message(withFiles, channel: config.channels[0], now: now)
        let sent = try AlertMail.send(
            message, url: "smtp://127.0.0.1:\(smtpPort)", from: "alerts@qingchuan.gov.cn", to: ["duty@qingchuan.gov.cn"], user: nil,
            password: nil)
        #expect(sent.code == 250)
        // And through the outbox.
        let database = try TestStores.open(folder: folder)
        var second = escalation
        second.id = "escalation-mail"
        try await database.enqueueAlert(second, channels: ["mail"])
        #expect(try await AlertDispatcher(config: config, database: database, environment: [:]).deliverDue(now: now).sent == 1)

        func parsed(_ number: Int) throws -> [String: Any] { try sink.parsed(number) }
        let first = try parsed(1)
        #expect(first["subject"] as? String == "【升级风险·危急】城东安置房二期工地讨薪")
        #expect((first["defects"] as? [Any])?.isEmpty == true)
        let parts = try #require(first["parts"] as? [[String: Any]])
        #expect(
            parts.map { $0["type"] as? String } == [
                "multipart/mixed", "multipart/alternative", "text/plain", "text/html", "text/csv", CaseAttachment.Kind.xlsx.mediaType,
            ])
        let plain = try #require(parts[2]["text"] as? String)
        #expect(plain.contains("塔吊") && !plain.contains("13912345678") && !plain.contains("赵德明"))
        #expect(parts[4]["filename"] as? String == "风险日报-2024-11-30.csv" && parts[4]["disposition"] as? String == "attachment")
        #expect((parts[4]["text"] as? String)?.contains("P-001,疑似漏报") == true)
        #expect(parts[5]["filename"] as? String == "风险日报-2024-11-30.xlsx" && parts[5]["size"] as? Int == xlsx.count)
        let envelope = try JSONSerialization.jsonObject(with: Data(contentsOf: inbox.appendingPathComponent("2.json"))) as? [String: Any]
        #expect(envelope?["to"] as? [String] == ["duty@qingchuan.gov.cn", "lead@qingchuan.gov.cn"])
        #expect(try parsed(2)["event_id"] as? String == "escalation-mail")
    }

    /// A channel that says "too fast" gets nothing more until the time it names: the
    /// messages not yet on their way wait without an attempt counted, then all go.
    @Test func aChannelSayingTooFastIsLeftAloneUntilItsTime() async throws {
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let refusing = Mutex(true)
        let received = Mutex(0)
        let server = try LoopbackHTTPServer { _ in
            received.withLock { $0 += 1 }
            return refusing.withLock { $0 }
                ? LoopbackHTTPServer.Response(status: 429, headers: ["Retry-After": "300"], body: Data())
                : LoopbackHTTPServer.Response(status: 204, headers: [:], body: Data())
        }
        defer { server.stop() }
        let database = try TestStores.open(folder: folder)
        let config = try AlertConfig.parse(
            "channels:\n  - {id: hook, kind: webhook, url: \"\(server.url("/hook"))\"}\n"
                + "subscriptions:\n  - {channel: hook, events: [escalation]}\n", file: "alerts.yaml")
        for index in 0..<10 {
            var next = event(level: .high, department: nil)
            next.id = "escalation-\(index)"
            next.story = "story-\(index)"
            try await database.enqueueAlert(next, channels: ["hook"])
        }
        let dispatcher = AlertDispatcher(config: config, database: database, environment: [:])
        let first = try await dispatcher.deliverDue(now: now)
        let tried = received.withLock { $0 }
        #expect(tried >= 1 && tried <= 4 && first.retrying == tried && first.deferred == 10 - tried)
        let log = try await database.alertLog()
        #expect(log.allSatisfy { $0.state == .pending && $0.nextAt == now.addingTimeInterval(300) })
        #expect(log.filter { $0.attempts == 0 }.count == 10 - tried)
        #expect(try await dispatcher.deliverDue(now: now.addingTimeInterval(299)) == AlertDispatcher.Report())
        refusing.withLock { $0 = false }
        #expect(try await dispatcher.deliverDue(now: now.addingTimeInterval(300)).sent == 10)
    }

    /// One story, one alert: copies and rescores of a story raise nothing new; its rise to a
    /// higher level goes out once as an update (续报), threaded under the first (the same
    /// mail thread, the webhook's `thread`).
    @Test func aStoryIsToldOnceAndItsRiseAsAThreadedUpdate() async throws {
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let received = Mutex<[LoopbackHTTPServer.Request]>([])
        let server = try LoopbackHTTPServer { request in
            received.withLock { $0.append(request) }
            return LoopbackHTTPServer.Response(status: 204, headers: [:], body: Data())
        }
        defer { server.stop() }
        let database = try TestStores.open(folder: folder)
        let config = try AlertConfig.parse(
            "channels:\n  - {id: hook, kind: webhook, url: \"\(server.url("/hook"))\"}\n"
                + "subscriptions:\n  - {channel: hook, events: [escalation]}\n", file: "alerts.yaml")
        var first = event(level: .high, department: "市住建局")
        first.id = "escalation:story-a"
        first.story = "story-a"
        try await database.enqueueAlert(first, channels: ["hook"])
        var copy = first
        copy.id = "escalation:story-a-copy"
        try await database.enqueueAlert(copy, channels: ["hook"])
        var lower = first
        lower.level = .medium
        try await database.enqueueAlert(lower, channels: ["hook"])
        var risen = first
        risen.level = .critical
        risen.title = "城东安置房二期工人爬上塔吊"
        try await database.enqueueAlert(risen, channels: ["hook"])
        try await database.enqueueAlert(risen, channels: ["hook"])
        let log = try await database.alertLog()
        #expect(Set(log.map(\.event.id)) == ["escalation:story-a", "escalation:story-a:critical"])
        let update = try #require(log.first { $0.event.thread != nil })
        #expect(update.event.thread == "escalation:story-a" && update.event.level == .critical)
        let dispatcher = AlertDispatcher(config: config, database: database, environment: [:])
        #expect(try await dispatcher.deliverDue(now: now).sent == 2)
        let bodies = received.withLock { $0 }.compactMap { (try? JSONSerialization.jsonObject(with: $0.body)) as? [String: Any] }
        #expect(bodies.compactMap { $0["thread"] as? String } == ["escalation:story-a"])
        // In mail, the update answers the first message.
        let mail = AlertConfig.Channel(id: "mail", kind: .smtp, url: "smtp://127.0.0.1:25", from: "a@b.cn", to: ["c@d.cn"])
        func header(_ name: String, _ event: AlertEvent) -> String? {
            String(decoding: AlertMail.message(event, channel: mail, now: now), as: UTF8.self)
                .components(separatedBy: "\r\n").first { $0.hasPrefix(name + ": ") }.map { String($0.dropFirst(name.count + 2)) }
        }
        #expect(header("In-Reply-To", first) == nil)
        #expect(header("In-Reply-To", update.event) == header("Message-ID", first))
        #expect(header("References", update.event) == header("Message-ID", first))
        #expect(
            String(decoding: AlertMail.message(update.event, channel: mail, now: now), as: UTF8.self)
                .contains(AlertMail.encodedWords("【升级风险·危急·续报】城东安置房二期工人爬上塔吊")))
    }

    /// The daily list goes at the time its subscription sets, once that day, whatever the
    /// channel's units: by mail with its CSV and XLSX (read back by Python's MIME parser and
    /// LibreOffice), to the robot as text naming the page; a time before noon sends the day
    /// before's list.
    @Test func theDailyListGoesAtItsTimeWithItsFiles() async throws {
        let feeds = folder.appendingPathComponent("feeds")
        let inbox = folder.appendingPathComponent("inbox")
        try FileManager.default.createDirectory(at: inbox, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        try FileManager.default.copyItem(at: CrashRecoveryTests.root.appendingPathComponent("feeds"), to: feeds)
        let sink = try SMTPSink(inbox: inbox, folder: folder)
        defer { sink.stop() }
        let port = try await sink.port()
        let received = Mutex<[LoopbackHTTPServer.Request]>([])
        let server = try LoopbackHTTPServer { request in
            received.withLock { $0.append(request) }
            return Self.json(#"{"errcode":0,"errmsg":"ok"}"#)
        }
        defer { server.stop() }
        try """
        channels:
          - {id: mail, kind: smtp, url: "smtp://127.0.0.1:\(port)", from: alerts@qingchuan.gov.cn, to: [lead@qingchuan.gov.cn]}
          - {id: robot, kind: wecom, url: "\(server.url("/wecom?key=k"))"}
        subscriptions:
          - {channel: mail, events: [daily], daily_at: "17:30", departments: [市教育局]}
          - {channel: robot, events: [daily], daily_at: "08:30"}
        """.write(to: feeds.appendingPathComponent("alerts.yaml"), atomically: true, encoding: .utf8)
        let monitor = Monitor(
            database: try TestStores.open(folder: folder), feedsDirectory: feeds,
            rulesDirectory: CrashRecoveryTests.root.appendingPathComponent("rules"), environment: [:])
        let demo = feeds.appendingPathComponent("demo")
        _ = try await monitor.importRegistry(path: demo.appendingPathComponent("registry.csv").path)
        for month in ["11", "12"] {
            _ = try await monitor.importReports(
                path: demo.appendingPathComponent("reports-2024-\(month).csv").path, today: Day(year: 2024, month: 12, day: 31)!)
        }
        let day = Day(year: 2024, month: 12, day: 31)!
        _ = try await monitor.runCycle(asOf: day, windowDays: 30, now: day.start.addingTimeInterval(7 * 3_600))
        func at(_ hour: Double) -> Date { day.start.addingTimeInterval(hour * 3_600) }
        // 08:00: nothing yet. 08:31: the robot's (the day before's list). 17:31: the mail's.
        #expect(try await monitor.deliverAlerts(now: at(8), environment: [:]) == AlertDispatcher.Report())
        #expect(try await monitor.deliverAlerts(now: at(8.52), environment: [:]).sent == 1)
        #expect(try await monitor.deliverAlerts(now: at(12), environment: [:]) == AlertDispatcher.Report())
        #expect(try await monitor.deliverAlerts(now: at(17.52), environment: [:]).sent == 1)
        #expect(try await monitor.deliverAlerts(now: at(23), environment: [:]) == AlertDispatcher.Report())
        #expect(Set(try await monitor.database.alertLog().map(\.event.id)) == ["daily:2024-12-31:08:30", "daily:2024-12-31:17:30"])

        let robot = try #require(received.withLock { $0 }.first)
        let markdown = try #require(
            (((try? JSONSerialization.jsonObject(with: robot.body)) as? [String: Any])?["markdown"] as? [String: Any])?["content"]
                as? String)
        #expect(markdown.contains("欠薪风险日报 2024-12-30") && markdown.contains("/daily") && robot.body.count < 4_096)

        let brief = try await monitor.dailyBrief(asOf: day, now: at(17.52))
        #expect(brief.flaggedProjects > 0)
        let files = folder.appendingPathComponent("files")
        try FileManager.default.createDirectory(at: files, withIntermediateDirectories: true)
        let mail = try sink.parsed(1, attachmentsTo: files)
        #expect(mail["subject"] as? String == "【风险日报·\(brief.escalatingProjects > 0 ? "高" : "中")】欠薪风险日报 2024-12-31")
        let parts = try #require(mail["parts"] as? [[String: Any]])
        #expect(parts.compactMap { $0["filename"] as? String } == ["风险日报-2024-12-31.csv", "风险日报-2024-12-31.xlsx"])
        #expect(parts.first { $0["filename"] as? String == "风险日报-2024-12-31.csv" }?["text"] as? String == String(brief.csv().dropFirst()))
        let sheets = try LibreOffice.sheetsAsCSV(files.appendingPathComponent("风险日报-2024-12-31.xlsx"), in: folder)
        #expect(Set(sheets.keys).isSuperset(of: ["概况", "新增标记", "分值上升", "热点事件", "超期督办", "每日线索"]))
        #expect(sheets["概况"]?.contains(["有标记项目", "\(brief.flaggedProjects)"]) == true)
        #expect(sheets["热点事件"]?.dropFirst().map { $0[0] } == brief.topStories.map(\.projectID))
        #expect(sheets["新增标记"]?.dropFirst().map { $0[0] } == brief.newFlags.map(\.projectID))
        #expect(sheets["新增标记"]?.first == ["项目编号", "项目名称", "主管部门", "标记", "说明"])
    }

    /// `wagewatch run` killed (SIGKILL) while its first alert is on the wire, after the
    /// outbox was written: `alerts send` afterwards delivers every alert, none lost, and
    /// those that arrived twice (sent, but not yet marked sent) carry the same event id.
    @Test func aSenderKilledMidSendLosesNothing() async throws {
        guard let binary = Executable.required() else { return }
        let feeds = folder.appendingPathComponent("feeds")
        try FileManager.default.createDirectory(at: feeds, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let received = Mutex<[LoopbackHTTPServer.Request]>([])
        // The sender, killed by the receiver itself the moment its first message arrives (on
        // the server's own thread: a test pool busy with other tests cannot delay the kill).
        let victim = Mutex<pid_t>(0)
        let server = try LoopbackHTTPServer { request in
            let first = received.withLock { requests in
                requests.append(request)
                return requests.count == 1
            }
            if first, case let pid = victim.withLock({ $0 }), pid > 0 { kill(pid, SIGKILL) }
            // The first message is held unanswered: the sender dies waiting for it.
            return LoopbackHTTPServer.Response(status: 204, headers: [:], body: Data(), delay: first ? 30 : nil)
        }
        defer { server.stop() }
        // Three stories of an hour ago (alerts are raised for what is recent, by the clock).
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "Asia/Shanghai")
        formatter.dateFormat = "yyyy-MM-dd HH:mm"
        let hourAgo = formatter.string(from: Date().addingTimeInterval(-3_600))
        let sites = ["城东安置房二期", "滨江花园三期", "高新区标准厂房"]
        let petitions = sites.enumerated().map { index, site in
            """
            {"id": "XF-K\(index)", "channel": "hotline", "received_at": "\(hourAgo)", "title": "\(site)工人爬塔吊讨薪", "content": "\(site)工地\(12 + index)名农民工被拖欠工资半年，有工人爬上塔吊，扬言不给钱就跳下来", "location": "城关街道", "people": \(12 + index), "status": "handling"}
            """
        }
        try petitions.joined(separator: "\n").write(to: feeds.appendingPathComponent("p.ndjson"), atomically: true, encoding: .utf8)
        try "feeds:\n  - {id: hotline, kind: petition, format: petition_ndjson, url: \"file:p.ndjson\"}\n".write(
            to: feeds.appendingPathComponent("feeds.yaml"), atomically: true, encoding: .utf8)
        try
            "channels:\n  - {id: hook, kind: webhook, url: \"\(server.url("/hook"))\", per_hour: 100}\nsubscriptions:\n  - {channel: hook, events: [escalation]}\n"
            .write(to: feeds.appendingPathComponent("alerts.yaml"), atomically: true, encoding: .utf8)
        let store = folder.appendingPathComponent("store.sqlite").path
        let common = ["--database", store, "--feeds", feeds.path, "--rules", CrashRecoveryTests.root.appendingPathComponent("rules").path]
        let errors = folder.appendingPathComponent("stderr.txt").path
        func stderr() -> String { (try? String(contentsOfFile: errors, encoding: .utf8)).map { String($0.suffix(2_000)) } ?? "" }

        let run = try ChildProcess(binary, ["run", "--create"] + common, stderr: errors)
        victim.withLock { $0 = run.pid }
        var waited = 0
        while received.withLock({ $0.isEmpty }) && waited < 1_200 {
            try await Task.sleep(for: .milliseconds(50))
            waited += 1
        }
        kill(run.pid, SIGKILL)
        let end = run.wait()
        #expect(end == .signal(SIGKILL), "run ended \(end) before its first alert was answered: \(stderr())")
        try #require(received.withLock { $0.count } >= 1, "the first alert reached the receiver: \(stderr())")

        let send = try ChildProcess(binary, ["alerts", "send"] + common, stderr: errors)
        #expect(send.wait() == .exit(0), "\(stderr())")
        let ids = received.withLock { $0 }.compactMap { $0.headers["x-event-id"] }
        #expect(Set(ids).count == 3 && ids.count > 3, "\(ids)")
        #expect(Set(ids).allSatisfy { id in ids.filter { $0 == id }.count <= 2 }, "\(ids)")
        // The held one was sent again, with its id.
        #expect(ids.filter { $0 == ids[0] }.count == 2)
        let database = try AppDatabase.open(path: store)
        let sent = try await database.alertCount(state: .sent)
        let pending = try await database.alertCount(state: .pending)
        #expect(sent == 3 && pending == 0)
    }

    func event(level: AlertEvent.Level, department: String?) -> AlertEvent {
        AlertEvent(
            id: "escalation-demo-weibo:1", kind: .escalation, level: level, story: "s1", department: department, title: "城东安置房二期工地讨薪",
            text: "赵**（139****5678）反映：城东安置房二期工地12人被拖欠工资，扬言爬塔吊", link: "/items/demo-weibo%3A1", at: now)
    }

    static func json(_ text: String) -> LoopbackHTTPServer.Response {
        LoopbackHTTPServer.Response(status: 200, headers: ["Content-Type": "application/json"], body: Data(text.utf8))
    }
}

/// Python's aiosmtpd on 127.0.0.1 (`Fixtures/smtp/smtp_sink.py`), keeping each message it
/// receives as `N.eml` (and its envelope as `N.json`) in `inbox`; messages read back with
/// Python's own MIME parser (`mime_dump.py`).
struct SMTPSink {
    static let fixtures = CrashRecoveryTests.root.appendingPathComponent("Tests/MonitorTests/Fixtures/smtp")
    let inbox: URL
    let folder: URL
    let process: ChildProcess
    let log: String

    init(inbox: URL, folder: URL) throws {
        self.inbox = inbox
        self.folder = folder
        log = folder.appendingPathComponent("sink.log").path
        process = try ChildProcess(
            "/usr/bin/python3", [Self.fixtures.appendingPathComponent("smtp_sink.py").path, inbox.path], stdout: log,
            stderr: log + ".err")
    }

    /// The port it listens on, once it says so.
    func port() async throws -> Int {
        for _ in 0..<200 {
            if let first = (try? String(contentsOfFile: log, encoding: .utf8))?.split(separator: "\n").first, first.hasPrefix("port "),
                let port = Int(first.dropFirst(5))
            {
                return port
            }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw LibreOffice.Failed(
            description: "the SMTP server did not start: \((try? String(contentsOfFile: log + ".err", encoding: .utf8)) ?? "")")
    }

    /// The `number`th message received, parsed; its attached files written to `files`, if given.
    func parsed(_ number: Int, attachmentsTo files: URL? = nil) throws -> [String: Any] {
        let out = folder.appendingPathComponent("dump-\(number).json").path
        let dump = try ChildProcess(
            "/usr/bin/python3",
            [Self.fixtures.appendingPathComponent("mime_dump.py").path, inbox.appendingPathComponent("\(number).eml").path]
                + (files.map { [$0.path] } ?? []),
            stdout: out, stderr: out + ".err")
        #expect(dump.wait() == .exit(0), "\((try? String(contentsOfFile: out + ".err", encoding: .utf8)) ?? "")")
        return try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: out))) as? [String: Any] ?? [:]
    }

    func stop() {
        kill(process.pid, SIGTERM)
        _ = process.wait()
    }
}
