import Alerts
import Foundation
import Ingest
import Model
import Register
import RulesFile
import Scoring
import Store

extension Monitor {
    /// The alerts file beside the feeds (none: no alerts).
    public func loadAlertConfig() throws -> AlertConfig {
        do {
            return try AlertConfig.load(directory: feedsDirectory)
        } catch {
            throw MonitorError.badAlertsFile(error.described(as: "alerts file"))
        }
    }

    /// How recent an escalation must be to page anyone: a first import of an old export
    /// raises no alert for what happened weeks ago.
    static let alertWindow: TimeInterval = 48 * 3_600

    /// The escalation alerts of `verdicts` (of `items`, in order): one per story, at the
    /// highest level its items reach, its id the story's, so that copies of one post and
    /// later verdicts on it raise none again (the outbox sends a story again only as an
    /// update, 续报, when its level rises); each for the channels whose subscriptions take it.
    static func escalationAlerts(
        _ verdicts: [ItemVerdict], items: [Item], config: AlertConfig, projects: [String: Project], now: Date
    ) -> [(event: AlertEvent, channels: [String])] {
        guard config.subscriptions.contains(where: { $0.events.contains(.escalation) }) else { return [] }
        var raised: [String: (event: AlertEvent, channels: [String])] = [:]
        // The highest level each story reached so far: its copies cost a lookup, not a mask.
        var seen: [String: AlertEvent.Level] = [:]
        // By index: a verdict and an item copied out (as a `zip` does) cost a dozen retains
        // each, and a burst of reposts is thousands of verdicts of one story.
        for index in verdicts.indices where verdicts[index].assessment.isSignal && verdicts[index].assessment.isEscalation {
            let at = items[index].publishedAt ?? now
            guard now.timeIntervalSince(at) <= alertWindow else { continue }
            let level: AlertEvent.Level =
                switch verdicts[index].assessment.level {
                case .critical: .critical
                case .high: .high
                default: .medium
                }
            if let earlier = seen[verdicts[index].storyKey], earlier >= level { continue }
            seen[verdicts[index].storyKey] = level
            let verdict = verdicts[index]
            let item = items[index]
            let id = "escalation:" + verdict.storyKey
            let project = verdict.link.flatMap { projects[$0.projectID] }
            let mask = { (text: String) in
                PersonalDataMasker.mask(text, names: [item.petitioner, item.phone].compactMap { $0 }, variants: Monitor.nameVariants)
            }
            let excerpt = { (text: String) in text.count > 300 ? String(text.prefix(300)) + "…" : text }
            let place = [project.map { "\($0.id) \($0.name)" }, project?.department].compactMap { $0 }.joined(separator: " · ")
            let event = AlertEvent(
                id: id, kind: .escalation, level: level, story: verdict.storyKey, department: project?.department,
                township: project?.township ?? item.location, title: mask(item.title.isEmpty ? excerpt(item.content) : item.title),
                text: (place.isEmpty ? "" : place + "\n") + mask(excerpt(item.content)),
                personalText: (place.isEmpty ? "" : place + "\n") + excerpt(item.content)
                    + ([item.petitioner, item.phone].compactMap { $0 }.isEmpty
                        ? "" : "\n信访人：" + [item.petitioner, item.phone].compactMap { $0 }.joined(separator: " ")),
                link: "/items/" + item.id.percentEncodedUnreserved, at: now)
            let channels = config.channels(for: event).map(\.id)
            if !channels.isEmpty { raised[id] = (event, channels) }
        }
        return raised.values.sorted { $0.event.id < $1.event.id }
    }

    /// The alerts a cycle's register raises, each id stable for its happening so that a
    /// second cycle raises none again:
    /// - a flag on a sensitive project (`new_flag:PROJECT:FLAG:MONTH`: once a month a flag);
    /// - a 督办 case past its deadline (`case_overdue:CASE:DEADLINE`: again after an extension's);
    /// - a source whose silence must not be read as calm (`source_health:FEED:DAY`: once a day).
    static func registerAlerts(
        _ register: RegisterReport, overdue: [CaseLine], config: AlertConfig, now: Date
    ) -> [(event: AlertEvent, channels: [String])] {
        guard !config.subscriptions.isEmpty else { return [] }
        var events: [AlertEvent] = []
        for project in register.projects where project.sensitive {
            for evidence in project.flagEvidence {
                events.append(
                    AlertEvent(
                        id: "new_flag:\(project.projectID):\(evidence.flag.rawValue):\(register.asOf.period)", kind: .newFlag,
                        level: evidence.flag == .escalating ? .critical : .high, department: project.department,
                        township: project.township, title: "\(project.projectID) \(project.name)：\(evidence.flag.label)",
                        text: "\(project.department) · \(evidence.reason)",
                        link: "/projects/" + project.projectID.percentEncodedUnreserved,
                        at: now))
            }
        }
        for supervised in overdue where supervised.isOverdue(on: register.asOf) {
            let days = register.asOf.ordinal - supervised.deadline.ordinal
            events.append(
                AlertEvent(
                    id: "case_overdue:\(supervised.id):\(supervised.deadline)", kind: .caseOverdue, level: .high,
                    department: supervised.unit.kind == .department ? supervised.unit.name : nil,
                    township: supervised.unit.kind == .township ? supervised.unit.name : nil,
                    title: "督办件 \(supervised.id) 已超期 \(days) 日",
                    text: "\(supervised.unit.name)（责任人 \(supervised.person)）\(supervised.state.label)，办理期限 \(supervised.deadline)",
                    link: "/cases/" + supervised.id.percentEncodedUnreserved, at: now))
        }
        for source in register.sourceHealth {
            events.append(
                AlertEvent(
                    id: "source_health:\(source.feed):\(register.asOf)", kind: .sourceHealth, level: .high,
                    title: "数据源 \(source.feed) 异常", text: source.warning, link: "/sources", at: now))
        }
        return events.compactMap { event in
            let channels = config.channels(for: event).map(\.id)
            return channels.isEmpty ? nil : (event, channels)
        }
    }

    /// The daily list (风险日报) for each time of day the subscriptions set (Beijing time),
    /// once that time has come today, into the outbox for the channels of that time: its
    /// text, and its CSV and XLSX attached (e-mail carries them; the robots name the page).
    /// Once a day a time (`daily:DAY:HH:MM`); a watcher that was down at the time sends it
    /// when it next runs that day. A time before noon sends the day before's list, whole;
    /// from noon on, the day's so far.
    /// - Returns: how many lists were raised.
    @discardableResult
    public func raiseDailyAlerts(config: AlertConfig, now: Date = Date()) async throws -> Int {
        let today = Day(containing: now)
        var raised = 0
        var briefs: [Day: DailyBrief] = [:]
        for time in Set(config.subscriptions.filter { $0.events.contains(.daily) }.compactMap(\.dailyAt)).sorted() {
            let parts = time.split(separator: ":").compactMap { Int($0) }
            guard parts.count == 2 else { continue }
            let minutes = parts[0] * 60 + parts[1]
            guard now >= today.start.addingTimeInterval(TimeInterval(minutes * 60)) else { continue }
            let id = "daily:\(today):\(time)"
            guard try await !database.alertEventExists(id: id) else { continue }
            let wanted = Set(config.subscriptions.filter { $0.events.contains(.daily) && $0.dailyAt == time }.map(\.channel))
            let channels = config.channels.filter { wanted.contains($0.id) }.map(\.id)
            guard !channels.isEmpty else { continue }
            let day = minutes < 12 * 60 ? today.adding(days: -1) : today
            let brief: DailyBrief
            if let made = briefs[day] {
                brief = made
            } else {
                brief = try await dailyBrief(asOf: day, now: now)
                briefs[day] = brief
            }
            let event = AlertEvent(
                id: id, kind: .daily, level: brief.escalatingProjects > 0 ? .high : .medium, title: "欠薪风险日报 \(day)",
                text: brief.lines().joined(separator: "\n"), link: "/daily", at: now,
                attachments: [
                    .init(name: "风险日报-\(day).csv", mediaType: "text/csv; charset=UTF-8", bytes: Data(brief.csv().utf8)),
                    .init(name: "风险日报-\(day).xlsx", mediaType: CaseAttachment.Kind.xlsx.mediaType, bytes: try brief.xlsx()),
                ])
            try await database.enqueueAlert(event, channels: channels)
            raised += 1
        }
        return raised
    }

    /// Sends the outbox's due alerts (`watch` after every round, `run` at its end, `alerts
    /// send`), the day's daily lists raised first when their time has come.
    @discardableResult
    public func deliverAlerts(
        now: Date = Date(), environment: [String: String] = ProcessInfo.processInfo.environment
    ) async throws
        -> AlertDispatcher.Report
    {
        let config = try loadAlertConfig()
        guard !config.channels.isEmpty else { return AlertDispatcher.Report() }
        try await raiseDailyAlerts(config: config, now: now)
        return try await dispatchAlerts(config: config, now: now, environment: environment)
    }

    /// Sends the outbox's due alerts to `config`'s channels.
    func dispatchAlerts(
        config: AlertConfig, now: Date, environment: [String: String] = ProcessInfo.processInfo.environment
    ) async throws -> AlertDispatcher.Report {
        try await AlertDispatcher(config: config, database: database, environment: environment).deliverDue(now: now)
    }
}
