import Foundation
import Ingest
import Model
import Testing

@Suite struct XMLPreparationTests {
    let feed = FeedDefinition(id: "gbk-feed", kind: .post, format: .rss, url: "file:///f")

    func rss(declaring encoding: String, item: String) -> String {
        "<?xml version=\"1.0\" encoding=\"\(encoding)\"?><rss version=\"2.0\"><channel><title>t</title><item><guid>1</guid><description>\(item)</description></item></channel></rss>"
    }

    func encoded(_ text: String, as encoding: String) throws -> Data {
        // Encode with iconv through Python-free means: Foundation knows UTF-16; GB18030 goes through a fixture-free round trip.
        switch encoding {
        case "utf-16le":
            return Data([0xFF, 0xFE]) + text.data(using: .utf16LittleEndian)!
        default:
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/iconv")
            process.arguments = ["-f", "UTF-8", "-t", encoding]
            let input = Pipe()
            let output = Pipe()
            process.standardInput = input
            process.standardOutput = output
            try process.run()
            input.fileHandleForWriting.write(Data(text.utf8))
            try input.fileHandleForWriting.close()
            let data = output.fileHandleForReading.readDataToEndOfFile()
            process.waitUntilExit()
            return data
        }
    }

    @Test func gbkDeclaredAsGB2312IsReadAsGB18030() throws {
        // 镕 is outside GB2312 but inside GBK: a feed that declares gb2312 and writes GBK.
        let data = try encoded(rss(declaring: "gb2312", item: "朱镕基路工地拖欠工资"), as: "GBK")
        let items = try RSSParser(feed: feed).parse(data)
        #expect(items.first?.content == "朱镕基路工地拖欠工资")
    }

    @Test func aCharsetOnlyInContentTypeIsUsed() throws {
        let text = "<rss version=\"2.0\"><channel><item><guid>1</guid><description>討薪無門</description></item></channel></rss>"
        let data = try encoded(text, as: "BIG5")
        let items = try RSSParser(feed: feed).parse(data, contentType: "application/rss+xml; charset=Big5")
        #expect(items.first?.content == "討薪無門")
    }

    @Test func utf16WithAByteOrderMarkAndUTF8DeclaredOtherwise() throws {
        let utf16 = try encoded(rss(declaring: "UTF-16", item: "工资没发"), as: "utf-16le")
        #expect(try RSSParser(feed: feed).parse(utf16).first?.content == "工资没发")
        // Already UTF-8 although declared GBK: not decoded twice.
        let mislabelled = Data(rss(declaring: "GBK", item: "工资没发").utf8)
        #expect(try RSSParser(feed: feed).parse(mislabelled).first?.content == "工资没发")
    }

    @Test func htmlEntitiesBareAmpersandsAndControlCharactersAreRepaired() throws {
        let xml =
            "<rss version=\"2.0\"><channel><item><guid>1</guid><title>欠薪&nbsp;&mdash;求助</title><description>A&B公司\u{0001}拖欠工资 &amp; 材料款</description></item></channel></rss>"
        let result = try RSSParser(feed: feed).parseReporting(Data(xml.utf8))
        #expect(result.isRecovered)
        #expect(result.items.first?.title == "欠薪\u{00A0}—求助")
        #expect(result.items.first?.content == "A&B公司拖欠工资 & 材料款")
        let clean = try RSSParser(feed: feed).parseReporting(Data(rss(declaring: "UTF-8", item: "工资没发").utf8))
        #expect(!clean.isRecovered)
        // Any named reference of HTML, not only the common ones.
        let accented = "<rss><channel><item><guid>1</guid><title>caf&eacute; &frac34;</title></item></channel></rss>"
        #expect(try RSSParser(feed: feed).parseReporting(Data(accented.utf8)).items.first?.title == "café ¾")
        // A bare & inside a comment is allowed by XML: nothing to repair.
        let commented = "<rss><channel><!-- A & B --><item><guid>1</guid><title>工资没发</title></item></channel></rss>"
        #expect(try !RSSParser(feed: feed).parseReporting(Data(commented.utf8)).isRecovered)
    }

    @Test func entityDeclarationsAreRefusedAtOnce() {
        let laughs = """
            <?xml version="1.0"?>
            <!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
            <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
            <rss version="2.0"><channel><item><description>&lol3;</description></item></channel></rss>
            """
        let external = """
            <?xml version="1.0"?><!DOCTYPE r [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
            <rss version="2.0"><channel><item><description>&xxe;</description></item></channel></rss>
            """
        // Disguises that a check made before the repair, or one that follows the
        // prolog's structure, would let through: a control character inside the
        // keyword (dropped by the repair), a `<` inside a quoted literal.
        let hiddenByControl =
            "<?xml version=\"1.0\"?><!DOCTYPE r [<!EN\u{01}TITY xxe SYSTEM \"file:///etc/passwd\">]>"
            + "<rss><channel><item><description>&xxe;</description></item></channel></rss>"
        let afterLessThan =
            "<?xml version=\"1.0\"?><!DOCTYPE r SYSTEM \"a<b\" [<!ENTITY xxe SYSTEM \"file:///etc/passwd\">]>"
            + "<rss><channel><item><description>&xxe;</description></item></channel></rss>"
        let controlAfterBracket =
            "<?xml version=\"1.0\"?><!DOCTYPE r [<\u{01}!ENTITY xxe SYSTEM \"file:///etc/passwd\">]>"
            + "<rss><channel><item><description>&xxe;</description></item></channel></rss>"
        for document in [laughs, external, hiddenByControl, afterLessThan, controlAfterBracket] {
            #expect {
                try RSSParser(feed: feed).parse(Data(document.utf8))
            } throws: { error in
                guard case IngestError.malformedDocument(let source, _, _, let reason) = error else { return false }
                return source == "gbk-feed" && reason.contains("<!ENTITY")
            }
        }
    }
}
