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
        /// Records the feed delivered that could not be read.
        public var rejected: Int
        /// Why the feed gave nothing, when it failed. Never holds header values.
        public var error: String?
        /// The feed had to be repaired to be read (HTML entities, stray characters).
        public var isRecovered = false
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

        var outcomes: [String: CycleReport.FeedOutcome] = [:]
        var requests: [FetchRequest] = []
        for feed in catalog.feeds {
            do {
                var headers: [String: String] = [:]
                for (name, template) in feed.headers {
                    headers[name] = try HeaderTemplate.expand(template, feed: feed.id, environment: environment)
                }
                requests.append(FetchRequest(feedID: feed.id, url: feed.url, headers: headers))
            } catch {
                outcomes[feed.id] = .init(feedID: feed.id, received: 0, added: 0, rejected: 0, error: "\(error)")
            }
        }

        let responses = await fetcher.fetch(requests)
        for feed in catalog.feeds where outcomes[feed.id] == nil {
            outcomes[feed.id] = try store(responses[feed.id], of: feed, fetchedAt: now)
        }

        let assessed = try assessPendingItems(engine: engine)
        let register = try evaluateRegister(asOf: asOf, windowDays: windowDays)
        return CycleReport(
            feeds: catalog.feeds.compactMap { outcomes[$0.id] }, assessed: assessed, register: register)
    }

    private func store(_ response: Result<FetchResponse, IngestError>?, of feed: FeedDefinition,
                       fetchedAt: Date) throws -> CycleReport.FeedOutcome {
        var outcome = CycleReport.FeedOutcome(feedID: feed.id, received: 0, added: 0, rejected: 0, error: nil)
        do {
            guard let response else { throw IngestError.fetchFailed(feed: feed.id, reason: "no response") }
            let fetched = try response.get()
            // Validators are not stored yet, so a 304 cannot come back here; it would mean "nothing new".
            guard !fetched.isUnchanged else { return outcome }
            let parsed = try FeedParser.parse(fetched.body, feed: feed, contentType: fetched.contentType)
            outcome.isRecovered = parsed.isRecovered
            outcome.received = parsed.items.count
            outcome.rejected = parsed.rejections.count
            outcome.added = try database.insertItems(parsed.items, fetchedAt: fetchedAt) { item, text in
                PersonalDataMasker.mask(text, names: [item.petitioner, item.phone].compactMap { $0 })
            }
            try database.saveFeedRejections(parsed.rejections, feed: feed.id)
            for rejection in parsed.rejections {
                logger.warning("feed record rejected", metadata: ["problem": "\(rejection)"])
            }
            logger.info("feed stored", metadata: [
                "feed": "\(feed.id)", "received": "\(outcome.received)", "added": "\(outcome.added)",
            ])
        } catch let error as IngestError {
            outcome.error = error.description
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

    /// The register as of `asOf`, from what the store holds.
    public func evaluateRegister(asOf: Day, windowDays: Int) throws -> RegisterReport {
        let from = asOf.adding(days: -(windowDays - 1)).start
        let until = asOf.adding(days: 1).start
        let inputs = try database.registerInputs(from: from, until: until)
        let register = RiskRegister(
            projects: inputs.projects, reports: inputs.reports, signals: StoryClusters.merge(inputs.signals),
            rejectedRows: inputs.rejectedRows)
        return register.evaluate(asOf: asOf, windowDays: windowDays)
    }
}

extension StoredAssessment {
    init(_ verdict: ItemVerdict) {
        self.init(assessment: verdict.assessment, storyKey: verdict.storyKey, link: verdict.link, sites: verdict.sites)
    }
}
