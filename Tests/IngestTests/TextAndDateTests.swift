import Foundation
import Ingest
import Model
import Testing

@Suite struct TextAndDateTests {
    @Test func htmlBecomesTextWithLineBreaksAndNoScripts() {
        let html = "<p>工资没发</p><script>alert('x')</script><p>快过年了&nbsp;怎么办<br/>@青川发布</p>"
        #expect(HTMLToText.plainText(html) == "工资没发\n快过年了 怎么办\n@青川发布")
        // Tag soup as a browser reads it: unclosed tags, a stray end tag, a style block.
        #expect(HTMLToText.plainText("<div><b>欠薪<i>三个月</div></b><style>p{}</style>尾") == "欠薪三个月\n尾")
        #expect(HTMLToText.plainText("<P>工资</P><BR>没发<SCRIPT>x</SCRIPT>") == "工资\n没发")
    }

    // A time limit far above the linear reading (milliseconds), far below a quadratic one (minutes).
    @Test(.timeLimit(.minutes(1))) func aLessThanSignInPlainTextIsKept() {
        // `<` before a digit, a space or a Chinese character opens no tag: it is text, as browsers read it.
        #expect(HTMLToText.plainText("工资<5000元，老板说>3个月才发") == "工资<5000元，老板说>3个月才发")
        #expect(HTMLToText.plainText("1 < 2，欠<薪") == "1 < 2，欠<薪")
        // Many tag openings and no `>`: read once, in linear time (this took minutes when every
        // `<` searched to the end); `<b` before a letter opens a tag, as in a browser.
        let hostile = String(repeating: "a<b", count: 100_000)
        #expect(HTMLToText.plainText(hostile).hasPrefix("a"))
    }

    @Test func everyNamedReferenceOfHTMLIsDecoded() throws {
        #expect(HTMLToText.plainText("<p>&frac12; &eacute; &alpha; &hearts; &notanentity; &amp;</p>") == "½ é α ♥ &notanentity; &")
        // HTML5's names too, the longest, and the few that stand for two characters; an
        // escaped reference stays text.
        #expect(
            HTMLToText.plainText("&check;&bigstar;&apos;&CounterClockwiseContourIntegral;&NotEqualTilde;")
                == "✓★'∳\u{2242}\u{0338}")
        #expect(HTMLToText.plainText("&amp;check; &lt;b&gt;") == "&check; <b>")
        // In a feed's XML they become numeric references before libxml2 reads it.
        let feed = FeedDefinition(id: "t", kind: .post, format: .rss, url: "file:///dev/null")
        let xml = "<rss><channel><item><guid>1</guid><title>工资&check;&NotEqualTilde;</title></item></channel></rss>"
        #expect(try RSSParser(feed: feed).parse(Data(xml.utf8)).first?.title == "工资✓\u{2242}\u{0338}")
    }

    @Test(.timeLimit(.minutes(1))) func aGreaterThanSignInAQuotedAttributeDoesNotEndTheTag() {
        #expect(HTMLToText.plainText(#"<a title="1>2" href='x>y'>工资</a>没发"#) == "工资没发")
        // Many unclosed quoted attributes, and tags nested a hundred thousand deep, in linear time.
        let hostile = String(repeating: #"<a t="x"#, count: 50_000)
        _ = HTMLToText.plainText(hostile)
        // Past libxml2's 256 levels of nesting a document is cut, not a stack overflowed.
        let deep = String(repeating: "<span>", count: 100_000) + "欠薪"
        _ = HTMLToText.plainText(deep)
        #expect(HTMLToText.plainText(String(repeating: "<span>", count: 200) + "欠薪") == "欠薪")
    }

    @Test(arguments: [
        ("Thu, 05 Dec 2024 20:14:00 +0800", "2024-12-05T12:14:00Z"),
        ("Thu, 05 Dec 2024 20:14:00 CST", "2024-12-05T12:14:00Z"),
        ("Thu, 5 Dec 2024 20:14:00 GMT", "2024-12-05T20:14:00Z"),
        ("2024-12-05T20:14:00+08:00", "2024-12-05T12:14:00Z"),
        ("2024-12-05T12:14:00Z", "2024-12-05T12:14:00Z"),
        ("2024-12-05T07:14:00-05:00", "2024-12-05T12:14:00Z"),
        ("2024-12-31T23:30:00-01:00", "2025-01-01T00:30:00Z"),
        ("2024-02-29t20:14:00+08:00", "2024-02-29T12:14:00Z"),
        ("2024-12-05 20:14", "2024-12-05T12:14:00Z"),
        ("2024-12-05 20:14:30", "2024-12-05T12:14:30Z"),
        ("2024年12月5日 20:14", "2024-12-05T12:14:00Z"),
        ("2024年12月5日20:14", "2024-12-05T12:14:00Z"),
        ("2024/12/5 20:14", "2024-12-05T12:14:00Z"),
        ("2024-12-05T20:14", "2024-12-05T12:14:00Z"),
        ("Thu, 05 Dec 2024 20:14:00 GMT+8", "2024-12-05T12:14:00Z"),
        ("05 Dec 2024 20:14:00 +0800", "2024-12-05T12:14:00Z"),
        ("Thu, 05 Dec 24 20:14:00 +0800", "2024-12-05T12:14:00Z"),
        ("Thursday, 05 December 2024 20:14:00 -05:00", "2024-12-06T01:14:00Z"),
        ("thu, 05 dec 2024 20:14 EST", "2024-12-06T01:14:00Z"),
        ("Thu, 05 Dec 2024 20:14:00 (CST)", "2024-12-05T12:14:00Z"),
        ("Thu, 05 Dec 2024 20:14:00", "2024-12-05T12:14:00Z"),
        ("Sat, 29 Feb 2020 23:59:59 UT", "2020-02-29T23:59:59Z"),
    ])
    func datesAreReadWithShanghaiAsTheDefaultZone(text: String, utc: String) throws {
        let expected = try #require(ISO8601DateFormatter().date(from: utc))
        #expect(DateParsing.date(from: text) == expected)
    }

    @Test func fractionsOfASecondAreKept() throws {
        let date = try #require(DateParsing.date(from: "2024-12-05T20:14:00.250+08:00"))
        #expect(
            abs(
                date.timeIntervalSince1970 - (try #require(ISO8601DateFormatter().date(from: "2024-12-05T12:14:00Z"))).timeIntervalSince1970
                    - 0.25) < 1e-6)
    }

    @Test func daysAndMonthsRefuseOverlongFieldsAndYearsOutOfRange() {
        #expect(Day("2024-12-000000000000000000001") == nil)
        #expect(Day("99999999999999999999-01-01") == nil)
        #expect(Day("3024-12-01") == nil)
        #expect(Period("2024-000000000000000000012") == nil)
        #expect(Day("2024-2-9") == Day(year: 2024, month: 2, day: 9))
        #expect(Day(ordinal: Day(year: 2024, month: 12, day: 31)!.ordinal) == Day(year: 2024, month: 12, day: 31))
        #expect(Day(year: 2024, month: 12, day: 30)!.weekday == 1)
    }

    @Test func unreadableDatesAreAbsentNotNow() {
        #expect(DateParsing.date(from: "昨天下午") == nil)
        // Found by fuzzing: Foundation's DateFormatter trapped on a day name followed by
        // Thai letters (a mis-decoded feed); such a date is now no date, and no crash.
        #expect(DateParsing.date(from: "Tue, " + String(repeating: "ั", count: 40) + " 2024 10:00:00 +0800") == nil)
        #expect(DateParsing.date(from: "") == nil)
        #expect(DateParsing.date(from: "2024-13-40 10:00") == nil)
        #expect(DateParsing.date(from: "2023-02-29T10:00:00Z") == nil)
        #expect(DateParsing.date(from: "2024-12-05T25:00:00Z") == nil)
        #expect(DateParsing.date(from: "2024年12月") == nil)
        #expect(DateParsing.date(from: "12-05 20:14") == nil)
        #expect(DateParsing.date(from: "Thu, 31 Feb 2024 20:14:00 GMT") == nil)
        #expect(DateParsing.date(from: "Thu, 05 Dec 2024 25:14:00 GMT") == nil)
    }
}
