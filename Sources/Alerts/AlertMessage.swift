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
        let heading = "【\(event.kind.label)·\(event.level.label)】\(markdownSafe(event.title))"
        let markdown = "### \(heading)\n\n\(markdownSafe(text))\n\n> 事件 \(event.id)" + (event.link.map { "\n> 页面 \($0)" } ?? "")
        var headers = [("Content-Type", "application/json; charset=utf-8")]
        switch channel.kind {
        case .wecom:
            let body = try json(["msgtype": "markdown", "markdown": ["content": markdown]])
            return AlertRequest(url: url, headers: headers, body: body)
        case .dingtalk:
            let secret = try AlertSecrets.resolve(channel.secret ?? "", environment: environment)
            let timestamp = Int64((now.timeIntervalSince1970 * 1000).rounded(.down))
            let sign = dingTalkSignature(secret: secret, timestamp: timestamp)
            let separator = url.contains("?") ? "&" : "?"
            let signed = url + separator + "timestamp=\(timestamp)&sign=" + sign.percentEncodedUnreserved
            let body = try json(["msgtype": "markdown", "markdown": ["title": "\(event.kind.label)：\(event.title)", "text": markdown]])
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
            let body = try json(fields)
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
        var out = ""
        for character in text {
            switch character {
            case "[": out += "［"
            case "]": out += "］"
            case "<": out += "＜"
            case ">": out += "＞"
            case "`": out += "｀"
            case "!": out += "！"
            default: out.append(character)
            }
        }
        return out
    }

    static func json(_ object: [String: Any]) throws -> [UInt8] {
        Array(try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes]))
    }
}
