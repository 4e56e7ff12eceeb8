import CPrefetch
import Model

extension ScoringEngine {
    /// Storage that scoring reuses from one item to the next (see `evaluate(_ items:)`):
    /// folded text, matches, presence bits, terms and mentions found. Each stage empties
    /// what it fills, so a set of buffers serves item after item.
    struct Buffers {
        var text = NormalizedText()
        var found: [Found] = []
        /// The matches of exception patterns (`except_in` ...), apart.
        var guardFound: [Found] = []
        var presence: [UInt64] = []
        var tracked: [Tracked] = []
        var cueEnds: [(end: Int, window: Int)] = []
        /// Exceptions found in the text (lexicon slot, role, span): terms they cover do not count.
        var guardSpans: [(slot: Int32, role: Guard.Role, start: Int32, end: Int32)] = []
        /// Where names of other places end (郑州, 临江市), and where the home region is named.
        var otherPlaceEnds: [Int32] = []
        /// Terms a negation cue cancelled: the terms inside them are cancelled too.
        var negatedSpans: [(start: Int32, end: Int32)] = []
        var homeSpans: [Int32] = []
        var termPatterns: [Int32] = []
        var mentions: [Mention] = []
        var firedIndexes: [Int] = []
        var occurrences: [Explanation.Occurrence] = []
        /// The link chosen (stage three), and its clues, each with the owner whose text it shows.
        var choice: LinkChoice?
        /// The best candidate's confidence, even below the review band.
        var bestConfidence = 0.0
        var choiceClues: [(clue: Clue, owner: Int32)] = []
        /// Which grams of the text model the text has counted.
        var modelSeen = TextModel.Seen()

        /// Whether a term of lexicon slot `slot` was found in any field.
        @inline(__always)
        func holdsAnywhere(_ slot: Int, slotWords: Int) -> Bool {
            presence[4 * slotWords + slot >> 6] & 1 << UInt64(slot & 63) != 0
        }
    }

    /// The project a link goes to, decided a step before the link is written out.
    struct LinkChoice {
        var project: Int
        var band: LinkBand
        var confidence: Double
    }

    /// A match that lies within one field.
    struct Found {
        var end: Int32
        var start: Int32
        var pattern: Int32
    }

    struct Tracked {
        var slot: Int32
        var field: Int8
        var start: Int32
        var end: Int32
    }

    /// Linking evidence found: a pattern and the field it was found in.
    struct Mention {
        var pattern: Int32
        var field: Int32
        var start: Int32 = 0
    }

    /// The verdict on `item`: rules fired, score, claim kind, link, story, sites.
    /// For many items, `evaluate(_ items:)` is faster.
    public func evaluate(_ item: Item) -> ItemVerdict {
        run(item, explaining: false).verdict
    }

    /// The verdict with everything that led to it, for a clerk.
    public func explain(_ item: Item) -> Explanation {
        // swift-format-ignore: NeverForceUnwrap
        // (explaining: true makes one)
        run(item, explaining: true).explanation!
    }

    /// The rules that fire on a bare text (as content of a post), for rule examples.
    public func firedRules(onText text: String) -> [Rulebook.Rule] {
        let item = Item(feedID: "example", sourceKey: "example", kind: .post, content: text)
        // swift-format-ignore: NeverForceUnwrap
        // (explaining: true makes one)
        return run(item, explaining: true).explanation!.firedRules
    }

    private func run(_ item: Item, explaining: Bool) -> (verdict: ItemVerdict, explanation: Explanation?) {
        var buffers = Buffers()
        return withUnsafePointer(to: item) { item in
            match(item, explaining: explaining, into: &buffers)
            gather(explaining: explaining, in: &buffers)
            chooseLink(in: &buffers)
            return conclude(item, explaining: explaining, from: &buffers)
        }
    }

    /// The verdicts on `items`, in order (the same as one by one), faster: through four
    /// sets of buffers, as a pipeline. While one item is concluded, the next one's link
    /// is chosen, the one after's matches are gathered and the one after that is matched;
    /// the records each stage asks the cache for (pattern records while matching, owner
    /// records while gathering, the winner's texts while choosing) then arrive while
    /// other work goes on, not when the next stage needs them.
    public func evaluate(_ items: [Item]) -> [ItemVerdict] {
        items.withUnsafeBufferPointer(evaluate)
    }

    /// The stages read items through pointers: an item passed by value is copied, which
    /// costs a dozen retains and releases, and the stages read only a few fields.
    func evaluate(_ items: UnsafeBufferPointer<Item>) -> [ItemVerdict] {
        var verdicts: [ItemVerdict] = []
        verdicts.reserveCapacity(items.count)
        let count = items.count
        func step(
            _ index: Int, free: inout Buffers, matched: inout Buffers, gathered: inout Buffers,
            chosen: inout Buffers
        ) {
            // swift-format-ignore: NeverForceUnwrap
            // (index < count: items is not empty)
            if index < count { match(items.baseAddress! + index, explaining: false, into: &free) }
            if index >= 1 && index <= count { gather(explaining: false, in: &matched) }
            if index >= 2 && index <= count + 1 { chooseLink(in: &gathered) }
            // swift-format-ignore: NeverForceUnwrap
            // (index - 3 < count: items is not empty)
            if index >= 3 { verdicts.append(conclude(items.baseAddress! + index - 3, explaining: false, from: &chosen).verdict) }
        }
        // Each set of buffers moves one stage on from step to step: free, matched, gathered, chosen, free.
        var first = Buffers()
        var second = Buffers()
        var third = Buffers()
        var fourth = Buffers()
        for index in 0..<(count + 3) {
            switch index % 4 {
            case 0: step(index, free: &first, matched: &fourth, gathered: &third, chosen: &second)
            case 1: step(index, free: &second, matched: &first, gathered: &fourth, chosen: &third)
            case 2: step(index, free: &third, matched: &second, gathered: &first, chosen: &fourth)
            default: step(index, free: &fourth, matched: &third, gathered: &second, chosen: &first)
            }
        }
        return verdicts
    }

    /// Which field an offset of the folded text lies in, and each field's range.
    struct FieldBounds {
        let ends: (Int, Int, Int, Int)

        init(_ text: NormalizedText) {
            ends = (text.fieldStarts[1], text.fieldStarts[2], text.fieldStarts[3], text.scalars.count)
        }

        @inline(__always) func field(of offset: Int) -> Int {
            offset < ends.0 ? 0 : offset < ends.1 ? 1 : offset < ends.2 ? 2 : 3
        }

        @inline(__always) func range(_ field: Int) -> Range<Int> {
            switch field {
            case 0: 0..<ends.0
            case 1: ends.0..<ends.1
            case 2: ends.1..<ends.2
            default: ends.2..<ends.3
            }
        }
    }

    /// Stage one: folds the item's fields and finds the matches that lie within one
    /// field, in order of end and, for one end, longest first (a negation cue is then
    /// always seen before the terms after it).
    private func match(_ item: UnsafePointer<Item>, explaining: Bool, into buffers: inout Buffers) {
        // Concluding reads the item's id and numbers, which matching does not: ask for the record's lines.
        for line in stride(from: 0, to: MemoryLayout<Item>.size, by: 64) {
            wagewatch_prefetch(UnsafeRawPointer(item) + line)
        }
        buffers.text.removeAll()
        normalizer.append(item.pointee.title, to: &buffers.text, keepingOrigins: explaining)
        normalizer.append(item.pointee.content, to: &buffers.text, keepingOrigins: explaining)
        normalizer.append(item.pointee.respondent ?? "", to: &buffers.text, keepingOrigins: explaining)
        normalizer.append(item.pointee.location ?? "", to: &buffers.text, keepingOrigins: explaining)
        buffers.found.removeAll(keepingCapacity: true)
        buffers.guardFound.removeAll(keepingCapacity: true)
        let bounds = FieldBounds(buffers.text)
        let text = buffers.text
        patternInfo.withUnsafeBufferPointer { infos in
            // Each match's record is most likely not in the cache (a registry name is met
            // once in many texts): ask for all of them now, rather than wait for each later.
            text.scalars.withUnsafeBufferPointer { scalars in
                guardBits.withUnsafeBufferPointer { guardBits in
                    matcher.scan(scalars) { pattern, start, end in
                        guard bounds.field(of: start) == bounds.field(of: end - 1) else { return }
                        // swift-format-ignore: NeverForceUnwrap
                        // (a pattern found has its record in infos)
                        wagewatch_prefetch(infos.baseAddress! + pattern)
                        let found = Found(end: Int32(end), start: Int32(start), pattern: Int32(pattern))
                        buffers.found.append(found)
                        // Exceptions are few patterns: a bit per pattern says which, with no record read.
                        if guardBits[pattern >> 6] & (1 << UInt64(pattern & 63)) != 0 { buffers.guardFound.append(found) }
                    }
                }
            }
        }
        // Found in order of start: by end, only overlapping matches are out of order, so an
        // insertion sort does little more than read them (and allocates nothing).
        buffers.found.withUnsafeMutableBufferPointer { found in
            sortByInsertion(found) { UInt64(UInt32($0.end)) << 32 | UInt64(UInt32($0.start)) }
        }
    }

    /// Stage two: what the matches mean: lexicon slots present per field (minus negated
    /// terms), tracked positions for proximity rules, terms and registry mentions.
    private func gather(explaining: Bool, in buffers: inout Buffers) {
        // Per field, then a fifth group for any field: most rules read every field, and ask it once.
        if buffers.presence.count == slotWords * 5 {
            buffers.presence.withUnsafeMutableBufferPointer { $0.update(repeating: 0) }
        } else {
            buffers.presence = [UInt64](repeating: 0, count: slotWords * 5)
        }
        buffers.tracked.removeAll(keepingCapacity: true)
        buffers.cueEnds.removeAll(keepingCapacity: true)
        buffers.termPatterns.removeAll(keepingCapacity: true)
        buffers.mentions.removeAll(keepingCapacity: true)
        buffers.occurrences.removeAll()
        let bounds = FieldBounds(buffers.text)
        let text = buffers.text
        let found = buffers.found
        buffers.guardSpans.removeAll(keepingCapacity: true)
        buffers.otherPlaceEnds.removeAll(keepingCapacity: true)
        buffers.negatedSpans.removeAll(keepingCapacity: true)
        buffers.homeSpans.removeAll(keepingCapacity: true)
        patternInfo.withUnsafeBufferPointer { infos in
            // Exceptions first: a compound or a cue after a term ends after it.
            for found in buffers.guardFound {
                guard let range = guardRanges[found.pattern] else { continue }
                for entry in Int(range.start)..<Int(range.end) {
                    let guardEntry = guardList[entry]
                    buffers.guardSpans.append((guardEntry.slot, guardEntry.role, found.start, found.end))
                }
            }
            owners.withUnsafeBufferPointer { owners in
                for found in found {
                    let start = Int(found.start)
                    let end = Int(found.end)
                    let pattern = Int(found.pattern)
                    let at = bounds.field(of: start)
                    var negated = false
                    let info = infos[pattern]
                    if info.cueWindow >= 0 { buffers.cueEnds.append((end, Int(info.cueWindow))) }
                    let first = Int(info.slotStart)
                    let last = Int(info.slotEnd)
                    if first < last {
                        // A cue counts when it ends at most `window` characters before the term starts.
                        var cue = buffers.cueEnds.count - 1
                        while cue >= 0 && buffers.cueEnds[cue].end > start { cue -= 1 }
                        negated =
                            cue >= 0 && buffers.cueEnds[cue].end >= start - buffers.cueEnds[cue].window
                            && bounds.field(of: buffers.cueEnds[cue].end - 1) == at
                        // A term inside a negated longer term is negated with it: 欠工资 in 不拖欠工资.
                        if negated {
                            buffers.negatedSpans.append((Int32(start), Int32(end)))
                        } else if !buffers.negatedSpans.isEmpty {
                            negated = buffers.negatedSpans.contains { Int($0.start) <= start && end <= Int($0.end) }
                        }
                        var counted = false
                        for entry in first..<last {
                            let slot = Int(slotList[entry])
                            if negated && slotNegatable[slot] { continue }
                            if slotGuarded[slot] && !buffers.guardSpans.isEmpty
                                && isExcepted(slot: slot, start: start, end: end, spans: buffers.guardSpans)
                            {
                                continue
                            }
                            buffers.presence[at * slotWords + slot >> 6] |= 1 << UInt64(slot & 63)
                            buffers.presence[4 * slotWords + slot >> 6] |= 1 << UInt64(slot & 63)
                            if slot == otherCitySlot { buffers.otherPlaceEnds.append(Int32(end)) }
                            if slot == homeSlot { buffers.homeSpans.append(Int32(start)) }
                            if slotTracked[slot] {
                                buffers.tracked.append(Tracked(slot: Int32(slot), field: Int8(at), start: Int32(start), end: Int32(end)))
                            }
                            counted = true
                        }
                        if counted { buffers.termPatterns.append(Int32(pattern)) }
                    }
                    if info.isMention && !Self.isPhaseOfAnother(text.scalars, start: start) {
                        // Ranking reads the owners next: bring them in meanwhile.
                        if info.hasOwners {
                            // Every cache line of the owners (a contractor may have sixteen).
                            var owner = Int(info.ownerStart)
                            while owner < Int(info.ownerEnd) {
                                // swift-format-ignore: NeverForceUnwrap
                                // (the mention has owners: the table is not empty)
                                wagewatch_prefetch(owners.baseAddress! + owner)
                                owner += 64 / MemoryLayout<Owner>.stride
                            }
                        }
                        buffers.mentions.append(Mention(pattern: Int32(pattern), field: Int32(at), start: Int32(start)))
                    }
                    if explaining {
                        buffers.occurrences.append(occurrence(pattern, start: start, end: end, field: at, negated: negated, in: text))
                    }
                }
            }
        }
    }

    /// Drops registry mentions that belong to another place: 临江市第一中学体育馆 is
    /// 临江's school, not the registry's. A mention counts as another place's when it
    /// starts within `otherPlaceReach` characters after that place's name, in the same
    /// clause, with no name of the home region between.
    func dropMentionsOfOtherPlaces(in buffers: inout Buffers) {
        guard !buffers.mentions.isEmpty else { return }
        // A 某某市 can only matter within reach before a mention: look there, not through the text.
        let scalars = buffers.text.scalars
        var looked = 0  // positions below this were looked at
        for mention in buffers.mentions {
            let start = Int(mention.start)
            let from = max(looked, start - Self.otherPlaceReach - 1, 0)
            guard from < start else { continue }
            for index in from..<start where Self.cityMarks.contains(scalars[index]) {
                appendGenericOtherPlace(scalars, at: index, to: &buffers.otherPlaceEnds)
            }
            looked = start
        }
        guard !buffers.otherPlaceEnds.isEmpty else { return }
        let ends = buffers.otherPlaceEnds
        let home = buffers.homeSpans
        buffers.mentions.removeAll { mention in
            let start = Int(mention.start)
            return ends.contains { end in
                let end = Int(end)
                guard end <= start && start - end <= Self.otherPlaceReach else { return false }
                if home.contains(where: { Int($0) >= end && Int($0) < start }) { return false }
                return !scalars[end..<start].contains(where: Self.clauseBreaks.contains)
            }
        }
    }

    /// The registry name or alias a site name sounds like: the name as found (a township
    /// in front joined to it), then without the township, then without the home region's
    /// name in front, each also without its site words at the end (工地, 项目).
    private func soundAlikeMatch(_ site: String) -> SoundAlikeNames.Match {
        let scalars = Array(site.unicodeScalars.map(\.value))
        var forms = [scalars.filter { $0 != 0x20 }]
        if let space = scalars.firstIndex(of: 0x20) { forms.append(Array(scalars[(space + 1)...])) }
        // The home region's names include its townships (南港): a name may hold one (南港安置房二期), or not.
        if let home = homeNames.first(where: { forms[0].count > $0.count + 1 && forms[0].starts(with: $0) }) {
            forms.append(Array(forms[0].dropFirst(home.count)))
        }
        for form in forms {
            var name = form[...]
            while true {
                let found = soundAlike.match(name, in: self)
                if found != .none { return found }
                guard let word = Self.siteSuffixes.first(where: { name.count >= $0.count + 2 && name.suffix($0.count).elementsEqual($0) })
                else { break }
                name = name.dropLast(word.count)
            }
        }
        return .none
    }

    /// The site finder's words that end a name without naming the place (every name it finds
    /// ends in a site word; 小区, 厂房 and the like are part of what a registry calls it).
    private static let siteSuffixes: [[UInt32]] = ["工地", "项目", "工程"].map { $0.unicodeScalars.map(\.value) }

    /// The sites the title and the content name, each field on its own (a name never
    /// runs from the end of the title into the content).
    private func siteNames(in text: NormalizedText, _ bounds: FieldBounds) -> [String] {
        var names = siteFinder.sites(inFolded: text.scalars[bounds.range(0)])
        for name in siteFinder.sites(inFolded: text.scalars[bounds.range(1)]) where !names.contains(name) { names.append(name) }
        return names
    }

    static let regexReach = 4_000

    static let otherPlaceReach = 8
    private static let clauseBreaks = ScalarBitmap(",.;!?，。；！？、 \n")
    private static let cityMarks = ScalarBitmap("市县")
    /// Characters that make 市 or 县 part of a word, not a place's name: 全市, 城市, 超市, 本县,
    /// and words before 市 meaning "the city's" (在市公安局, 向市人民医院).
    private static let notPlaceBefore = ScalarBitmap("全本我该城超门夜股菜上开闹集都此各邻外省郡州在向到赴去往于至从由经对给为和与及跟是称进驻入月年天了的个里过")
    private static let notPlaceAfter = ScalarBitmap("场")

    /// Ends of 某某市, 某某县 that are not the home region's (临江市, 安平县): places the
    /// other-cities list cannot hold every name of.
    func appendGenericOtherPlaces(_ scalars: [UInt32], to ends: inout [Int32]) {
        var index = scalars.withUnsafeBufferPointer { Self.cityMarks.firstMember(in: $0, from: 2) }
        while index < scalars.count {
            appendGenericOtherPlace(scalars, at: index, to: &ends)
            index = scalars.withUnsafeBufferPointer { Self.cityMarks.firstMember(in: $0, from: index + 1) }
        }
    }

    /// Appends where the place ends when the 市 or 县 at `index` closes another place's name.
    func appendGenericOtherPlace(_ scalars: [UInt32], at index: Int, to ends: inout [Int32]) {
        guard index >= 2 else { return }
        let first = scalars[index - 2]
        let second = scalars[index - 1]
        if isHan(first) && isHan(second) && !Self.notPlaceBefore.contains(second)
            && !(index + 1 < scalars.count && Self.notPlaceAfter.contains(scalars[index + 1]))
            && !homeNames.contains(where: { $0.count >= 2 && $0[$0.count - 2] == first && $0[$0.count - 1] == second })
        {
            ends.append(Int32(index + 1))
        }
    }

    private static let numerals = ScalarBitmap("一二三四五六七八九十0123456789")
    private static let phaseQuestions = ScalarBitmap("哪这那每上下同本")

    /// Whether a registry text that starts with a number (二期, 一中) follows a word that
    /// makes the number something else: 哪一期, 这一期, 下一期.
    @inline(__always)
    static func isPhaseOfAnother(_ scalars: [UInt32], start: Int) -> Bool {
        start > 0 && numerals.contains(scalars[start]) && phaseQuestions.contains(scalars[start - 1])
    }

    /// Whether the mention names a project or company by more than a name token.
    private func isNamed(_ mention: Mention) -> Bool {
        let info = patternInfo[Int(mention.pattern)]
        guard info.hasOwners else { return false }
        for owner in Int(info.ownerStart)..<Int(info.ownerEnd) where owners[owner].kind != .token { return true }
        return false
    }

    /// Whether an exception of the slot's lexicon covers the term at `start ..< end`:
    /// a longer compound around it, or a cue just before or after it.
    private func isExcepted(
        slot: Int, start: Int, end: Int,
        spans: [(slot: Int32, role: Guard.Role, start: Int32, end: Int32)]
    ) -> Bool {
        let window = Int(slotExceptWindow[slot])
        for span in spans where Int(span.slot) == slot {
            let spanStart = Int(span.start)
            let spanEnd = Int(span.end)
            switch span.role {
            case .inside:
                if spanStart <= start && end <= spanEnd && spanEnd - spanStart > end - start { return true }
            case .after:
                if spanEnd <= start && start - spanEnd <= window { return true }
            case .before:
                if spanStart >= end && spanStart - end <= window { return true }
            }
        }
        return false
    }

    /// Stage three: the link, chosen from the mentions, and its clues. Asks for what
    /// writing it out a step later reads: the winner's id and the texts of its clues.
    private func chooseLink(in buffers: inout Buffers) {
        buffers.choice = nil
        buffers.bestConfidence = 0
        buffers.choiceClues.removeAll(keepingCapacity: true)
        dropMentionsOfOtherPlaces(in: &buffers)
        let total = entryCount(buffers.mentions)
        guard total > 0 else { return }
        withUnsafeTemporaryAllocation(of: UInt64.self, capacity: total) { keys in
            withUnsafeTemporaryAllocation(of: Entry.self, capacity: total) { entries in
                chooseLink(in: &buffers, keys: keys, entries: entries)
            }
        }
    }

    private func chooseLink(
        in buffers: inout Buffers, keys: UnsafeMutableBufferPointer<UInt64>,
        entries: UnsafeMutableBufferPointer<Entry>
    ) {
        let ranking = rank(buffers.mentions, keys: keys, entries: entries, keepingAll: false)
        // swift-format-ignore: NeverForceUnwrap
        // (a temporary allocation of total > 0 entries)
        defer { ranking.entries.baseAddress!.deinitialize(count: ranking.keys.count) }
        buffers.bestConfidence = ranking.best?.confidence ?? 0
        guard let best = ranking.best,
            var band = band(best: best, second: ranking.second?.confidence)
        else { return }
        // The text itself says which project is unclear (未说明是教学楼还是体育馆): a clerk decides.
        if band == .link && uncertainSlot >= 0 && buffers.holdsAnywhere(uncertainSlot, slotWords: slotWords) { band = .review }
        buffers.choice = LinkChoice(project: best.project, band: band, confidence: min(1, best.confidence))
        // swift-format-ignore: NeverForceUnwrap
        // (best.project is an index of projectIDs)
        projectIDs.withUnsafeBufferPointer { wagewatch_prefetch($0.baseAddress! + best.project) }
        ownerText.withUnsafeBufferPointer { ownerText in
            ranking.forEachClue(of: best) { clue in
                let owner = textOwner(of: clue, project: best.project)
                buffers.choiceClues.append((clue, Int32(owner)))
                guard owner >= 0 else { return }
                // swift-format-ignore: NeverForceUnwrap
                // (owner is an index of ownerText)
                wagewatch_prefetch(ownerText.baseAddress! + owner)
                // The reference count sits 24 bytes before the text (the storage header, 32).
                let address = owners[owner].textAddress
                if address != 0 { wagewatch_prefetch(UnsafeRawPointer(bitPattern: address &- 24)) }
            }
        }
    }

    /// Stage four: rules, score, claim kind, link, story and sites.
    private func conclude(
        _ item: UnsafePointer<Item>, explaining: Bool, from buffers: inout Buffers
    )
        -> (verdict: ItemVerdict, explanation: Explanation?)
    {
        let text = buffers.text
        let bounds = FieldBounds(text)
        buffers.firedIndexes.removeAll(keepingCapacity: true)
        let presence = buffers.presence
        let tracked = buffers.tracked
        let anyField = 4 * slotWords
        func isPresent(_ slot: Int, _ mask: Int) -> Bool {
            let word = slot >> 6
            let bit = UInt64(1) << UInt64(slot & 63)
            if mask == 0b1111 { return presence[anyField + word] & bit != 0 }
            for at in 0..<4 where mask & (1 << at) != 0 && presence[at * slotWords + word] & bit != 0 {
                return true
            }
            return false
        }
        var scopedTexts: [Int: String] = [:]
        func scopedText(_ mask: Int) -> String {
            if let cached = scopedTexts[mask] { return cached }
            var view = String.UnicodeScalarView()
            for at in 0..<4 where mask & (1 << at) != 0 {
                // A regex reads at most the first `regexReach` characters of a field: its time is bounded.
                // swift-format-ignore: NeverForceUnwrap
                // (the values are scalars of a String)
                for value in text.scalars[bounds.range(at)].prefix(Self.regexReach) { view.append(Unicode.Scalar(value)!) }
                view.append("\n")
            }
            let result = String(view)
            scopedTexts[mask] = result
            return result
        }
        func holds(_ condition: CompiledCondition, _ mask: Int) -> Bool {
            switch condition {
            case .slot(let slot): return isPresent(slot, mask)
            case .regex(let regex): return regex.matches(scopedText(mask))
            case .near(let slots, let within, let ordered):
                // Most texts lack some slot altogether: the presence bits say so without any allocation.
                guard slots.allSatisfy({ $0.contains { isPresent($0, mask) } }) else { return false }
                return ordered
                    ? orderedNearHolds(slots, within: within, mask: mask, tracked: tracked)
                    : nearHolds(slots, within: within, mask: mask, tracked: tracked)
            }
        }

        // Head count and amount: the record's own fields first, else what the text says.
        // Read only when a rule or the verdict needs them.
        var numbersRead = item.pointee.people != nil && item.pointee.amount != nil
        var people = item.pointee.people
        var amount = item.pointee.amount
        func readNumbers() {
            guard !numbersRead else { return }
            numbersRead = true
            let read = NumberReader.read(text.scalars[0..<bounds.ends.1])
            people = people ?? read.people
            amount = amount ?? read.amount
        }

        // A name token (城北, 二期) alone is no mention of the registry: it is a word many texts use.
        // Loops, not closures over `self`: a closure passed on copies the whole engine (dozens of retains).
        var mentionsRegistry = false
        for mention in buffers.mentions where isNamed(mention) || patternInfo[Int(mention.pattern)].township >= 0 {
            mentionsRegistry = true
            break
        }
        var otherPlacesRead = false
        var namesOtherCity = false
        var firedIndexes: [Int] = []
        swap(&firedIndexes, &buffers.firedIndexes)
        defer { swap(&firedIndexes, &buffers.firedIndexes) }
        func evaluate(_ index: Int) {
            let head = ruleHeads[index]
            let mask = head.scopeMask
            if head.gateStart >= 0 {
                let gate = Int(head.gateStart)
                var open = false
                for word in 0..<slotWords where ruleGateWords[gate + word] != 0 {
                    var present: UInt64 = 0
                    if mask == 0b1111 {
                        present = presence[anyField + word]
                    } else {
                        for at in 0..<4 where mask & (1 << at) != 0 { present |= presence[at * slotWords + word] }
                    }
                    if present & ruleGateWords[gate + word] != 0 {
                        open = true
                        break
                    }
                }
                if !open { return }
            }
            if let kind = head.kind, kind != item.pointee.kind { return }
            if head.hasChannels
                && !(item.pointee.channel.map(compiledRules[index].rule.conditions.channels.contains) ?? false)
            {
                return
            }
            if head.needsNumbers { readNumbers() }
            if let comparison = head.recordedPeople,
                !(item.pointee.people.map { comparison.holds(for: Double($0)) } ?? false)
            {
                return
            }
            if let comparison = head.people, !(people.map { comparison.holds(for: Double($0)) } ?? false) { return }
            if let comparison = head.amount, !(amount.map(comparison.holds(for:)) ?? false) { return }
            if let wanted = head.mentionsRegistry, wanted != mentionsRegistry { return }
            if let wanted = head.namesProject {
                var named = false
                for mention in buffers.mentions where isNamed(mention) {
                    named = true
                    break
                }
                if wanted != named { return }
            }
            if let wanted = head.namesOtherCity {
                if !otherPlacesRead {
                    otherPlacesRead = true
                    var ends = buffers.otherPlaceEnds
                    if ends.isEmpty { appendGenericOtherPlaces(text.scalars, to: &ends) }
                    namesOtherCity = !ends.isEmpty
                }
                if wanted != namesOtherCity { return }
            }
            // The engine holds the rule: read it without counting a reference both cores write.
            let conditionsHold = unretainedRules[index]._withUnsafeGuaranteedRef { compiled in
                compiled.all.allSatisfy { holds($0, mask) } && !compiled.none.contains { holds($0, mask) }
                    && (compiled.any.isEmpty || compiled.any.contains { holds($0, mask) })
            }
            if conditionsHold { firedIndexes.append(index) }
        }
        // The text model reads title and content; where it is sure it decides what the
        // rules would (signal or not, whose money), except where a final rule speaks.
        let judgement = textModel.map { model in
            model.judge([text.scalars[bounds.range(0)], text.scalars[bounds.range(1)]], seen: &buffers.modelSeen)
        }
        let modelDecides = judgement?.isSure ?? false
        let modelSignal = modelDecides && judgement?.kind != TextModel.Kind.none
        // First the rules that decide whether this is a signal at all; escalation and
        // score rules only qualify signals, so most items never need them.
        // Signal rules first: noise, resolution and claim kind only qualify a signal, so an
        // item no signal rule fires on needs nothing more (unless a clerk asks why, or the
        // model says it is one).
        for index in signalRules { evaluate(index) }
        if !firedIndexes.isEmpty || explaining || modelSignal {
            for index in decidingRules { evaluate(index) }
        }
        // On a signal a noise rule cancelled, the qualifying rules still run: the stored
        // verdict lists every rule that fired, so a clerk sees what the noise rule overrode.
        if !firedIndexes.isEmpty || explaining || modelSignal {
            for index in qualifyingRules { evaluate(index) }
        }
        var outcome = Rulebook.Effect.Outcome()
        for index in firedIndexes { outcome.add(ruleHeads[index].effect) }
        var isSignal = outcome.isSignal
        var claim = outcome.claim
        var modelRule: String?
        var isResolved = outcome.isResolved
        if let judgement, judgement.isSure {
            var overruled = false
            for index in firedIndexes where ruleHeads[index].isFinal && ruleHeads[index].effect == .noise {
                overruled = true
                break
            }
            // A resolved signal stays one (the register counts cases paid), whatever the model reads.
            if outcome.isResolved && outcome.isSignal && judgement.kind == .none { overruled = true }
            // To silence a report the rules raised takes a surer reading than to raise one.
            if outcome.isSignal && judgement.kind == .none, judgement.probability < (textModel?.cancelThreshold ?? 1) {
                overruled = true
            }
            if !overruled {
                isSignal = judgement.kind != .none
                claim = judgement.kind == .projectPayment ? .projectPayment : .wage
                modelRule = TextModel.ruleID(judgement.kind)
                // The model learned paid cases as no report: sure of a claim, it reads the
                // money as still owed (拿到手的不够一个月的), whatever a resolution word says.
                if isSignal { isResolved = false }
            }
        }
        // The verdict's head count and amount matter on signals only (rules read them as they need).
        if isSignal || explaining { readNumbers() }
        firedIndexes.sort()

        var assessment = ItemAssessment(
            itemID: item.pointee.id, score: 0, isSignal: false, claim: .wage, isEscalation: false, isResolved: false,
            firedRules: [], matchedTerms: [], people: people, amount: amount)
        if isSignal || explaining {
            // Each term once, in order of first occurrence.
            assessment.matchedTerms.reserveCapacity(buffers.termPatterns.count)
            for (index, pattern) in buffers.termPatterns.enumerated()
            where !buffers.termPatterns[..<index].contains(pattern) {
                assessment.matchedTerms.append(termText[Int(patternInfo[Int(pattern)].slotStart)])
            }
        }
        var level = SignalLevel.none
        assessment.firedRules.reserveCapacity(firedIndexes.count)
        for index in firedIndexes {
            let head = ruleHeads[index]
            assessment.firedRules.append(compiledRules[index].rule.id)
            assessment.score += head.weight
            if head.effect.raisesLevel { level = max(level, head.level) }
        }
        if let modelRule {
            assessment.firedRules.append(modelRule)
            // A signal no rule raised is of the lowest level a signal rule may have.
            if isSignal { level = max(level, .low) }
        }
        assessment.isSignal = isSignal
        assessment.claim = isSignal ? claim : .wage
        assessment.isEscalation = isSignal && outcome.sawEscalation
        assessment.isResolved = isResolved
        assessment.level = isSignal ? level : .none
        assessment.score = max(0, assessment.score)

        var link = buffers.choice.map { self.link(to: $0, clues: buffers.choiceClues, itemID: item.pointee.id) }
        // Stories group signals; an item that is none needs no fingerprint (rescoring makes one if it becomes one).
        let content = text.range(ofField: 1).isEmpty ? text.range(ofField: 0) : text.range(ofField: 1)
        let storyKey =
            assessment.isSignal || explaining
            ? StoryFingerprint.hex(StoryFingerprint.fingerprint(text.scalars[content])) : ""
        // A site some project half fits (高新区标准厂房, two phases alike) is no gap in the registry.
        var sites =
            assessment.isSignal && link == nil && buffers.bestConfidence < reviewThreshold / 2
            ? siteNames(in: text, bounds) : []
        // A site that sounds like a registry name or alias (乔西大桥, 湿地公圆) is that project,
        // linked; one that sounds like several projects' names is neither linked nor listed.
        if !sites.isEmpty {
            var unregistered: [String] = []
            for site in sites {
                switch soundAlikeMatch(site) {
                case .owner(let at):
                    if link == nil {
                        let owner = owners[Int(at)]
                        link = ProjectLink(
                            itemID: item.pointee.id, projectID: projectIDs[Int(owner.project)], band: .link,
                            confidence: linkThreshold, evidence: [LinkEvidence(kind: owner.kind, text: ownerText[Int(at)])])
                    }
                case .several: continue
                case .none: unregistered.append(site)
                }
            }
            sites = unregistered
        }
        // A site is named from the text before it (王秀英家旁边锦江小区工地): the petitioner's
        // name and number never go into one, as the site goes to the register, its exports
        // and the cases opened on it, which other roles read.
        if !sites.isEmpty, item.pointee.petitioner != nil || item.pointee.phone != nil {
            let details = [item.pointee.petitioner, item.pointee.phone].compactMap { $0 }.filter { !$0.isEmpty }
            let names = details + details.map(normalizer.normalize)
            sites = sites.map { PersonalDataMasker.mask($0, names: names) }
        }
        let verdict = ItemVerdict(assessment: assessment, storyKey: storyKey, link: link, sites: sites)

        guard explaining else { return (verdict, nil) }
        // The folded text as a reader may see it: folded from the masked copy, so
        // that digits brought together by folding cannot escape the masking.
        var normalized: [Rulebook.Field: String] = [:]
        let names = [item.pointee.petitioner, item.pointee.phone].compactMap { $0 }
        for (field, fieldText) in zip(
            Rulebook.Field.allCases, [item.pointee.title, item.pointee.content, item.pointee.respondent ?? "", item.pointee.location ?? ""])
        {
            normalized[field] = normalizer.normalize(PersonalDataMasker.mask(fieldText, names: names))
        }
        let explained = rankCandidates(buffers.mentions).map { candidate in
            Explanation.Candidate(
                projectID: projects[candidate.project].id, name: projects[candidate.project].name,
                confidence: candidate.confidence, evidence: evidence(of: candidate))
        }
        var reading: Explanation.ModelReading?
        if let judgement, let textModel {
            // The grams shown come from the masked text: no fragment of a name or number.
            let fields = [Rulebook.Field.title, .content].map { ArraySlice((normalized[$0] ?? "").unicodeScalars.map(\.value)) }
            reading = Explanation.ModelReading(
                judgement: judgement, decided: modelRule != nil,
                grams: textModel.strongestGrams(fields, for: judgement.kind, count: 8))
        }
        return (
            verdict,
            Explanation(
                verdict: verdict, normalized: normalized, occurrences: buffers.occurrences,
                firedRules: firedIndexes.map { compiledRules[$0].rule }, candidates: explained, model: reading)
        )
    }

    private func occurrence(
        _ pattern: Int, start: Int, end: Int, field: Int, negated: Bool,
        in text: NormalizedText
    ) -> Explanation.Occurrence {
        var meanings: [String] = []
        let info = patternInfo[pattern]
        for entry in Int(info.slotStart)..<Int(info.slotEnd) {
            let name = slotNames[Int(slotList[entry])]
            meanings.append(name.hasPrefix("=") ? "term" : "lexicon:\(name)")
        }
        if info.cueWindow >= 0 { meanings.append("negation") }
        if info.isGuard { meanings.append("exception") }
        for owner in owners[Int(info.ownerStart)..<Int(info.ownerEnd)] {
            meanings.append("registry:\(projects[Int(owner.project)].id) (\(owner.kind.rawValue))")
        }
        if info.township >= 0 { meanings.append("township") }
        if info.type >= 0 { meanings.append("project_type") }
        // The original bytes run to where the next folded scalar of the field came from.
        let fieldEnd = field + 1 < text.fieldStarts.count ? text.fieldStarts[field + 1] : text.scalars.count
        let originEnd = end < fieldEnd ? Int(text.origins[end]) : text.fieldByteCounts[field]
        return Explanation.Occurrence(
            text: patternText(pattern), field: Rulebook.Field.allCases[field], range: start..<end,
            originalRange: Int(text.origins[start])..<originEnd, meanings: meanings, isNegated: negated)
    }

    /// Whether one alternative of every slot occurs in the scoped fields within a span of `within` characters.
    /// Most signals ask this of a rule or two, so it works in scratch memory of the call.
    private func nearHolds(_ slots: [[Int]], within: Int, mask: Int, tracked: [Tracked]) -> Bool {
        var capacity = 0
        for occurrence in tracked where mask & (1 << Int(occurrence.field)) != 0 { capacity += slots.count }
        guard capacity > 0 else { return false }
        return withUnsafeTemporaryAllocation(of: Int.self, capacity: slots.count) { counts in
            withUnsafeTemporaryAllocation(of: (start: Int, end: Int, slot: Int).self, capacity: capacity) { buffer in
                counts.initialize(repeating: 0)
                var count = 0
                for occurrence in tracked where mask & (1 << Int(occurrence.field)) != 0 {
                    for (index, alternatives) in slots.enumerated() where alternatives.contains(Int(occurrence.slot)) {
                        buffer.initializeElement(at: count, to: (Int(occurrence.start), Int(occurrence.end), index))
                        counts[index] += 1
                        count += 1
                    }
                }
                guard !counts.contains(0) else { return false }
                var events = UnsafeMutableBufferPointer(rebasing: buffer[..<count])
                // Tracked in order of end: by start, mostly in order already.
                if count <= 64 {
                    sortByInsertion(events) { UInt64($0.start) }
                } else {
                    events.sort { $0.start < $1.start }
                }
                // Smallest window over start order that holds every slot.
                counts.update(repeating: 0)
                var covered = 0
                var left = 0
                for right in events.indices {
                    if counts[events[right].slot] == 0 { covered += 1 }
                    counts[events[right].slot] += 1
                    while covered == slots.count {
                        var end = events[left].end
                        for index in left...right { end = max(end, events[index].end) }
                        if end - events[left].start <= within { return true }
                        counts[events[left].slot] -= 1
                        if counts[events[left].slot] == 0 { covered -= 1 }
                        left += 1
                    }
                }
                return false
            }
        }
    }

    /// Whether one alternative of every slot occurs in the scoped fields in the order of
    /// the slots, each starting after the one before ends, the whole within `within` characters.
    /// - Complexity: O(k · n²) in the slots and tracked occurrences, both a handful.
    private func orderedNearHolds(_ slots: [[Int]], within: Int, mask: Int, tracked: [Tracked]) -> Bool {
        func occurs(_ slot: Int, _ occurrence: Tracked) -> Bool {
            mask & (1 << Int(occurrence.field)) != 0 && slots[slot].contains(Int(occurrence.slot))
        }
        for first in tracked where occurs(0, first) {
            var end = Int(first.end)
            var matched = true
            for slot in 1..<slots.count {
                // The earliest-ending occurrence of this slot after the previous one: any
                // later choice only widens the span.
                var best: Int?
                for next in tracked where Int(next.start) >= end && next.field == first.field && occurs(slot, next) {
                    best = min(best ?? Int.max, Int(next.end))
                }
                guard let found = best else {
                    matched = false
                    break
                }
                end = found
            }
            if matched && end - Int(first.start) <= within { return true }
        }
        return false
    }

    /// One piece of link evidence, kept as indexes until a person needs the words.
    struct Clue: Equatable {
        var kind: MentionKind
        /// The pattern found, or -1 for township evidence.
        var pattern: Int
        /// The registry name the pattern stands for: a full name and its short
        /// form found in one text are one piece of evidence, not two. For township
        /// evidence, the township's number.
        var display: Int32

        static func == (lhs: Clue, rhs: Clue) -> Bool {
            lhs.kind == rhs.kind && lhs.display == rhs.display
        }
    }

    struct Candidate {
        var project: Int
        var confidence: Double
        var clues: [Clue]
    }

    /// One candidate while ranking: its project, its entries in `keys`, and what it scores.
    struct Group {
        var project: Int
        var entries: Range<Int>
        var confidence: Double
        var type: (type: Int32, pattern: Int)?
        /// The project's township when the text names it, else -1.
        var township: Int32
        /// What names and companies give (not tokens, townships or project types).
        var named = 0.0
        /// Whether a token of the project that at most two projects share was found (光伏 of two power stations).
        var rareToken = false

        func ranksBefore(_ other: Group) -> Bool {
            confidence != other.confidence ? confidence > other.confidence : project < other.project
        }
    }

    /// One piece of registry evidence while ranking.
    struct Entry {
        var clue: Clue
        var weight: Double
        var traits: ProjectTraits
        /// Whether the entry alone makes the project a candidate: a phase token (二期) does not.
        var isSolid = true
        /// How many projects share the entry's registry text.
        var sharedBy: UInt16 = 1
    }

    /// What ranking found: the candidates, in the caller's scratch memory.
    struct Ranking {
        /// Entry indexes in the low half, sorted by project in the high half.
        let keys: UnsafeMutableBufferPointer<UInt64>
        let entries: UnsafeMutableBufferPointer<Entry>
        /// Every candidate, by project, when all were asked for; else empty.
        var groups: [Group] = []
        var best: Group?
        var second: Group?

        func clue(_ index: Int) -> Clue { entries[Int(keys[index] & 0xFFFF_FFFF)].clue }

        /// One count per project, kind and text: whether `index` is the first of its clue in `group`.
        func isFirst(_ index: Int, in group: Range<Int>) -> Bool {
            let found = clue(index)
            return !(group.lowerBound..<index).contains { clue($0) == found }
        }

        /// The group's clues, each once: registry evidence, then township, then project type.
        func forEachClue(of group: Group, _ body: (Clue) -> Void) {
            // A township entry only made the project a candidate; its clue follows once below.
            for index in group.entries where clue(index).kind != .township && isFirst(index, in: group.entries) {
                body(clue(index))
            }
            if group.township >= 0 { body(Clue(kind: .township, pattern: -1, display: group.township)) }
            if let type = group.type { body(Clue(kind: .projectType, pattern: type.pattern, display: -1)) }
        }

        func candidate(_ group: Group) -> Candidate {
            var result = Candidate(project: group.project, confidence: group.confidence, clues: [])
            forEachClue(of: group) { result.clues.append($0) }
            return result
        }
    }

    /// Every project the mentions point at, best first, with its clues (for a clerk).
    func rankCandidates(_ mentions: [Mention]) -> [Candidate] {
        let total = entryCount(mentions)
        guard total > 0 else { return [] }
        return withUnsafeTemporaryAllocation(of: UInt64.self, capacity: total) { keys in
            withUnsafeTemporaryAllocation(of: Entry.self, capacity: total) { entries in
                let ranking = rank(mentions, keys: keys, entries: entries, keepingAll: true)
                // swift-format-ignore: NeverForceUnwrap
                // (a temporary allocation of total > 0 entries)
                defer { ranking.entries.baseAddress!.deinitialize(count: ranking.keys.count) }
                return ranking.groups.sorted { $0.ranksBefore($1) }.map { ranking.candidate($0) }
            }
        }
    }

    /// Every piece of registry evidence the mentions give: the entries ranking needs room for.
    private func entryCount(_ mentions: [Mention]) -> Int {
        var total = 0
        var types = false
        for mention in mentions where patternInfo[Int(mention.pattern)].type >= 0 { types = true }
        for mention in mentions {
            let info = patternInfo[Int(mention.pattern)]
            total += Int(info.ownerEnd - info.ownerStart) * (mention.field == Self.respondentField ? 2 : 1)
            // A township and a project type together name the township's projects of that type.
            if types && info.township >= 0 { total += min(projectsOfTownship[Int(info.township)].count, Self.maxTownshipCandidates) }
        }
        return total
    }

    /// A token shared by more projects than this is no evidence a township or type narrows.
    static let rareTokenProjects: UInt16 = 2

    /// A township holding more projects of the named type than this names none of them.
    static let maxTownshipCandidates = 32

    /// Ranks the projects the mentions point at: the best two, and every candidate when
    /// `keepingAll`. The caller deinitializes the ranking's entries.
    ///
    /// Every piece of registry evidence becomes one entry; sorting the entries by
    /// project gathers each candidate's evidence without hashing, and a contractor
    /// that runs many projects costs a sort of a few dozen integers. The entries live
    /// in the caller's scratch memory: nothing is allocated unless all are kept.
    private func rank(
        _ mentions: [Mention], keys: UnsafeMutableBufferPointer<UInt64>,
        entries: UnsafeMutableBufferPointer<Entry>, keepingAll: Bool
    ) -> Ranking {
        var count = 0
        fillEntries(mentions, keys: keys, entries: entries, count: &count)
        var keys = UnsafeMutableBufferPointer(rebasing: keys[..<count])
        // Most texts give a few dozen entries at most, in runs already in order (one per
        // mention): sorted in place, where the standard sort allocates a merge buffer.
        if count <= 64 {
            sortByInsertion(keys) { $0 }
        } else {
            keys.sort()
        }
        var ranking = Ranking(keys: keys, entries: entries)
        group(mentions, into: &ranking, keepingAll: keepingAll)
        return ranking
    }

    private static let respondentField: Int32 = 2

    /// Entry i: project in the high half of `keys[i]` (with i in the low half, for a stable order).
    private func fillEntries(
        _ mentions: [Mention], keys: UnsafeMutableBufferPointer<UInt64>,
        entries: UnsafeMutableBufferPointer<Entry>, count: inout Int
    ) {
        func add(_ project: Int32, _ entry: Entry) {
            keys[count] = UInt64(project) << 32 | UInt64(count)
            entries.initializeElement(at: count, to: entry)
            count += 1
        }
        // The township's projects of a named type: candidates with no name evidence, which
        // ranking scores by township and type alone (one fits: a link; two: a clerk decides).
        var typeBits: UInt64 = 0
        for mention in mentions where patternInfo[Int(mention.pattern)].type >= 0 {
            typeBits |= 1 << UInt64(patternInfo[Int(mention.pattern)].type)
        }
        if typeBits != 0 {
            var seen: [Int32] = []
            for mention in mentions {
                let township = patternInfo[Int(mention.pattern)].township
                guard township >= 0, !seen.contains(township) else { continue }
                seen.append(township)
                let fitting = projectsOfTownship[Int(township)].filter { projectTraits[Int($0)].types & typeBits != 0 }
                guard fitting.count <= Self.maxTownshipCandidates else { continue }
                for project in fitting {
                    add(
                        project,
                        Entry(
                            clue: Clue(kind: .township, pattern: -1, display: township), weight: 0,
                            traits: projectTraits[Int(project)]))
                }
            }
        }
        // Through a pointer: a slice of the table would count a reference to it, which both cores share.
        owners.withUnsafeBufferPointer { owners in
            for mention in mentions {
                let pattern = Int(mention.pattern)
                let info = patternInfo[pattern]
                guard info.hasOwners else { continue }
                let shared = Double(info.sharedBy)
                for owner in owners[Int(info.ownerStart)..<Int(info.ownerEnd)] {
                    // A token weighs its share of the name: all of a name's tokens weigh what the token kind does.
                    let share = owner.share == 0 ? 1 : Double(owner.share & 0x7F) / 127
                    add(
                        owner.project,
                        Entry(
                            clue: Clue(kind: owner.kind, pattern: pattern, display: owner.display),
                            weight: kindWeights[Int(owner.kindIndex)] * share / shared, traits: owner.traits,
                            isSolid: owner.share & NameTokenizer.phaseBit == 0, sharedBy: info.sharedBy))
                    if mention.field == Self.respondentField {
                        add(
                            owner.project,
                            Entry(
                                clue: Clue(kind: .respondent, pattern: pattern, display: owner.display),
                                weight: respondentBonus / shared, traits: owner.traits))
                    }
                }
            }
        }
    }

    /// Gathers the sorted entries into candidates and scores them: the best two, and all when `keepingAll`.
    private func group(_ mentions: [Mention], into ranking: inout Ranking, keepingAll: Bool) {
        var typeBits: UInt64 = 0
        var namesTownship = false
        for mention in mentions {
            let info = patternInfo[Int(mention.pattern)]
            if info.type >= 0 { typeBits |= 1 << UInt64(info.type) }
            if info.township >= 0 { namesTownship = true }
        }
        // Township and project-type words only tell candidates apart; they never make one.
        func townshipNamed(_ township: Int32) -> Bool {
            guard namesTownship && township >= 0 else { return false }
            for mention in mentions where patternInfo[Int(mention.pattern)].township == township { return true }
            return false
        }
        let keys = ranking.keys
        let entries = ranking.entries
        var first = 0
        while first < keys.count {
            let project = keys[first] >> 32
            var last = first + 1
            while last < keys.count && keys[last] >> 32 == project { last += 1 }
            var group = Group(project: Int(project), entries: first..<last, confidence: 0, type: nil, township: -1)
            var tokens = 0.0
            var solid = false
            for index in first..<last where ranking.isFirst(index, in: first..<last) {
                let entry = entries[Int(keys[index] & 0xFFFF_FFFF)]
                if entry.clue.kind == .token {
                    tokens += entry.weight
                    if entry.sharedBy <= Self.rareTokenProjects && entry.isSolid { group.rareToken = true }
                } else {
                    group.confidence += entry.weight
                }
                solid = solid || entry.isSolid
            }
            guard solid else {
                first = last
                continue
            }
            // Tokens of the name and its aliases overlap: together they weigh at most the token kind.
            group.named = group.confidence
            group.confidence += min(tokens, tokenWeight)
            let traits = entries[Int(keys[first] & 0xFFFF_FFFF)].traits
            if townshipNamed(traits.township) {
                group.confidence += townshipWeight
                group.township = traits.township
            }
            if traits.types & typeBits != 0,
                let mention = mentions.first(where: {
                    let type = patternInfo[Int($0.pattern)].type
                    return type >= 0 && traits.types & 1 << UInt64(type) != 0
                })
            {
                group.confidence += projectTypeWeight
                group.type = (patternInfo[Int(mention.pattern)].type, Int(mention.pattern))
                // The very word the text uses stands in the project's name (安置点 of 搬迁安置点):
                // of two projects of one type in one township, the one the text's word names.
                let ownWords = typeWordBonus > 0 ? typeWordsOfProject[group.project] : 0
                if ownWords != 0 {
                    for mention in mentions where patternInfo[Int(mention.pattern)].type >= 0 {
                        if (typeWordBits[mention.pattern] ?? 0) & ownWords != 0 {
                            group.confidence += typeWordBonus
                            break
                        }
                    }
                }
            }
            if keepingAll { ranking.groups.append(group) }
            // The verdict needs only the best two, and a tie between them.
            if ranking.best.map(group.ranksBefore) ?? true {
                ranking.second = ranking.best
                ranking.best = group
            } else if ranking.second.map(group.ranksBefore) ?? true {
                ranking.second = group
            }
            first = last
        }
    }

    /// The clues of a candidate in words: the registry's own spelling of what was found.
    func evidence(of candidate: Candidate) -> [LinkEvidence] {
        candidate.clues.map { evidence(of: $0, owner: textOwner(of: $0, project: candidate.project)) }
    }

    /// The owner whose text a clue of `project` shows: the registry's own spelling of
    /// the text found (for the respondent clue, whatever registry text the 被反映对象
    /// field held). -1 for township and project-type clues, or when none is found.
    func textOwner(of clue: Clue, project: Int) -> Int {
        switch clue.kind {
        case .township, .projectType:
            return -1
        default:
            let info = patternInfo[clue.pattern]
            return (Int(info.ownerStart)..<Int(info.ownerEnd)).first {
                Int(owners[$0].project) == project && (clue.kind == .respondent || owners[$0].kind == clue.kind)
            } ?? -1
        }
    }

    /// One clue in words, `owner` as `textOwner` gives it.
    func evidence(of clue: Clue, owner: Int) -> LinkEvidence {
        switch clue.kind {
        case .township: LinkEvidence(kind: .township, text: townshipNames[Int(clue.display)])
        case .projectType: LinkEvidence(kind: .projectType, text: patternText(clue.pattern))
        default: LinkEvidence(kind: clue.kind, text: owner >= 0 ? ownerText[owner] : patternText(clue.pattern))
        }
    }

    /// The link chosen, written out: the clues in words.
    private func link(to choice: LinkChoice, clues: [(clue: Clue, owner: Int32)], itemID: String) -> ProjectLink {
        var evidence: [LinkEvidence] = []
        evidence.reserveCapacity(clues.count)
        for (clue, owner) in clues { evidence.append(self.evidence(of: clue, owner: Int(owner))) }
        return ProjectLink(
            itemID: itemID, projectID: projectIDs[choice.project], band: choice.band,
            confidence: choice.confidence, evidence: evidence)
    }

    /// The band of a link to a candidate of confidence `best` when the runner-up has
    /// `second`: nil below the review threshold.
    private func band(best group: Group, second: Double?) -> LinkBand? {
        let best = group.confidence
        guard best >= reviewThreshold else { return nil }
        // Two projects equally likely cannot be told apart here: a clerk decides.
        let isTied = second.map { $0 >= best - max(reviewMargin, 1e-9) } ?? false
        if best >= linkThreshold && !isTied { return .link }
        // A company's or a name's evidence, or a token at most two projects share, that the
        // township or the project type narrows to this one project (华建 runs three sites, one
        // of them a school: "一中的工地, 华建"; 光伏 names two power stations, one in 黄沟乡:
        // "黄沟光伏") links, when no other candidate comes near. A token many projects share
        // (a city's name in their builders') narrows nothing.
        let placeAndType = (group.township >= 0 ? townshipWeight : 0) + (group.type != nil ? projectTypeWeight : 0)
        let narrowed = narrowedLead > 0 && placeAndType > 0 && (group.named > 1e-9 || group.rareToken)
        let clearlyAhead = second.map { $0 <= best - narrowedLead } ?? true
        return narrowed && clearlyAhead ? .link : .review
    }
}

/// Sorts `items` in place by `key`, ascending, keeping equal keys in their order:
/// for short or nearly sorted buffers, where it does little more than read them and
/// allocates nothing.
@inline(__always)
func sortByInsertion<Element>(_ items: UnsafeMutableBufferPointer<Element>, by key: (Element) -> UInt64) {
    for index in items.indices.dropFirst() {
        let moving = items[index]
        let movingKey = key(moving)
        var hole = index
        while hole > 0 && key(items[hole - 1]) > movingKey {
            items[hole] = items[hole - 1]
            hole -= 1
        }
        items[hole] = moving
    }
}
