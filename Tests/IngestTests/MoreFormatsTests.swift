import Foundation
import Ingest
import Model
import Testing

@Suite struct MoreFormatsTests {
    func feed(_ format: FeedFormat, kind: ItemKind = .post) -> FeedDefinition {
        FeedDefinition(id: "f", kind: kind, format: format, url: "file:///f", channel: "论坛")
    }

    @Test func atomEntriesWithHTMLAndXHTMLContent() throws {
        let xml = """
            <?xml version="1.0" encoding="utf-8"?>
            <feed xmlns="http://www.w3.org/2005/Atom">
              <title>青川论坛</title>
              <entry>
                <id>tag:bbs.example.invalid,2024:1</id>
                <title type="html">工地&lt;b&gt;欠薪&lt;/b&gt;</title>
                <link rel="alternate" href="https://bbs.example.invalid/1"/>
                <published>2024-12-05T20:14:00+08:00</published>
                <author><name>老王</name></author>
                <content type="html">&lt;p&gt;工资没发&lt;/p&gt;&lt;p&gt;快过年了&lt;/p&gt;</content>
              </entry>
              <entry>
                <id>tag:bbs.example.invalid,2024:2</id>
                <title>第二条</title>
                <updated>2024-12-06T08:00:00Z</updated>
                <content type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml"><p>老板跑路了</p></div></content>
              </entry>
            </feed>
            """
        let items = try AtomParser(feed: feed(.atom)).parse(Data(xml.utf8))
        #expect(items.count == 2)
        #expect(items[0].sourceKey == "tag:bbs.example.invalid,2024:1")
        #expect(items[0].title == "工地欠薪")
        #expect(items[0].content == "工资没发\n快过年了")
        #expect(items[0].url == "https://bbs.example.invalid/1")
        #expect(items[0].author == "老王")
        #expect(items[0].publishedAt == DateParsing.date(from: "2024-12-05T12:14:00Z"))
        #expect(items[1].content == "老板跑路了")
        #expect(items[1].publishedAt == DateParsing.date(from: "2024-12-06T08:00:00Z"))
    }

    @Test func textTitlesAreNotDecodedTwiceAndScriptsInXHTMLAreNoText() throws {
        let xml = """
            <feed xmlns="http://www.w3.org/2005/Atom"><entry><id>1</id>
            <title type="text">AT&amp;amp;T 欠薪 &amp;lt;3个月&amp;gt;</title>
            <content type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml">工资<script>alert(1)</script><style>p{}</style>没发</div></content>
            </entry></feed>
            """
        let item = try #require(try AtomParser(feed: feed(.atom)).parse(Data(xml.utf8)).first)
        #expect(item.title == "AT&amp;T 欠薪 &lt;3个月&gt;")
        #expect(item.content == "工资没发")
    }

    @Test func atom03AndRSS10AreRead() throws {
        let atom03 = """
            <feed version="0.3" xmlns="http://purl.org/atom/ns#"><entry><id>a</id><title>旧</title>
            <issued>2024-12-01T10:00:00+08:00</issued><summary>工钱没给</summary></entry></feed>
            """
        let old = try AtomParser(feed: feed(.atom)).parse(Data(atom03.utf8))
        #expect(old.map(\.content) == ["工钱没给"])
        #expect(old[0].publishedAt == DateParsing.date(from: "2024-12-01T02:00:00Z"))

        let rdf = """
            <?xml version="1.0"?>
            <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/" xmlns:dc="http://purl.org/dc/elements/1.1/">
              <channel rdf:about="x"><title>t</title></channel>
              <item rdf:about="https://bbs.example.invalid/9"><title>讨薪</title><link>https://bbs.example.invalid/9</link>
                <description>拖欠工资</description><dc:date>2024-12-02T09:00:00+08:00</dc:date></item>
            </rdf:RDF>
            """
        let items = try RSSParser(feed: feed(.rss)).parse(Data(rdf.utf8))
        #expect(items.map(\.content) == ["拖欠工资"])
        #expect(items[0].publishedAt == DateParsing.date(from: "2024-12-02T01:00:00Z"))
    }

    @Test func jsonFeedItemsAndBadItemsByPosition() throws {
        let json = """
            {"version": "https://jsonfeed.org/version/1.1", "title": "t", "items": [
              {"id": "1", "url": "https://x.invalid/1", "content_html": "<p>工资没发</p>", "date_published": "2024-12-03T10:00:00+08:00", "authors": [{"name": "甲"}]},
              {"id": "2"},
              {"id": 3, "content_text": "讨薪"}
            ]}
            """
        let result = try JSONFeedParser(feed: feed(.jsonFeed)).parse(Data(json.utf8))
        #expect(result.items.map(\.sourceKey) == ["1", "3"])
        #expect(result.items[0].content == "工资没发")
        #expect(result.items[0].author == "甲")
        #expect(result.rejections.map(\.row) == [2])
        #expect(throws: IngestError.self) { try JSONFeedParser(feed: feed(.jsonFeed)).parse(Data(#"{"items": []}"#.utf8)) }
    }

    @Test func postNDJSONKeepsPlatformAndNamesBadLines() {
        let text = """
            {"id":"p1","platform":"抖音","url":"https://x.invalid/p1","author":"甲","published_at":"2024-12-03 10:00","title":"","content":"工资没发","reposts":3,"location":"城关"}
            {"id":"p2","content":"讨薪","published_at":"昨天"}
            {"content":"没有编号"}
            """
        let result = PostRecordParser(feed: feed(.postNDJSON)).parse(text)
        #expect(result.items.map(\.sourceKey) == ["p1"])
        #expect(result.items[0].channel == "抖音")
        #expect(result.items[0].location == "城关")
        #expect(result.rejections.map(\.row) == [2, 3])
        #expect(result.rejections.map(\.column) == ["published_at", "id"])
    }

    @Test func petitionCSVWithChineseHeaders() throws {
        let csv =
            "\u{FEFF}编号,渠道,登记时间,内容,人数,信访人,联系电话\r\n"
            + "G-1,12345,2024-12-03 09:20,工资没发,6,张某,13900000000\r\n"
            + "G-2,12345,2024-12-03 09:20,,1,李某,13800000000\r\n"
        let result = try PetitionRecordParser(feed: feed(.petitionCSV, kind: .petition)).parse(csv: Data(csv.utf8))
        #expect(result.items.map(\.sourceKey) == ["G-1"])
        #expect(result.items[0].channel == "hotline")
        #expect(result.items[0].people == 6)
        #expect(result.rejections.map(\.row) == [3])
        #expect(result.rejections.map(\.column) == ["内容"])
        #expect(!result.rejections.contains { $0.reason.contains("13800000000") || $0.reason.contains("李某") })
        // A NUL inside 编号 rejects its row (it would cut the key and merge two petitions).
        let nul = "编号,渠道,登记时间,内容\nG-1,12345,2024-12-03 09:20,工资没发\nG-1\u{0}2,12345,2024-12-03 09:20,工资没发\n"
        let cut = try PetitionRecordParser(feed: feed(.petitionCSV, kind: .petition)).parse(csv: Data(nul.utf8))
        #expect(cut.items.map(\.sourceKey) == ["G-1"])
        #expect(cut.rejections.map(\.row) == [3] && cut.rejections.map(\.column) == ["编号"])
    }
}
