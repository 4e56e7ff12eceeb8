/// Finds personal numbers in free text and masks them for readers who may not see them:
/// mobile phone numbers, 18-digit resident ID numbers (with a valid check digit)
/// and bank card numbers (16 to 19 digits passing the Luhn check).
public enum PersonalDataMasker {
    /// The kinds of personal number found in text.
    public enum Kind: String, Sendable, CaseIterable {
        case phone, idNumber = "id_number", bankCard = "bank_card"
    }

    /// `text` with every personal number masked: 139****5678, 110101********0019, ************1234.
    public static func mask(_ text: String) -> String {
        guard text.contains(where: { $0.isASCII && $0.isNumber }) else { return text }
        var result = ""
        var run = ""
        func flush() {
            result += maskRun(run)
            run = ""
        }
        for character in text {
            if character.isASCII && (character.isNumber || ((character == "X" || character == "x") && run.count == 17)) {
                run.append(character)
            } else {
                flush()
                result.append(character)
            }
        }
        flush()
        return result
    }

    /// The kinds of personal number in `text`, for tests and audit.
    public static func kinds(in text: String) -> [Kind] {
        var found: [Kind] = []
        var run = ""
        for character in text + " " {
            if character.isASCII && (character.isNumber || ((character == "X" || character == "x") && run.count == 17)) {
                run.append(character)
            } else {
                if let kind = kind(of: run) { found.append(kind) }
                run = ""
            }
        }
        return found
    }

    static func kind(of run: String) -> Kind? {
        let digits = Array(run)
        if digits.count == 11, digits[0] == "1", ("3"..."9").contains(digits[1]) { return .phone }
        // An ID number with a wrong check digit is usually a typo of a real one: mask it too
        // when its birth date is plausible.
        if digits.count == 18, isValidIDNumber(digits) || hasPlausibleBirthDate(digits) { return .idNumber }
        if (16...19).contains(digits.count), digits.allSatisfy(\.isNumber), passesLuhn(digits) { return .bankCard }
        return nil
    }

    private static func maskRun(_ run: String) -> String {
        guard let kind = kind(of: run) else { return run }
        let characters = Array(run)
        switch kind {
        case .phone:
            return String(characters[0..<3]) + "****" + String(characters[7...])
        case .idNumber:
            return String(characters[0..<6]) + "********" + String(characters[14...])
        case .bankCard:
            return String(repeating: "*", count: characters.count - 4) + String(characters.suffix(4))
        }
    }

    /// GB 11643: weights 7 9 10 5 8 4 2 1 6 3 7 9 10 5 8 4 2, check digits 1 0 X 9 8 7 6 5 4 3 2.
    static func isValidIDNumber(_ digits: [Character]) -> Bool {
        let weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
        let checks: [Character] = ["1", "0", "X", "9", "8", "7", "6", "5", "4", "3", "2"]
        var sum = 0
        for index in 0..<17 {
            guard let value = digits[index].wholeNumberValue else { return false }
            sum += value * weights[index]
        }
        return Character(digits[17].uppercased()) == checks[sum % 11]
    }

    static func hasPlausibleBirthDate(_ digits: [Character]) -> Bool {
        guard let year = Int(String(digits[6..<10])), let month = Int(String(digits[10..<12])),
              let day = Int(String(digits[12..<14])) else { return false }
        return (1900...2100).contains(year) && (1...12).contains(month) && (1...31).contains(day)
    }

    static func passesLuhn(_ digits: [Character]) -> Bool {
        var sum = 0
        for (offset, character) in digits.reversed().enumerated() {
            guard var value = character.wholeNumberValue else { return false }
            if offset % 2 == 1 {
                value *= 2
                if value > 9 { value -= 9 }
            }
            sum += value
        }
        return sum % 10 == 0
    }
}
