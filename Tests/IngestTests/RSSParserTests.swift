import Foundation
import Ingest
import Model
import Testing

@Suite struct RSSParserTests {
    let feed = FeedDefinition(id: "demo-weibo", kind: .post, format: .rss, url: "file:///demo", channel: "微博")

    @Test func parsesTheDemoWeiboFeed() throws {
        let items = try RSSParser(feed: feed).parse(try Repository.data("feeds/demo/weibo.xml"))
        #expect(items.count == 6)
        let first = try #require(items.first)
        #expect(first.id == "demo-weibo:weibo-4991001")
        #expect(first.kind == .post)
        #expect(first.channel == "微博")
        #expect(first.author == "青川小王")
        #expect(first.url == "https://weibo.example.invalid/7712001/Ow1aB2")
        // <br> in the CDATA description becomes a line break, and no tag text is left.
        #expect(first.content == "#青川欠薪# 城东安置房二期的工友们，干了四个月一分钱工资没拿到，快过年了怎么回家？\n@青川发布 管管吧")
        let expected = try #require(DateParsing.date(from: "2024-12-05T20:14:00+08:00"))
        #expect(first.publishedAt == expected)
        #expect(items[5].content.contains("血汗钱要不回来 & 谁能帮帮我们"))
    }

    @Test func keysFallBackToTheLinkAndRepeatedGuidsStayApart() throws {
        let xml = """
            <?xml version="1.0" encoding="UTF-8"?>
            <rss version="2.0"><channel><title>t</title>
            <item><title>甲</title><link>https://bbs.example.invalid/1</link><description>一</description></item>
            <item><guid>same</guid><title>乙</title><description>二</description></item>
            <item><guid>same</guid><title>丙</title><description>三</description></item>
            </channel></rss>
            """
        let items = try RSSParser(feed: feed).parse(Data(xml.utf8))
        #expect(items.map(\.sourceKey) == ["https://bbs.example.invalid/1", "same", "same#2"])
        #expect(Set(items.map(\.id)).count == 3)
        #expect(items[0].publishedAt == nil)
    }

    @Test func brokenXMLIsRecoveredAsAMatureReaderDoes() throws {
        // A tag closed by the wrong name, a last </rss with no >, an upper-case &#X41;, a
        // stray < in text: libxml2's recovering parser keeps every item, and the feed is
        // marked recovered.
        let documents = [
            "<?xml version=\"1.0\"?>\n<rss version=\"2.0\"><channel>\n<item><guid>1</guid><title>坏</titl></item>\n<item><guid>2</guid><title>好</title></item></channel></rss>",
            "<rss version=\"2.0\"><channel><item><guid>1</guid><title>坏</title></item><item><guid>2</guid><title>好</title></item></channel></rss",
            "<rss version=\"2.0\"><channel>\n<item><guid>1</guid><title>&#X41;坏</title></item>\n<item><guid>2</guid><title>好</title></item>\n</channel></rss>",
            "<rss version=\"2.0\"><channel>\n<item><guid>1</guid><title>坏 < 3</title></item>\n<item><guid>2</guid><title>好</title></item>\n</channel></rss>",
        ]
        for xml in documents {
            let result = try RSSParser(feed: feed).parseReporting(Data(xml.utf8))
            #expect(result.items.map(\.sourceKey) == ["1", "2"], "\(xml)")
            #expect(result.items.last?.title == "好")
            #expect(result.isRecovered)
        }
    }

    @Test func xmlBeyondRecoveryNamesTheFeedAndLine() throws {
        let xml = "<?xml version=\"1.0\"?>\n<!-- 导出 -->\n<<<rss>>>"
        #expect {
            try RSSParser(feed: feed).parse(Data(xml.utf8))
        } throws: { error in
            guard case IngestError.malformedDocument(let source, let line, _, let reason) = error else { return false }
            // Said in words, with libxml2's number.
            return source == "demo-weibo" && line == 3 && reason.contains("XML 格式不正确") && reason.contains("libxml2 错误")
        }
    }

    @Test func aDocumentThatIsNotRSSIsRejected() {
        #expect(throws: IngestError.self) {
            try RSSParser(feed: feed).parse(Data("<html><body>登录</body></html>".utf8))
        }
    }
}
