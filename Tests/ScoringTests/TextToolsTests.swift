import Foundation
import Model
import Testing

@testable import Scoring

@Suite struct TextToolsTests {
    @Test func theMatcherReportsOverlappingMatchesWithPositions() {
        let matcher = PatternMatcher(patterns: ["欠薪", "恶意欠薪", "薪水", "工资", "工资"])
        let matches = matcher.matches(in: "恶意欠薪水")
        #expect(
            Set(matches) == [
                .init(pattern: 1, start: 0, end: 4), .init(pattern: 0, start: 2, end: 4), .init(pattern: 2, start: 3, end: 5),
            ])
        #expect(matcher.matches(in: "工资工资").map(\.start) == [0, 0, 2, 2])
        #expect(Set(matcher.matches(in: "工资").map(\.pattern)) == [3, 4])
        #expect(matcher.matches(in: "") == [])
    }

    @Test func theMatcherAgreesWithANaiveSearch() {
        // Patterns sharing prefixes and suffixes exercise failure and output links.
        let patterns = ["he", "she", "his", "hers", "青川", "青川市", "川市建", "市建工", "建工集团", "a", "aa", "aaa"]
        let matcher = PatternMatcher(patterns: patterns)
        for text in ["ushers", "青川市建工集团有限公司", "aaaa", "hishershe青川青川市"] {
            let scalars = Array(text.unicodeScalars)
            var expected = Set<PatternMatcher.Match>()
            for (index, pattern) in patterns.enumerated() {
                let needle = Array(pattern.unicodeScalars)
                guard needle.count <= scalars.count else { continue }
                for start in 0...(scalars.count - needle.count) where Array(scalars[start..<(start + needle.count)]) == needle {
                    expected.insert(.init(pattern: index, start: start, end: start + needle.count))
                }
            }
            #expect(Set(matcher.matches(in: text)) == expected, "text \(text)")
        }
    }

    /// A small alphabet makes long shared prefixes, tails of one edge that end inside
    /// other patterns, and branches at every depth; a large one makes states with more
    /// edges than a cache line of labels holds (the matcher's hashed edges).
    @Test(arguments: [(alphabet: 5, patterns: 400, longest: 9), (alphabet: 40, patterns: 3000, longest: 4)])
    func theMatcherAgreesWithANaiveSearchOnManyGeneratedPatterns(shape: (alphabet: Int, patterns: Int, longest: Int)) {
        var generator = SplitMix(seed: 42)
        let alphabet: [UInt32] = [0x5DE5, 0x8D44, 0x6B20, 0x85AA, 0x61] + (0..<UInt32(35)).map { 0x4E00 + $0 * 7 }
        func word(_ length: Int) -> [UInt32] { (0..<length).map { _ in alphabet[Int(generator.next() % UInt64(shape.alphabet))] } }
        let patterns = (0..<shape.patterns).map { _ in word(1 + Int(generator.next() % UInt64(shape.longest))) }
        let matcher = PatternMatcher(scalarPatterns: patterns)
        for _ in 0..<40 {
            let text = word(80)
            var expected = Set<PatternMatcher.Match>()
            for (index, pattern) in patterns.enumerated() {
                for start in 0...(text.count - pattern.count) where Array(text[start..<(start + pattern.count)]) == pattern {
                    expected.insert(.init(pattern: index, start: start, end: start + pattern.count))
                }
            }
            var found = Set<PatternMatcher.Match>()
            text.withUnsafeBufferPointer { buffer in
                matcher.scan(buffer) { found.insert(.init(pattern: $0, start: $1, end: $2)) }
            }
            #expect(found == expected)
        }
    }

    /// Small tables live on the heap; from 1 MiB on, in a mapping of their own asked to
    /// be backed by huge pages. Either way they hold what they were given.
    @Test(arguments: [0, 1, 1_000, 700_000])
    func largeTablesHoldTheirValues(count: Int) {
        var generator = SplitMix(seed: UInt64(count))
        let values = (0..<count).map { _ in UInt32(truncatingIfNeeded: generator.next()) }
        let table = HugePageTable(values)
        #expect(table.count == count)
        #if os(Linux)
            // 700,000 values of 4 bytes: past the 1 MiB line, so mapped, on a 2 MiB boundary.
            #expect(table.isMapped == (count == 700_000))
            if table.isMapped {
                table.withUnsafeBufferPointer { #expect(Int(bitPattern: $0.baseAddress) % (2 << 20) == 0) }
            }
        #endif
        #expect(Array(table) == values)
        table.withUnsafeBufferPointer { #expect(Array($0) == values) }
        let records = values.map { (value: UInt64($0), flag: $0 & 1 == 0) }
        let recordTable = HugePageTable(records)
        #expect(recordTable.map(\.value) == records.map(\.value) && recordTable.map(\.flag) == records.map(\.flag))
    }

    @Test func normalizationFoldsAndKeepsTheWayBack() {
        let normalizer = TextNormalizer(traditionalToSimplified: DefaultRules.simplifiedTable)
        #expect(normalizer.normalize("ＡＢＣ建築\u{200B} 公司１２３😀") == "abc建筑公司123")
        #expect(normalizer.normalize("拖欠工資<br/>三個月&amp;多") == "拖欠工资三个月&多")
        #expect(normalizer.normalize("") == "")
        #expect(normalizer.normalize(fields: ["", "", ""]).scalars.isEmpty)
        var text = NormalizedText()
        let original = "老板 拖欠<b>工資</b>"
        normalizer.append(original, to: &text)
        #expect(text.string == "老板拖欠工资")
        let bytes = Array(original.utf8)
        // The folded 工 comes from the original 工 after the tag.
        let origin = Int(text.origins[4])
        #expect(String(decoding: bytes[origin..<(origin + 3)], as: UTF8.self) == "工")
    }

    @Test(
        arguments: [
            ("涉及35名工人", 35, nil),
            ("三十多人来讨薪", 30, nil),
            ("拖欠5万元", nil, 50_000.0),
            ("约一百二十万", nil, 1_200_000.0),
            ("共4.6万元", nil, 46_000.0),
            ("欠款1,200,000元", nil, 1_200_000.0),
            ("２０多人，欠３８万元", 20, 380_000.0),
            ("电话13912345678", nil, nil),
            ("五六个工人", 5, nil),
            ("十几个木工的工资", 10, nil),
            ("拖欠我五个月工资", nil, nil),
            ("三个工地都停了", nil, nil),
            ("拖欠工资3000人民币", nil, 3_000.0),
            ("请领导千万帮帮我们", nil, nil),
            ("共三万五千元", nil, 35_000.0),
            ("十二万五千元", nil, 125_000.0),
            ("两千五一个月", nil, nil),
            ("欠两千五百元", nil, 2_500.0),
            ("一百零一人", 101, nil),
        ] as [(String, Int?, Double?)])
    func headCountsAndAmountsAreRead(text: String, people: Int?, amount: Double?) {
        let normalizer = TextNormalizer()
        let scalars = normalizer.normalize(text).unicodeScalars.map(\.value)
        let read = NumberReader.read(scalars[...])
        #expect(read.people == people)
        #expect(read.amount == amount)
    }

    @Test func personalNumbersAreMasked() {
        let text = "电话13912345678，身份证110101198003070017，卡号6222020200112233446，金额1200000元"
        let masked = PersonalDataMasker.mask(text)
        #expect(masked == "电话139****5678，身份证110101********0017，卡号***************3446，金额1200000元")
        #expect(PersonalDataMasker.kinds(in: text) == [.phone, .idNumber, .bankCard])
        #expect(masked.utf8.count == text.utf8.count)
        #expect(PersonalDataMasker.mask("工资没发") == "工资没发")
    }

    @Test(arguments: [
        ("电话139-1234-5678", "电话139-****-5678"),
        ("电话 139 1234 5678 谢谢", "电话 139 **** 5678 谢谢"),
        ("+8613912345678", "+86139****5678"),
        ("１３９１２３４５６７８", "１３９＊＊＊＊５６７８"),
        ("卡号 6222 0202 0011 2233 446", "卡号 **** **** **** ***3 446"),
        ("身份证11010119800307001X", "身份证110101********001X"),
        // The 15-digit numbers issued before 1999 (YYMMDD after the area code).
        ("身份证110101800307001", "身份证110101******001"),
    ])
    func writtenOutNumbersAreMaskedToo(text: String, expected: String) {
        let masked = PersonalDataMasker.mask(text)
        #expect(masked == expected)
        #expect(masked.utf8.count == text.utf8.count)
    }

    @Test func theRecordsOwnNamesAreStarredOut() {
        let masked = PersonalDataMasker.mask("我叫张德贵，电话13912345678", names: ["张德贵"])
        #expect(masked == "我叫＊＊＊，电话139****5678")
        // A name of several parts: each part of two characters or more, wherever it stands alone.
        #expect(PersonalDataMasker.mask("艾力说，买买提·艾力的工资没发", names: ["买买提·艾力"]) == "＊＊说，＊＊＊·＊＊的工资没发")
        // A landline given as the phone is hidden whole; its area code elsewhere is not starred.
        #expect(
            PersonalDataMasker.mask("拨打010-66668888，区号010的工地", names: ["010-66668888"])
                == "拨打************，区号010的工地")
        #expect(PersonalDataMasker.mask("电话01066668888", names: ["010-66668888"]) == "电话***********")
        // Grouped another way in the text than in the record.
        #expect(
            PersonalDataMasker.mask("电话010-6666-8888，或（010）66668888", names: ["010-66668888"])
                == "电话***-****-****，或（***）********")
    }

    @Test func repostsAndNearCopiesShareAStory() {
        let normalizer = TextNormalizer()
        func fingerprint(_ text: String) -> UInt64 {
            StoryFingerprint.fingerprint(normalizer.normalize(text).unicodeScalars.map(\.value)[...])
        }
        let original = fingerprint("城东安置房二期的工友们，干了四个月一分钱工资没拿到，快过年了怎么回家？@青川发布 管管吧")
        let repost = fingerprint("转发微博//@青川小王:城东安置房二期的工友们，干了四个月一分钱工资没拿到，快过年了怎么回家？@青川发布 管管吧")
        let copy = fingerprint("城东安置房二期的工友们，干了四个多月一分钱工资都没拿到，快过年了怎么回家？@青川发布")
        let other = fingerprint("河西大道那边修路的工人说工资拖了好几个月，听说交通局已经在处理")
        #expect(original == repost)
        // A comment on a repost is its own story: the words before the chain count, wherever it starts.
        let comment = "说得对，这个项目的工资确实拖了很久，大家一起去问问"
        #expect(fingerprint(comment + "//@青川小王:城东安置房二期的工友们，干了四个月一分钱工资没拿到") == fingerprint(comment))
        #expect(StoryFingerprint.distance(original, copy) <= StoryFingerprint.sameStoryDistance)
        #expect(StoryFingerprint.distance(original, other) > StoryFingerprint.sameStoryDistance)
    }

    @Test func theFingerprintIsTheMajorityOfShingleBitsCountedOneByOne() {
        // The carry-save counting against plain per-bit counters, over lengths on
        // both sides of its groups of eight and counts that tie at half.
        var generator = SplitMix(seed: 7)
        for length in [3, 4, 9, 10, 11, 17, 18, 64, 250, 1000] {
            for _ in 0..<5 {
                let text = (0..<length).map { _ in 0x4E00 + UInt32(generator.next() % 40) }
                var counts = [Int](repeating: 0, count: 64)
                for index in 0..<(length - 2) {
                    let hash = StoryFingerprint.shingleHash(text[index], text[index + 1], text[index + 2])
                    for bit in 0..<64 where hash >> UInt64(bit) & 1 == 1 { counts[bit] += 1 }
                }
                let expected = (0..<64).reduce(UInt64(0)) { $0 | (counts[$1] > (length - 2) / 2 ? 1 << UInt64($1) : 0) }
                #expect(StoryFingerprint.fingerprint(text[...]) == expected, "length \(length)")
            }
        }
    }

    @Test func storiesMergeNearCopiesPerProject() {
        // Each project's story keys, its signals oldest first, as the register hands them over:
        // a and b are near-copies (one bit apart), c is another story; d is on another project.
        var first = ArraySlice([0b1111_0000, 0b1111_0001, 0xFFFF_FFFF_0000_0000].map(StoryFingerprint.hex))
        var second = ArraySlice([StoryFingerprint.hex(0b1111_0000)])
        // A key that is no fingerprint (made by hand) is left as it is.
        var handMade = ArraySlice(["story-1", StoryFingerprint.hex(1), "story-1"])
        StoryClusters.mergeProject(&first)
        StoryClusters.mergeProject(&second)
        StoryClusters.mergeProject(&handMade)
        #expect(
            Array(first) == [
                StoryFingerprint.hex(0b1111_0000), StoryFingerprint.hex(0b1111_0000),
                StoryFingerprint.hex(0xFFFF_FFFF_0000_0000),
            ])
        #expect(Array(second) == [StoryFingerprint.hex(0b1111_0000)])
        #expect(Array(handMade) == ["story-1", StoryFingerprint.hex(1), "story-1"])
        // Keys are 16 lower-case digits, leading zeros kept.
        #expect(StoryFingerprint.hex(0) == "0000000000000000" && StoryFingerprint.hex(0xF) == "000000000000000f")
        #expect(StoryFingerprint.hex(0x0123_4567_89AB_CDEF) == "0123456789abcdef" && StoryFingerprint.hex(.max) == "ffffffffffffffff")
        // Stored keys read back: 16 digits in either case, nothing else.
        #expect(StoryFingerprint.value(ofHex: StoryFingerprint.hex(0xFFFF_FFFF_0000_0001)) == 0xFFFF_FFFF_0000_0001)
        #expect(StoryFingerprint.value(ofHex: "ABCDEF0123456789") == 0xABCD_EF01_2345_6789)
        #expect(StoryFingerprint.value(ofHex: "abcdef012345678g") == nil && StoryFingerprint.value(ofHex: "story-1") == nil)
    }

    @Test func sitesAreNamedUpToTheSiteWord() {
        let finder = SiteMentionFinder.standard
        #expect(finder.sites(in: "来电反映桥头镇的锦绣华庭项目工地拖欠工资") == ["锦绣华庭项目工地"])
        #expect(finder.sites(in: "我们在锦绣华庭项目干了半年水电") == ["锦绣华庭项目"])
        #expect(finder.sites(in: "工资没发") == [])
        // 工程款 and 项目经理 are no sites.
        #expect(finder.sites(in: "拖欠工程款三十万，项目经理不接电话") == [])
    }

    @Test func siteNamesAreCleanAndGenericOnesAreDropped() {
        let finder = SiteMentionFinder(
            siteWords: SiteMentionFinder.standard.siteWordTexts, leadIns: SiteMentionFinder.standard.leadInTexts,
            generic: SiteMentionFinder.standard.genericTexts, places: ["桥西街道", "桥西", "石坪镇", "石平镇"],
            homeNames: ["江陵", "江陵市"])
        // Lead-ins, dates and counters go; a township in front is kept apart.
        #expect(finder.sites(in: "来电人反映宏达食品厂扩建工地拖欠工资") == ["宏达食品厂扩建工地"])
        #expect(finder.sites(in: "网传19日一处金源大厦工地") == ["金源大厦工地"])
        #expect(finder.sites(in: "桥西街道金源大厦拖欠工资") == ["桥西街道 金源大厦"])
        #expect(finder.sites(in: "石平镇云栖山庄欠工钱") == ["石平镇 云栖山庄"])
        // Nothing but places, site words and generic words: no site a clerk could find.
        for generic in [
            "学校工地欠薪", "一工地拖欠工钱", "私人建房工地", "江陵某工地", "城区某商品房项目", "石坪镇一学校工地",
            // Somebody's building; a writer who will not name the site.
            "江陵市桥西街道一居民楼楼顶防水工程施工中", "我不敢写工地名字",
        ] {
            #expect(finder.sites(in: generic) == [], "\(generic)")
        }
        // Another city's site is no gap in this registry; the home city's is.
        #expect(finder.sites(in: "云州市金源大厦拖欠工资") == [])
        #expect(finder.sites(in: "江陵市金源大厦拖欠工资") == ["江陵市金源大厦"])
    }

    @Test func spellingsOfOneSiteMergeWithTheirTownshipAndDays() {
        let first = Day(year: 2024, month: 12, day: 3)!
        let last = Day(year: 2024, month: 12, day: 20)!
        let merged = RegisterReport.UnregisteredEntry.merging([
            ("a", first, "金源大厦工地"), ("b", last, "桥西街道 金源大厦"), ("c", first, "金源大夏项目"),
            ("d", first, "金源商务大厦"), ("e", last, "宏达厂房"),
        ])
        #expect(merged.count == 2)
        let site = merged[0]
        #expect(site.items == ["a", "b", "c", "d"])
        #expect(site.township == "桥西街道")
        #expect(site.mention.hasPrefix("桥西街道金源"))
        #expect(site.firstSeen == first && site.lastSeen == last)
        #expect(site.variants.count == 4)
        #expect(merged[1].mention == "宏达厂房" && merged[1].township == nil)
    }

    /// Stored ids and version stamps are FNV-1a hashes: the values must never change.
    @Test func stableHashesKeepTheirValues() {
        #expect(StableHash.value(of: "") == 0xcbf2_9ce4_8422_2325)
        #expect(StableHash.value(of: "欠薪") == 0x04c8_e187_681c_aae3)
        #expect(StableHash.value(of: Array("欠薪".utf8)) == StableHash.value(of: "欠薪"))
        var accumulator = StableHash.Accumulator()
        accumulator.add(text: "a")
        accumulator.add(text: "江陵")
        #expect(accumulator.hex == "99453e9ccecf6a77")
    }
}
