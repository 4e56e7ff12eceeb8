import CCurl
import Foundation
import Model

/// An alert as an e-mail: a MIME message (RFC 5322 headers, the subject encoded per
/// RFC 2047, a plain-text and an HTML body, files attached), and its sending over SMTP
/// through libcurl (smtp:// with STARTTLS where the server offers it — required when
/// the channel logs in — or smtps://).
public enum AlertMail {
    /// The message's bytes, lines ended by CRLF; the event's files attached; an update of
    /// a story threaded under the story's first message (`In-Reply-To`, `References`).
    public static func message(_ event: AlertEvent, channel: AlertConfig.Channel, now: Date) -> [UInt8] {
        let text = channel.personalData ? (event.personalText ?? event.text) : event.text
        let subject = "【\(AlertMessage.label(of: event))】\(event.title)"
        let plain = "\(subject)\n\n\(text)\n\n事件 \(event.id)" + (event.link.map { "\n页面 \($0)" } ?? "") + "\n"
        let html = """
            <!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><title>\(escaped(subject))</title></head><body>
            <h2>\(escaped(subject))</h2><p>\(escaped(text).replacingOccurrences(of: "\n", with: "<br>"))</p>
            <p style="color:#666">事件 \(escaped(event.id))\(event.link.map { " · 页面 " + escaped($0) } ?? "")</p></body></html>
            """
        let digest = messageDigest(event.id)
        let mixed = "wagewatch-mixed-\(digest.prefix(16))"
        let alternative = "wagewatch-alt-\(digest.prefix(16))"
        var lines: [String] = [
            "From: \(channel.from ?? "")",
            "To: \(channel.to.joined(separator: ", "))",
            "Subject: \(encodedWords(subject))",
            "Date: \(rfc5322Date(now))",
            "Message-ID: <\(digest.prefix(32))@wagewatch>",
        ]
        if let thread = event.thread {
            let root = "<\(messageDigest(thread).prefix(32))@wagewatch>"
            lines += ["In-Reply-To: \(root)", "References: \(root)"]
        }
        lines += [
            "X-Event-Id: \(event.id.percentEncodedUnreserved)",
            "MIME-Version: 1.0",
            "Content-Type: multipart/mixed; boundary=\"\(mixed)\"",
            "",
            "--\(mixed)",
            "Content-Type: multipart/alternative; boundary=\"\(alternative)\"",
            "",
            "--\(alternative)",
            "Content-Type: text/plain; charset=UTF-8",
            "Content-Transfer-Encoding: base64",
            "",
            base64Lines(Array(plain.utf8)),
            "--\(alternative)",
            "Content-Type: text/html; charset=UTF-8",
            "Content-Transfer-Encoding: base64",
            "",
            base64Lines(Array(html.utf8)),
            "--\(alternative)--",
        ]
        for file in event.attachments ?? [] {
            // An ASCII name as it is; any other in RFC 2231's form only (a reader takes the
            // first name it finds, so the two are not given together).
            let plainName = file.name.unicodeScalars.allSatisfy { $0.isASCII && $0.value > 0x20 && !"\"\\;".unicodeScalars.contains($0) }
            let nameParameter =
                plainName && !file.name.isEmpty ? "filename=\"\(file.name)\"" : "filename*=UTF-8''\(file.name.percentEncodedUnreserved)"
            lines += [
                "--\(mixed)",
                "Content-Type: \(file.mediaType)" + (plainName && !file.name.isEmpty ? "; name=\"\(file.name)\"" : ""),
                "Content-Disposition: attachment; \(nameParameter)",
                "Content-Transfer-Encoding: base64",
                "",
                base64Lines([UInt8](file.bytes)),
            ]
        }
        lines.append("--\(mixed)--")
        return Array((lines.joined(separator: "\r\n") + "\r\n").utf8)
    }

    /// RFC 2047 encoded-words (UTF-8, base64), each at most 75 characters, folded onto
    /// continuation lines; a character's bytes are never split between two words.
    public static func encodedWords(_ text: String) -> String {
        var words: [String] = []
        var chunk: [UInt8] = []
        for character in text {
            let bytes = Array(String(character).utf8)
            if chunk.count + bytes.count > 45 {
                words.append("=?UTF-8?B?" + Data(chunk).base64EncodedString() + "?=")
                chunk = []
            }
            chunk += bytes
        }
        if !chunk.isEmpty || words.isEmpty { words.append("=?UTF-8?B?" + Data(chunk).base64EncodedString() + "?=") }
        return words.joined(separator: "\r\n ")
    }

    /// A message's id part for an event: the same event, the same Message-ID (a repeated
    /// delivery is seen as the same mail).
    static func messageDigest(_ id: String) -> String {
        AlertMessage.hex(AlertMessage.hmacSHA256(key: Array("wagewatch".utf8), message: Array(id.utf8)))
    }

    static func base64Lines(_ bytes: [UInt8]) -> String {
        let encoded = Data(bytes).base64EncodedString()
        var lines: [Substring] = []
        var rest = Substring(encoded)
        while !rest.isEmpty {
            lines.append(rest.prefix(76))
            rest = rest.dropFirst(76)
        }
        return lines.joined(separator: "\r\n")
    }

    static func escaped(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }

    static func rfc5322Date(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "Asia/Shanghai")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss Z"
        return formatter.string(from: date)
    }

    /// Whether `address` is a plain mailbox (`name@host`): nothing that could end a header
    /// line or hold a second address.
    public static func isPlainAddress(_ address: String) -> Bool {
        let parts = address.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else { return false }
        return address.unicodeScalars.allSatisfy { $0.isASCII && $0.value > 0x20 && !"<>()[],;:\\\"".unicodeScalars.contains($0) }
    }

    /// What the SMTP server said.
    public struct Sent: Sendable, Equatable {
        /// The server's last reply code (250 when it took the message).
        public var code: Int
    }

    /// Sends `message` from `from` to `to` through the server at `url` (already resolved).
    /// - Throws: `AlertPoster.Failure` with libcurl's reason and the server's code, never
    ///   the password.
    public static func send(
        _ message: [UInt8], url: String, from: String, to: [String], user: String?, password: String?, timeout: Int = 30
    ) throws(AlertPoster.Failure) -> Sent {
        guard let handle = curl_easy_init() else { throw AlertPoster.Failure(description: "libcurl could not start a transfer") }
        let source = Source(bytes: message)
        var recipients: UnsafeMutablePointer<curl_slist>?
        let errorBuffer = UnsafeMutablePointer<CChar>.allocate(capacity: Int(CURL_ERROR_SIZE) + 1)
        errorBuffer.initialize(repeating: 0, count: Int(CURL_ERROR_SIZE) + 1)
        defer {
            curl_easy_cleanup(handle)
            curl_slist_free_all(recipients)
            errorBuffer.deallocate()
        }
        ww_easy_setopt_string(handle, CURLOPT_URL, url)
        ww_easy_setopt_string(handle, CURLOPT_PROTOCOLS_STR, "smtp,smtps")
        ww_easy_setopt_long(handle, CURLOPT_CONNECTTIMEOUT, min(10, timeout))
        ww_easy_setopt_long(handle, CURLOPT_TIMEOUT, timeout)
        ww_easy_setopt_long(handle, CURLOPT_NOSIGNAL, 1)
        // STARTTLS where the server offers it; required when a password is sent.
        let loggingIn = user != nil || password != nil
        ww_easy_setopt_long(handle, CURLOPT_USE_SSL, Int(loggingIn ? CURLUSESSL_ALL.rawValue : CURLUSESSL_TRY.rawValue))
        if let user { ww_easy_setopt_string(handle, CURLOPT_USERNAME, user) }
        if let password { ww_easy_setopt_string(handle, CURLOPT_PASSWORD, password) }
        ww_easy_setopt_string(handle, CURLOPT_MAIL_FROM, "<\(from)>")
        for address in to { recipients = curl_slist_append(recipients, "<\(address)>") }
        ww_easy_setopt_slist(handle, CURLOPT_MAIL_RCPT, recipients)
        ww_easy_setopt_long(handle, CURLOPT_UPLOAD, 1)
        ww_easy_setopt_off_t(handle, CURLOPT_INFILESIZE_LARGE, curl_off_t(message.count))
        ww_easy_setopt_pointer(handle, CURLOPT_ERRORBUFFER, errorBuffer)
        ww_easy_setopt_data_callback(handle, CURLOPT_READFUNCTION) { buffer, size, count, context in
            // swift-format-ignore: NeverForceUnwrap
            // (libcurl passes back the CURLOPT_READDATA pointer set below)
            let source = Unmanaged<Source>.fromOpaque(context!).takeUnretainedValue()
            guard let buffer else { return 0 }
            let length = min(size * count, source.bytes.count - source.offset)
            source.bytes.withUnsafeBufferPointer { bytes in
                guard let base = bytes.baseAddress, length > 0 else { return }
                UnsafeMutableRawPointer(buffer).copyMemory(from: base + source.offset, byteCount: length)
            }
            source.offset += length
            return length
        }
        ww_easy_setopt_pointer(handle, CURLOPT_READDATA, Unmanaged.passUnretained(source).toOpaque())
        let code = curl_easy_perform(handle)
        var reply = 0
        ww_easy_getinfo_long(handle, CURLINFO_RESPONSE_CODE, &reply)
        guard code == CURLE_OK else {
            let detail = String(cString: errorBuffer)
            throw AlertPoster.Failure(
                description: (detail.isEmpty ? String(cString: curl_easy_strerror(code)) : detail) + (reply > 0 ? "（SMTP \(reply)）" : ""),
                smtpCode: reply)
        }
        return Sent(code: reply)
    }

    private final class Source {
        let bytes: [UInt8]
        var offset = 0

        init(bytes: [UInt8]) {
            self.bytes = bytes
        }
    }
}
