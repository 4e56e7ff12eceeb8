import Synchronization

/// Page contents made for one snapshot: looked up by snapshot generation, claims version,
/// role and address; emptied when it holds too many.
final class PageCache: Sendable {
    private let pages = Mutex<[String: String]>([:])
    private let limit: Int

    init(limit: Int) {
        self.limit = limit
    }

    func content(for key: String) -> String? { pages.withLock { $0[key] } }

    func keep(_ content: String, for key: String) {
        guard limit > 0 else { return }
        pages.withLock { pages in
            if pages.count >= limit { pages.removeAll(keepingCapacity: true) }
            pages[key] = content
        }
    }
}

/// Counts the claims made in this process (claims are made only through the web UI), so
/// that a page showing who reviews what is made again after one.
final class ReviewCounter: Sendable {
    private struct State {
        var claims = 0
        /// Items decided, with the snapshot generation current when they were: a snapshot
        /// of a later generation has them.
        var decided: [String: Int] = [:]
    }

    private let state = Mutex(State())

    var claimsVersion: Int { state.withLock { $0.claims } }

    func claimed() { state.withLock { $0.claims += 1 } }

    /// `itemID` was decided while generation `generation` was the latest asked for.
    func decided(_ itemID: String, before generation: Int) {
        state.withLock { state in
            state.claims += 1  // its claim ended, and the queue must drop it
            state.decided[itemID] = generation
        }
    }

    /// The items decided that a snapshot of `generation` does not have yet.
    func decidedAfter(_ generation: Int) -> Set<String> {
        state.withLock { state in
            state.decided = state.decided.filter { $0.value >= generation }
            return Set(state.decided.keys)
        }
    }
}
