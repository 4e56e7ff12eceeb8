import Foundation
import Model
import Register
import Store

extension Monitor {
    /// This store's register and daily list of `asOf`, rolled up for the province as the
    /// city `code` (`name`).
    public func cityRollup(code: String, name: String, asOf: Day, now: Date = Date()) async throws -> CityRollup {
        let (register, brief) = try await registerAndBrief(asOf: asOf, now: now)
        return CityRollup(code: code, name: name, register: register, brief: brief, madeAt: now)
    }

    /// The roll-up of every city of `province`, each city's register made from its own
    /// store (`cities`, in the file's order), one city at a time. A city whose store cannot
    /// be read is listed with the reason, never left out.
    public static func provinceRollup(
        _ province: ProvinceConfig, cities: [Result<Monitor, any Error>], asOf: Day, now: Date = Date()
    ) async -> ProvinceRollup {
        var rollups: [CityRollup] = []
        for (city, monitor) in zip(province.cities, cities) {
            do {
                rollups.append(try await monitor.get().cityRollup(code: city.code, name: city.name, asOf: asOf, now: now))
            } catch {
                rollups.append(CityRollup(code: city.code, name: city.name, failure: Self.plainFailure(error)))
            }
        }
        return ProvinceRollup(province: province.name, asOf: asOf, cities: rollups)
    }

    /// What a roll-up says of a city that could not be read: the store's words, never a
    /// value it holds or the SQL it ran.
    static func plainFailure(_ error: any Error) -> String {
        if let plain = StoreError.plainMessage(for: error) { return plain }
        if let store = error as? StoreError {
            if case .corruptValue(let column, _) = store { return "the database holds an unreadable value in column \(column)" }
            return "\(store)"
        }
        return "\(error)"
    }
}
