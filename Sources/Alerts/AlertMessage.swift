import CLibCrypto
import Foundation
import Model

/// One HTTP request a channel is sent: where, with which headers, what body.
public struct AlertRequest: Sendable, Equatable {
    public var url: String
    public var headers: [(String, String)]
    public var body: [UInt8]

    public static func == (lhs: AlertRequest, rhs: AlertRequest) -> Bool {
        lhs.url == rhs.url && lhs.body == rhs.body && lhs.headers.map { "\($0.0):\($0.1)" } == rhs.headers.map { "\($0.0):\($0.1)" }
    }
}

/// An event made into what each kind of webhook expects.
public enum AlertMessage {
    /// The request that carries `event` to `channel` (a webhook: 企业微信, 钉钉 or generic),
    /// its `${NAME}` parts read from `environment` now; `now` signs 钉钉's.
    public static func request(
        _ event: AlertEvent, to channel: AlertConfig.Channel, environment: [String: String], now: Date
    ) throws -> AlertRequest {
        let url = try AlertSecrets.resolve(channel.url, environment: environment)
        let text = channel.personalData ? (event.personalText ?? event.text) : event.text
        let heading = "【\(label(of: event))】\(markdownSafe(event.title))"
        let footer =
            "\n\n> 事件 \(event.id)" + (event.thread.map { "\n> 续报，首报事件 \($0)" } ?? "")
            + (event.link.map { "\n> 页面 \($0)" } ?? "")
        // The robots take a few kilobytes of markdown (企业微信 4,096 bytes): a long text
        // (the 日报's) is cut, and its page named.
        let budget = (channel.kind == .wecom ? 4_000 : 18_000) - heading.utf8.count - footer.utf8.count - 16
        let markdown = "### \(heading)\n\n\(cut(markdownSafe(text), toBytes: budget))\(footer)"
        var headers = [("Content-Type", "application/json; charset=utf-8")]
        switch channel.kind {
        case .wecom:
            let body = json(["msgtype": .string("markdown"), "markdown": .object(["content": .string(markdown)])])
            return AlertRequest(url: url, headers: headers, body: body)
        case .dingtalk:
            let secret = try AlertSecrets.resolve(channel.secret ?? "", environment: environment)
            let timestamp = Int64((now.timeIntervalSince1970 * 1000).rounded(.down))
            let sign = dingTalkSignature(secret: secret, timestamp: timestamp)
            let separator = url.contains("?") ? "&" : "?"
            let signed = url + separator + "timestamp=\(timestamp)&sign=" + sign.percentEncodedUnreserved
            let body = json([
                "msgtype": .string("markdown"),
                "markdown": .object(["title": .string("\(event.kind.label)：\(event.title)"), "text": .string(markdown)]),
            ])
            return AlertRequest(url: signed, headers: headers, body: body)
        case .webhook:
            var fields: [String: String] = [
                "id": event.id, "kind": event.kind.rawValue, "level": event.level.rawValue, "title": event.title, "text": text,
                "at": ISO8601DateFormatter().string(from: event.at),
            ]
            fields["story"] = event.story
            fields["department"] = event.department
            fields["township"] = event.township
            fields["link"] = event.link
            fields["thread"] = event.thread
            let body = json(fields.mapValues(JSONValue.string))
            headers.append(("X-Event-Id", event.id))
            headers.append(("Idempotency-Key", event.id))
            if let secret = channel.secret {
                let key = try AlertSecrets.resolve(secret, environment: environment)
                headers.append(("X-Signature", "sha256=" + hex(hmacSHA256(key: Array(key.utf8), message: body))))
            }
            return AlertRequest(url: url, headers: headers, body: body)
        case .smtp:
            // E-mail is a message of its own (`AlertMail`), never an HTTP request.
            throw AlertPoster.Failure(description: "channel \(channel.id) is e-mail: sent by AlertMail, not posted")
        }
    }

    /// The bracketed label of a message: its kind and level, and 续报 for an update of a
    /// story already told.
    public static func label(of event: AlertEvent) -> String {
        "\(event.kind.label)·\(event.level.label)" + (event.thread == nil ? "" : "·续报")
    }

    /// `text` in at most `limit` bytes of UTF-8, cut at a line or character and marked.
    static func cut(_ text: String, toBytes limit: Int) -> String {
        guard text.utf8.count > limit else { return text }
        let mark = "\n……（余下见页面）"
        var kept = ""
        var used = 0
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            let size = line.utf8.count + 1
            guard used + size + mark.utf8.count <= limit else { break }
            kept += (kept.isEmpty && used == 0 ? "" : "\n") + line
            used += size
        }
        if kept.isEmpty {
            for character in text {
                guard used + character.utf8.count + mark.utf8.count <= limit else { break }
                kept.append(character)
                used += character.utf8.count
            }
        }
        return kept + mark
    }

    /// 钉钉's signature: base64 of HMAC-SHA256 over "timestamp\nsecret", keyed by the secret.
    public static func dingTalkSignature(secret: String, timestamp: Int64) -> String {
        Data(hmacSHA256(key: Array(secret.utf8), message: Array("\(timestamp)\n\(secret)".utf8))).base64EncodedString()
    }

    /// HMAC-SHA256 (libcrypto's).
    public static func hmacSHA256(key: [UInt8], message: [UInt8]) -> [UInt8] {
        var digest = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        var length: UInt32 = 0
        key.withUnsafeBufferPointer { keyBytes in
            message.withUnsafeBufferPointer { messageBytes in
                _ = HMAC(
                    EVP_sha256(), keyBytes.baseAddress, Int32(keyBytes.count), messageBytes.baseAddress, messageBytes.count,
                    &digest, &length)
            }
        }
        return Array(digest.prefix(Int(length)))
    }

    public static func hex(_ bytes: [UInt8]) -> String { bytes.map { String(format: "%02x", $0) }.joined() }

    /// Posts and petitions are untrusted: in a markdown message they may not make links,
    /// images or markup (the brackets become their full-width forms).
    static func markdownSafe(_ text: String) -> String {
        var out = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            switch scalar {
            case "[": out.append("［")
            case "]": out.append("］")
            case "<": out.append("＜")
            case ">": out.append("＞")
            case "`": out.append("｀")
            case "!": out.append("！")
            default: out.append(scalar)
            }
        }
        return String(out)
    }

    /// A message body's values: texts, and objects of them.
    indirect enum JSONValue {
        case string(String)
        case object([String: JSONValue])
    }

    /// `object` as JSON, keys sorted, written directly: JSONSerialization casts every
    /// value at run time, which cost more than the rest of a message's making.
    static func json(_ object: [String: JSONValue]) -> [UInt8] {
        var out = ""
        write(.object(object), to: &out)
        return Array(out.utf8)
    }

    private static func write(_ value: JSONValue, to out: inout String) {
        switch value {
        case .string(let text): JSONString.appendQuoted(text, to: &out)
        case .object(let fields):
            out += "{"
            for (index, key) in fields.keys.sorted().enumerated() {
                if index > 0 { out += "," }
                JSONString.appendQuoted(key, to: &out)
                out += ":"
                // swift-format-ignore: NeverForceUnwrap
                // (a key of fields)
                write(fields[key]!, to: &out)
            }
            out += "}"
        }
    }
}
