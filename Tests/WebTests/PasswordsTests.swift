import Testing
import Web

@Suite struct PasswordsTests {
    @Test func aPasswordVerifiesAgainstItsHashAndNoOther() throws {
        let hash = try Passwords.hash("正确的马和电池订书钉")
        #expect(hash.hasPrefix("$2b$12$") && !hash.contains("电池"))
        #expect(Passwords.verify("正确的马和电池订书钉", against: hash))
        #expect(!Passwords.verify("正确的马和电池订书针", against: hash))
        // The same password twice: two salts, two hashes, both verify.
        let again = try Passwords.hash("正确的马和电池订书钉")
        #expect(again != hash && Passwords.verify("正确的马和电池订书钉", against: again))
    }

    @Test func shortPasswordsAndThoseBcryptWouldCutAreRefused() {
        #expect(throws: Passwords.Refusal.tooShort(minimum: 10)) { try Passwords.hash("123456789") }
        // 25 Chinese characters are 75 UTF-8 bytes: bcrypt would read only the first 72.
        #expect(throws: Passwords.Refusal.tooLong(maximumBytes: 72)) {
            try Passwords.hash(String(repeating: "欠", count: 25))
        }
    }
}
