import Foundation
import Ingest
import Logging
import Model
import Register
import Scoring
import Store

/// What one monitoring cycle did, feed by feed, and the register it ended with.
public struct CycleReport: Sendable {
    /// The outcome of one feed in the cycle.
    public struct FeedOutcome: Sendable, Hashable {
        public var feedID: String
        /// Items the feed delivered this time.
        public var received: Int
        /// Of those, items not stored before.
        public var added: Int
        /// Of those, stored items whose source changed their text (the earlier text is kept).
        public var changed = 0
        /// Records the feed delivered that could not be read.
        public var rejected: Int
        /// Why the feed gave nothing, when it failed. Never holds header values.
        public var error: String?
        /// The feed had to be repaired to be read (HTML entities, stray characters).
        public var isRecovered = false
        /// 304: nothing new since the last fetch, and the source is healthy.
        public var isUnchanged = false
        /// Why this source's silence must not be read as "no risk", when it is unhealthy.
        public var warning: String?
        /// Not asked this cycle: waiting after failures until this time.
        public var backingOffUntil: Date?
    }

    public var feeds: [FeedOutcome]
    /// Items scored and linked in this cycle (new ones, and old ones under changed rules).
    public var assessed: Int
    public var register: RegisterReport
}

extension Monitor {
    /// One cycle: fetch every feed, store new items, score and link, evaluate the register.
    ///
    /// A feed that fails is reported and skipped; the others go on.
    public func runCycle(asOf: Day, windowDays: Int, now: Date = Date()) async throws -> CycleReport {
        let engine = try makeEngine()
        let catalog = try FeedCatalog.load(directory: feedsDirectory)

        var states = try database.feedStates()
        var outcomes: [String: CycleReport.FeedOutcome] = [:]
        var requests: [FetchRequest] = []
        for feed in catalog.feeds {
            if let wait = states[feed.id]?.nextAttempt, wait > now {
                // Backing off after failures: this feed waits, the others go on.
                outcomes[feed.id] = .init(feedID: feed.id, received: 0, added: 0, rejected: 0, error: nil,
                                          warning: states[feed.id]?.healthWarning(at: now), backingOffUntil: wait)
                continue
            }
            do {
                var headers: [String: String] = [:]
                for (name, template) in feed.headers {
                    headers[name] = try HeaderTemplate.expand(template, feed: feed.id, environment: environment)
                }
                let state = states[feed.id]
                requests.append(FetchRequest(feedID: feed.id, url: feed.url, headers: headers,
                                             etag: state?.etag, lastModified: state?.lastModified))
            } catch {
                // A feed that cannot even be asked for (a missing secret) fails like any other.
                var state = states[feed.id] ?? FeedState(feedID: feed.id)
                state.lastAttempt = now
                state.recordFailure("\(error)", at: now)
                states[feed.id] = state
                try database.saveFeedStates([state])
                outcomes[feed.id] = .init(feedID: feed.id, received: 0, added: 0, rejected: 0, error: "\(error)",
                                          warning: state.healthWarning(at: now))
            }
        }

        let responses = await fetcher.fetch(requests)
        for feed in catalog.feeds where outcomes[feed.id] == nil {
            var state = states[feed.id] ?? FeedState(feedID: feed.id)
            outcomes[feed.id] = try store(responses[feed.id], of: feed, fetchedAt: now, state: &state)
            outcomes[feed.id]?.warning = state.healthWarning(at: now)
        }

        let assessed = try assessPendingItems(engine: engine)
        let register = try evaluateRegister(asOf: asOf, windowDays: windowDays, now: now)
        return CycleReport(
            feeds: catalog.feeds.compactMap { outcomes[$0.id] }, assessed: assessed, register: register)
    }

    /// Stores what one feed delivered and updates what is remembered of it: validators
    /// only after the body parsed (in the same transaction as the items), failures in
    /// a row, the last error and status. `state` ends as stored.
    private func store(_ response: Result<FetchResponse, IngestError>?, of feed: FeedDefinition,
                       fetchedAt: Date, state: inout FeedState) throws -> CycleReport.FeedOutcome {
        var outcome = CycleReport.FeedOutcome(feedID: feed.id, received: 0, added: 0, rejected: 0, error: nil)
        state.lastAttempt = fetchedAt
        do {
            guard let response else { throw IngestError.fetchFailed(feed: feed.id, reason: "no response") }
            let fetched: FetchResponse
            do {
                fetched = try response.get()
            } catch let IngestError.httpStatus(_, status, retryAfter) {
                state.lastStatus = status
                throw IngestError.httpStatus(feed: feed.id, status: status, retryAfter: retryAfter)
            }
            state.lastStatus = fetched.status
            if fetched.isUnchanged {
                outcome.isUnchanged = true
                state.recordSuccess(at: fetchedAt)
                try database.saveFeedStates([state])
                return outcome
            }
            let parsed = try FeedParser.parse(fetched.body, feed: feed, contentType: fetched.contentType)
            state.etag = fetched.etag
            state.lastModified = fetched.lastModified
            state.recordSuccess(at: fetchedAt)
            outcome.isRecovered = parsed.isRecovered
            outcome.received = parsed.items.count
            outcome.rejected = parsed.rejections.count
            (outcome.added, outcome.changed) = try database.storeFetch(
                of: feed.id, items: parsed.items, rejections: parsed.rejections, state: state, fetchedAt: fetchedAt
            ) { item, text in
                PersonalDataMasker.mask(text, names: [item.petitioner, item.phone].compactMap { $0 })
            }
            state.recordArrival(newItems: outcome.added, at: fetchedAt)
            for rejection in parsed.rejections {
                logger.warning("feed record rejected", metadata: ["problem": "\(rejection)"])
            }
            logger.info("feed stored", metadata: [
                "feed": "\(feed.id)", "received": "\(outcome.received)", "added": "\(outcome.added)",
                "changed": "\(outcome.changed)",
            ])
        } catch let error as IngestError {
            outcome.error = error.description
            var retryAfter: TimeInterval?
            if case let .httpStatus(_, _, seconds?) = error { retryAfter = TimeInterval(seconds) }
            state.recordFailure(error.description, at: fetchedAt, retryAfter: retryAfter)
            try database.saveFeedStates([state])
            logger.error("feed failed", metadata: ["feed": "\(feed.id)", "error": "\(error)"])
        }
        return outcome
    }

    /// Scores and links every item not yet assessed under the current rules and registry.
    /// - Returns: how many items were assessed.
    public func assessPendingItems(engine: ScoringEngine) throws -> Int {
        let pending = try database.itemsNeedingAssessment(version: engine.version)
        let verdicts = pending.map { StoredAssessment(engine.evaluate($0)) }
        try database.saveAssessments(verdicts, version: engine.version)
        return verdicts.count
    }

    /// The register as of `asOf`, from what the store holds; source health as of `now`.
    public func evaluateRegister(asOf: Day, windowDays: Int, now: Date = Date()) throws -> RegisterReport {
        let from = asOf.adding(days: -(windowDays - 1)).start
        let until = asOf.adding(days: 1).start
        let inputs = try database.registerInputs(from: from, until: until)
        let register = RiskRegister(
            projects: inputs.projects, reports: inputs.reports, signals: StoryClusters.merge(inputs.signals),
            rejectedRows: inputs.rejectedRows)
        var report = register.evaluate(asOf: asOf, windowDays: windowDays)
        report.sourceHealth = try database.feedStates().values
            .compactMap { state in
                state.healthWarning(at: now).map {
                    RegisterReport.SourceWarning(feed: state.feedID, warning: $0, errorCount: state.errorCount,
                                                 lastSuccess: state.lastSuccess)
                }
            }
            .sorted { $0.feed < $1.feed }
        return report
    }
}

extension StoredAssessment {
    init(_ verdict: ItemVerdict) {
        self.init(assessment: verdict.assessment, storyKey: verdict.storyKey, link: verdict.link, sites: verdict.sites)
    }
}
