import Foundation
import Ingest
import Model
import Testing

/// What `feed inspect` relies on: the encoding found, the feed's own title and
/// link, links made absolute, and the format guessed from the body.
@Suite struct FeedDetailsTests {
    @Test func rssReportsItsChannelAndResolvesRelativeLinksAgainstIt() throws {
        let feed = FeedDefinition(id: "forum", kind: .post, format: .rss, url: "https://rsshub.example/forum/123")
        let body = """
            <?xml version="1.0" encoding="UTF-8"?>
            <rss version="2.0"><channel><title>城东论坛 &amp; 讨薪</title><link>https://bbs.example/board/</link>
            <image><title>logo</title><link>https://img.example/</link></image>
            <item><title>工资没发</title><link>thread/1</link><guid>1</guid></item>
            <item><title>两个月了</title><link>https://other.example/2</link><guid>2</guid></item>
            </channel></rss>
            """
        let result = try RSSParser(feed: feed).parseReporting(Data(body.utf8))
        #expect(result.title == "城东论坛 & 讨薪")
        #expect(result.link == "https://bbs.example/board/")
        #expect(result.encoding == "UTF-8")
        #expect(result.items.map(\.url) == ["https://bbs.example/board/thread/1", "https://other.example/2"])
    }

    @Test func atomFollowsXMLBaseAndFallsBackToTheFeedURL() throws {
        let feed = FeedDefinition(id: "atom", kind: .post, format: .atom, url: "https://feeds.example/a/atom.xml")
        let body = """
            <feed xmlns="http://www.w3.org/2005/Atom"><title>信访动态</title><link href="/home"/>
            <entry><id>1</id><title>一</title><link href="posts/1"/></entry>
            <entry xml:base="https://mirror.example/x/"><id>2</id><title>二</title><link href="posts/2"/></entry>
            <entry><id>3</id><title>三</title><link href="https://abs.example/3"/></entry>
            </feed>
            """
        let result = try AtomParser(feed: feed).parseReporting(Data(body.utf8))
        #expect(result.title == "信访动态")
        #expect(result.link == "https://feeds.example/home")
        #expect(
            result.items.map(\.url) == [
                "https://feeds.example/a/posts/1", "https://mirror.example/x/posts/2", "https://abs.example/3",
            ])
    }

    @Test func aBodyCutShortKeepsItsWholeItemsAndSaysSo() throws {
        let rss = FeedDefinition(id: "cut", kind: .post, format: .rss, url: "https://rsshub.example/cut")
        let cut =
            "<rss><channel><title>t</title><item><guid>1</guid><title>工资没发</title></item>"
            + "<item><guid>2</guid><title>两个月</title></item><item><guid>3</guid><title>三个"
        let result = try RSSParser(feed: rss).parseReporting(Data(cut.utf8))
        #expect(result.items.map(\.sourceKey) == ["1", "2"])
        #expect(result.isTruncated && result.isRecovered)
        let whole = cut.dropLast(2) + "</title></item></channel></rss>"
        let complete = try RSSParser(feed: rss).parseReporting(Data(whole.utf8))
        #expect(complete.items.count == 3 && !complete.isTruncated && !complete.isRecovered)

        let atom = FeedDefinition(id: "cut-atom", kind: .post, format: .atom, url: "https://feeds.example/a")
        let cutAtom = "<feed xmlns=\"http://www.w3.org/2005/Atom\"><entry><id>1</id><title>一</title></entry><entry><id>2</id>"
        let atomResult = try AtomParser(feed: atom).parseReporting(Data(cutAtom.utf8))
        #expect(atomResult.items.map(\.sourceKey) == ["1"])
        #expect(atomResult.isTruncated)
        let atomWhole = try AtomParser(feed: atom).parseReporting(Data((cutAtom + "</entry></feed>").utf8))
        #expect(atomWhole.items.count == 2 && !atomWhole.isTruncated)
    }

    @Test func resolvedLinksCarryNoCredentialsOrTokensOfTheFeedURL() throws {
        let feed = FeedDefinition(
            id: "private", kind: .post, format: .rss,
            url: "https://user:secret@rsshub.example/weibo/1?key=TOKEN#top")
        let body =
            "<rss><channel><item><guid>1</guid><title>欠薪</title><link>/thread/1</link></item>"
            + "<item><guid>2</guid><title>讨薪</title><link>#reply</link></item></channel></rss>"
        let links = try RSSParser(feed: feed).parse(Data(body.utf8)).compactMap(\.url)
        #expect(links == ["https://rsshub.example/thread/1", "https://rsshub.example/weibo/1#reply"])
        #expect(!links.joined().contains("secret") && !links.joined().contains("TOKEN"))
    }

    @Test func aFileFeedKeepsRelativeLinksAsTheyAre() throws {
        let feed = FeedDefinition(id: "local", kind: .post, format: .rss, url: "file:///srv/feeds/local.xml")
        let body = "<rss><channel><item><guid>1</guid><title>欠薪</title><link>thread/1</link></item></channel></rss>"
        #expect(try RSSParser(feed: feed).parse(Data(body.utf8)).map(\.url) == ["thread/1"])
    }

    @Test func theEncodingFoundIsReported() throws {
        let text = "<rss><channel><item><guid>1</guid><title>拖欠工资</title></item></channel></rss>"
        let feed = FeedDefinition(id: "gbk", kind: .post, format: .rss, url: "file:///gbk.xml")
        // 拖欠工资 in GBK bytes, as a server that says gb2312 really sends them.
        let gbk =
            Data("<rss><channel><item><guid>1</guid><title>".utf8) + Data([0xCD, 0xCF, 0xC7, 0xB7, 0xB9, 0xA4, 0xD7, 0xCA])
            + Data("</title></item></channel></rss>".utf8)
        let declared = try RSSParser(feed: feed).parseReporting(gbk, contentType: "text/xml; charset=gb2312")
        #expect(declared.items.first?.title == "拖欠工资")
        #expect(declared.encoding?.hasPrefix("GB18030（声明为 gb2312）") == true)
        let bom = try RSSParser(feed: feed).parseReporting(Data([0xEF, 0xBB, 0xBF]) + Data(text.utf8))
        #expect(bom.encoding == "UTF-8（带 BOM）")
        let undeclared = try RSSParser(feed: feed).parseReporting(gbk)
        #expect(undeclared.encoding == "GB18030（未声明）")
    }

    @Test func anUnreadableByteIsReplacedAndTheFeedKeptAsRecovered() throws {
        let feed = FeedDefinition(id: "stray", kind: .post, format: .rss, url: "file:///stray.xml")
        // UTF-8 with one byte that is no part of a character.
        let utf8 =
            Data("<rss><channel><item><guid>1</guid><title>拖欠".utf8) + Data([0xFF])
            + Data("工资</title></item><item><guid>2</guid><title>讨薪</title></item></channel></rss>".utf8)
        let fromUTF8 = try RSSParser(feed: feed).parseReporting(utf8)
        #expect(fromUTF8.items.map(\.title) == ["拖欠\u{FFFD}工资", "讨薪"])
        #expect(fromUTF8.isRecovered && fromUTF8.encoding == "UTF-8（已替换 1 个无法识别的字节）")
        // GBK with a byte that cannot lead a character in it (0x80), then 拖欠工资.
        let gbk =
            Data("<rss><channel><item><guid>1</guid><title>".utf8) + Data([0x80, 0xCD, 0xCF, 0xC7, 0xB7, 0xB9, 0xA4, 0xD7, 0xCA])
            + Data("</title></item></channel></rss>".utf8)
        let fromGBK = try RSSParser(feed: feed).parseReporting(gbk)
        #expect(fromGBK.items.map(\.title) == ["\u{FFFD}拖欠工资"] && fromGBK.isRecovered)
        // The same bytes in a JSON Feed and a posts NDJSON feed.
        let json =
            Data(#"{"version":"https://jsonfeed.org/version/1.1","items":[{"id":"1","content_text":"欠"#.utf8) + Data([0xFF])
            + Data(#""}]}"#.utf8)
        let jsonFeed = FeedDefinition(id: "j", kind: .post, format: .jsonFeed, url: "file:///j.json")
        let fromJSON = try FeedParser.parse(json, feed: jsonFeed)
        #expect(fromJSON.items.map(\.content) == ["欠\u{FFFD}"] && fromJSON.isRecovered)
        // An office CSV stays strict: a clerk can save it again, a feed cannot be asked to.
        #expect(throws: IngestError.self) {
            _ = try RegistryImporter.read(
                Data("项目编号,项目名称,行业主管部门\nP-1,甲".utf8) + Data([0xFF, 0x80, 0xFF]) + Data(",局\n".utf8), file: "r.csv")
        }
    }

    @Test func aSingleByteCharsetOfThreeByteLettersIsReadWhole() throws {
        // TIS-620 Thai: each byte is a letter of three UTF-8 bytes.
        let thai = Data([0xCA, 0xC7, 0xD1, 0xCA, 0xB4, 0xD5])
        // Mostly Thai, so that the text takes three times the bytes it came in.
        let body =
            Data("<rss><channel><item><guid>1</guid><title>".utf8) + Data(Array(repeating: Array(thai), count: 40).joined())
            + Data("</title></item></channel></rss>".utf8)
        let feed = FeedDefinition(id: "th", kind: .post, format: .rss, url: "file:///th.xml")
        let result = try RSSParser(feed: feed).parseReporting(body, contentType: "text/xml; charset=TIS-620")
        #expect(result.items.first?.title == String(repeating: "สวัสดี", count: 40) && !result.isRecovered)
    }

    @Test(arguments: [
        // Undeclared legacy charsets, guessed by uchardet (the texts: a wage complaint each).
        (
            "pHWmYabRwfOp7KTtp9qtzKRUrdOk66q6pHW46qFBqOyye6ZiwdmoU6aztW+p8aFBpHWkSK3Ms6Or3LXbq+ahQb3QprPD9rOhqvnAsKajs0KyerNvpfOoxrGhoUM=",
            "工地老闆拖欠我們三個月的工資", "BIG5"
        ),
        (
            "sMe8syDH9sDlv6G8rSCz67W/wNq16cDHIMDTsd3AzCC8riC03sKwILnQt8EgwNa9wLTPtNkuILD8sOggseKw/MDHILW1v/LAuyC/5MO7x9W0z7TZLg==",
            "건설 현장에서 노동자들의 임금이", "EUC-KR|CP949"
        ),
        (
            "jJqQ3Yy7j+qCxZhKk62O0oLMksCL4IKqjk+CqYyOguCWopWlgqKCzILcgtyCxYK3gUKK1oxXi0CK1oLMkc6JnoLwgqiK6IKigrWC3IK3gUI=",
            "建設現場で労働者の賃金が", "SHIFT_JIS"
        ),
        (
            "xvzL3KTOz6vGr7zUpM/EwrbipM7MpMqnpKSky6TEpKSkxszyveqky8Hqw8ykt6TepLekv6GjtevOwaSsu7Ckq7fupOK72cqnpO+k7KTGpKSk3qS7pPOhow==",
            "日本の労働者は賃金の未払い", "EUC-JP"
        ),
    ])
    func anUndeclaredLegacyCharsetIsDetected(base64: String, start: String, charset: String) throws {
        let feed = FeedDefinition(id: "legacy", kind: .post, format: .rss, url: "file:///legacy.xml")
        let body =
            Data("<rss><channel><item><guid>1</guid><title>".utf8) + Data(base64Encoded: base64)!
            + Data("</title></item></channel></rss>".utf8)
        let result = try RSSParser(feed: feed).parseReporting(body)
        #expect(result.items.first?.title.hasPrefix(start) == true, "\(result.items.first?.title ?? "")")
        let found = result.encoding?.uppercased() ?? ""
        #expect(charset.split(separator: "|").contains { found.hasPrefix($0) }, "\(found)")
    }

    @Test func wideEncodingsWithoutABOMAndLatin1AsBrowsersReadIt() throws {
        let feed = FeedDefinition(id: "wide", kind: .post, format: .rss, url: "file:///wide.xml")
        let text = "<rss><channel><item><guid>1</guid><title>拖欠工资</title></item></channel></rss>"
        for (encoding, name) in [
            (String.Encoding.utf16LittleEndian, "UTF-16LE"), (.utf16BigEndian, "UTF-16BE"),
            (.utf32LittleEndian, "UTF-32LE"), (.utf32BigEndian, "UTF-32BE"),
        ] {
            let result = try RSSParser(feed: feed).parseReporting(try #require(text.data(using: encoding)))
            #expect(result.items.first?.title == "拖欠工资", "\(name)")
            #expect(result.encoding == "\(name)（无 BOM）")
        }
        // Labelled ISO-8859-1, the curly quotes and dash of windows-1252 (0x93, 0x94, 0x96).
        let latin =
            Data("<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><rss><channel><item><guid>1</guid><title>".utf8)
            + Data([0x93, 0x57, 0x61, 0x67, 0x65, 0x73, 0x94, 0x20, 0x96, 0x20, 0xE9])
            + Data("</title></item></channel></rss>".utf8)
        let result = try RSSParser(feed: feed).parseReporting(latin)
        #expect(result.items.first?.title == "\u{201C}Wages\u{201D} \u{2013} é")
        // A declared windows-1252 or ISO-8859-7 is read, not refused.
        let greek =
            Data("<?xml version=\"1.0\" encoding=\"ISO-8859-7\"?><rss><channel><item><guid>1</guid><title>".utf8)
            + Data([0xCC, 0xE9, 0xF3, 0xE8, 0xFC, 0xF2]) + Data("</title></item></channel></rss>".utf8)
        #expect(try RSSParser(feed: feed).parseReporting(greek).items.first?.title == "Μισθός")
    }

    @Test func elementsNestedInAnItemDoNotGiveItTheirFields() throws {
        let feed = FeedDefinition(id: "nested", kind: .post, format: .rss, url: "https://rsshub.example/n")
        let body = """
            <rss><channel><title>t</title><item><title>工资没发</title><guid>g-1</guid><link>https://a.example/1</link>
            <image><title>图</title><link>https://img.example/</link></image>
            <source url="https://other.example/feed"><title>别的源</title></source>
            <description>正文</description></item></channel></rss>
            """
        let item = try #require(try RSSParser(feed: feed).parse(Data(body.utf8)).first)
        #expect(item.title == "工资没发" && item.url == "https://a.example/1" && item.sourceKey == "g-1")
    }

    @Test func anAtomEntrysSourceAndContributorGiveItNoFields() throws {
        let feed = FeedDefinition(id: "nested-atom", kind: .post, format: .atom, url: "https://rsshub.example/a")
        // The <source> and <contributor> come first: their fields must not become the entry's.
        let body = """
            <feed xmlns="http://www.w3.org/2005/Atom"><title>t</title><entry>
            <source><id>urn:other-feed</id><title>别的源</title><updated>2020-01-01T00:00:00Z</updated>
            <link rel="alternate" href="https://other.example/"/><author><name>别的作者</name></author></source>
            <contributor><name>转发者</name></contributor>
            <id>urn:entry-1</id><title>工资没发</title><updated>2025-01-03T08:00:00Z</updated>
            <link rel="alternate" href="https://a.example/1"/><author><name>工友</name></author>
            <content type="text">正文</content></entry></feed>
            """
        let items = try AtomParser(feed: feed).parse(Data(body.utf8))
        let item = try #require(items.first)
        #expect(items.count == 1)
        #expect(item.sourceKey == "urn:entry-1" && item.title == "工资没发" && item.url == "https://a.example/1")
        #expect(item.author == "工友" && item.content == "正文")
        #expect(item.publishedAt == DateParsing.date(from: "2025-01-03T08:00:00Z"))
    }

    @Test func theFormatIsGuessedFromTheBody() {
        func guess(_ text: String) -> FeedFormat? { FeedSniffer.format(of: Data(text.utf8)) }
        #expect(guess("\u{FEFF}<?xml version=\"1.0\"?>\n<rss version=\"2.0\"><channel/></rss>") == .rss)
        #expect(guess("<rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\"></rdf:RDF>") == .rss)
        #expect(guess("<feed xmlns=\"http://www.w3.org/2005/Atom\"></feed>") == .atom)
        #expect(guess("{\"version\": \"https://jsonfeed.org/version/1.1\", \"items\": []}") == .jsonFeed)
        #expect(guess("{\"id\": \"1\", \"被反映对象\": \"某公司\"}\n") == .petitionNDJSON)
        #expect(guess("{\"id\": \"p1\", \"platform\": \"weibo\", \"text\": \"工资没发\"}\n") == .postNDJSON)
        #expect(guess("编号,受理时间,诉求内容\n1,2025-01-03,欠薪\n") == .petitionCSV)
        #expect(guess("<html><body>login</body></html>") == nil)
    }
}
