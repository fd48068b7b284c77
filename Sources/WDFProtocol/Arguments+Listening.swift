import WDFCore

extension Arguments {
    /// `speed`: `speed` (0.5…3.0) or `by` (±), both in steps of 0.05; neither shows it.
    func speedRequest() throws(WireError) -> Command.SpeedRequest {
        let speed = try step("speed")
        let by = try step("by")
        switch (speed, by) {
        case (nil, nil):
            return .show
        case let (speed?, nil):
            guard speed >= 0.5 - 1e-9, speed <= 3 + 1e-9, let steps = Self.steps(speed) else {
                throw .badArgument("\"speed\" must be between 0.5 and 3.0 in steps of 0.05 (1.25, 1.5, 2), not \(Self.shown(speed)).")
            }
            return .set(Double(steps) / 20)
        case let (nil, by?):
            guard by != 0, abs(by) <= 2.5 + 1e-9, let steps = Self.steps(by) else {
                throw .badArgument("\"by\" must be a change of speed in steps of 0.05 up to 2.5 either way (0.1, -0.25), not \(Self.shown(by)).")
            }
            return .by(Double(steps) / 20)
        default:
            throw .badArgument("speed takes \"speed\" (0.5 to 3.0) or \"by\" (a change, + or -), not both.")
        }
    }

    /// `silence`: `mode` off, mild, medium or strong (any case); none shows it.
    func silenceMode() throws(WireError) -> SilenceMode? {
        guard let name = try string("mode") else { return nil }
        guard let mode = SilenceMode(rawValue: name.lowercased()) else {
            throw .badArgument("\"mode\" must be off, mild, medium or strong, not \(ConfigValue.quoted(name)).")
        }
        return mode
    }

    /// A plain finite number (not seconds).
    private func step(_ key: String) throws(WireError) -> Double? {
        guard let value = body[key], !value.isNull else { return nil }
        guard let n = value.doubleValue, n.isFinite else {
            throw .badArgument("\"\(key)\" must be a number, not \(value.kindName).")
        }
        return n
    }

    /// `value` in twentieths, when it is a whole number of them (within rounding).
    private static func steps(_ value: Double) -> Int? {
        guard abs(value) <= 100 else { return nil }
        let twentieths = (value * 20).rounded()
        guard abs(twentieths - value * 20) < 1e-6 else { return nil }
        return Int(exactly: twentieths)
    }

    private static func shown(_ value: Double) -> String {
        JSON.number(value).serialized
    }
}
